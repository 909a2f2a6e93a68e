/*
 * queue_scan.c: finding the messages of a queue directory: the scan of
 * qf (or hf) names, the selection of -qI/-qR/-qS/-qQ, QueueSortOrder and
 * MaxQueueRunSize.  Shared by queue runs and the mailq listing; for a
 * listing it also keeps each qf text (in the list's arena) and its lock
 * state, taken from one read of /proc/locks where that is complete
 * (queue_locks.c), and reads the files that need no lock test ahead in
 * batches through io_uring (queue_uring.c; plain reads where that is not
 * available).
 * Owns the entry lists it returns (queue_scan_free).
 */
#include "queue_scan.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "options.h"
#include "queue_uring.h"

int queue_sort_parse(const char *value)
{
	if (value == NULL || *value == '\0')
		return QSORT_PRIORITY;
	switch (sm_lower((unsigned char)*value)) {
	case 'p':
		return QSORT_PRIORITY;
	case 'h':
		return QSORT_HOST;
	case 'f':
		return QSORT_FILENAME;
	case 't':
		return QSORT_TIME;
	case 'r':
		return QSORT_RANDOM;
	case 'm':
		return QSORT_MODIFICATION;
	case 'n':
		return QSORT_NONE;
	default:
		return -1;
	}
}

static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay != '\0'; hay++)
		if (sm_strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

/* The host of an address: after the last '@', lower case, without '>'. */
static char *host_of(const char *addr)
{
	const char *at = strrchr(addr, '@');
	char *h = sm_strdup(at != NULL ? at + 1 : "");
	char *gt = strchr(h, '>');
	if (gt != NULL)
		*gt = '\0';
	sm_lowercase(h);
	return h;
}

bool qf_text_line(struct qf_text *t, struct qf_line *l)
{
	if (t->p >= t->end)
		return false;
	const char *s = t->p, *q = s;
	for (;;) {
		q = memchr(q, '\n', (size_t)(t->end - q));
		if (q == NULL) {
			q = t->end;
			t->p = q;
			break;
		}
		if (q + 1 < t->end && (q[1] == ' ' || q[1] == '\t')) {
			q += 2; /* a continuation line */
			continue;
		}
		t->p = q + 1;
		break;
	}
	l->s = s;
	l->len = (size_t)(q - s);
	if (l->len > QF_MAX_LINE)
		return false;
	const char *nul = memchr(s, '\0', l->len);
	l->n = nul != NULL ? (size_t)(nul - s) : l->len;
	return true;
}

long long qf_text_num(const char *s, size_t n)
{
	const char *e = s + n;
	while (s < e && (*s == ' ' || (*s >= '\t' && *s <= '\r')))
		s++;
	bool neg = false;
	if (s < e && (*s == '+' || *s == '-'))
		neg = *s++ == '-';
	unsigned long long v = 0, lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	bool over = false;
	for (; s < e && *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (over || v > (lim - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over)
		return neg ? LLONG_MIN : LLONG_MAX;
	if (neg)
		return v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
	return (long long)v;
}

/*
 * Closing costs a system call per file; files read without taking a lock
 * are closed in batches, each run of consecutive descriptors of a batch
 * with one close_range().
 */
#define CLOSE_BATCH 256
static int Deferred[CLOSE_BATCH];
static size_t NDeferred;

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void close_flush(void)
{
	qsort(Deferred, NDeferred, sizeof *Deferred, cmp_int);
	for (size_t i = 0; i < NDeferred;) {
		size_t j = i + 1;
		while (j < NDeferred && Deferred[j] == Deferred[j - 1] + 1)
			j++;
		if (close_range((unsigned)Deferred[i], (unsigned)Deferred[j - 1], 0) != 0)
			for (size_t k = i; k < j; k++)
				(void)close(Deferred[k]);
		i = j;
	}
	NDeferred = 0;
}

static void close_later(int fd)
{
	if (NDeferred == CLOSE_BATCH)
		close_flush();
	Deferred[NDeferred++] = fd;
}

/* The file name, the lock table, the text's destination for one peek. */
struct peek_ctx {
	int dfd;
	const struct lock_table *locks;
	struct sm_arena *texts;      /* listings: where kept texts go */
	char *pre;                   /* the whole text, read ahead by the ring */
	size_t pre_len;
};

/*
 * Reads a qf file into a reused buffer (at most QUEUE_KEEP_MAX bytes;
 * *whole says whether that was all of it); with locked, notes whether a
 * runner holds its lock.  With st, also fstat()s it.  NULL when it cannot
 * be opened.
 */
static char *slurp(const struct peek_ctx *c, const char *name, unsigned long long ino,
		   size_t *len, bool *whole, bool *locked, struct stat *st)
{
	if (c->pre != NULL) {
		/* read ahead only when not locked and no stat is needed */
		if (locked != NULL)
			*locked = false;
		*whole = true;
		*len = c->pre_len;
		c->pre[c->pre_len] = '\0';
		return c->pre;
	}
	int fd = openat(c->dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && NDeferred > 0) {
		close_flush();
		fd = openat(c->dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0)
		return NULL;
	if (st != NULL && (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))) {
		(void)close(fd);
		return NULL;
	}
	bool lock_held = false;
	if (locked != NULL) {
		*locked = false;
		/* a shared test lock; the close below drops it */
		if (lock_table_maybe(c->locks, ino)) {
			if (flock(fd, LOCK_SH | LOCK_NB) != 0)
				*locked = errno == EWOULDBLOCK;
			else
				lock_held = true;
		}
	}
	static char *rbuf;
	static size_t cap;
	if (rbuf == NULL) {
		cap = 8192;
		rbuf = sm_malloc(cap + 1);
	}
	size_t n = 0;
	*whole = false;
	for (;;) {
		ssize_t r = read(fd, rbuf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*whole = r == 0;
			break;
		}
		n += (size_t)r;
		/* a qf ends with its "." line: no need to wait for the end of the file */
		if (n < cap && n >= 3 && memcmp(rbuf + n - 3, "\n.\n", 3) == 0) {
			*whole = true;
			break;
		}
		if (n == cap) {
			if (cap >= QUEUE_KEEP_MAX)
				break;
			cap *= 2;
			rbuf = sm_realloc(rbuf, cap + 1);
		}
	}
	if (lock_held || c->texts == NULL)
		(void)close(fd); /* at once: runners must be able to lock it */
	else
		close_later(fd);
	rbuf[n] = '\0';
	*len = n;
	return rbuf;
}

/* A NUL-terminated copy of line l after its letter, in b. */
static const char *line_str(struct sm_buf *b, const struct qf_line *l)
{
	sm_buf_reset(b);
	sm_buf_put(b, l->s + 1, l->n - 1);
	return b->data;
}

/* Reads what sorting and selection need from a qf; false when it is empty. */
static bool peek(const struct peek_ctx *c, unsigned long long ino, struct queue_entry *q,
		 const struct queue_select *sel, bool want_host, bool sort_needs_time,
		 bool need_stat, bool *match)
{
	size_t len = 0;
	bool whole = false;
	struct stat st;
	const char *text = slurp(c, q->name, ino, &len, &whole, c->texts != NULL ? &q->locked : NULL,
				 need_stat ? &st : NULL);
	if (text == NULL)
		return false;
	if (need_stat)
		q->mtime = st.st_mtime;
	bool any = false, seen_s = false;
	bool kind_seen[4] = {false}, kind_ok[4] = {false};
	static const char kinds[] = "IRSQ";
	for (int i = 0; i < sel->nfilters; i++) {
		const char *k = strchr(kinds, sel->filters[i].kind);
		if (k != NULL)
			kind_seen[k - kinds] = true;
	}
	/* read only as far as sorting and selection need, as sendmail does:
	 * a "q" line after that point does not count */
	bool have_p = false, have_t = sort_needs_time == false, have_host = !want_host;
	struct qf_text t = {text, text + len};
	struct qf_line l;
	struct sm_buf b;
	sm_buf_init(&b);
	while (qf_text_line(&t, &l)) {
		if (have_p && have_t && have_host && (!kind_seen[1] || kind_ok[1]) &&
		    (!kind_seen[2] || kind_ok[2] || seen_s) && (!kind_seen[3] || kind_ok[3]))
			break;
		any = true;
		char letter = l.n > 0 ? l.s[0] : '\0';
		const char *s = NULL;
		int check = -1;
		switch (letter) {
		case 'P':
			q->priority = qf_text_num(l.s + 1, l.n - 1);
			have_p = true;
			break;
		case 'T':
			q->ctime = (time_t)qf_text_num(l.s + 1, l.n - 1);
			have_t = true;
			break;
		case 'q':
			q->has_q = true;
			check = 3;
			break;
		case 'S':
			check = 2;
			seen_s = true;
			break;
		case 'R':
			if (want_host && q->host == NULL) {
				s = line_str(&b, &l);
				const char *colon = strchr(s, ':');
				q->host = host_of(colon != NULL ? colon + 1 : s);
			}
			have_host = true;
			check = 1;
			break;
		default:
			break;
		}
		if (letter == '.' && l.len == 1)
			break;
		if (check < 0 || !kind_seen[check])
			continue;
		s = line_str(&b, &l);
		if (letter == 'R' && strchr(s, ':') != NULL)
			s = strchr(s, ':') + 1;
		for (int i = 0; i < sel->nfilters; i++) {
			const struct queue_filter *fl = &sel->filters[i];
			if (fl->kind == kinds[check] && contains(s, fl->text) != fl->negate)
				kind_ok[check] = true;
		}
	}
	sm_buf_free(&b);
	if (c->texts != NULL && whole && any) {
		q->text = sm_arena_strndup(c->texts, text, len);
		q->len = len;
	}
	/* the ID filter */
	if (kind_seen[0])
		for (int i = 0; i < sel->nfilters; i++)
			if (sel->filters[i].kind == 'I' &&
			    contains(q->name + 2, sel->filters[i].text) != sel->filters[i].negate)
				kind_ok[0] = true;
	*match = true;
	for (int k = 0; k < 4; k++)
		if (kind_seen[k] && !kind_ok[k])
			*match = false;
	if (sel->nfilters > 0 && !sel->quarantined && q->has_q)
		*match = false;
	return any;
}

static int cmp_name(const struct queue_entry *a, const struct queue_entry *b)
{
	return strcmp(a->name + 2, b->name + 2);
}

static int SortMode;

static int cmp_entry(const void *pa, const void *pb)
{
	const struct queue_entry *a = pa, *b = pb;
	if (a->bad != b->bad)
		return a->bad ? 1 : -1;
	int c = 0;
	switch (SortMode) {
	case QSORT_HOST:
		c = strcmp(a->host != NULL ? a->host : "", b->host != NULL ? b->host : "");
		break;
	case QSORT_FILENAME:
		return cmp_name(a, b);
	case QSORT_TIME:
		c = (a->ctime > b->ctime) - (a->ctime < b->ctime);
		break;
	case QSORT_MODIFICATION:
		c = (a->mtime > b->mtime) - (a->mtime < b->mtime);
		break;
	default:
		break;
	}
	if (c == 0)
		c = (a->priority > b->priority) - (a->priority < b->priority);
	if (c != 0)
		return c;
	return (a->seq > b->seq) - (a->seq < b->seq); /* directory order, as sendmail */
}

/*
 * Directory entries waiting to be looked at, in directory order.  Those
 * of a listing that need no lock test and no stat are read ahead, all of
 * a batch with one io_uring_enter; the others (and any the ring could not
 * read whole) take the plain way, one file after the other.
 */
#define BATCH 1024
#define AHEAD_MAX 4096 /* bytes read ahead per file */
struct pending {
	char name[QUEUE_MAX_NAME + 1];
	unsigned long long ino;
	bool need_stat;
};
struct batch {
	struct pending v[BATCH];
	size_t n;
	struct qring *ring;
	char *bufs; /* BATCH buffers of AHEAD_MAX + 1 bytes */
};

/* Looks at one entry and adds it to out when it is selected. */
static void take(struct peek_ctx *ctx, const struct pending *pe, const struct queue_select *sel,
		 int sort, struct queue_list *out)
{
	struct queue_entry q;
	memset(&q, 0, sizeof q);
	memcpy(q.name, pe->name, sizeof q.name);
	bool match = true;
	q.bad = !peek(ctx, pe->ino, &q, sel, sort == QSORT_HOST, sort == QSORT_TIME, pe->need_stat,
		      &match);
	if (q.bad) {
		struct stat st;
		if (fstatat(ctx->dfd, q.name, &st, 0) != 0 || !S_ISREG(st.st_mode))
			return;
	}
	if (!match) {
		sm_free(q.host);
		return;
	}
	if (out->n == out->cap) {
		out->cap = out->cap ? 2 * out->cap : 64;
		out->v = sm_realloc(out->v, out->cap * sizeof *out->v);
	}
	q.seq = out->n;
	out->v[out->n++] = q;
}

static void batch_flush(struct batch *b, struct peek_ctx *ctx, const struct queue_select *sel,
			int sort, struct queue_list *out)
{
	const char *names[BATCH];
	char *bufs[BATCH];
	long res[BATCH];
	size_t idx[BATCH], n = 0;
	for (size_t i = 0; b->ring != NULL && i < b->n; i++) {
		const struct pending *pe = &b->v[i];
		if (pe->need_stat || lock_table_maybe(ctx->locks, pe->ino))
			continue;
		if (b->bufs == NULL)
			b->bufs = sm_malloc((size_t)BATCH * (AHEAD_MAX + 1));
		names[n] = pe->name;
		bufs[n] = b->bufs + n * (AHEAD_MAX + 1);
		idx[n++] = i;
	}
	bool ahead = n > 0 && qring_read(b->ring, ctx->dfd, names, n, bufs, AHEAD_MAX, res);
	if (n > 0 && !ahead) {
		qring_free(b->ring); /* it failed: the plain way from now on */
		b->ring = NULL;
	}
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++) {
		ctx->pre = NULL;
		if (ahead && k < n && idx[k] == i) {
			/* a text that filled the buffer may be longer: read it again */
			if (res[k] >= 0 && res[k] < AHEAD_MAX) {
				ctx->pre = bufs[k];
				ctx->pre_len = (size_t)res[k];
			}
			k++;
		}
		take(ctx, &b->v[i], sel, sort, out);
	}
	ctx->pre = NULL;
	b->n = 0;
}

int queue_scan(const char *dir, const struct queue_select *sel, int sort, long max,
	       FILE *verbose, bool listing, struct queue_list *out)
{
	memset(out, 0, sizeof *out);
	char *qd = queue_kind_dir(dir, 'q');
	DIR *d = opendir(qd);
	if (d == NULL) {
		int err = errno;
		sm_free(qd);
		return err;
	}
	const char *prefix = sel->quarantined ? "hf" : "qf";
	struct lock_table locks;
	memset(&locks, 0, sizeof locks);
	if (listing) {
		sm_arena_init(&out->texts, 1024 * 1024);
		lock_table_load(&locks, dirfd(d));
	}
	struct peek_ctx ctx = {dirfd(d), &locks, listing ? &out->texts : NULL, NULL, 0};
	struct batch b;
	memset(&b, 0, sizeof b);
	/* listings read unlocked files ahead in batches through io_uring */
	if (listing && locks.usable)
		b.ring = qring_new(BATCH);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, 2) != 0)
			continue;
		if (strlen(de->d_name) >= QUEUE_MAX_NAME) {
			if (verbose != NULL)
				fprintf(verbose, "gatherq: %s too long, %d max characters\n",
					de->d_name, QUEUE_MAX_NAME);
			continue;
		}
		if (!queue_id_valid(de->d_name + 2))
			continue;
		/* the pending ones may reach max: count them first */
		if (max > 0 && b.n > 0 && out->n + b.n >= (size_t)max)
			batch_flush(&b, &ctx, sel, sort, out);
		if (max > 0 && (long)out->n >= max)
			break;
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		struct pending *pe = &b.v[b.n++];
		sm_strlcpy(pe->name, de->d_name, sizeof pe->name);
		pe->ino = (unsigned long long)de->d_ino;
		/* the directory says what is a regular file; stat only when it does not */
		pe->need_stat = sort == QSORT_MODIFICATION || de->d_type == DT_UNKNOWN;
		if (b.n == BATCH)
			batch_flush(&b, &ctx, sel, sort, out);
	}
	batch_flush(&b, &ctx, sel, sort, out);
	qring_free(b.ring);
	sm_free(b.bufs);
	(void)closedir(d);
	sm_free(qd);
	close_flush();
	sm_free(locks.ino);
	if (sort == QSORT_RANDOM) {
		for (size_t i = out->n; i > 1; i--) {
			size_t j = (size_t)random() % i;
			struct queue_entry t = out->v[i - 1];
			out->v[i - 1] = out->v[j];
			out->v[j] = t;
		}
	} else if (sort != QSORT_NONE && out->n > 1) {
		SortMode = sort;
		qsort(out->v, out->n, sizeof *out->v, cmp_entry);
	}
	return 0;
}

void queue_scan_free(struct queue_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		sm_free(l->v[i].host);
	sm_free(l->v);
	sm_arena_free(&l->texts);
	memset(l, 0, sizeof *l);
}

int queue_sort_option(void)
{
	int s = queue_sort_parse(opt_value(OPT_QueueSortOrder));
	return s < 0 ? QSORT_PRIORITY : s;
}
