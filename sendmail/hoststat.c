/*
 * hoststat.c: the host status cache (see hoststat.h).
 *
 * Owns: nothing yet beyond the interface: without HostStatusDirectory
 * (the default) no status is kept, -bh lists nothing and -bH removes
 * nothing, as 8.17 does.
 */
#include "hoststat.h"

#include <stddef.h>

#include "options.h"
#include "smtpc.h"

static bool enabled(void)
{
	const char *d = opt_value(OPT_HostStatusDirectory);
	return d != NULL && *d != '\0';
}

bool hoststat_down(const char *host, struct smtpc_result *r)
{
	(void)host;
	(void)r;
	return false;
}

void hoststat_record(const char *host, const struct smtpc_result *r)
{
	(void)host;
	(void)r;
	(void)enabled;
}

int hoststat_list(void)
{
	return EX_OK_;
}

int hoststat_purge(void)
{
	return EX_OK_;
}
