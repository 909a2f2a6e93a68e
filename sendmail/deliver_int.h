/*
 * deliver_int.h: what deliver.c shares with deliver_remote.c (the SMTP
 * mailers): the message text a mailer gets, recipient statuses, the
 * "to=" log line and the StatusFile count.
 */
#ifndef DELIVER_INT_H
#define DELIVER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "deliver.h"
#include "envelope.h"

struct mailer;

/*
 * Headers, empty line and body as mailer m gets them (E= line ends, F=X,
 * F=7, F=E), the MIME structure walked as 8.17 does (mime8to7.h), 8-bit
 * parts converted when to7bit.  *has8 (unless NULL): the body has 8-bit bytes.
 */
int deliver_message_text(const struct envelope *e, const struct mailer *m, int body_fd,
			 bool to7bit, struct sm_buf *out, bool *has8);
/* Sets r's DSN status and text; flags RCPT_SENT|RCPT_DONE, RCPT_BADADDR|RCPT_DONE or RCPT_QUEUED. */
void deliver_set_status(struct envelope *e, struct recipient *r, const char *dsn, const char *diag,
			unsigned flags);
/* The "to=" log line of r (relay, reply: NULL to leave out). */
void deliver_log_to(const struct envelope *e, const struct recipient *r, const char *ctl,
		    const char *mailer, time_t start, bool xdelay, const char *relay,
		    const char *reply, const char *stat);
/* What check_compat makes of a recipient. */
enum compat_verdict {
	COMPAT_OK,        /* go on */
	COMPAT_FAILED,    /* $#error: r's status set, logged */
	COMPAT_DISCARDED, /* $#discard: r done, logged */
	COMPAT_DEFERRED,  /* a 4xx $#error: r queued, logged */
};
/* check_compat for recipient r of e (through mailer). */
enum compat_verdict deliver_check_compat(struct envelope *e, struct recipient *r,
					 const char *mailer);
/* True when check_compat would refuse, defer or discard r (nothing told or set). */
bool deliver_compat_refuses(struct envelope *e, struct recipient *r);
/*
 * The SMTP groups of one envelope (deliver_batch.c): which recipients go
 * out in one transaction with the first one of their mailer and host.
 */
struct smtp_batches;
struct smtp_batches *smtp_batches_new(struct envelope *e);
void smtp_batches_free(struct smtp_batches *b);
/* Recipient number i (envelope order) was sent with an earlier group. */
bool smtp_batches_taken(const struct smtp_batches *b, size_t i);
/*
 * The group led by recipient number first (through m to host, SMTP
 * recipient first_user): *rsp and *usersp (the caller frees both) get it,
 * first at [0], the others in envelope order; returns its size.
 */
size_t smtp_batch_collect(struct smtp_batches *b, struct envelope *e, size_t first,
			  const struct mailer *m, const char *host, const char *first_user,
			  struct recipient ***rsp, const char ***usersp);
/* StatusFile: one message delivered through m. */
void deliver_count(const struct envelope *e, const struct mailer *m);

/*
 * Starts the program of mailer m (A= expanded with $u user, $h host) as
 * its user, talking on its standard input and output: the socket to it,
 * or -1; *pid gets its process.  For LMTP mailers (F=z) that are programs.
 */
int deliver_spawn(const struct mailer *m, const char *user, const char *host,
		  const char *ctladdr, pid_t *pid);

/*
 * SMTP delivery of the recipients rs[0..n-1] (all for host through the
 * [IPC] mailer m, users[i] the address each is given in RCPT) over one
 * connection, or LMTP through m's program when m is an F=z program
 * mailer; returns how many stay queued.
 */
int deliver_remote(struct envelope *e, struct recipient **rs, const char **users, size_t n,
		   const struct mailer *m, const char *host, int body_fd,
		   const struct deliver_opts *o, const char *g, const char *ctl, time_t start);

#endif
