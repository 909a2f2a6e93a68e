/*
 * queue_uring.h: a minimal io_uring (raw system calls, no liburing) for
 * the mailq listing: batches of openat+read of qf files and statx of df
 * files, one io_uring_enter per batch.  Not for use outside the queue
 * module.
 */
#ifndef QUEUE_URING_H
#define QUEUE_URING_H

#include <stdbool.h>
#include <stddef.h>

struct qring;

/* A ring for batches of up to nfiles files; NULL when io_uring is not
 * available (the caller then does the work with plain system calls). */
struct qring *qring_new(unsigned nfiles);
void qring_free(struct qring *r);

/*
 * Opens (O_RDONLY|O_NOFOLLOW, relative to dfd) and reads the first cap
 * bytes of each of the n <= nfiles names into bufs[i]; res[i] is the byte
 * count or -errno.  Descriptors stay in the ring (a later batch reuses
 * the slots; qring_free closes them).  false when the ring failed: the
 * caller does the work itself.
 */
bool qring_read(struct qring *r, int dfd, const char *const *names, size_t n, char *const *bufs,
		size_t cap, long *res);

/* The st_size of each of the n <= 2 * nfiles names (following symlinks,
 * as fstatat(dfd, name, &st, 0)), or -errno in res[i]. */
bool qring_sizes(struct qring *r, int dfd, const char *const *names, size_t n, long long *size,
		 int *err);

#endif
