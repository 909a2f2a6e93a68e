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
#include <sys/stat.h>

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

/* Reads what sorting and selection need from a qf; false when it is empty. */
static bool peek(const char *path, struct queue_entry *q, const struct queue_select *sel,
		 bool want_host, bool sort_needs_time, bool *match)
{
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return false;
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
	while ((rc = qf_getline(f, &b)) > 0) {
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
	(void)fclose(f);
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
	       FILE *verbose, struct queue_list *out)
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
		char *path = sm_asprintf("%s/%s", qd, de->d_name);
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			sm_free(path);
			continue;
		}
		struct queue_entry q;
		memset(&q, 0, sizeof q);
		sm_strlcpy(q.name, de->d_name, sizeof q.name);
		q.mtime = st.st_mtime;
		bool match = true;
		q.bad = !peek(path, &q, sel, sort == QSORT_HOST, sort == QSORT_TIME, &match);
		sm_free(path);
		if (!match) {
			sm_free(q.host);
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
	for (size_t i = 0; i < l->n; i++)
		sm_free(l->v[i].host);
	sm_free(l->v);
	memset(l, 0, sizeof *l);
}

int queue_sort_option(void)
{
	int s = queue_sort_parse(opt_value(OPT_QueueSortOrder));
	return s < 0 ? QSORT_PRIORITY : s;
}
