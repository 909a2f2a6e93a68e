/*
 * ml_box.c: appending one mbox entry to one user's mailbox.
 *
 * Owns the safety rules and the locking: the user must exist; the mailbox
 * (spool/user, or ~user/NAME with -h) must be a regular file with one link,
 * owned by the user, and still the same file once open (no symbolic links,
 * ever); a missing mailbox is created 0600 for the user.  The spool's
 * user.lock dot-lock and an fcntl lock are held while appending; a failed
 * append is cut back to the old size, so the mailbox never holds half a
 * message.  Writing is done with the user's effective uid when we are
 * root, so quotas apply; disk full is a temporary failure, over quota
 * too unless -b.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ml.h"
#include "sm.h"

#define ML_LOCK_TRIES 60   /* seconds to wait for a dot-lock */
#define ML_LOCK_STALE 300  /* an older dot-lock is removed */

static int dotlock(const char *lockname)
{
	for (int i = 0; i < ML_LOCK_TRIES; i++) {
		int fd = open(lockname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
		if (fd >= 0)
			return close(fd);
		if (errno != EEXIST)
			return -1;
		struct stat sb;
		if (lstat(lockname, &sb) == 0 && time(NULL) - sb.st_mtime > ML_LOCK_STALE)
			(void)unlink(lockname);
		else
			sleep(1);
	}
	errno = EAGAIN;
	return -1;
}

static void write_error(struct ml_status *st, const char *path, int e)
{
	if (e == EDQUOT && MlOpts.bounce_quota)
		ml_fail(st, EX_UNAVAILABLE_, "552 5.2.2", "%s: %s", path, strerror(e));
	else if (e == EDQUOT)
		ml_fail(st, EX_TEMPFAIL_, "450 4.2.0", "%s: %s", path, strerror(e));
	else if (e == ENOSPC)
		ml_fail(st, EX_TEMPFAIL_, "452 4.2.2", "%s: %s", path, strerror(e));
	else
		ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "%s: %s", path, strerror(e));
}

/* Copies the entry to fd; 0 or an errno value. */
static int append(FILE *msg, int fd)
{
	char buf[16384];
	if (fseek(msg, 0, SEEK_SET) != 0)
		return errno ? errno : EIO;
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, msg)) > 0) {
		size_t done = 0;
		while (done < got) {
			ssize_t w = write(fd, buf + done, got - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return w < 0 ? errno : ENOSPC;
			done += (size_t)w;
		}
	}
	if (ferror(msg))
		return EIO;
	if (fsync(fd) < 0)
		return errno;
	return 0;
}

/* Opens (creating if missing) and checks the mailbox; -1 with st set. */
static int open_box(const char *path, const struct passwd *pw, struct ml_status *st)
{
	struct stat lsb, fsb;
	bool created = false;
	int fd = -1;
	if (lstat(path, &lsb) < 0) {
		if (errno != ENOENT) {
			ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "%s: %s", path, strerror(errno));
			return -1;
		}
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			ml_fail(st, EX_CANTCREAT_, "550 5.2.0", "%s: %s", path, strerror(errno));
			return -1;
		}
		if (geteuid() == 0 && fchown(fd, pw->pw_uid, pw->pw_gid) < 0) {
			ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "chown %u.%u: %s",
				(unsigned)pw->pw_uid, (unsigned)pw->pw_gid, strerror(errno));
			close(fd);
			(void)unlink(path);
			return -1;
		}
		created = true;
		if (fstat(fd, &lsb) < 0) {
			close(fd);
			ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	if (lsb.st_nlink != 1) {
		ml_fail(st, EX_UNAVAILABLE_, "550 5.2.0", "%s: too many links", path);
		goto bad;
	}
	if (!S_ISREG(lsb.st_mode)) {
		ml_fail(st, EX_UNAVAILABLE_, "550 5.2.0", "%s: irregular file", path);
		goto bad;
	}
	if (lsb.st_uid != pw->pw_uid) {
		ml_fail(st, EX_UNAVAILABLE_, "550 5.2.0", "%s: wrong ownership (%d)", path,
			(int)lsb.st_uid);
		goto bad;
	}
	if (!created) {
		fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			ml_fail(st, EX_CANTCREAT_, "550 5.2.0", "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	if (fstat(fd, &fsb) < 0 || fsb.st_dev != lsb.st_dev || fsb.st_ino != lsb.st_ino ||
	    fsb.st_nlink != 1 || !S_ISREG(fsb.st_mode)) {
		ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "%s: fstat: file changed after open", path);
		goto bad;
	}
	return fd;
bad:
	if (fd >= 0)
		close(fd);
	return -1;
}

static void deliver_locked(FILE *msg, const char *path, const struct passwd *pw,
			   struct ml_status *st)
{
	int fd = open_box(path, pw, st);
	if (fd < 0)
		return;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	while (fcntl(fd, F_SETLKW, &fl) < 0) {
		if (errno != EINTR) {
			ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "Lock %s: %s", path, strerror(errno));
			close(fd);
			return;
		}
	}
	struct stat sb;
	off_t old = fstat(fd, &sb) == 0 ? sb.st_size : -1;
	int e = old < 0 ? errno : 0;
	if (e == 0 && geteuid() == 0 && pw->pw_uid != 0 && seteuid(pw->pw_uid) < 0)
		e = errno;
	if (e == 0) {
		e = append(msg, fd);
		if (geteuid() != getuid() && seteuid(0) < 0) {
			/* Cannot get root back: stop here rather than go on as the user. */
			_exit(EX_OSERR_);
		}
	}
	if (e != 0) {
		if (old >= 0 && ftruncate(fd, old) < 0)
			e = e ? e : errno;
		write_error(st, path, e);
	}
	if (close(fd) < 0 && e == 0)
		write_error(st, path, errno);
}

void ml_deliver(FILE *msg, const char *user, struct ml_status *st)
{
	st->ex = 0;
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		ml_fail(st, EX_UNAVAILABLE_, "550 5.1.1", "%s: User unknown", user);
		return;
	}
	if (strchr(user, '/') != NULL || strcmp(user, ".") == 0 || strcmp(user, "..") == 0) {
		ml_fail(st, EX_UNAVAILABLE_, "550 5.1.1", "%s: Invalid mailbox path", user);
		return;
	}
	char *path, *lockname;
	if (MlOpts.homefile != NULL) {
		if (pw->pw_dir == NULL || *pw->pw_dir == '\0') {
			ml_fail(st, EX_UNAVAILABLE_, "550 5.1.1", "%s: User missing home directory",
				user);
			return;
		}
		path = sm_asprintf("%s/%s", pw->pw_dir, MlOpts.homefile);
	} else {
		path = sm_asprintf("%s/%s", MlOpts.spool, user);
	}
	lockname = sm_asprintf("%s.lock", path);
	if (dotlock(lockname) < 0) {
		ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "Lock %s: %s", path, strerror(errno));
	} else {
		deliver_locked(msg, path, pw, st);
		(void)unlink(lockname);
	}
	sm_free(lockname);
	sm_free(path);
}
