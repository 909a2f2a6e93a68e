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
	bool queue_run;      /* a queue run: system errors of deliveries are shown, not only logged */
	const char *invoker; /* the login name of the submitting user, NULL for none */
	int fopt;            /* -f for F=f mailers: 0 when the sender is not the invoker,
			      * 1 always, -1 never */
};

/*
 * Delivers every recipient of e that is not done, reading the body from
 * body_fd (from its start for each mailer run).  Sets each recipient's
 * flags (RCPT_SENT|RCPT_DONE, RCPT_BADADDR|RCPT_DONE, or RCPT_QUEUED),
 * status and diag, and logs a "to=" line per delivery.  Returns the number
 * of recipients left queued.
 */
int deliver_envelope(struct envelope *e, int body_fd, const struct deliver_opts *o);

/* Whether the last deliver_envelope() was verbose (-v): its DSN's delivery is too. */
bool deliver_last_verbose(void);

/* The text sendmail gives a mailer exit status ("User unknown") and its DSN code. */
const char *deliver_exit_text(int status, const char **dsn);
/* The exit status whose text diag is (reply codes in front skipped), or 0. */
int deliver_exit_of_text(const char *diag);

/*
 * Expands the recipients of e that are neither done nor expanded before
 * through aliases, :include: and .forward files (alias_expand): an
 * expanded recipient becomes done, the ones it stands for are added after
 * it marked RCPT_ALIAS_DONE.  When the message goes to one list only and
 * owner-LIST exists, the owner becomes the envelope sender.  Returns the
 * number of recipients an alias map could not be read for (left queued).
 */
int deliver_expand(struct envelope *e);

struct address;
struct sm_arena;
/*
 * Ruleset 5 (localaddr) for a recipient of an F=5 mailer: when it gives a
 * new mailer triple, *a becomes it (its user rewritten by rulesets 2, R=
 * and 4) and true is returned; $#error and no change leave *a as it is.
 */
bool deliver_localaddr(struct address *a, struct sm_arena *arena);

/* StatusFile: counts the message as received from the sender's mailer. */
void deliver_count_from(const struct envelope *e);

/* Sets the per-envelope macros ($i $t $b $a $f $g $x $_) for e. */
void deliver_set_macros(const struct envelope *e);

#endif
