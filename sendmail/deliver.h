/*
 * deliver.h: delivering a message to its recipients through the mailers.
 */
#ifndef DELIVER_H
#define DELIVER_H

#include <stdbool.h>

#include "envelope.h"

struct deliver_opts {
	bool verbose;        /* -v: "addr... Connecting to ..." and "addr... Sent" */
	bool queue_only;     /* log "stat=queued" for every recipient, run nothing */
	const char *invoker; /* the login name of the submitting user, NULL for none */
};

/*
 * Delivers every recipient of e that is not done, reading the body from
 * body_fd (from its start for each mailer run).  Sets each recipient's
 * flags (RCPT_SENT|RCPT_DONE, RCPT_BADADDR|RCPT_DONE, or RCPT_QUEUED),
 * status and diag, and logs a "to=" line per delivery.  Returns the number
 * of recipients left queued.
 */
int deliver_envelope(struct envelope *e, int body_fd, const struct deliver_opts *o);

/* The text sendmail gives a mailer exit status ("User unknown") and its DSN code. */
const char *deliver_exit_text(int status, const char **dsn);

/* Sets the per-envelope macros ($i $t $b $a $f $g $x $_) for e. */
void deliver_set_macros(const struct envelope *e);

#endif
