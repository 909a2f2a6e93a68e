/*
 * map_host.c: the host, bestmx and dns map classes.
 *
 * host    canonifies the key through resolve.c (service switch, DNS,
 *         hosts file); a key in brackets is an address whose name is
 *         looked up.  Results, failures included, are cached per key
 *         (10 minutes, temporary failures 1) in one cache for all host
 *         maps, as sendmail keeps them in its symbol table, with the
 *         h_errno they left.
 * bestmx  the best MX host of the key (this host wins among the best),
 *         or all of them joined by the -z character.
 * dns     the records of one type (-R) of the key (+ -B domain): the
 *         first one, or with -z all of them joined (-Z caps the count).
 *
 * Lookup statuses: EX_NOHOST (68) when there is nothing, EX_TEMPFAIL
 * (75) when the name servers did not answer.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns.h"
#include "err.h"
#include "map.h"
#include "options.h"
#include "resolve.h"
#include "token.h"

/* the longest value bestmx builds from several records */
#define JOINED_MAX DNS_JOINED_MAX
#define HOST_CACHE_OK_TTL 600
#define HOST_CACHE_FAIL_TTL 60

static void tuning_of(const struct map *m, struct resolver_tuning *t)
{
	memset(t, 0, sizeof *t);
	t->retrans = m->timeout > 0 ? m->timeout : 0;
	t->retry = m->retry > 0 ? m->retry : 0;
}

/* ------------------------------------------------------------ host map */

struct host_cache_entry {
	char *value; /* NULL: failed with status */
	int status;
	int h_errno_after; /* dns_h_errno after the lookup, restored on a hit */
	time_t expires;
};

/*
 * One cache for every map of the host class, as sendmail keeps the
 * results in its symbol table: a name looked up through one host map is
 * not looked up again through another.  It lives as long as the process.
 */
static struct sm_hash HostCache; /* key (as given) -> struct host_cache_entry */
static bool HostCacheReady;

static void free_entry(void *p)
{
	struct host_cache_entry *e = p;
	if (e == NULL)
		return;
	sm_free(e->value);
	sm_free(e);
}

static struct sm_hash *host_cache(void)
{
	if (!HostCacheReady) {
		sm_hash_init(&HostCache, false);
		HostCacheReady = true;
	}
	return &HostCache;
}

void map_host_cache_clear(void)
{
	if (!HostCacheReady)
		return;
	sm_hash_free(&HostCache, free_entry);
	HostCacheReady = false;
}

static char *host_answer(struct map *m, const char *key, const struct host_cache_entry *e,
			 int *stat)
{
	if (e->value == NULL) {
		if (e->status == EX_TEMPFAIL_ && resolver_uses_dns())
			message("%s: Name server timeout", key);
		*stat = e->status;
		return NULL;
	}
	*stat = EX_OK_;
	if (m->flags & MF_MATCHONLY)
		return map_rewrite(m, key, strlen(key), NULL);
	return map_rewrite(m, e->value, strlen(e->value), NULL);
}

static char *host_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)args;
	struct sm_hash *cache = host_cache();
	time_t now = time(NULL);
	struct host_cache_entry *e = sm_hash_get(cache, key);
	if (e != NULL && now < e->expires) {
		/* h_errno becomes what it was after a failure, 0 after a success */
		dns_h_errno = e->h_errno_after;
		return host_answer(m, key, e, stat);
	}

	struct resolver_tuning t;
	tuning_of(m, &t);
	char buf[DNS_MAXNAME];
	int st = EX_OK_;
	bool ok;
	if (key[0] == '[') {
		/* no closing bracket: nothing found, nothing remembered */
		if (strchr(key, ']') == NULL) {
			*stat = EX_OK_;
			return NULL;
		}
		ok = getnamebyaddr_literal(key, buf, sizeof buf, &t, &st);
	} else {
		sm_strlcpy(buf, key, sizeof buf);
		ok = getcanonname_tuned(buf, sizeof buf, !resolver_wildcard_mx(), &t, &st);
	}
	struct host_cache_entry *ne = sm_calloc(1, sizeof *ne);
	ne->value = ok ? sm_strdup(buf) : NULL;
	ne->status = ok ? EX_OK_ : st;
	ne->h_errno_after = ok ? DNS_OK : dns_h_errno;
	ne->expires = now + (ok || st != EX_TEMPFAIL_ ? HOST_CACHE_OK_TTL : HOST_CACHE_FAIL_TTL);
	free_entry(sm_hash_put(cache, key, ne));
	return host_answer(m, key, ne, stat);
}

static bool host_parse(struct map *m, char *args)
{
	m->flags |= MF_DEFER;
	return map_parse_args(m, args);
}

const struct map_class HostMapClass = {
	"host", MCF_OPTFILE, host_parse, NULL, host_lookup, NULL, NULL,
};

/* ---------------------------------------------------------- bestmx map */

static char *bestmx_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)args;
	char *mx[MAXMXHOSTS];
	unsigned short pref[MAXMXHOSTS];
	int rcode = EX_OK_;
	struct resolver_tuning t;
	tuning_of(m, &t);
	t.nosearch = true;
	int n = getmxrr_tuned(key, mx, pref, MAXMXHOSTS, false, false, &t, &rcode);
	*stat = rcode;
	if (n == NULLMX) {
		*stat = EX_UNAVAILABLE_;
		return NULL;
	}
	if (n <= 0)
		return NULL;
	char *r;
	if (m->flags & MF_MATCHONLY) {
		r = map_rewrite(m, key, strlen(key), NULL);
	} else if (m->coldelim_char < 0) {
		r = map_rewrite(m, mx[0], strlen(mx[0]), NULL);
	} else {
		struct sm_buf b;
		sm_buf_init(&b);
		for (int i = 0; i < n; i++) {
			size_t l = strlen(mx[i]);
			if (i > 0) {
				if (b.len + 1 + l > JOINED_MAX)
					break;
				sm_buf_putc(&b, m->coldelim_char);
			}
			sm_buf_put(&b, mx[i], l);
		}
		r = map_rewrite(m, b.data, b.len, NULL);
		sm_buf_free(&b);
	}
	for (int i = 0; i < n; i++)
		sm_free(mx[i]);
	return r;
}

const struct map_class BestmxMapClass = {
	"bestmx", MCF_OPTFILE, map_parse_args, NULL, bestmx_lookup, NULL, NULL,
};

/* ------------------------------------------------------------- dns map */

/*
 * The dns map keeps its own settings in fields map.c owns and frees:
 * the -B domain in m->domain, the -R type and the -Z limit as text in
 * m->mopts ("type limit").
 */
static void dns_settings(const struct map *m, int *type, int *limit)
{
	*type = *limit = 0;
	if (m->mopts != NULL && sscanf(m->mopts, "%d %d", type, limit) != 2)
		*type = *limit = 0;
}

/* The word after a flag letter: attached ("-RA") or the next word ("-R A"). */
static char *flag_value(char **pp)
{
	char *p = *pp;
	if (*p == '\0' || sm_isspace((unsigned char)*p)) {
		while (sm_isspace((unsigned char)*p))
			p++;
	}
	char *v = p;
	while (*p != '\0' && !sm_isspace((unsigned char)*p))
		p++;
	char *r = sm_strndup(v, (size_t)(p - v));
	*pp = p;
	return r;
}

static bool dns_parse(struct map *m, char *args)
{
	int type = 0, limit = 0;
	/* take out -R, -B and -Z; hand the rest to the common parser */
	struct sm_buf rest;
	sm_buf_init(&rest);
	char *p = args;
	while (*p != '\0') {
		while (sm_isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (p[0] == '-' && (p[1] == 'R' || p[1] == 'B' || p[1] == 'Z')) {
			char f = p[1];
			p += 2;
			char *v = flag_value(&p);
			if (f == 'R') {
				int t = dns_type_from_name(v);
				if (t == 0 || t == DNS_T_SOA)
					syserr("dns map %s: wrong type %s", m->name, v);
				else
					type = t;
			} else if (f == 'B') {
				sm_free(m->domain);
				m->domain = sm_strdup(v);
			} else {
				limit = atoi(v);
			}
			sm_free(v);
			continue;
		}
		char *w = p;
		while (*p != '\0' && !sm_isspace((unsigned char)*p))
			p++;
		if (rest.len > 0)
			sm_buf_putc(&rest, ' ');
		sm_buf_put(&rest, w, (size_t)(p - w));
	}
	if (type == 0)
		syserr("dns map %s: missing -R type", m->name);
	sm_free(m->mopts);
	m->mopts = sm_asprintf("%d %d", type, limit);
	char *r = sm_buf_steal(&rest);
	bool ok = map_parse_args(m, r != NULL ? r : (char[]){""});
	sm_free(r);
	return ok;
}

/* the dns map reads answers of any size (UDP or TCP) whole */
#define DNS_MAP_ANSWER_SIZE DNS_MAXPACKET

static char *dns_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)args;
	int type, limit;
	dns_settings(m, &type, &limit);
	if (type == 0) {
		*stat = EX_NOTFOUND;
		return NULL;
	}
	/* key "." base, whatever dots either has (".x" or "x." make bad names) */
	const char *base = m->domain;
	char *name = base != NULL ? sm_asprintf("%s.%s", key, base) : sm_strdup(key);
	struct resolver_tuning t;
	tuning_of(m, &t);
	struct dns_params p;
	resolver_params(&t, &p);
	unsigned char *ans = sm_malloc(DNS_MAP_ANSWER_SIZE);
	int st = DNS_OK;
	int n = dns_search(name, type, &p, ans, DNS_MAP_ANSWER_SIZE, &st);
	sm_free(name);
	if (n < 0) {
		sm_free(ans);
		*stat = st == DNS_TRYAGAIN ? EX_TEMPFAIL_ : EX_NOTFOUND;
		return NULL;
	}
	const char *c6 = opt_value(OPT_UseCompressedIPv6Addresses);
	bool compress6 = c6 != NULL && (c6[0] == '\0' || sm_lower((unsigned char)c6[0]) == 't' ||
					sm_lower((unsigned char)c6[0]) == 'y');
	struct sm_buf b;
	sm_buf_init(&b);
	int values = dns_answer_join(ans, (size_t)n, type,
				     m->coldelim_char >= 0 && limit != 1 ? m->coldelim_char : -1, limit,
				     compress6, &b);
	sm_free(ans);
	if (values == 0) {
		sm_buf_free(&b);
		*stat = EX_NOTFOUND;
		return NULL;
	}
	*stat = EX_OK_;
	char *r = (m->flags & MF_MATCHONLY) ? map_rewrite(m, key, strlen(key), NULL)
					    : map_rewrite(m, b.data, b.len, NULL);
	sm_buf_free(&b);
	return r;
}

const struct map_class DnsMapClass = {
	"dns", MCF_OPTFILE, dns_parse, NULL, dns_lookup, NULL, NULL,
};
