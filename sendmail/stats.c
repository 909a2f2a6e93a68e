/*
 * stats.c: reading, writing and updating the StatusFile record.
 *
 * Owns the record's byte layout checks (see stats.h for the layout) and the
 * locked read-add-write update that sendmail does after each event.
 */
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The layout is 8.17's on LP64 machines; refuse to build a different one. */
_Static_assert(sizeof(long) != 8 || sizeof(struct stats_rec) == 1448,
	       "StatusFile record size");
_Static_assert(sizeof(long) != 8 || offsetof(struct stats_rec, conn_from) == 24,
	       "StatusFile connection counts");
_Static_assert(sizeof(long) != 8 || offsetof(struct stats_rec, msgs_from) == 48,
	       "StatusFile per-mailer counts");

long stats_kbytes(long bytes)
{
	if (bytes <= 0)
		return 0;
	return bytes / 1000 + (bytes % 1000 != 0);
}

void stats_init(struct stats_rec *st, time_t now)
{
	memset(st, 0, sizeof *st);
	st->magic = STATS_MAGIC;
	st->version = STATS_VERSION;
	st->itime = now;
	st->size = (short)sizeof *st;
}

enum stats_read_result stats_read(int fd, struct stats_rec *st, time_t now)
{
	struct stats_rec tmp;
	memset(&tmp, 0, sizeof tmp);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return STATS_IOERR;
	size_t got = 0;
	while (got < sizeof tmp) {
		ssize_t n = read(fd, (char *)&tmp + got, sizeof tmp - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return STATS_IOERR;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == 0) {
		stats_init(st, now);
		return STATS_OK;
	}
	if (tmp.magic != STATS_MAGIC)
		return STATS_BADMAGIC;
	*st = tmp;
	if (tmp.version != STATS_VERSION)
		return STATS_BADVERSION;
	if (got != sizeof tmp || tmp.size != (short)sizeof tmp)
		return STATS_BADSIZE;
	return STATS_OK;
}

int stats_write(int fd, const struct stats_rec *st)
{
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	size_t done = 0;
	while (done < sizeof *st) {
		ssize_t n = write(fd, (const char *)st + done, sizeof *st - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* Opens, locks and reads the file; -2 when there is nothing to do. */
static int stats_open(const char *statusfile, struct stats_rec *st)
{
	if (statusfile == NULL || *statusfile == '\0')
		return -2;
	int fd = open(statusfile, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return (errno == ENOENT || errno == ELOOP) ? -2 : -1;
	struct stat sb;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -2;
	}
	while (fcntl(fd, F_SETLKW, &fl) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	if (stats_read(fd, st, time(NULL)) != STATS_OK) {
		/* Not a record of ours: leave it alone, as sendmail does. */
		close(fd);
		return -2;
	}
	return fd;
}

static int stats_close(int fd, const struct stats_rec *st)
{
	int rc = stats_write(fd, st);
	int saved = errno;
	if (close(fd) < 0 && rc == 0)
		return -1;
	errno = saved;
	return rc;
}

int stats_record(const char *statusfile, int mailer, bool from, long kbytes,
		 enum stats_kind kind)
{
	if (mailer < 0 || mailer >= STATS_MAXMAILERS)
		return 0;
	struct stats_rec st;
	int fd = stats_open(statusfile, &st);
	if (fd == -2)
		return 0;
	if (fd < 0)
		return -1;
	switch (kind) {
	case STATS_MSG:
		if (from) {
			st.msgs_from[mailer]++;
			st.kb_from[mailer] += kbytes;
		} else {
			st.msgs_to[mailer]++;
			st.kb_to[mailer] += kbytes;
		}
		break;
	case STATS_REJECT:
		st.rejected[mailer]++;
		break;
	case STATS_DISCARD:
		st.discarded[mailer]++;
		break;
	case STATS_QUARANTINE:
		st.quarantined[mailer]++;
		break;
	}
	return stats_close(fd, &st);
}

int stats_connection(const char *statusfile, enum stats_conn which)
{
	struct stats_rec st;
	int fd = stats_open(statusfile, &st);
	if (fd == -2)
		return 0;
	if (fd < 0)
		return -1;
	if (which == STATS_CONN_FROM)
		st.conn_from++;
	else if (which == STATS_CONN_TO)
		st.conn_to++;
	else
		st.conn_rej++;
	return stats_close(fd, &st);
}
