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
/*
 * Records the outcome of the last attempt with host: the connection's
 * errno (0), the exit status (EX_OK_ ...), DSN code and the server's
 * reply (NULL for none).
 */
void hoststat_record(const char *host, int err, int status, const char *dsn, const char *reply);
/*
 * True when this process found host down already (a refused or timed out
 * connection): *r gets that failure again.
 */
bool hoststat_down_here(const char *host, struct smtpc_result *r);
/* -bh: lists the host status cache; the exit status. */
int hoststat_list(void);
/* -bH: removes the host status cache; the exit status. */
int hoststat_purge(void);

#endif
