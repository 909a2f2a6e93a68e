/*
 * queue_scan.h: the scan of one queue directory (queue_scan.c), shared by
 * queue runs and the mailq listing.  Not for use outside the queue module.
 */
#ifndef QUEUE_SCAN_H
#define QUEUE_SCAN_H

#include "queue_int.h"

struct queue_entry {
	char name[QUEUE_MAX_NAME + 1]; /* "qfID" or "hfID" */
	long long priority;
	time_t ctime;
	time_t mtime;
	char *host;   /* of the first recipient, for the host sort */
	bool has_q;   /* a quarantine ("q") line */
	bool bad;     /* empty or unreadable: sorted last */
	size_t seq;   /* position in directory order: the last tie-break */
	/* listings only: the file's text (up to QUEUE_KEEP_MAX bytes, in the
	 * list's arena; else NULL and it is read again) and whether a runner
	 * had it locked */
	char *text;
	size_t len;
	bool locked;
};

/* Largest qf text a listing keeps from the scan. */
#define QUEUE_KEEP_MAX 65536

struct queue_list {
	struct queue_entry *v;
	size_t n, cap;
	struct sm_arena texts; /* the kept qf texts */
};

/*
 * A logical qf line of an in-memory qf text, as qf_getline reads it: from
 * its letter up to the first newline not followed by a blank or a tab
 * (continuation lines keep their "\n"), without that newline.  len is the
 * raw length, n the length up to the first NUL byte (what a C string of
 * the line holds).
 */
struct qf_line {
	const char *s;
	size_t len, n;
};
struct qf_text {
	const char *p, *end;
};
/* The next line of t; false at the end or at a line longer than
 * QF_MAX_LINE (where qf_getline fails). */
bool qf_text_line(struct qf_text *t, struct qf_line *l);
/* strtoll(s, NULL, 10) on the first n bytes of s only. */
long long qf_text_num(const char *s, size_t n);

/*
 * Collects the selected messages of dir, at most max (0: all) in directory
 * order, sorted by sort (enum queue_sort).  Names too long are reported to
 * verbose when not NULL.  With listing, each entry keeps the file's text
 * and lock state (one open per file).  0 or the errno of opening the
 * directory.
 */
int queue_scan(const char *dir, const struct queue_select *sel, int sort, long max,
	       FILE *verbose, bool listing, struct queue_list *out);
void queue_scan_free(struct queue_list *l);
/* QueueSortOrder as configured (priority by default). */
int queue_sort_option(void);

/*
 * The exclusive flock()s held on the system, from /proc/locks read once
 * per scan instead of a lock test per file: the inode numbers, sorted.  A
 * file whose inode is listed still gets its own lock test (the number may
 * belong to a file of another file system); one that is not listed is not
 * locked.  Only trusted where /proc/locks sees every lock: in the initial
 * PID namespace (it hides locks of processes it cannot see), with a /proc
 * of that namespace, and for local file systems whose directory entries
 * carry the inode number of the file (NFS locks of other machines are not
 * listed).  Otherwise, or when /proc/locks cannot be read or has an
 * unexpected form, every file is tested.
 */
struct lock_table {
	bool usable;
	unsigned long long *ino;
	size_t n;
};
/* Fills t from /proc/locks for the directory dfd (t->usable when it can be trusted). */
void lock_table_load(struct lock_table *t, int dfd);
/* True when the file with inode ino may be locked and needs its own test. */
bool lock_table_maybe(const struct lock_table *t, unsigned long long ino);

#endif
