/*
 * err.h: error and diagnostic messages in sendmail's style.
 *
 * usrerr() reports a problem with user input (an address, a command);
 * syserr() a problem with the configuration or the system.  A message may
 * start with an SMTP reply code and an enhanced status code ("553 5.1.0 ");
 * where the message goes to a terminal the codes are dropped, as sendmail
 * does.  While a configuration file is read, syserr() prefixes
 * "file: line N: ".  While an address is being scanned its text prefixes
 * user errors ("addr... message").
 */
#ifndef ERR_H
#define ERR_H

#include "sm.h"

void usrerr(const char *fmt, ...) SM_PRINTF(1, 2);
void syserr(const char *fmt, ...) SM_PRINTF(1, 2);
/* syserr with ": reason" for err (an errno or E_SM_* code) appended. */
void syserr_errno(int err, const char *fmt, ...) SM_PRINTF(2, 3);
/* A warning that names the configuration position but is no error. */
void cfwarning(const char *fmt, ...) SM_PRINTF(1, 2);
/* A plain informational line on the transcript (stdout in test mode). */
void message(const char *fmt, ...) SM_PRINTF(1, 2);

/* The configuration file position now (NULL: none). */
const char *err_cf_position(int *line);
/* The configuration file position for syserr(); NULL file clears it. */
void err_set_cf_position(const char *file, int line);
/* The address named in user errors ("addr... "); NULL for none. */
const char *err_set_address(const char *addr);
/* m past its reply code ("NNN " or "NNN-") and enhanced code ("N.N.N "), if any. */
const char *err_skip_codes(const char *m);

/*
 * Set by the SMTP server for the length of a session: usrerr() and
 * message() text goes there (reply codes kept, "NNN x.y.z addr... text")
 * instead of to standard output.
 */
#include <stdbool.h>
extern void (*ErrReplySink)(const char *text, bool is_error);
/* While set, usrerr() counts errors without showing them (header rewriting). */
extern bool ErrQuiet;

/* Number of errors reported so far, and the exit status they imply. */
extern int Errors;
extern int ExitStat;

#endif
