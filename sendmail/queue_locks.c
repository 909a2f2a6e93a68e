/*
 * queue_locks.c: which queue files a runner holds locked, from one read
 * of /proc/locks per scan instead of a lock test per file (the table of
 * queue_scan.h: what it may be trusted for is said there).  Owns the
 * table's inode array (freed by the scan with sm_free).
 */
#include "queue_scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
	return (x > y) - (x < y);
}

static bool local_fs(int dfd)
{
	struct statfs sf;
	if (fstatfs(dfd, &sf) != 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case 0xEF53UL:      /* ext2, ext3, ext4 */
	case 0x58465342UL:  /* xfs */
	case 0x9123683EUL:  /* btrfs */
	case 0x01021994UL:  /* tmpfs */
	case 0xF2F52010UL:  /* f2fs */
		return true;
	default:
		return false;
	}
}

static bool proc_sees_all(void)
{
	char buf[64];
	ssize_t n = readlink("/proc/self/ns/pid", buf, sizeof buf - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (strcmp(buf, "pid:[4026531836]") != 0) /* the initial PID namespace */
		return false;
	n = readlink("/proc/self", buf, sizeof buf - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char pid[32];
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	return strcmp(buf, pid) == 0;
}

/* One /proc/locks line: "N: [->] TYPE ... RW PID MAJ:MIN:INODE START END";
 * false when it does not look like that. */
static bool lock_line(struct lock_table *t, size_t *cap, char *line)
{
	char *tok[8];
	int nt = 0;
	char *save = NULL;
	for (char *w = strtok_r(line, " \t", &save); w != NULL && nt < 8;
	     w = strtok_r(NULL, " \t", &save))
		tok[nt++] = w;
	if (nt == 0)
		return true;
	if (nt < 2 || tok[0][strlen(tok[0]) - 1] != ':')
		return false;
	if (strcmp(tok[1], "->") == 0)
		return true; /* waiting for a lock, not holding it */
	if (strcmp(tok[1], "FLOCK") != 0)
		return true;
	if (nt < 6 || strcmp(tok[2], "ADVISORY") != 0)
		return false;
	if (strcmp(tok[3], "WRITE") != 0)
		return true; /* a shared lock does not stop ours */
	char *c = strrchr(tok[5], ':');
	if (c == NULL || c == tok[5] || c[1] < '0' || c[1] > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long long ino = strtoull(c + 1, &end, 10);
	if (*end != '\0' || errno != 0)
		return false;
	if (t->n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		t->ino = sm_realloc(t->ino, *cap * sizeof *t->ino);
	}
	t->ino[t->n++] = ino;
	return true;
}

void lock_table_load(struct lock_table *t, int dfd)
{
	memset(t, 0, sizeof *t);
	if (!local_fs(dfd) || !proc_sees_all())
		return;
	int fd = open("/proc/locks", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct sm_buf b;
	sm_buf_init(&b);
	bool ok = sm_buf_read_fd(&b, fd) == 0;
	if (close(fd) != 0)
		ok = false;
	size_t cap = 0;
	char *save = NULL;
	for (char *line = strtok_r(b.data, "\n", &save); ok && line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		ok = lock_line(t, &cap, line);
	sm_buf_free(&b);
	if (!ok) {
		sm_free(t->ino);
		memset(t, 0, sizeof *t);
		return;
	}
	if (t->n > 1)
		qsort(t->ino, t->n, sizeof *t->ino, cmp_ull);
	t->usable = true;
}

/* True when the file with inode ino may be locked and needs its own test. */
bool lock_table_maybe(const struct lock_table *t, unsigned long long ino)
{
	if (!t->usable)
		return true;
	return t->n > 0 && bsearch(&ino, t->ino, t->n, sizeof *t->ino, cmp_ull) != NULL;
}

