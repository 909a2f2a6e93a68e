/*
 * msp.c: the mail submission program switch (see msp.h).
 *
 * Owns: the -Ac flag.  Its messages go out through the SMTP client of the
 * [IPC] mailers (smtpc_*.c, deliver_remote.c) like any remote delivery.
 *
 * Nothing calls msp_active() at present: the handover of [IPC] recipients
 * does not depend on it (every [IPC] recipient goes out over SMTP).  main.c
 * still records -Ac here, so that the one answer to "are we the MSP" (-Ac
 * or UseMSP) stays in one place for code that needs it.
 */
#include "msp.h"

#include <string.h>

#include "options.h"

static bool UseMspCmdline;

void msp_set_cmdline(bool on)
{
	UseMspCmdline = on;
}

bool msp_active(void)
{
	if (UseMspCmdline)
		return true;
	const char *v = opt_value(OPT_UseMSP);
	return v != NULL && strchr("tTyY", v[0]) != NULL;
}
