/*
 * resolve.h: host name resolution for the host, bestmx and dns maps and
 * for test mode's /mx and /canon: the service switch decides between the
 * hosts file (HostsFile option) and DNS; address lookups follow
 * /etc/nsswitch.conf.  Time is bounded by the resolver options (see
 * dns.h); a name server that does not answer is a temporary failure.
 */
#ifndef RESOLVE_H
#define RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#define MAXMXHOSTS 100

/* getmxrr's result for a domain that publishes a null MX (RFC 7505) */
#define NULLMX (-2)

/*
 * The MX hosts of host, best first (as getmxrr does): returns their
 * number, or -1 with *rcode set (EX_TEMPFAIL, EX_NOHOST), or NULLMX
 * (*rcode EX_UNAVAILABLE) when the domain accepts no mail.  Names are
 * malloc'ed into mxhosts and end with a dot (except [literals]); *rcode
 * may be EX_NOHOST even with hosts returned (the name had no MX and the
 * host itself was used).  droplocal removes this host and worse MX.
 * FallbackMXhost is appended.
 */
int getmxrr(const char *host, char **mxhosts, unsigned short *prefs, int max, bool droplocal,
	    int *rcode);
/*
 * Canonifies host in place (buffer of size hbsize); true on success.
 * *statp gets EX_OK, EX_NOHOST, EX_TEMPFAIL.  trymx accepts names that
 * have only MX records.  The buffer may change even on failure (a CNAME
 * that led nowhere).
 */
bool getcanonname(char *host, size_t hbsize, bool trymx, int *statp);

/* Per-lookup resolver settings of a map (-d retransmission, -r retries). */
struct resolver_tuning {
	int retrans; /* seconds, 0: the default */
	int retry;   /* tries, 0: the default */
	bool nosearch; /* no search list, no default domain */
};

/* getmxrr with the knobs the bestmx map needs. */
int getmxrr_tuned(const char *host, char **mxhosts, unsigned short *prefs, int max,
		  bool droplocal, bool tryfallback, const struct resolver_tuning *t, int *rcode);
/* Appends the FallbackMXhost hosts to a list of nmx; the new count. */
int getmxrr_add_fallback(char **mxhosts, unsigned short *prefs, int nmx, int max);
/* getcanonname with a map's tuning (NULL: defaults). */
bool getcanonname_tuned(char *host, size_t hbsize, bool trymx, const struct resolver_tuning *t,
			int *statp);
/*
 * The name of a bracketed address ("[192.0.2.1]", "[IPv6:2001:db8::1]"):
 * hosts file, then a PTR query.  Returns true with the name in out;
 * false with *statp EX_NOHOST, EX_TEMPFAIL, EX_UNAVAILABLE (not an
 * address) or EX_OK (no closing bracket).
 */
bool getnamebyaddr_literal(const char *key, char *out, size_t outsize,
			   const struct resolver_tuning *t, int *statp);
/* Does the hosts service of the switch name "dns" (sendmail's UseNameServer)? */
bool resolver_uses_dns(void);
/* The "HasWildcardMX" resolver option (canonification then skips MX). */
bool resolver_wildcard_mx(void);
/* Builds the DNS parameters for a lookup (resolve.c owns the options). */
struct dns_params;
void resolver_params(const struct resolver_tuning *t, struct dns_params *p);
/*
 * The MX records of a DNS answer, unsorted (getmxrr's parser, exposed for
 * tests): names are malloc'ed into mxhosts (at most max), weights get the
 * equal-preference order keys, *localpref the best preference of this
 * host (or stays -1), *nullmx and *nrecords what a null MX needs.
 */
int mx_parse_answer(const unsigned char *ans, int n, int max, char **mxhosts,
		    unsigned short *prefs, int *weights, int *localpref, bool *nullmx,
		    unsigned *nrecords);
/*
 * The resolver's start-up work (this host's own name looked up, the MX
 * hosts of FallbackMXhost), done once per process and otherwise on the
 * first lookup.  The daemon does it before forking its session and
 * delivery workers, as sendmail 8.17 does it once at start: each worker
 * asking again cost a round of DNS queries per new worker, and a lost
 * answer held that worker's first session for the resolver's timeout.
 */
void resolver_startup(void);
/* Forgets the parsed resolver options (after the options changed). */
void resolver_reset(void);

#endif
