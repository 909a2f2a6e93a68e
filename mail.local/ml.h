/*
 * ml.h: shared declarations of mail.local, the local delivery agent.
 *
 * ml_main.c: the command line and the one-shot mode; ml_msg.c: reading a
 * message into a temporary mbox entry; ml_box.c: appending an entry to one
 * user's mailbox safely; ml_lmtp.c: the LMTP server mode (-l).
 */
#ifndef ML_H
#define ML_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#ifndef ML_SPOOL
#define ML_SPOOL "/var/mail"
#endif
/* Overrides the spool directory when the program runs with its own ids. */
#define ML_SPOOL_ENV "MAIL_LOCAL_SPOOL"

/* How a delivery ended: sysexits code plus the LMTP reply to give. */
struct ml_status {
	int ex;             /* 0 or a sysexits code */
	char reply[600];    /* "550 5.2.0 text" (LMTP) */
	char text[560];     /* "text" for stderr in the one-shot mode */
	bool eof;           /* LMTP: the input ended inside DATA */
};

struct ml_opts {
	bool lmtp;
	bool eightbit;      /* advertise 8BITMIME (not -7) */
	bool bounce_quota;  /* -b: over quota is permanent */
	const char *homefile; /* -h name */
	const char *spool;
	const char *hostname;
};

extern struct ml_opts MlOpts;

/*
 * Reads a message from in into a new temporary file as the mbox entry:
 * "From sender date" line, the headers without Content-Length, a
 * Content-Length header for the body, a blank line, the body, and the
 * blank line that ends an entry.  lmtp: lines end in CRLF and a lone "."
 * ends the message (dot-stuffing undone).  Returns the open file, or
 * NULL with st filled in.
 */
FILE *ml_read_message(FILE *in, const char *from, bool lmtp, struct ml_status *st);

/* Delivers the entry in msg to user; st says how it went. */
void ml_deliver(FILE *msg, const char *user, struct ml_status *st);

/* Fills st with an error (printf-style text). */
void ml_fail(struct ml_status *st, int ex, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Runs the LMTP dialogue on stdin/stdout; returns the exit status. */
int ml_lmtp(void);

#endif
