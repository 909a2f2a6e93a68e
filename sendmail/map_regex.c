/*
 * map_regex.c: the "regex" map class (POSIX regular expressions).
 *
 * Flags: -n (invert), -f (case sensitive), -b (basic syntax), -s[n,m...]
 * (answer with the numbered subexpressions, all of them with a bare -s),
 * -d<delim> (their separator, "$|" by default), plus -a -m -D -S -q.
 * Without -s a match answers "" (followed by -a), with -m the key itself.
 */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "map.h"
#include "meta.h"
#include "token.h"

#define MAX_SUBFIELDS 10

struct regex_map {
	regex_t re;
	int nfields;                /* -1: all */
	int fields[MAX_SUBFIELDS];
	char *delim;
	bool substrings;
};

static bool regex_parse(struct map *m, char *p)
{
	struct regex_map *r = sm_calloc(1, sizeof *r);
	int cflags = REG_EXTENDED | REG_ICASE;
	r->nfields = -1;
	char *fieldspec = NULL;
	for (;;) {
		while (sm_isspace((unsigned char)*p))
			p++;
		if (*p != '-')
			break;
		switch (*++p) {
		case 'n': m->flags |= MF_REGEX_NOT; break;
		case 'f': cflags &= ~REG_ICASE; break;
		case 'b': cflags &= ~REG_EXTENDED; break;
		case 's':
			r->substrings = true;
			if (p[1] != '\0' && !sm_isspace((unsigned char)p[1]))
				fieldspec = p + 1;
			break;
		case 'd': {
			size_t n = strcspn(p + 1, " \t");
			sm_free(r->delim);
			r->delim = sm_strndup(p + 1, n);
			break;
		}
		case 'a':
			sm_free(m->app);
			m->app = sm_strndup(p + 1, strcspn(p + 1, " \t"));
			break;
		case 'm': m->flags |= MF_MATCHONLY; break;
		case 'q': m->flags |= MF_KEEPQUOTES; break;
		case 'S': m->spacesub = (unsigned char)p[1]; break;
		case 'D': m->flags |= MF_DEFER; break;
		}
		while (*p != '\0' && !sm_isspace((unsigned char)*p))
			p++;
	}
	if (!r->substrings)
		cflags |= REG_NOSUB;
	/* the pattern is taken as written: -S does not change it */
	int rc = regcomp(&r->re, p, cflags);
	if (rc != 0) {
		char errbuf[256];
		regerror(rc, &r->re, errbuf, sizeof errbuf);
		syserr("pattern-compile-error: %s", errbuf);
		sm_free(r->delim);
		sm_free(r);
		return false;
	}
	if (fieldspec != NULL) {
		r->nfields = 0;
		char *q = fieldspec;
		while (*q != '\0' && !sm_isspace((unsigned char)*q) && r->nfields < MAX_SUBFIELDS) {
			int n = atoi(q);
			if (n < 0 || (size_t)n > r->re.re_nsub) {
				syserr("field (%d) out of range, only %d substrings in pattern", n,
				       (int)r->re.re_nsub + 1);
				regfree(&r->re);
				sm_free(r->delim);
				sm_free(r);
				return false;
			}
			r->fields[r->nfields++] = n;
			while (isdigit((unsigned char)*q))
				q++;
			if (*q == ',')
				q++;
			else
				break;
		}
	}
	if (r->delim == NULL) {
		char d[2] = {(char)META_CONDELSE, '\0'};
		r->delim = sm_strdup(d);
	}
	m->priv = r;
	return true;
}

static char *regex_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)stat;
	struct regex_map *r = m->priv;
	regmatch_t pm[MAX_SUBFIELDS + 1];
	size_t nm = r->substrings ? MAX_SUBFIELDS : 0;
	bool matched = regexec(&r->re, key, nm, nm ? pm : NULL, 0) == 0;
	if (m->flags & MF_REGEX_NOT)
		matched = !matched;
	if (!matched)
		return NULL;
	if (m->flags & MF_MATCHONLY)
		return map_rewrite(m, key, strlen(key), NULL);
	if (!r->substrings || (m->flags & MF_REGEX_NOT))
		return map_rewrite(m, "", 0, args);
	struct sm_buf b;
	sm_buf_init(&b);
	bool first = true;
	int count = r->nfields < 0 ? (int)r->re.re_nsub + 1 : r->nfields;
	for (int i = 0; i < count; i++) {
		int f = r->nfields < 0 ? i : r->fields[i];
		if (f >= MAX_SUBFIELDS + 1 || pm[f].rm_so < 0)
			continue;
		if (!first)
			sm_buf_puts(&b, r->delim);
		first = false;
		sm_buf_put(&b, key + pm[f].rm_so, (size_t)(pm[f].rm_eo - pm[f].rm_so));
	}
	char *res = map_rewrite(m, b.data ? b.data : "", b.len, args);
	sm_buf_free(&b);
	return res;
}

/* The compiled pattern lives from the K line until the map is freed. */
static void regex_close(struct map *m)
{
	struct regex_map *r = m->priv;
	if (r == NULL)
		return;
	regfree(&r->re);
	sm_free(r->delim);
	sm_free(r);
	m->priv = NULL;
}

const struct map_class RegexMapClass = {
	"regex", MCF_OPTFILE | MCF_PARSEPRIV, regex_parse, NULL, regex_lookup, NULL, regex_close,
};
