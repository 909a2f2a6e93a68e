/*
 * resolve.h: host name resolution for the host, bestmx and dns maps and
 * for test mode's /mx and /canon: the service switch decides between the
 * hosts file (HostsFile option) and DNS; with no DNS server answering,
 * lookups fail as temporary failures quickly instead of hanging.
 */
#ifndef RESOLVE_H
#define RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#define MAXMXHOSTS 100

/*
 * The MX hosts of host, best first (as getmxrr does): returns their
 * number, or -1 with *rcode set (EX_TEMPFAIL, EX_NOHOST).  Names are
 * malloc'ed into mxhosts.  droplocal removes this host and worse MX.
 */
int getmxrr(const char *host, char **mxhosts, unsigned short *prefs, int max, bool droplocal,
	    int *rcode);
/*
 * Canonifies host in place (buffer of size hbsize); true on success.
 * *statp gets EX_OK, EX_NOHOST, EX_TEMPFAIL.
 */
bool getcanonname(char *host, size_t hbsize, bool trymx, int *statp);

#endif
