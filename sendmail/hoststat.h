/*
 * hoststat.h: the host status cache (HostStatusDirectory): what the last
 * connection to each host gave, shared by the processes of this machine,
 * and its listing (-bh, hoststat) and purge (-bH, purgestat).
 */
#ifndef HOSTSTAT_H
#define HOSTSTAT_H

#include <stdbool.h>

struct smtpc_result;

/*
 * True when host is known to be down (a recent failure within
 * Timeout.hoststatus): *r gets that failure again.
 */
bool hoststat_down(const char *host, struct smtpc_result *r);
/* Records the outcome of a connection to host (r NULL: it greeted us). */
void hoststat_record(const char *host, const struct smtpc_result *r);
/* -bh: lists the host status cache; the exit status. */
int hoststat_list(void);
/* -bH: removes the host status cache; the exit status. */
int hoststat_purge(void);

#endif
