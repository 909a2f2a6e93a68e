/*
 * submit.h: submitting a message from the command line, and delivering
 * queued ones for the queue runner.
 */
#ifndef SUBMIT_H
#define SUBMIT_H

#include <stdbool.h>

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

/* The whole submission: returns the exit status of sendmail. */
int submit_run(const struct submit_opts *o, char **rcpts);

/* The queue runner's callback: delivers a queued, locked message. */
int submit_deliver_queued(struct envelope *e, void *arg);

#endif
