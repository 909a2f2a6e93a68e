/*
 * resolve.c: host name resolution as sendmail 8.17 does it (see
 * resolve.h), on top of our DNS client (dns.c).
 *
 * Owns: the resolver options (ResolverOptions, Timeout.resolver.*), the
 * "hosts" service switch walk of getcanonname (DNS and the HostsFile
 * text file), DNS canonification with its own search list, getmxrr (MX
 * sorting with the per-process hash for equal preferences, the local
 * host first among equals, duplicates, null MX, the fallback to the host
 * itself and to FallbackMXhost), reverse lookups of [address] keys for
 * the host map (the "hosts" line of /etc/nsswitch.conf with its actions:
 * /etc/hosts and PTR records, read as the C library reads them), and the
 * work sendmail does with the resolver at start-up (its own host name,
 * the FallbackMXhost list).  Along the way it keeps dns_h_errno as the C
 * library and sendmail would leave h_errno, which sendmail's host map
 * reads.
 */
#include "resolve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "class.h"
#include "conf.h"
#include "dns.h"
#include "err.h"
#include "macro.h"
#include "options.h"
#include "sm.h"
#include "switchfile.h"

#define MX_ANSWER_SIZE 8192   /* answers longer than this are cut */
#define CANON_ANSWER_SIZE 8192
#define MAX_CNAME_CHASE 10
#define DEFAULT_RETRANS 5     /* seconds per try when nothing is configured (RES_TIMEOUT) */
#define DEFAULT_TRIES 2       /* RES_DFLRETRY */
#define NAMEBUF 1025

/* ------------------------------------------------------ resolver options */

static bool OptsParsed;
/* start-up work done (resolver_startup), and the FallbackMXhost MX list it made */
static bool Started;
static char *FallbackHosts[MAXMXHOSTS];
static unsigned short FallbackPrefs[MAXMXHOSTS];
static int NFallback;
static unsigned ResFlags;
static bool WildcardMX;
static bool BrokenAAAA;

static const struct {
	const char *name;
	unsigned flag;
} ResFlagNames[] = {
	{"debug", DNSF_DEBUG}, {"aaonly", DNSF_AAONLY}, {"usevc", DNSF_USEVC},
	{"primary", DNSF_PRIMARY}, {"igntc", DNSF_IGNTC}, {"recurse", DNSF_RECURSE},
	{"defnames", DNSF_DEFNAMES}, {"stayopen", DNSF_STAYOPEN}, {"use_inet6", DNSF_INET6},
	{"dnsrch", DNSF_DNSRCH}, {"use_edns0", DNSF_EDNS0}, {"use_dnssec", DNSF_DNSSEC},
	{"no_tld_query", DNSF_NOTLDQUERY},
};

static void parse_options(void)
{
	OptsParsed = true;
	const struct dns_config *c = dns_get_config();
	ResFlags = DNSF_DEFAULT | c->flags;
	WildcardMX = BrokenAAAA = false;
	const char *v = opt_value(OPT_ResolverOptions);
	if (v == NULL)
		return;
	char *copy = sm_strdup(v);
	char *save = NULL;
	for (char *w = strtok_r(copy, " \t,", &save); w != NULL; w = strtok_r(NULL, " \t,", &save)) {
		if (sm_strcasecmp(w, "HasWildcardMX") == 0) {
			WildcardMX = true;
			continue;
		}
		if (sm_strcasecmp(w, "WorkAroundBrokenAAAA") == 0) {
			BrokenAAAA = true;
			continue;
		}
		bool clear = false;
		if (*w == '+' || *w == '-')
			clear = *w++ == '-';
		for (size_t i = 0; i < sizeof ResFlagNames / sizeof ResFlagNames[0]; i++) {
			if (sm_strcasecmp(w, ResFlagNames[i].name) != 0)
				continue;
			if (clear)
				ResFlags &= ~ResFlagNames[i].flag;
			else
				ResFlags |= ResFlagNames[i].flag;
			break;
		}
	}
	sm_free(copy);
}

void resolver_reset(void)
{
	OptsParsed = false;
	dns_reset();
}

bool resolver_wildcard_mx(void)
{
	if (!OptsParsed)
		parse_options();
	return WildcardMX;
}

/* "5", "5s", "2m" ... as seconds; -1 when unset or malformed. */
static int timeout_seconds(const char *name)
{
	const char *v = opt_timeout(name);
	if (v == NULL || !isdigit((unsigned char)*v))
		return -1;
	char *end = NULL;
	long n = strtol(v, &end, 10);
	switch (end != NULL ? sm_lower((unsigned char)*end) : 0) {
	case 'm': n *= 60; break;
	case 'h': n *= 3600; break;
	case 'd': n *= 86400; break;
	default: break;
	}
	if (n < 0 || n > 3600)
		n = 3600;
	return (int)n;
}

void resolver_params(const struct resolver_tuning *t, struct dns_params *p)
{
	if (!OptsParsed)
		parse_options();
	resolver_startup();
	const struct dns_config *c = dns_get_config();
	p->flags = ResFlags;
	int retrans = timeout_seconds("resolver.retrans");
	if (retrans <= 0)
		retrans = c->timeout > 0 ? c->timeout : DEFAULT_RETRANS;
	int tries = -1;
	const char *rv = opt_timeout("resolver.retry");
	if (rv != NULL && isdigit((unsigned char)*rv))
		tries = atoi(rv);
	if (tries <= 0)
		tries = c->attempts > 0 ? c->attempts : DEFAULT_TRIES;
	if (t != NULL) {
		if (t->retrans > 0)
			retrans = t->retrans;
		if (t->retry > 0)
			tries = t->retry;
		if (t->nosearch)
			p->flags &= ~(DNSF_DNSRCH | DNSF_DEFNAMES);
	}
	if (tries > 10)
		tries = 10;
	p->retrans = retrans * 1000;
	p->tries = tries;
}

/* ------------------------------------------------------------ utilities */

/* The sources of the hosts service; an entry naming none means the default. */
static int hosts_sources(const char **types, int max)
{
	int n = switch_lookup("hosts", types, max);
	if (n == 0 && max >= 2) {
		types[0] = "dns";
		types[1] = "files";
		n = 2;
	}
	return n;
}

static bool hosts_has(const char *type)
{
	const char *types[16];
	int n = hosts_sources(types, 16);
	for (int i = 0; i < n; i++)
		if (strcmp(types[i], type) == 0)
			return true;
	return false;
}

bool resolver_uses_dns(void)
{
	return hosts_has("dns");
}

/* Appends "." and $m to a name without a dot, as canonification does. */
static void append_local_domain(char *host, size_t hbsize)
{
	if (strchr(host, '.') != NULL)
		return;
	const char *m = macro_get('m');
	if (m == NULL)
		return;
	struct sm_buf b;
	sm_buf_init(&b);
	macro_expand(m, &b);
	size_t hl = strlen(host);
	if (hl + 1 + b.len < hbsize) {
		host[hl] = '.';
		memcpy(host + hl + 1, b.data != NULL ? b.data : "", b.len);
		host[hl + 1 + b.len] = '\0';
	}
	sm_buf_free(&b);
}

/* ----------------------------------------------------------- hosts file */

/*
 * Looks name up in a hosts file: the first field of a line (up to the
 * first blank, so a line starting with a blank has an empty one) is the
 * address, the following words are names; the first of them is the
 * canonical name.  Names are compared without case.
 */
static bool hostsfile_canon(const char *path, const char *name, char *out, size_t outsize)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	while (!found && getline(&line, &cap, f) != -1) {
		char *hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		char *p = line;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		char *first = NULL;
		char *save = NULL;
		for (char *w = strtok_r(p, " \t\r\n", &save); w != NULL; w = strtok_r(NULL, " \t\r\n", &save)) {
			if (first == NULL)
				first = w;
			if (sm_strcasecmp(w, name) == 0) {
				sm_strlcpy(out, first, outsize);
				found = true;
				break;
			}
		}
	}
	free(line);
	(void)fclose(f);
	return found;
}

static bool text_getcanonname(char *host, size_t hbsize, int *statp)
{
	char name[NAMEBUF];
	sm_strlcpy(name, host, sizeof name);
	size_t n = strlen(name);
	if (n > 0 && name[n - 1] == '.')
		name[n - 1] = '\0';
	const char *path = opt_value(OPT_HostsFile);
	if (path == NULL || *path == '\0')
		path = "/etc/hosts";
	char out[NAMEBUF];
	if (!hostsfile_canon(path, name, out, sizeof out)) {
		*statp = EX_NOHOST_;
		return false;
	}
	sm_strlcpy(host, out, hbsize);
	*statp = EX_OK_;
	return true;
}

/* --------------------------------------------------- DNS canonification */

/*
 * The first record of the answer that decides: the wanted type (found)
 * or a CNAME (its target in cname).  Returns 1 found, 2 CNAME, 0 none.
 * As with sendmail, only the owner name and the fixed part of a record
 * must be readable: a record of the wanted type whose data runs past the
 * end of the answer still says that the name exists.  Reading stops at
 * the first owner name that cannot be expanded.
 */
static int scan_answer(const unsigned char *ans, int len, int qtype, char *cname, size_t csize)
{
	struct dns_msg m;
	if (!dns_msg_init(&m, ans, (size_t)len))
		return 0;
	size_t pos = m.pos;
	for (unsigned i = 0; i < m.ancount && pos < (size_t)len; i++) {
		char owner[DNS_MAXNAME];
		int n = dns_expand(ans, (size_t)len, pos, owner, sizeof owner);
		if (n < 0)
			break;
		pos += (size_t)n;
		if (pos + 10 > (size_t)len)
			break;
		int type = (int)(((unsigned)ans[pos] << 8) | ans[pos + 1]);
		size_t rdlen = ((size_t)ans[pos + 8] << 8) | ans[pos + 9];
		pos += 10;
		if (type == qtype)
			return 1;
		if (type == DNS_T_CNAME) {
			if (dns_expand(ans, (size_t)len, pos, cname, csize) < 0)
				return 0;
			return 2;
		}
		pos += rdlen;
	}
	return 0;
}

static bool dns_getcanonname(char *host, size_t hbsize, bool trymx, const struct dns_params *p,
			     int *statp)
{
	const struct dns_config *c = dns_get_config();
	unsigned char *ans = sm_malloc(CANON_ANSWER_SIZE);
	char name[NAMEBUF];
	int loops = 0;
	bool tempfail = false, found = false;
	sm_strlcpy(name, host, sizeof name);

restart:;
	int dots = 0;
	for (const char *s = name; *s != '\0'; s++)
		if (*s == '.')
			dots++;
	size_t nl = strlen(name);
	bool ends_dot = nl > 0 && name[nl - 1] == '.';
	const char *list[DNS_MAXSEARCH + 1];
	bool as_is[DNS_MAXSEARCH + 1];
	int nlist = 0;
	if (dots > 0) {
		as_is[nlist] = true;
		list[nlist++] = NULL;
	}
	if (!ends_dot && (p->flags & DNSF_DNSRCH)) {
		for (int i = 0; i < c->nsearch; i++) {
			as_is[nlist] = false;
			list[nlist++] = c->search[i];
		}
	} else if (dots == 0 && (p->flags & DNSF_DEFNAMES)) {
		if (c->nsearch > 0) {
			as_is[nlist] = false;
			list[nlist++] = c->search[0];
		}
	} else if (ends_dot) {
		/*
		 * The caller sees one dot go, found or not; the query keeps it
		 * ("a.b.." is a bad name that is never asked for).
		 */
		sm_strlcpy(host, name, hbsize);
		size_t hl = strlen(host);
		if (hl > 0 && host[hl - 1] == '.')
			host[hl - 1] = '\0';
	}

	static const int types[] = {DNS_T_AAAA, DNS_T_A, DNS_T_MX};
	for (int d = 0; d < nlist && !found; d++) {
		for (int ti = 0; ti < 3; ti++) {
			int qtype = types[ti];
			if (qtype == DNS_T_MX && !trymx && !as_is[d])
				break;
			int st = DNS_OK;
			int n = dns_querydomain(name, list[d], qtype, p, ans, CANON_ANSWER_SIZE, &st);
			if (n < 0) {
				if (st == DNS_TRYAGAIN) {
					tempfail = true;
					if (BrokenAAAA || as_is[d])
						continue;
					goto out;
				}
				if (st == DNS_NOTFOUND)
					break;
				continue; /* no data: the next type */
			}
			char target[NAMEBUF];
			int what = scan_answer(ans, n, qtype, target, sizeof target);
			if (what == 0)
				continue;
			if (what == 2 && !(opt_value(OPT_DontExpandCnames) != NULL &&
					   !(sm_lower((unsigned char)*opt_value(OPT_DontExpandCnames)) == 'f' ||
					     sm_lower((unsigned char)*opt_value(OPT_DontExpandCnames)) == 'n'))) {
				if (loops++ > MAX_CNAME_CHASE) {
					message("DNS failure: CNAME loop for %s", name);
					tempfail = false;
					goto out;
				}
				sm_strlcpy(name, target, sizeof name);
				sm_strlcpy(host, target, hbsize);
				goto restart;
			}
			/* found: the name as asked for */
			if (list[d] == NULL)
				sm_strlcpy(host, name, hbsize);
			else
				(void)snprintf(host, hbsize, "%s.%s", name, list[d]);
			nl = strlen(host);
			if (nl > 1 && host[nl - 1] == '.')
				host[nl - 1] = '\0';
			found = true;
			break;
		}
	}
out:
	sm_free(ans);
	*statp = found ? EX_OK_ : tempfail ? EX_TEMPFAIL_ : EX_NOHOST_;
	return found;
}

bool getcanonname_tuned(char *host, size_t hbsize, bool trymx, const struct resolver_tuning *t,
			int *statp)
{
	struct dns_params p;
	resolver_params(t, &p);
	const char *types[16];
	int ntypes = hosts_sources(types, 16);
	bool found = false, tempfail = false;
	*statp = EX_NOHOST_;
	for (int i = 0; i < ntypes && !found; i++) {
		int st = EX_NOHOST_;
		if (strcmp(types[i], "dns") == 0)
			found = dns_getcanonname(host, hbsize, trymx, &p, &st);
		else if (strcmp(types[i], "files") == 0)
			found = text_getcanonname(host, hbsize, &st);
		else
			continue;
		if (st == EX_TEMPFAIL_)
			tempfail = true;
	}
	if (found) {
		append_local_domain(host, hbsize);
		*statp = EX_OK_;
		return true;
	}
	*statp = tempfail ? EX_TEMPFAIL_ : EX_NOHOST_;
	dns_h_errno = tempfail ? DNS_TRYAGAIN : DNS_NOTFOUND;
	return false;
}

bool getcanonname(char *host, size_t hbsize, bool trymx, int *statp)
{
	return getcanonname_tuned(host, hbsize, trymx, NULL, statp);
}

/* ------------------------------------------------------------------ MX */

/*
 * The weight that orders MX hosts of equal preference: a hash of the
 * name (without case) mixed with a seed taken from the clock at the
 * first use, so the order is stable within a process whatever order the
 * name server gives.
 */
static int mx_weight(const char *name)
{
	static unsigned seed;
	if (seed == 0) {
		seed = (unsigned)time(NULL) & 0xffff;
		if (seed == 0)
			seed = 1;
	}
	int h = (int)seed;
	for (const char *p = name; *p != '\0'; p++) {
		int ch = (signed char)*p;
		if (ch >= 'A' && ch <= 'Z')
			ch += 'a' - 'A';
		h = ((h << 1) ^ ch) % 2003;
	}
	return (h & 0xff) + 1;
}

static bool is_local(const char *name)
{
	size_t n = strlen(name);
	if (n > 0 && name[n - 1] == '.')
		n--;
	return n > 0 && class_has('w', name, n);
}

/* Is the text between the brackets an address literal? */
static bool is_addr_literal(const char *s)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_aton(s, &a4) != 0 && a4.s_addr != INADDR_NONE)
		return true;
	if (sm_strncasecmp(s, "IPv6:", 5) == 0)
		s += 5;
	return inet_pton(AF_INET6, s, &a6) == 1;
}

static char *with_dot(const char *name)
{
	size_t n = strlen(name);
	if (n > 0 && name[n - 1] == '.')
		return sm_strdup(name);
	return sm_asprintf("%s.", name);
}

static bool tryfallback_add(char **mxhosts, unsigned short *prefs, int *nmx, int max,
			    const struct resolver_tuning *t);

int mx_parse_answer(const unsigned char *ans, int n, int max, char **mxhosts,
		    unsigned short *prefs, int *weights, int *localpref, bool *nullmx,
		    unsigned *nrecords)
{
	struct dns_msg m;
	struct dns_rr rr;
	int nmx = 0;
	if (n <= 0 || !dns_msg_init(&m, ans, (size_t)n))
		return 0;
	while (dns_msg_next(&m, &rr) == 1) {
		if (rr.type != DNS_T_MX || rr.cls != DNS_C_IN || rr.rdlen < 3)
			continue;
		(*nrecords)++;
		char name[NAMEBUF];
		unsigned pref = ((unsigned)ans[rr.rdoff] << 8) | ans[rr.rdoff + 1];
		if (dns_expand(ans, (size_t)n, rr.rdoff + 2, name, sizeof name) < 0)
			break;
		if (name[0] == '\0' && pref == 0)
			*nullmx = true;
		if (nmx >= max)
			continue;
		if (is_local(name)) {
			if (*localpref < 0 || (int)pref < *localpref)
				*localpref = (int)pref;
			weights[nmx] = 0;
		} else {
			weights[nmx] = mx_weight(name);
		}
		prefs[nmx] = (unsigned short)pref;
		mxhosts[nmx++] = sm_strdup(name);
	}
	return nmx;
}

int getmxrr_tuned(const char *host, char **mxhosts, unsigned short *prefs, int max,
		  bool droplocal, bool tryfallback, const struct resolver_tuning *t, int *rcode)
{
	int nmx = 0;
	if (max > MAXMXHOSTS)
		max = MAXMXHOSTS;
	if (max < 1)
		return 0;
	struct dns_params p;
	resolver_params(t, &p);
	/* with a wildcard MX the name is asked for as it is, without the search list */
	bool as_is = WildcardMX && ConfigLevel >= 6;

	if (host[0] == '[') {
		/* an address literal is used as is; a bracketed name without MX */
		const char *close = strchr(host, ']');
		if (close == NULL)
			goto fallback;
		char inner[NAMEBUF];
		size_t len = (size_t)(close - host - 1);
		if (len >= sizeof inner)
			goto fallback;
		memcpy(inner, host + 1, len);
		inner[len] = '\0';
		if (is_addr_literal(inner)) {
			mxhosts[nmx] = sm_strdup(host);
			prefs[nmx++] = 0;
			goto fallback;
		}
		int st;
		if (inner[0] != '\0' && getcanonname_tuned(inner, sizeof inner, false, t, &st)) {
			mxhosts[nmx] = with_dot(inner);
			prefs[nmx++] = 0;
		}
		goto fallback;
	}
	if (!hosts_has("dns"))
		goto fallback;

	unsigned char *ans = sm_malloc(MX_ANSWER_SIZE);
	int st = DNS_OK;
	int n = as_is ? dns_querydomain(host, NULL, DNS_T_MX, &p, ans, MX_ANSWER_SIZE, &st)
		      : dns_search(host, DNS_T_MX, &p, ans, MX_ANSWER_SIZE, &st);
	if (n < 0) {
		sm_free(ans);
		switch (st) {
		case DNS_NOTFOUND:
			*rcode = EX_NOHOST_;
			/* FALLTHROUGH */
		case DNS_NODATA: {
			/* no MX: the host itself, if it is known */
			char name[NAMEBUF];
			int cst;
			sm_strlcpy(name, host, sizeof name);
			if (getcanonname_tuned(name, sizeof name, false, t, &cst)) {
				mxhosts[nmx] = with_dot(name);
				prefs[nmx++] = 0;
			}
			goto fallback;
		}
		case DNS_TRYAGAIN:
			/* the name servers fail: the fallback host, if there is one */
			if (tryfallback && NFallback > 0)
				goto fallback;
			*rcode = EX_TEMPFAIL_;
			return -1;
		default:
			goto fallback;
		}
	}

	int weights[MAXMXHOSTS];
	int localpref = -1;
	bool nullmx = false;
	unsigned nrecords = 0;
	nmx = mx_parse_answer(ans, n, max, mxhosts, prefs, weights, &localpref, &nullmx, &nrecords);
	sm_free(ans);
	if (nullmx && nrecords == 1) {
		for (int i = 0; i < nmx; i++)
			sm_free(mxhosts[i]);
		*rcode = EX_UNAVAILABLE_;
		return NULLMX;
	}

	/* order by preference, then weight (an exchange sort, as sendmail) */
	for (int i = 0; i < nmx; i++) {
		for (int j = i + 1; j < nmx; j++) {
			if (prefs[i] > prefs[j] || (prefs[i] == prefs[j] && weights[i] > weights[j])) {
				unsigned short tp = prefs[i];
				prefs[i] = prefs[j];
				prefs[j] = tp;
				int tw = weights[i];
				weights[i] = weights[j];
				weights[j] = tw;
				char *tn = mxhosts[i];
				mxhosts[i] = mxhosts[j];
				mxhosts[j] = tn;
			}
		}
	}
	/* adjacent duplicates go */
	int k = 0;
	for (int i = 0; i < nmx; i++) {
		if (k > 0 && sm_strcasecmp(mxhosts[k - 1], mxhosts[i]) == 0) {
			sm_free(mxhosts[i]);
			continue;
		}
		prefs[k] = prefs[i];
		mxhosts[k++] = mxhosts[i];
	}
	nmx = k;
	if (droplocal && localpref >= 0) {
		int keep = 0;
		while (keep < nmx && prefs[keep] < localpref)
			keep++;
		for (int i = keep; i < nmx; i++)
			sm_free(mxhosts[i]);
		nmx = keep;
		if (nmx == 0) {
			const char *tn = opt_value(OPT_TryNullMXList);
			bool trynull = tn != NULL && (tn[0] == '\0' || sm_lower((unsigned char)tn[0]) == 't' ||
						      sm_lower((unsigned char)tn[0]) == 'y');
			char name[NAMEBUF];
			int cst;
			sm_strlcpy(name, host, sizeof name);
			if (trynull && getcanonname_tuned(name, sizeof name, false, t, &cst)) {
				mxhosts[nmx] = with_dot(name);
				prefs[nmx++] = 0;
			} else {
				*rcode = EX_CONFIG_;
				return -1;
			}
		}
	}
	for (int i = 0; i < nmx; i++) {
		size_t l = strlen(mxhosts[i]);
		if (l == 0 || mxhosts[i][l - 1] != '.') {
			char *d = with_dot(mxhosts[i]);
			sm_free(mxhosts[i]);
			mxhosts[i] = d;
		}
	}

fallback:
	if (tryfallback)
		(void)tryfallback_add(mxhosts, prefs, &nmx, max, t);
	return nmx;
}

/*
 * Appends the MX hosts of FallbackMXhost, computed once at start-up, as
 * they are: a host already in the list is listed again.
 */
static bool tryfallback_add(char **mxhosts, unsigned short *prefs, int *nmx, int max,
			    const struct resolver_tuning *t)
{
	(void)t;
	for (int i = 0; i < NFallback && *nmx < max; i++) {
		prefs[*nmx] = FallbackPrefs[i];
		mxhosts[(*nmx)++] = sm_strdup(FallbackHosts[i]);
	}
	return NFallback > 0;
}

int getmxrr_add_fallback(char **mxhosts, unsigned short *prefs, int nmx, int max)
{
	(void)tryfallback_add(mxhosts, prefs, &nmx, max, NULL);
	return nmx;
}

int getmxrr(const char *host, char **mxhosts, unsigned short *prefs, int max, bool droplocal,
	    int *rcode)
{
	return getmxrr_tuned(host, mxhosts, prefs, max, droplocal, true, NULL, rcode);
}

/* ------------------------------------------------------ reverse lookups */

/* The system hosts file (not HostsFile): the first name of the address. */
static bool etc_hosts_byaddr(int af, const void *addr, char *out, size_t outsize)
{
	FILE *f = fopen("/etc/hosts", "r");
	if (f == NULL)
		return false;
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	while (!found && getline(&line, &cap, f) != -1) {
		char *hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		char *save = NULL;
		char *a = strtok_r(line, " \t\r\n", &save);
		char *name = a != NULL ? strtok_r(NULL, " \t\r\n", &save) : NULL;
		if (name == NULL)
			continue;
		unsigned char buf[16];
		if (af == AF_INET && inet_pton(AF_INET, a, buf) == 1 && memcmp(buf, addr, 4) == 0)
			found = true;
		else if (af == AF_INET6 && inet_pton(AF_INET6, a, buf) == 1 && memcmp(buf, addr, 16) == 0)
			found = true;
		if (found)
			sm_strlcpy(out, name, outsize);
	}
	free(line);
	(void)fclose(f);
	return found;
}

/*
 * The "hosts" line of /etc/nsswitch.conf, as the C library reads it:
 * sources in order, each with the statuses that end the walk ("[NOTFOUND=
 * return]", "[!UNAVAIL=return]"; by default only success does).  Without
 * a file or a hosts line the C library's default applies: "files dns".
 * Sources other than files and dns are taken as unavailable.
 */
enum { NSS_SUCCESS, NSS_NOTFOUND, NSS_UNAVAIL, NSS_TRYAGAIN, NSS_NSTATUS };
enum { SRC_FILES, SRC_DNS, SRC_OTHER };
#define NSS_MAXSRC 8

struct nss_source {
	int kind;
	bool stop[NSS_NSTATUS];
};

static void nss_default_actions(struct nss_source *s, int kind)
{
	s->kind = kind;
	for (int i = 0; i < NSS_NSTATUS; i++)
		s->stop[i] = i == NSS_SUCCESS;
}

static int nss_status_of(const char *w, size_t n)
{
	static const char *const names[NSS_NSTATUS] = {"success", "notfound", "unavail", "tryagain"};
	for (int i = 0; i < NSS_NSTATUS; i++)
		if (strlen(names[i]) == n && sm_strncasecmp(w, names[i], n) == 0)
			return i;
	return -1;
}

/* One "[...]" block's "STATUS=action" or "!STATUS=action" item. */
static void nss_criterion(struct nss_source *s, const char *w)
{
	bool negate = *w == '!';
	if (negate)
		w++;
	const char *eq = strchr(w, '=');
	if (eq == NULL)
		return;
	int st = nss_status_of(w, (size_t)(eq - w));
	if (st < 0)
		return;
	bool stop = sm_strcasecmp(eq + 1, "return") == 0;
	for (int i = 0; i < NSS_NSTATUS; i++)
		if (negate ? i != st : i == st)
			s->stop[i] = stop;
}

static int nss_hosts(struct nss_source *src)
{
	int n = 0;
	FILE *f = fopen("/etc/nsswitch.conf", "r");
	char line[1024];
	bool found = false;
	while (f != NULL && !found && fgets(line, sizeof line, f) != NULL) {
		char *p = line;
		while (sm_isspace((unsigned char)*p))
			p++;
		if (sm_strncasecmp(p, "hosts:", 6) != 0)
			continue;
		found = true;
		p += 6;
		char *hash = strchr(p, '#');
		if (hash != NULL)
			*hash = '\0';
		bool in_block = false;
		char *save = NULL;
		/* brackets become separate words */
		char spaced[2 * sizeof line];
		size_t o = 0;
		for (; *p != '\0' && o + 3 < sizeof spaced; p++) {
			if (*p == '[' || *p == ']') {
				spaced[o++] = ' ';
				spaced[o++] = *p;
				spaced[o++] = ' ';
			} else {
				spaced[o++] = *p;
			}
		}
		spaced[o] = '\0';
		for (char *w = strtok_r(spaced, " \t\r\n", &save); w != NULL;
		     w = strtok_r(NULL, " \t\r\n", &save)) {
			if (strcmp(w, "[") == 0) {
				in_block = true;
			} else if (strcmp(w, "]") == 0) {
				in_block = false;
			} else if (in_block) {
				if (n > 0)
					nss_criterion(&src[n - 1], w);
			} else if (n < NSS_MAXSRC) {
				nss_default_actions(&src[n++], strcmp(w, "files") == 0 ? SRC_FILES
							    : strcmp(w, "dns") == 0 ? SRC_DNS
										    : SRC_OTHER);
			}
		}
	}
	if (f != NULL)
		(void)fclose(f);
	if (!found) {
		nss_default_actions(&src[0], SRC_FILES);
		nss_default_actions(&src[1], SRC_DNS);
		n = 2;
	}
	return n;
}

/*
 * The nsswitch status of a failed DNS query, as the C library's dns
 * module gives it: by name, "unavailable" when no server answered (timed
 * out or refused), else "not found" (SERVFAIL included); by address,
 * "unavailable" only when every server refused.
 */
static int nss_dns_failure(bool byaddr)
{
	return (byaddr ? dns_refused : dns_unreachable) ? NSS_UNAVAIL : NSS_NOTFOUND;
}

/* Does a line of the system hosts file give name an address of family af? */
static bool etc_hosts_byname(const char *name, int af)
{
	FILE *f = fopen("/etc/hosts", "r");
	if (f == NULL)
		return false;
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	size_t nl = strlen(name);
	char want[NAMEBUF];
	sm_strlcpy(want, name, sizeof want);
	if (nl > 0 && want[nl - 1] == '.')
		want[nl - 1] = '\0';
	while (!found && getline(&line, &cap, f) != -1) {
		char *hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		char *save = NULL;
		char *a = strtok_r(line, " \t\r\n", &save);
		unsigned char buf[16];
		if (a == NULL || inet_pton(af, a, buf) != 1)
			continue;
		for (char *w = strtok_r(NULL, " \t\r\n", &save); w != NULL && !found;
		     w = strtok_r(NULL, " \t\r\n", &save))
			found = sm_strcasecmp(w, want) == 0;
	}
	free(line);
	(void)fclose(f);
	return found;
}

/*
 * gethostbyname(name) for one address family through the switch, for
 * what it leaves in h_errno (0 when found).
 */
static int byname_h_errno(const char *name, int af, const struct dns_params *p)
{
	struct nss_source src[NSS_MAXSRC];
	int nsrc = nss_hosts(src);
	int h = DNS_NOTFOUND;
	unsigned char *ans = NULL;
	for (int i = 0; i < nsrc; i++) {
		int status = NSS_UNAVAIL;
		if (src[i].kind == SRC_FILES) {
			bool found = etc_hosts_byname(name, af);
			h = found ? DNS_OK : DNS_NOTFOUND;
			status = found ? NSS_SUCCESS : NSS_NOTFOUND;
		} else if (src[i].kind == SRC_DNS) {
			int type = af == AF_INET6 ? DNS_T_AAAA : DNS_T_A;
			if (ans == NULL)
				ans = sm_malloc(CANON_ANSWER_SIZE);
			int st = DNS_OK;
			int n = dns_search(name, type, p, ans, CANON_ANSWER_SIZE, &st);
			char cname[NAMEBUF];
			if (n > 0 && scan_answer(ans, n, type, cname, sizeof cname) != 0) {
				h = DNS_OK;
				status = NSS_SUCCESS;
			} else {
				h = n > 0 ? DNS_NODATA : st;
				status = n > 0 ? NSS_NOTFOUND : nss_dns_failure(false);
			}
		}
		if (src[i].stop[status])
			break;
	}
	sm_free(ans);
	return h;
}

/* ---------------------------------------------------------- start-up */

/*
 * What sendmail does with the resolver before it reads any input: it
 * looks up this host's own name (IPv6 first, then IPv4), which leaves
 * its trace in h_errno, and it computes the MX hosts of FallbackMXhost
 * once.  We do the same on the first use of the resolver, and the daemon
 * calls it before it forks anything (daemon.c).
 */

void resolver_startup(void)
{
	if (Started)
		return;
	Started = true;
	struct dns_params p;
	resolver_params(NULL, &p);
	char host[256];
	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		int h = byname_h_errno(host, AF_INET6, &p);
		if (h != DNS_OK) {
			h = byname_h_errno(host, AF_INET, &p);
		}
		dns_h_errno = h;
	}
	const char *fb = opt_value(OPT_FallbackMXhost);
	if (fb != NULL && *fb != '\0') {
		int rc = EX_OK_;
		NFallback = getmxrr_tuned(fb, FallbackHosts, FallbackPrefs, MAXMXHOSTS, false, false,
					  NULL, &rc);
		if (NFallback < 0)
			NFallback = 0;
	}
}

/*
 * A host name as the C library's hosts lookups accept it: letters,
 * digits, '-' and '_' in every label, and no '-' to start the name.
 * dns_expand() writes every other byte escaped, so a backslash fails.
 */
static bool name_ok(const char *name)
{
	if (name[0] == '-')
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (!(isalnum(c) || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/*
 * The name a PTR answer gives, read as the C library's gethostbyaddr
 * does: records are taken in order, those whose owner is not the name
 * asked (or the target of a CNAME seen before) are skipped, and the
 * first PTR record wins.  Failures (a record that cannot be read, a name
 * that is no host name, no PTR record) are DNS_NORECOVERY, which the C
 * library's dns module reports as "unavailable": the next source is
 * asked even after [NOTFOUND=return].
 */
static int ptr_answer(const unsigned char *ans, int n, const char *qname, char *out,
		      size_t outsize, int *nss)
{
	struct dns_msg m;
	struct dns_rr rr;
	char expected[DNS_MAXNAME];
	sm_strlcpy(expected, qname, sizeof expected);
	*nss = NSS_UNAVAIL;
	if (!dns_msg_init(&m, ans, (size_t)n))
		return DNS_NORECOVERY;
	for (;;) {
		int r = dns_msg_next(&m, &rr);
		if (r == 0)
			break;
		if (r < 0)
			return DNS_NORECOVERY;
		if (rr.cls != DNS_C_IN || sm_strcasecmp(rr.owner, expected) != 0)
			continue;
		char name[DNS_MAXNAME];
		if (rr.type == DNS_T_CNAME) {
			if (dns_expand(ans, (size_t)n, rr.rdoff, name, sizeof name) < 0)
				return DNS_NORECOVERY;
			sm_strlcpy(expected, name, sizeof expected);
		} else if (rr.type == DNS_T_PTR) {
			if (dns_expand(ans, (size_t)n, rr.rdoff, name, sizeof name) < 0 ||
			    !name_ok(name))
				return DNS_NORECOVERY;
			/* the root has the name "." */
			sm_strlcpy(out, name[0] != '\0' ? name : ".", outsize);
			*nss = NSS_SUCCESS;
			return DNS_OK;
		}
	}
	return DNS_NORECOVERY;
}

/*
 * The PTR lookup of an address; returns DNS_OK or a dns_status, and the
 * nsswitch status in *nss.
 */
static int ptr_lookup(int af, const unsigned char *a, const struct dns_params *p, char *out,
		      size_t outsize, int *nss)
{
	char qname[128];
	if (af == AF_INET) {
		(void)snprintf(qname, sizeof qname, "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
	} else {
		size_t o = 0;
		for (int i = 15; i >= 0; i--) {
			static const char hex[] = "0123456789abcdef";
			qname[o++] = hex[a[i] & 0xf];
			qname[o++] = '.';
			qname[o++] = hex[a[i] >> 4];
			qname[o++] = '.';
		}
		sm_strlcpy(qname + o, "ip6.arpa", sizeof qname - o);
	}
	unsigned char *ans = sm_malloc(CANON_ANSWER_SIZE);
	int st = DNS_OK;
	int n = dns_query(qname, DNS_T_PTR, p, ans, CANON_ANSWER_SIZE, &st);
	if (n > 0)
		st = ptr_answer(ans, n, qname, out, outsize, nss);
	else
		*nss = nss_dns_failure(true);
	sm_free(ans);
	return st;
}

/* The map status for a failed address lookup, from h_errno as sendmail has it. */
static int addr_failure_status(void)
{
	switch (dns_h_errno) {
	case DNS_TRYAGAIN: return EX_TEMPFAIL_;
	case DNS_NOTFOUND:
	case DNS_NODATA: return EX_NOHOST_;
	case DNS_NORECOVERY: return EX_SOFTWARE_;
	default: return EX_UNAVAILABLE_;
	}
}

bool getnamebyaddr_literal(const char *key, char *out, size_t outsize,
			   const struct resolver_tuning *t, int *statp)
{
	const char *close = strchr(key, ']');
	if (key[0] != '[' || close == NULL) {
		*statp = EX_OK_;
		return false;
	}
	char inner[NAMEBUF];
	size_t len = (size_t)(close - key - 1);
	if (len >= sizeof inner) {
		*statp = addr_failure_status();
		return false;
	}
	memcpy(inner, key + 1, len);
	inner[len] = '\0';
	unsigned char a[16];
	int af;
	struct in_addr a4;
	if (sm_strncasecmp(inner, "IPv6:", 5) == 0) {
		if (inet_pton(AF_INET6, inner + 5, a) != 1) {
			*statp = addr_failure_status();
			return false;
		}
		af = AF_INET6;
	} else if (inet_aton(inner, &a4) != 0 && a4.s_addr != INADDR_NONE) {
		memcpy(a, &a4, 4);
		af = AF_INET;
	} else if (inet_pton(AF_INET6, inner, a) == 1) {
		af = AF_INET6;
	} else {
		*statp = addr_failure_status();
		return false;
	}
	/*
	 * An IPv4 address mapped into IPv6 matches no IPv4 line of the hosts
	 * file, but its PTR record is the IPv4 one.
	 */
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	bool is_mapped = af == AF_INET6 && memcmp(a, mapped, 12) == 0;
	struct nss_source src[NSS_MAXSRC];
	int nsrc = nss_hosts(src);
	struct dns_params p;
	resolver_params(t, &p);
	bool found = false;
	/*
	 * h_errno starts at 0 (sendmail clears it); a source that fails sets
	 * it, one that succeeds leaves it (a success from the hosts file after
	 * a DNS failure still says "not found" there).
	 */
	dns_h_errno = DNS_OK;
	for (int i = 0; i < nsrc; i++) {
		int status = NSS_UNAVAIL;
		if (src[i].kind == SRC_FILES) {
			found = etc_hosts_byaddr(af, a, out, outsize);
			if (!found)
				dns_h_errno = DNS_NOTFOUND;
			status = found ? NSS_SUCCESS : NSS_NOTFOUND;
		} else if (src[i].kind == SRC_DNS) {
			int st = is_mapped ? ptr_lookup(AF_INET, a + 12, &p, out, outsize, &status)
					   : ptr_lookup(af, a, &p, out, outsize, &status);
			found = st == DNS_OK;
			if (!found)
				dns_h_errno = st;
		}
		if (src[i].stop[status])
			break;
	}
	*statp = found ? EX_OK_ : addr_failure_status();
	return found;
}
