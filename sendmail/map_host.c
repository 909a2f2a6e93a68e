/*
 * map_host.c: the host, bestmx and dns map classes (placeholder: answers
 * through resolve.c).
 */
#include <string.h>

#include "map.h"
#include "resolve.h"
#include "token.h"

static char *host_lookup(struct map *m, const char *key, char **args, int *stat)
{
	char buf[MAXNAME + 1];
	sm_strlcpy(buf, key, sizeof buf);
	int st = EX_OK_;
	if (!getcanonname(buf, sizeof buf, true, &st)) {
		*stat = st == EX_OK_ ? EX_NOTFOUND : st;
		return NULL;
	}
	if (m->flags & MF_MATCHONLY)
		return map_rewrite(m, key, strlen(key), NULL);
	return map_rewrite(m, buf, strlen(buf), args);
}

static bool host_parse(struct map *m, char *args)
{
	m->flags |= MF_DEFER;
	return map_parse_args(m, args);
}

const struct map_class HostMapClass = {
	"host", MCF_OPTFILE, host_parse, NULL, host_lookup, NULL, NULL,
};

static char *bestmx_lookup(struct map *m, const char *key, char **args, int *stat)
{
	char *mx[MAXMXHOSTS];
	unsigned short pref[MAXMXHOSTS];
	int rcode = 0;
	int n = getmxrr(key, mx, pref, MAXMXHOSTS, false, &rcode);
	if (n <= 0) {
		*stat = rcode ? rcode : EX_NOTFOUND;
		return NULL;
	}
	char *r = map_rewrite(m, mx[0], strlen(mx[0]), args);
	for (int i = 0; i < n; i++)
		sm_free(mx[i]);
	return r;
}

const struct map_class BestmxMapClass = {
	"bestmx", MCF_OPTFILE, map_parse_args, NULL, bestmx_lookup, NULL, NULL,
};

static char *dns_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)m, (void)key, (void)args;
	*stat = EX_NOTFOUND;
	return NULL;
}

const struct map_class DnsMapClass = {
	"dns", MCF_OPTFILE, map_parse_args, NULL, dns_lookup, NULL, NULL,
};
