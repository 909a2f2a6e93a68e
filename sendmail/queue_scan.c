/*
 * queue_scan.c: finding the messages of a queue directory: the scan of
 * qf (or hf) names, the selection of -qI/-qR/-qS/-qQ, QueueSortOrder and
 * MaxQueueRunSize.  Shared by queue runs and the mailq listing.  Owns the
 * entry lists it returns (queue_scan_free).
 */
#include "queue_scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"

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

/*
 * Reads a qf file into memory (at most QUEUE_KEEP_MAX bytes; *whole says
 * whether that was all of it), noting whether a runner holds its lock.
 * With fstat_out, also fstat()s it.  NULL when it cannot be opened.
 */
static char *slurp(int dfd, const char *name, size_t *len, bool *whole, bool *locked,
		   struct stat *st)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	if (st != NULL && (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))) {
		(void)close(fd);
		return NULL;
	}
	if (locked != NULL) {
		*locked = false;
		if (flock(fd, LOCK_SH | LOCK_NB) != 0)
			*locked = errno == EWOULDBLOCK;
		else
			(void)flock(fd, LOCK_UN);
	}
	/* read into one reused buffer; keep an exact copy */
	static char *rbuf;
	static size_t cap;
	if (rbuf == NULL) {
		cap = 8192;
		rbuf = sm_malloc(cap);
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
			rbuf = sm_realloc(rbuf, cap);
		}
	}
	(void)close(fd);
	char *buf = sm_malloc(n + 1);
	memcpy(buf, rbuf, n);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Reads what sorting and selection need from a qf; false when it is empty. */
static bool peek(int dfd, struct queue_entry *q, const struct queue_select *sel,
		 bool want_host, bool sort_needs_time, bool listing, bool need_stat, bool *match)
{
	size_t len = 0;
	bool whole = false;
	struct stat st;
	char *text = slurp(dfd, q->name, &len, &whole, listing ? &q->locked : NULL,
			   need_stat ? &st : NULL);
	if (text == NULL)
		return false;
	if (need_stat)
		q->mtime = st.st_mtime;
	FILE *f = len > 0 ? fmemopen(text, len, "r") : NULL;
	if (f == NULL && len > 0) {
		sm_free(text);
		return false;
	}
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
	struct sm_buf b;
	sm_buf_init(&b);
	int rc;
	while (f != NULL && (rc = qf_getline(f, &b)) > 0) {
		if (have_p && have_t && have_host && (!kind_seen[1] || kind_ok[1]) &&
		    (!kind_seen[2] || kind_ok[2] || seen_s) && (!kind_seen[3] || kind_ok[3]))
			break;
		any = true;
		const char *s = b.data + 1;
		int check = -1;
		switch (b.data[0]) {
		case 'P':
			q->priority = strtoll(s, NULL, 10);
			have_p = true;
			break;
		case 'T':
			q->ctime = (time_t)strtoll(s, NULL, 10);
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
		case 'R': {
			const char *c = strchr(s, ':');
			if (c != NULL)
				s = c + 1;
			if (want_host && q->host == NULL)
				q->host = host_of(s);
			have_host = true;
			check = 1;
			break;
		}
		default:
			break;
		}
		if (b.data[0] == '.' && b.len == 1)
			break;
		if (check < 0 || !kind_seen[check])
			continue;
		for (int i = 0; i < sel->nfilters; i++) {
			const struct queue_filter *fl = &sel->filters[i];
			if (fl->kind == kinds[check] && contains(s, fl->text) != fl->negate)
				kind_ok[check] = true;
		}
	}
	sm_buf_free(&b);
	if (f != NULL)
		(void)fclose(f);
	if (listing && whole && any)
		q->text = text, q->len = len;
	else
		sm_free(text);
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
		if (max > 0 && (long)out->n >= max)
			break;
		struct queue_entry q;
		memset(&q, 0, sizeof q);
		sm_strlcpy(q.name, de->d_name, sizeof q.name);
		/* the directory says what is a regular file; stat only when it does not */
		bool need_stat = sort == QSORT_MODIFICATION || de->d_type == DT_UNKNOWN;
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		bool match = true;
		q.bad = !peek(dirfd(d), &q, sel, sort == QSORT_HOST, sort == QSORT_TIME, listing,
			      need_stat, &match);
		if (q.bad) {
			struct stat st;
			if (fstatat(dirfd(d), q.name, &st, 0) != 0 || !S_ISREG(st.st_mode))
				continue;
		}
		if (!match) {
			sm_free(q.host);
			sm_free(q.text);
			continue;
		}
		if (out->n == out->cap) {
			out->cap = out->cap ? 2 * out->cap : 64;
			out->v = sm_realloc(out->v, out->cap * sizeof *out->v);
		}
		q.seq = out->n;
		out->v[out->n++] = q;
	}
	(void)closedir(d);
	sm_free(qd);
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
	for (size_t i = 0; i < l->n; i++) {
		sm_free(l->v[i].host);
		sm_free(l->v[i].text);
	}
	sm_free(l->v);
	memset(l, 0, sizeof *l);
}

int queue_sort_option(void)
{
	int s = queue_sort_parse(opt_value(OPT_QueueSortOrder));
	return s < 0 ? QSORT_PRIORITY : s;
}
