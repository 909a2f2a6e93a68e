/*
 * queue.h: the mail queue: queue IDs, the qf/df/xf/tf files as sendmail
 * 8.17 writes them, locking, queue runs and the mailq listing.
 *
 * A message in the queue is a control file "qf<ID>" (the envelope, see
 * envelope.h) and a data file "df<ID>" (the body), plus a transcript
 * "xf<ID>" while delivery errors are collected.  Files are written as
 * "tf<ID>" and renamed into place, so a message is either fully queued or
 * absent.  A qf that cannot be read is renamed to "Qf<ID>" and skipped.
 *
 * The queue directory comes from the QueueDirectory option (a trailing "*"
 * selects every directory matching the prefix); when a queue directory
 * holds "qf", "df" or "xf" subdirectories, those files go there.  Queue
 * groups (Q lines of sendmail.cf) have their own directories (Q= of the
 * group, relative names under the QueueDirectory's parent).
 *
 * All functions return 0 or an errno value unless said otherwise.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "envelope.h"

/* Assigns a new queue ID (sendmail 8.17's 14-character form) to e->id. */
int queue_new_id(struct envelope *e);

/*
 * Queues a message: copies the body from body_fd (read from its start) to
 * the df file and writes the envelope to the qf file, both synced together
 * with their directory before returning.  Assigns an ID first when e->id is
 * empty.  Picks the queue directory (sets e->queue_dir) and sets the body
 * size.  On failure nothing of the message is left in the queue.
 */
int queue_store(struct envelope *e, int body_fd);
/*
 * Rewrites the qf of a queued message (after a delivery attempt),
 * atomically.  What sendmail 8.17 writes after an attempt, the caller sets
 * before: e->last_try (qf "K", the time of the attempt), e->ntries ("N",
 * one more), e->status_msg ("M" before the sender: the status mailq shows,
 * e.g. "Deferred: 451 4.2.1 mailbox busy"), and for each recipient still
 * to be tried r->diag (its own "M" line, written before its C/Q/r/R lines;
 * mailq -v shows it under the address; NULL for none).  Recipients with
 * RCPT_DONE are left out.  An envelope read with queue_read also gets the
 * "I" (df inode) line, as sendmail writes it after a queue run.
 */
int queue_update(struct envelope *e);
/* Removes the qf, df and xf files of a queued message. */
int queue_remove(struct envelope *e);
/*
 * Reads a qf file into a new envelope (its ID and queue_dir are taken from
 * the path).  Returns NULL with *err set when the file cannot be opened
 * (ENOENT ...) or is not a valid qf (EINVAL: corrupt, truncated, too long).
 */
struct envelope *queue_read(const char *qf_path, int *err);
/* Opens the df file of a queued message for reading; a descriptor or -1 with errno. */
int queue_df_open(const struct envelope *e);
/* The path of a queue file of e: kind is 'q', 'd', 'x', 't' or 'Q'; malloc'ed. */
char *queue_file_path(const struct envelope *e, char kind);

/*
 * Locks the qf file of a queued message as sendmail does (an exclusive
 * non-blocking flock on the open qf file), so two runners, ours or the
 * real sendmail's, never work on one message at the same time.  EWOULDBLOCK
 * when another process holds it.  The lock lasts until queue_unlock.
 */
int queue_lock(struct envelope *e);
void queue_unlock(struct envelope *e);

/*
 * Priorities (queue_prio.c), as sendmail 8.17 computes them.  Higher
 * numbers are delivered later.
 *
 * The precedence class of a message: the value of its Precedence: header
 * looked up (without case, leading blanks skipped) among the P lines of
 * the configuration; 0 when it has none or an unknown one.
 */
int queue_precedence_class(const struct envelope *e);
/*
 * The priority of a new message (qf "P"): msgsize - pclass * ClassFactor
 * + nrcpts * RecipientFactor (defaults 1800 and 30000).  msgsize is what
 * sendmail counts: every byte read for the message, headers, the blank
 * line and the body, with "\n" line ends; nrcpts the number of recipients.
 */
long queue_priority(long msgsize, int nrcpts, int pclass);
/* Adds RetryFactor (default 90000) to e->priority; queue_run does it for
 * each message it hands to the delivery callback (not for the first
 * delivery attempt at submission). */
void queue_retry_priority(struct envelope *e);
/*
 * When a delay warning and a bounce are due for e (absolute times):
 * e->ctime plus Timeout.queuewarn / Timeout.queuereturn for the message's
 * precedence: ".urgent" (class > 0), ".normal" (0), ".non-urgent" (< 0),
 * ".dsn" (class 0 and ENV_BOUNCE, when set), else the plain option, else
 * the old T option ("return/warn"); units default to days for
 * queuereturn and hours for queuewarn.  queuereturn 0 or "now": the
 * message is returned at its next attempt (*return_at <= now); default 5
 * days.  *warn_at is 0 when no warning is due at all: queuewarn unset or
 * 0 (the default), a negative precedence, or ENV_WARNING_SENT already set.
 * The caller still checks each recipient's NOTIFY (RCPT_NOTIFY_DELAY when
 * RCPT_HAS_NOTIFY) before warning, and sets ENV_WARNING_SENT ("w") after.
 * Differences: a specific ".class" value wins over the plain one whatever
 * their order (sendmail lets the later one win).
 */
void queue_timeouts(const struct envelope *e, time_t *warn_at, time_t *return_at);

/* QueueSortOrder */
enum queue_sort {
	QSORT_PRIORITY, QSORT_HOST, QSORT_FILENAME, QSORT_TIME,
	QSORT_RANDOM, QSORT_MODIFICATION, QSORT_NONE
};
/* Parses a QueueSortOrder value (first letter, no case); -1 when unknown. */
int queue_sort_parse(const char *value);

/* A -qI/-qR/-qS/-qQ selection: "I" queue ID, "R" recipient, "S" sender,
 * "Q" quarantine reason; substring match, negated with "!". */
struct queue_filter {
	char kind;        /* 'I', 'R', 'S' or 'Q' */
	bool negate;
	const char *text;
};

#define QUEUE_MAX_FILTERS 32

/* Which messages a run or listing selects. */
struct queue_select {
	const char *qgroup;  /* only this queue group (-qG), NULL for all */
	struct queue_filter filters[QUEUE_MAX_FILTERS];
	int nfilters;        /* filters of one kind are or'ed, kinds are and'ed */
	bool quarantined;    /* -qQ: only quarantined messages, else only the others */
};

struct queue_run_opts {
	struct queue_select sel;
	int sort;             /* enum queue_sort, or -1 for the QueueSortOrder option */
	long min_age;         /* seconds since the last try, -1 for the MinQueueAge option */
	long max_run_size;    /* messages per run, 0 unlimited, -1 for the MaxQueueRunSize option */
	bool verbose;
};

/*
 * Called with each selected message, read and locked.  Return 0 when done
 * with it (the runner unlocks and frees it); the callback updates or removes
 * the queue files itself (queue_update / queue_remove).
 */
typedef int (*queue_deliver_fn)(struct envelope *e, void *arg);

/* One pass over the queue(s): returns 0 or an errno of the queue directory. */
int queue_run(const struct queue_run_opts *opts, queue_deliver_fn deliver, void *arg);

/*
 * Queue runners (queue_daemon.c).  Once (interval 0, not persistent): with
 * foreground (-qf) or run.verbose (-v) every selected queue group is run
 * in this process and the function returns when the run is done;
 * otherwise it returns at once, as sendmail's -q does, while a detached
 * process starts runner children (several at once for groups with
 * Runners=N and F=f, at most MaxQueueChildren processes).  Periodic (-q15m) or persistent (-qp): a
 * detached daemon writes the PidFile (pid, command line), starts the
 * runners of each group at once and then every Interval= of the group
 * (else interval), or keeps persistent runners that sleep interval (1 s
 * by default, at least 5 s after finding nothing) between runs; SIGTERM
 * stops it (runners finish their current message) and removes the
 * PidFile; SIGHUP stops the runners and executes the program again with
 * the same arguments.  The caller gets EX_OK_ (or EX_OSERR_ if it cannot fork).
 */
struct queue_runner_opts {
	struct queue_run_opts run;  /* selection (run.sel.qgroup: -qG), sort, limits */
	long interval;    /* seconds between runs; 0: once (or 1 s for persistent) */
	bool persistent;  /* -qp */
	bool foreground;  /* -qf */
};
int queue_runner(const struct queue_runner_opts *o, queue_deliver_fn deliver, void *arg);
/*
 * For the SMTP daemon (-bd -q15m): a child process running the periodic
 * runners of o (no pid file, not detached) until SIGTERM; its pid or -1.
 * in_child (may be NULL) runs first in the child (closes the daemon's sockets).
 */
pid_t queue_runner_child(const struct queue_runner_opts *o, queue_deliver_fn deliver, void *arg,
			 void (*in_child)(void));
/* Locks, reads and hands to deliver the message id of queue directory
 * dir (a delivery right after the SMTP server queued it); 0 or an errno
 * (EWOULDBLOCK: someone else works on it). */
int queue_deliver_id(const char *dir, const char *id, queue_deliver_fn deliver, void *arg);
/* True if id is usable as a queue ID (printable, no '/', not too long):
 * what the SMTP daemon accepts in a delivery request, too. */
bool queue_id_valid(const char *id);
/* The one-minute load average as sendmail 8.17 reads it on Linux (the
 * first number of /proc/loadavg, else getloadavg; 0 when unknown); the
 * SMTP server and the daemon's RefuseLA use it as it is, the queue
 * (queue_load_average) rounded. */
double load_average(void);
/* The PidFile (default /var/run/sendmail.pid); writing it ("pid\ncommand
 * line\n", 0 or an errno, logged), and the SIGHUP restart (executes this
 * program again with its arguments; returns only when that failed or a
 * SIGTERM is pending: the caller then stops). */
const char *queue_pid_path(void);
int queue_write_pidfile(void);
void queue_restart_self(void);

/* The delivery callback of -q runs from the command line (queue_cmd_run);
 * the delivery module registers it at start-up. */
void queue_set_deliver(queue_deliver_fn deliver, void *arg);

struct queue_print_opts {
	struct queue_select sel;
	bool verbose;   /* mailq -v: priority, full status, controlling users */
	bool counts;    /* -bP: only the number of messages per queue */
};

/* Prints the queue as mailq does; returns sendmail's exit status (EX_OK ...). */
int queue_print(FILE *out, const struct queue_print_opts *opts);

/* The command line (queue_cmd.c): the text after "-q" (may be ""): an
 * interval, I/R/S/Q selections (with "!"), f, p, G group; 0 or EX_USAGE
 * (a bad time unit is reported as sendmail does). */
int queue_cmdline_q(const char *arg);
/* True when the command line asks for a queue run in mode (-q... with the
 * default mode -bm). */
bool queue_cmd_wanted(char mode);
/* Runs the queue as the -q flags say, with the registered delivery
 * callback (queue_set_deliver); an exit status. */
int queue_cmd_run(void);
/* -v */
void queue_cmdline_verbose(void);
/* The periodic queue runs -q<time> or -qp asked for with -bd: fills o,
 * false when there are none. */
bool queue_cmd_daemon_opts(struct queue_runner_opts *o);
/* The selection built by the -q flags. */
const struct queue_select *queue_cmdline_select(void);
/* -bp (mode 'p', also mailq) and -bP ('P'): prints the queue; an exit status. */
int queue_cmd_list(char mode);

/* The queue directories of all queue groups (after readcf), expanded;
 * NULL-terminated, owned by the queue module. */
char **queue_dirs(const char *qgroup);
void queue_free_all(void);

#endif
