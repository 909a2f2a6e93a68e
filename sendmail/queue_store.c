/*
 * queue_store.c: putting messages into the queue and taking them out:
 * queue_store, queue_update, queue_remove, queue_lock/unlock, the df file,
 * setting bad qf files aside, and the queue's log lines.
 *
 * Durability: the df file is written and synced first, then the qf image
 * as "tf" (locked before anything is written, so the qf is locked from the
 * moment it appears), synced, and renamed to "qf"; the directory is synced
 * last.  A crash leaves the message fully queued or with no qf at all (an
 * orphan df or tf is no message).  Locks are flock() locks on the qf file,
 * the kind sendmail 8.17 takes on Linux, so its runners and ours exclude
 * each other.  Owns the lock descriptor kept in envelope->lock_fd.
 */
#include "queue_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "options.h"

bool QueueVerbose;

void queue_log(int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = sm_vasprintf(fmt, ap);
	va_end(ap);
	syslog(LOG_MAIL | prio, "%s", msg);
	if (QueueVerbose)
		printf("%s\n", msg);
	sm_free(msg);
}

/* The mode of new queue files: QueueFileMode (default 0600) less the
 * umask sendmail 8.17 works under (022, or 002 when the mode lets the group
 * write), whatever umask we were started with: 0660 gives 0660, 0666 0664. */
static mode_t file_mode(void)
{
	const char *m = opt_value(OPT_QueueFileMode);
	if (m != NULL && *m != '\0') {
		char *end;
		long v = strtol(m, &end, 8);
		if (*end == '\0' && v > 0 && v <= 07777) {
			mode_t mode = (mode_t)v & 0666;
			return mode & ~(mode_t)((mode & S_IWGRP) != 0 ? 002 : 022);
		}
	}
	return 0600;
}

/* Creates a new queue file (which must not exist) with file_mode(); the
 * descriptor or -1 with errno. */
static int create_qfile(const char *path)
{
	mode_t mode = file_mode();
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) != 0) { /* our umask may have taken bits away */
		int e = errno;
		(void)close(fd);
		(void)unlink(path);
		errno = e;
		return -1;
	}
	return fd;
}

/* Copies body_fd (from its start) to a new df file; 0 or errno. */
static int write_df(struct envelope *e, const char *path, int body_fd)
{
	int fd = create_qfile(path);
	if (fd < 0)
		return errno;
	int rc = 0;
	long size = 0;
	if (lseek(body_fd, 0, SEEK_SET) < 0 && errno != ESPIPE)
		rc = errno;
	char buf[65536];
	while (rc == 0) {
		ssize_t n = read(body_fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = errno;
		if (n <= 0)
			break;
		rc = sm_write_all(fd, buf, (size_t)n);
		size += n;
	}
	if (rc == 0 && fsync(fd) != 0)
		rc = errno;
	if (close(fd) != 0 && rc == 0)
		rc = errno;
	if (rc == 0)
		e->body_size = size;
	else
		(void)unlink(path); /* no partial df left behind (a full disk) */
	return rc;
}

/*
 * Writes the qf image of e to tf_path, locked, synced; returns the locked
 * descriptor or -1 with *err.  The tf file must not exist.
 */
static int write_tf(struct envelope *e, const char *tf_path, int *err, bool with_inode)
{
	int fd = create_qfile(tf_path);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	int rc = flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno;
	int wfd = rc == 0 ? dup(fd) : -1;
	FILE *f = wfd >= 0 ? fdopen(wfd, "w") : NULL;
	if (rc == 0 && f == NULL) {
		rc = errno;
		if (wfd >= 0)
			(void)close(wfd);
	}
	if (f != NULL) {
		struct stat dst;
		char *df = queue_file_path(e, 'd');
		bool have = with_inode && stat(df, &dst) == 0;
		sm_free(df);
		qf_write(f, e, have, have ? &dst : NULL);
		if (fflush(f) != 0 || ferror(f))
			rc = errno != 0 ? errno : EIO;
		if (fclose(f) != 0 && rc == 0)
			rc = errno;
	}
	if (rc == 0 && fsync(fd) != 0)
		rc = errno;
	if (rc != 0) {
		(void)close(fd);
		(void)unlink(tf_path);
		*err = rc;
		return -1;
	}
	return fd;
}

/* Picks one directory of the envelope's queue group. */
static const char *pick_dir(const struct envelope *e)
{
	char **dirs = queue_dirs(e->qgroup != NULL ? e->qgroup : "mqueue");
	if (dirs == NULL)
		dirs = queue_dirs("mqueue");
	size_t n = 0;
	while (dirs != NULL && dirs[n] != NULL)
		n++;
	if (n == 0)
		return NULL;
	return dirs[n == 1 ? 0 : (size_t)random() % n];
}

int queue_store(struct envelope *e, int body_fd)
{
	int rc = 0;
	if (e->id[0] == '\0' && (rc = queue_new_id(e)) != 0)
		return rc;
	const char *dir = pick_dir(e);
	if (dir == NULL)
		return ENOENT;
	e->queue_dir = sm_arena_strdup(e->arena, dir);
	e->df_dir = NULL;
	for (int attempt = 0;; attempt++) {
		char *df = queue_file_path(e, 'd');
		char *qf = queue_file_path(e, 'q');
		char *tf = queue_file_path(e, 't');
		struct stat st;
		rc = lstat(qf, &st) == 0 ? EEXIST : 0;
		if (rc == 0)
			rc = write_df(e, df, body_fd);
		int fd = -1;
		if (rc == 0) {
			fd = write_tf(e, tf, &rc, false);
			if (fd >= 0 && rename(tf, qf) != 0) {
				rc = errno;
				(void)close(fd);
				fd = -1;
				(void)unlink(tf);
			}
			if (rc != 0)
				(void)unlink(df);
		}
		if (rc == 0) {
			char *qd = queue_kind_dir(e->queue_dir, 'q');
			char *dd = queue_kind_dir(e->queue_dir, 'd');
			rc = queue_sync_dir(qd);
			if (rc == 0 && strcmp(qd, dd) != 0)
				rc = queue_sync_dir(dd);
			sm_free(qd);
			sm_free(dd);
			if (rc != 0) {
				(void)unlink(qf);
				(void)unlink(df);
				(void)close(fd);
				fd = -1;
			}
		}
		sm_free(df);
		sm_free(qf);
		sm_free(tf);
		if (rc == 0) {
			if (e->lock_fd >= 0)
				(void)close(e->lock_fd);
			e->lock_fd = fd;
			e->flags |= ENV_HAS_DF;
			return 0;
		}
		if (rc != EEXIST || attempt >= 20)
			return rc;
		int r2 = queue_new_id(e); /* the name is taken: another ID */
		if (r2 != 0)
			return r2;
	}
}

int queue_lock(struct envelope *e)
{
	if (e->lock_fd >= 0)
		return 0;
	char *qf = queue_file_path(e, e->quarantine != NULL ? 'h' : 'q');
	int rc = 0;
	int fd = open(qf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		rc = errno;
	else if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		rc = errno == EWOULDBLOCK ? EWOULDBLOCK : errno;
	if (rc == 0) {
		/* the file may have been replaced or removed before we got the lock */
		struct stat a, b;
		if (fstat(fd, &a) != 0 || stat(qf, &b) != 0 || a.st_nlink == 0 ||
		    a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			rc = ENOENT;
	}
	sm_free(qf);
	if (rc != 0) {
		if (fd >= 0)
			(void)close(fd);
		return rc;
	}
	e->lock_fd = fd;
	return 0;
}

void queue_unlock(struct envelope *e)
{
	if (e->lock_fd >= 0)
		(void)close(e->lock_fd);
	e->lock_fd = -1;
}

int queue_update(struct envelope *e)
{
	if (e->id[0] == '\0' || e->queue_dir == NULL)
		return EINVAL;
	int rc = queue_lock(e);
	if (rc != 0)
		return rc;
	char kind = e->quarantine != NULL ? 'h' : 'q';
	char *tf = queue_file_path(e, 't');
	char *qf = queue_file_path(e, kind);
	char *other = queue_file_path(e, kind == 'h' ? 'q' : 'h');
	(void)unlink(tf); /* a leftover of a crash: we hold the lock */
	/* sendmail writes the df inode ("I") once it has read the qf back */
	int fd = write_tf(e, tf, &rc, (e->flags & ENV_QF_READ) != 0);
	if (fd >= 0 && rename(tf, qf) != 0) {
		rc = errno;
		(void)close(fd);
		(void)unlink(tf);
		fd = -1;
	}
	if (fd >= 0) {
		if (unlink(other) != 0 && errno != ENOENT)
			rc = errno;
		char *qd = queue_kind_dir(e->queue_dir, 'q');
		int r2 = queue_sync_dir(qd);
		sm_free(qd);
		if (rc == 0)
			rc = r2;
		(void)close(e->lock_fd);
		e->lock_fd = fd;
	}
	sm_free(tf);
	sm_free(qf);
	sm_free(other);
	return rc;
}

int queue_remove(struct envelope *e)
{
	if (e->id[0] == '\0' || e->queue_dir == NULL)
		return EINVAL;
	int rc = 0;
	static const char kinds[] = "qhdx";
	for (const char *k = kinds; *k != '\0'; k++) {
		char *p = queue_file_path(e, *k);
		if (unlink(p) != 0 && errno != ENOENT && rc == 0)
			rc = errno;
		sm_free(p);
	}
	char *qd = queue_kind_dir(e->queue_dir, 'q');
	int r2 = queue_sync_dir(qd);
	sm_free(qd);
	queue_unlock(e);
	return rc != 0 ? rc : r2;
}

int queue_df_open(const struct envelope *e)
{
	char *p = queue_file_path(e, 'd');
	/* not through a link a writer of the queue directory could plant */
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int saved = errno;
	sm_free(p);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		(void)close(fd);
		fd = -1;
		saved = EINVAL;
	}
	errno = saved;
	return fd;
}

void queue_set_aside(const char *dir, const char *id, const char *why)
{
	char *qf = queue_path(dir, NULL, 'q', id);
	char *lost = queue_path(dir, NULL, 'Q', id);
	if (rename(qf, lost) != 0)
		queue_log(LOG_ALERT, "%s: cannot rename %s to %s: %s", id, qf, lost, strerror(errno));
	else
		queue_log(LOG_ALERT, "%s: queue file set aside as %s: %s", id, lost, why);
	sm_free(qf);
	sm_free(lost);
}
