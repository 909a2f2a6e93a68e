/*
 * submit.h: submitting a message from the command line, accepting a
 * message read by the command line or the SMTP server (submit_accept:
 * queueing, logging, delivering), and delivering queued ones for the
 * queue runner.
 */
#ifndef SUBMIT_H
#define SUBMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "envelope.h"

struct submit_opts {
	bool read_rcpts;      /* -t */
	bool ignore_dots;     /* -i, -oi */
	bool verbose;         /* -v */
	bool msp;             /* -Ac: the mail submission program (submit.cf) */
	const char *from;     /* -f/-r, NULL for the invoking user */
	const char *fullname; /* -F */
	const char *notify;   /* -N */
	const char *ret;      /* -R: "full" or "hdrs" */
	const char *envid;    /* -V */
	const char *body_type; /* -B */
	int hop_count;        /* -h, -1 for none */
	const char *cf_arg;   /* -C as given, NULL for none */
};

/*
 * Checks -N, -R, -B and -h values as sendmail does; on a bad value prints
 * sendmail's message and returns EX_USAGE, else 0.
 */
int submit_check_opts(const struct submit_opts *o);

/*
 * An unprivileged user's -C: logs 8.17's "NOQUEUE: Authentication-Warning:
 * HOST: Processed by USER with -C FILE" and "... Processed from queue DIR"
 * (PrivacyOptions authwarnings); submit_run() adds them as headers.
 */
void submit_cf_warnings(const struct submit_opts *o);

/*
 * A recipient's final recipient for DSNs: "RFC822; addr" (len bytes) when
 * it has a domain, else "RFC822; local@$j" (local NULL: addr), malloc'ed.
 */
char *submit_final_rcpt(const char *addr, size_t len, const char *local);

/*
 * The full name from a password entry's GECOS field (up to its first
 * comma; "&" is the login, capitalized), malloc'ed; NULL when empty.
 */
struct passwd;
char *submit_gecos_name(const struct passwd *pw);

/* The whole submission: returns the exit status of sendmail. */
int submit_run(const struct submit_opts *o, char **rcpts);

struct collect_result;

/*
 * A message read and its recipients known, as the command line and the
 * SMTP server hand it to submit_accept().
 */
struct submit_accept {
	struct collect_result *cr; /* the body (the caller closes cr->body_fd) */
	int nrcpts;                /* recipients counted for the from= line and priority */
	int nok;                   /* recipients left to deliver (0: nothing is queued) */
	int exitstat;              /* the exit status so far */
	const char *single;        /* $u of the Received: line, NULL for none */
	const char *invoker;       /* the submitting user's login name */
	bool verbose;
	char mode;                 /* DeliveryMode letter: b, i, q, d */
	bool smtp;                 /* from an SMTP session: errors are replies, mail them back */
	const char **auth_warnings; /* X-Authentication-Warning: values, NULL-terminated, or NULL */
	const char *auth_warn_log; /* logged as "Authentication-Warning: ...", or NULL */
	const char *log_extra;     /* put before ", relay=" in the from= line (", proto=ESMTP") */
	const char *relay;         /* relay= of the from= line, NULL: $_ or localhost */
	int session_fds[2];        /* closed in a background delivery process (-1: none) */
	/* EightBitMode strict refused the data: every recipient failed with
	 * that text, logged and mailed back (no dead.letter), as 8.17 does */
	const char *refused;
	/* the daemon's hand-off for DeliveryMode b and i, NULL to deliver here */
	int (*request_delivery)(const char *queue_dir, const char *queue_id, void *arg);
	void *request_arg;
	/* results */
	bool queued;               /* the message was accepted (queued or delivered) */
	bool no_space;             /* refused for MinFreeBlocks */
};

/*
 * Adds the H lines' headers to e, queues it, logs the from= line and
 * delivers it as a->mode says.  e stays the caller's.  Returns the exit
 * status of a command-line submission.
 */
int submit_accept(struct envelope *e, struct submit_accept *a);

/* ErrorMode as a lower-case letter ('p' when unset). */
char submit_error_mode(void);

/*
 * After a delivery attempt: failures go back as ErrorMode says, then the
 * queue files are updated or removed.
 */
int submit_finish_attempt(struct envelope *e, int body_fd, int left, bool queued,
			  bool interactive);

/* The queue runner's callback: delivers a queued, locked message. */
int submit_deliver_queued(struct envelope *e, void *arg);

#endif
