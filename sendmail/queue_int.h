/*
 * queue_int.h: what the files of the queue module share (not for others).
 */
#ifndef QUEUE_INT_H
#define QUEUE_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "queue.h"
#include "sm.h"

/* Private envelope flag: e was read from its qf file (queue_read), so an
 * update writes the "I" (df inode) line as sendmail does after a queue run. */
#define ENV_QF_READ 0x40000000u
/* Private envelope flag: the qf was written by another user than root
 * while we are root (an SMTP session's): read with distrust (queue_read). */
#define ENV_UNTRUSTED 0x20000000u

/* Longest queue file name ("qf" + ID) a queue scan accepts, as sendmail. */
#define QUEUE_MAX_NAME 21
#define QUEUE_MAX_ID (QUEUE_MAX_NAME - 2)
/* Longest logical qf line (with its continuation lines). */
#define QF_MAX_LINE (1024 * 1024)


/* The QueueDirectory (default /var/spool/mqueue) as configured. */
const char *queue_base_dir(void);
/* The path of a queue file kind ('q','t','d','x','Q','h') of ID in dir,
 * in the qf/df/xf subdirectory when the directory has one; malloc'ed.
 * df_dir, when not NULL, replaces dir for the df file. */
char *queue_path(const char *dir, const char *df_dir, char kind, const char *id);
/* The same path relative to the queue directory ("./dfID" or "df/dfID"). */
char *queue_relpath(const char *dir, char kind, const char *id);
/* The directory that holds files of that kind (dir, or dir/qf ...); malloc'ed. */
char *queue_kind_dir(const char *dir, char kind);

/*
 * Reads one logical qf line (continuation lines, starting with a space or
 * a tab, are joined with "\n") into b, without the newline.  Returns 1 for
 * a line, 0 at the end of the file, -1 for a line longer than QF_MAX_LINE
 * (the rest of it is skipped) or a read error (errno set).
 */
int qf_getline(FILE *f, struct sm_buf *b);

/* Writes the qf text of e to f (stdio errors are left for the caller). */
void qf_write(FILE *f, const struct envelope *e, bool with_inode, const struct stat *df_st);

/* Set for verbose runs and listings: queue_log also prints. */
extern bool QueueVerbose;

/* Logs a queue problem (syslog LOG_MAIL) and, in verbose runs, says it. */
void queue_log(int prio, const char *fmt, ...) SM_PRINTF(2, 3);

/* Renames a bad qf (path) to its Qf name; logs why. */
void queue_set_aside(const char *dir, const char *id, const char *why);

/* A queue group and how it is run (Q line fields; mqueue from QueueDirectory). */
struct queue_group_info {
	const char *name;
	char **dirs;     /* NULL-terminated */
	long interval;   /* I=: seconds between runs, -1 when not set */
	int runners;     /* R=: parallel runners (MaxRunnersPerQueue, 1 by default;
			  * 1 without F=f); 0: never run */
	bool parallel;   /* F=f */
	int nice;        /* N= */
	long jobs;       /* J=: messages per run, 0 unlimited */
};
size_t queue_group_count(void);
const struct queue_group_info *queue_group_get(size_t i);

/* The load average as sendmail counts it (rounded). */
int queue_load_average(void);
/* True when load average la keeps a message of priority pri in the queue:
 * la above QueueLA (8 per processor) and pri above QueueFactor / (la -
 * QueueLA + 1); mailq marks such messages with "X", runs skip them. */
bool queue_load_defers(long pri, int la);

/* Set by SIGTERM in queue runners: the run stops after the current message. */
extern volatile sig_atomic_t QueueStop;

/* queue_run that also counts the messages handed to the callback. */
int queue_run_count(const struct queue_run_opts *opts, queue_deliver_fn deliver, void *arg,
		    size_t *processed);

/* Checks that the queue directories exist, saying what is wrong on out
 * as sendmail does at start-up; 0 or errno. */
int queue_check_dirs(FILE *out);

/* fsync()s a directory; 0 or errno. */
int queue_sync_dir(const char *dir);

#endif
