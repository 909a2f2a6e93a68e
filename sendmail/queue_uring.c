/*
 * queue_uring.c: a minimal io_uring driven by the raw system calls
 * (io_uring_setup, io_uring_enter, io_uring_register), for the mailq
 * listing: a batch of qf files is opened (into the ring's own file
 * table) and read, or a batch of df files is statx'ed, with one
 * io_uring_enter per batch instead of a system call per file.  Any
 * failure of the ring itself is reported to the caller, who then does
 * the work with plain system calls.  Owns the ring and its mappings.
 */
#include "queue_uring.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "queue_int.h"

struct qring {
	int fd;
	unsigned nfiles;   /* slots of the registered file table */
	unsigned entries;  /* SQ entries */
	void *sq_map, *cq_map;
	size_t sq_len, cq_len;
	struct io_uring_sqe *sqes;
	size_t sqes_len;
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
	struct statx *stx;  /* 2 * nfiles statx results */
	int *open_res;      /* nfiles open results */
	bool broken;
};

static int sys_setup(unsigned entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned submit, unsigned complete, unsigned flags)
{
	return (int)syscall(__NR_io_uring_enter, fd, submit, complete, flags, NULL, 0);
}

static int sys_register(int fd, unsigned op, void *arg, unsigned n)
{
	return (int)syscall(__NR_io_uring_register, fd, op, arg, n);
}

struct qring *qring_new(unsigned nfiles)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof p);
	p.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
	int fd = sys_setup(2 * nfiles, &p);
	if (fd < 0 && errno == EINVAL) {
		memset(&p, 0, sizeof p);
		fd = sys_setup(2 * nfiles, &p);
	}
	if (fd < 0)
		return NULL;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP) || !(p.features & IORING_FEAT_NODROP) ||
	    p.cq_entries < 2 * nfiles) {
		(void)close(fd);
		return NULL;
	}
	struct qring *r = sm_malloc(sizeof *r);
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->nfiles = nfiles;
	r->entries = p.sq_entries;
	r->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (cq_len > r->sq_len)
		r->sq_len = cq_len;
	r->sq_map = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
			 IORING_OFF_SQ_RING);
	r->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	r->sqes = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		       IORING_OFF_SQES);
	if (r->sq_map == MAP_FAILED || r->sqes == MAP_FAILED) {
		if (r->sq_map == MAP_FAILED)
			r->sq_map = NULL;
		if (r->sqes == MAP_FAILED)
			r->sqes = NULL;
		qring_free(r);
		return NULL;
	}
	char *sq = r->sq_map;
	r->sq_head = (unsigned *)(sq + p.sq_off.head);
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(sq + p.cq_off.head);
	r->cq_tail = (unsigned *)(sq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(sq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(sq + p.cq_off.cqes);
	/* a sparse table of files: the opens go straight into it */
	struct io_uring_rsrc_register rr;
	memset(&rr, 0, sizeof rr);
	rr.nr = nfiles;
	rr.flags = IORING_RSRC_REGISTER_SPARSE;
	if (sys_register(fd, IORING_REGISTER_FILES2, &rr, sizeof rr) != 0) {
		qring_free(r);
		return NULL;
	}
	r->stx = sm_malloc(2 * nfiles * sizeof *r->stx);
	r->open_res = sm_malloc(nfiles * sizeof *r->open_res);
	return r;
}

void qring_free(struct qring *r)
{
	if (r == NULL)
		return;
	if (r->sqes != NULL)
		(void)munmap(r->sqes, r->sqes_len);
	if (r->sq_map != NULL)
		(void)munmap(r->sq_map, r->sq_len);
	(void)close(r->fd); /* also closes the files of the table */
	sm_free(r->stx);
	sm_free(r->open_res);
	sm_free(r);
}

static struct io_uring_sqe *next_sqe(struct qring *r, unsigned *tail)
{
	unsigned i = *tail & *r->sq_mask;
	struct io_uring_sqe *s = &r->sqes[i];
	memset(s, 0, sizeof *s);
	r->sq_array[i] = i;
	(*tail)++;
	return s;
}

/* Submits the SQEs up to tail and reaps want completions, each given to
 * done(ctx, user_data, res).  false when the ring failed. */
static bool run(struct qring *r, unsigned tail, unsigned want,
		void (*done)(void *, uint64_t, int), void *ctx)
{
	unsigned head0 = *r->sq_head;
	unsigned submit = tail - head0;
	__atomic_store_n(r->sq_tail, tail, __ATOMIC_RELEASE);
	unsigned got = 0, tries = 0;
	bool failed = false;
	while (got < want) {
		int e = sys_enter(r->fd, submit, want - got, IORING_ENTER_GETEVENTS);
		if (e < 0 && errno == EINTR)
			continue;
		/*
		 * A failed call submitted nothing; but operations submitted
		 * before may still write into the caller's buffers: wait for
		 * them (a few tries) before saying the ring failed.
		 */
		unsigned consumed = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE) - head0;
		if (e < 0 && (consumed == 0 || ++tries > 100)) {
			r->broken = true;
			return false;
		}
		if (e < 0) {
			/* one completion per operation submitted */
			failed = true;
			submit = 0;
			want = consumed;
			continue;
		}
		submit -= (unsigned)e < submit ? (unsigned)e : submit;
		unsigned head = *r->cq_head;
		unsigned ctail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
		for (; head != ctail; head++) {
			const struct io_uring_cqe *c = &r->cqes[head & *r->cq_mask];
			done(ctx, c->user_data, c->res);
			got++;
		}
		__atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
	}
	if (failed)
		r->broken = true;
	return !failed;
}

struct read_ctx {
	long *res;
	int *open_res;
};

static void read_done(void *ctx, uint64_t ud, int res)
{
	struct read_ctx *c = ctx;
	size_t i = (size_t)(ud >> 1);
	if (ud & 1)
		c->res[i] = res;
	else
		c->open_res[i] = res;
}

bool qring_read(struct qring *r, int dfd, const char *const *names, size_t n, char *const *bufs,
		size_t cap, long *res)
{
	if (r->broken || n > r->nfiles || 2 * n > r->entries)
		return false;
	unsigned tail = *r->sq_tail;
	for (size_t i = 0; i < n; i++) {
		res[i] = -ECANCELED;
		r->open_res[i] = 0;
		struct io_uring_sqe *s = next_sqe(r, &tail);
		s->opcode = IORING_OP_OPENAT;
		s->fd = dfd;
		s->addr = (uint64_t)(uintptr_t)names[i];
		/* no O_CLOEXEC: not allowed (nor needed) for the ring's own table */
		s->open_flags = O_RDONLY | O_NOFOLLOW;
		s->file_index = (uint32_t)i + 1; /* slot i, replacing an earlier file */
		s->flags = IOSQE_IO_LINK; /* a failed open cancels the read */
		s->user_data = (uint64_t)i << 1;
		s = next_sqe(r, &tail);
		s->opcode = IORING_OP_READ;
		s->fd = (int)i;
		s->flags = IOSQE_FIXED_FILE;
		s->addr = (uint64_t)(uintptr_t)bufs[i];
		s->len = (uint32_t)cap;
		s->off = 0;
		s->user_data = (uint64_t)i << 1 | 1;
	}
	struct read_ctx c = {res, r->open_res};
	if (!run(r, tail, (unsigned)(2 * n), read_done, &c))
		return false;
	/* a read never stands for a file that did not open */
	for (size_t i = 0; i < n; i++)
		if (r->open_res[i] < 0)
			res[i] = r->open_res[i];
	return true;
}

struct size_ctx {
	struct qring *r;
	long long *size;
	int *err;
};

static void size_done(void *ctx, uint64_t ud, int res)
{
	struct size_ctx *c = ctx;
	if (res < 0) {
		c->err[ud] = -res;
		c->size[ud] = -1;
	} else {
		c->err[ud] = 0;
		c->size[ud] = (long long)c->r->stx[ud].stx_size;
	}
}

bool qring_sizes(struct qring *r, int dfd, const char *const *names, size_t n, long long *size,
		 int *err)
{
	if (r->broken || n > 2 * r->nfiles || n > r->entries)
		return false;
	unsigned tail = *r->sq_tail;
	for (size_t i = 0; i < n; i++) {
		struct io_uring_sqe *s = next_sqe(r, &tail);
		s->opcode = IORING_OP_STATX;
		s->fd = dfd;
		s->addr = (uint64_t)(uintptr_t)names[i];
		s->len = STATX_SIZE;
		s->statx_flags = 0;
		s->off = (uint64_t)(uintptr_t)&r->stx[i];
		s->user_data = i;
	}
	struct size_ctx c = {r, size, err};
	return run(r, tail, (unsigned)n, size_done, &c);
}
