/*
 * queue_print.c: the mailq / -bp listing in sendmail 8.17's format, and
 * -bP.
 *
 * Each message is printed while its qf file is read, line by line, as
 * sendmail does: the sender line when the "S" line comes (with the status,
 * body type and quarantine reason seen so far), one line per "R" line, in
 * -v mode the controlling user of "C" lines and the status of "M" lines
 * that came after the sender.  Addresses are cut to the column width and
 * their unprintable bytes shown as \ooo.  The df sizes of a directory are
 * statx'ed ahead in batches through io_uring (a stat per file where that
 * is not available).  Owns nothing.
 */
#include "queue_scan.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "queue_uring.h"

/* The listing is built in a large buffer and written in big pieces. */
struct obuf {
	FILE *out;
	size_t len;
	char buf[1 << 16];
};

static void ob_flush(struct obuf *o)
{
	if (o->len > 0)
		(void)fwrite(o->buf, 1, o->len, o->out); /* errors: ferror(out) for the caller */
	o->len = 0;
}

static void ob_put(struct obuf *o, const char *s, size_t n)
{
	if (o->len + n > sizeof o->buf) {
		ob_flush(o);
		if (n > sizeof o->buf) {
			(void)fwrite(s, 1, n, o->out);
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void ob_puts(struct obuf *o, const char *s)
{
	ob_put(o, s, strlen(s));
}

static void ob_putc(struct obuf *o, char c)
{
	if (o->len == sizeof o->buf)
		ob_flush(o);
	o->buf[o->len++] = c;
}

static void ob_printf(struct obuf *o, const char *fmt, ...) SM_PRINTF(2, 3);
static void ob_printf(struct obuf *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		ob_put(o, tmp, (size_t)n);
		return;
	}
	char *big = sm_malloc((size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	ob_put(o, big, (size_t)n);
	sm_free(big);
}

/* Prints the n bytes of s within width columns, unprintable bytes as
 * \ooo, "\" as "\\". */
static void put_esc(struct obuf *o, const char *s, size_t n, size_t width)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= ' ' && c < 0x7f && c != '\\') {
			if (len + 1 > width)
				break;
			ob_putc(o, (char)c);
			len++;
			continue;
		}
		char tmp[8];
		size_t k;
		if (c == '\\') {
			k = 2;
			memcpy(tmp, "\\\\", 2);
		} else {
			k = 4;
			tmp[0] = '\\';
			tmp[1] = (char)('0' + (c >> 6));
			tmp[2] = (char)('0' + ((c >> 3) & 7));
			tmp[3] = (char)('0' + (c & 7));
		}
		if (len + k >= width)
			break;
		ob_put(o, tmp, k);
		len += k;
	}
}

/* s right-aligned in width columns (printf's "%*s"). */
static void put_right(struct obuf *o, const char *s, size_t n, size_t width)
{
	for (size_t i = n; i < width; i++)
		ob_putc(o, ' ');
	ob_put(o, s, n);
}

/* v right-aligned in width columns (printf's "%*lld"), without printf. */
static void put_num(struct obuf *o, long long v, size_t width)
{
	char tmp[24];
	size_t i = sizeof tmp;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	do
		tmp[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		tmp[--i] = '-';
	put_right(o, tmp + i, sizeof tmp - i, width);
}

static void put_cut(struct obuf *o, const char *s, size_t n, size_t width)
{
	ob_put(o, s, n < width ? n : width);
}

/*
 * sendmail reads the whole envelope when the df file is missing, and its
 * address parser complains about control characters in the sender and
 * the recipients; says the same.
 */
static void syntax_errors(struct obuf *o, const char *text, size_t len)
{
	struct qf_text t = {text, text + len};
	struct qf_line l;
	struct sm_buf b;
	sm_buf_init(&b);
	while (qf_text_line(&t, &l)) {
		if (l.len == 1 && l.s[0] == '.')
			break;
		if (l.n == 0 || (l.s[0] != 'S' && l.s[0] != 'R'))
			continue;
		sm_buf_reset(&b);
		sm_buf_put(&b, l.s + 1, l.n - 1);
		char *s = b.data;
		if (l.s[0] == 'R' && strchr(s, ':') != NULL)
			s = strchr(s, ':') + 1;
		size_t n = strlen(s);
		if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
			s[n - 1] = '\0';
			s++;
		}
		bool bad = false;
		for (char *p = s; *p != '\0'; p++) {
			unsigned char c = (unsigned char)*p;
			if ((c < ' ' && c != '\t') || c == 0x7f)
				bad = true;
			if (c < ' ' || c >= 0x7f)
				*p = '?';
		}
		if (bad)
			ob_printf(o, "Syntax error in mailbox address \"%s\" (non-printable character)\n", s);
	}
	sm_buf_free(&b);
}

/* Reads a whole qf file (one too big to be kept by the scan) into b,
 * testing its lock as the scan does; false when it cannot be opened. */
static bool read_whole(const char *qd, const char *name, struct sm_buf *b, bool *locked)
{
	char *path = sm_asprintf("%s/%s", qd, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	sm_free(path);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0)
		*locked = errno == EWOULDBLOCK; /* the close drops a lock we got */
	/* a read error ends the text, as it ends qf_getline */
	(void)sm_buf_read_fd(b, fd);
	(void)close(fd);
	return true;
}

/* A df size found ahead (err 0), or its stat's errno; known false when
 * it was not looked up. */
struct dfsize {
	long long size;
	int err;
	bool known;
};

/*
 * The df sizes of the entries of l, statx'ed in batches through io_uring
 * (one system call per batch); NULL when the ring is not available or
 * failed (each entry then stats its df itself).
 */
#define DF_BATCH 512
static struct dfsize *df_sizes(int ddfd, const struct queue_list *l)
{
	if (ddfd < 0 || l->n < 16)
		return NULL;
	struct qring *r = qring_new(DF_BATCH / 2);
	if (r == NULL)
		return NULL;
	struct dfsize *ds = sm_malloc(l->n * sizeof *ds);
	static char names[DF_BATCH][QUEUE_MAX_NAME + 2];
	const char *np[DF_BATCH];
	long long size[DF_BATCH];
	int err[DF_BATCH];
	for (size_t i = 0; i < l->n; i += DF_BATCH) {
		size_t n = l->n - i < DF_BATCH ? l->n - i : DF_BATCH;
		for (size_t k = 0; k < n; k++) {
			snprintf(names[k], sizeof names[k], "df%s", l->v[i + k].name + 2);
			np[k] = names[k];
		}
		if (!qring_sizes(r, ddfd, np, n, size, err)) {
			sm_free(ds);
			qring_free(r);
			return NULL;
		}
		for (size_t k = 0; k < n; k++)
			ds[i + k] = (struct dfsize){size[k], err[k], true};
	}
	qring_free(r);
	return ds;
}

struct widths {
	size_t sender, rcpt, status, ctl;
};

/* A field of the qf text seen before the sender line (not copied). */
struct span {
	const char *s;
	size_t n;
};

static void print_entry(struct obuf *o, const char *dir, const char *qd, int ddfd, int dderr,
			const struct queue_entry *q, bool verbose, int la, struct sm_buf *big,
			const struct dfsize *ds)
{
	/* "X": the load average would keep it waiting (empty files too) */
	char mark = queue_load_defers(q->bad ? LONG_MAX : (long)q->priority, la) ? 'X' : ' ';
	static const struct widths W[2] = {{39, 38, 60, 64}, {78, 71, 100, 64}};
	const struct widths *w = &W[verbose];
	const char *id = q->name + 2;
	put_right(o, id, strlen(id), 13);
	bool locked = q->locked;
	const char *text = q->text;
	size_t len = q->len;
	if (!q->bad && text == NULL) {
		sm_buf_reset(big);
		if (read_whole(qd, q->name, big, &locked)) {
			text = big->data;
			len = big->len;
		}
	}
	if (text == NULL) {
		ob_printf(o, "%c (no control file)\n", mark);
		return;
	}
	char df[QUEUE_MAX_NAME + 2];
	snprintf(df, sizeof df, "df%s", id);
	struct stat st;
	long long size = -1;
	int serr = 0;
	if (ds->known && ds->err == 0)
		size = ds->size;
	else if (ds->known)
		serr = ds->err;
	else if (ddfd >= 0 && fstatat(ddfd, df, &st, 0) == 0)
		size = (long long)st.st_size;
	else
		serr = ddfd >= 0 ? errno : dderr;
	if (size < 0) {
		int err = serr;
		syntax_errors(o, text, len);
		char *rel = queue_relpath(dir, 'd', id);
		ob_printf(o, "readqf: cannot open %s: %s\n", rel, strerror(err));
		sm_free(rel);
	}
	ob_putc(o, locked ? '*' : mark);

	struct span status = {NULL, 0}, quar = {NULL, 0}, body = {NULL, 0};
	long long prio = 0;
	time_t t = 0;
	struct qf_text tx = {text, text + len};
	struct qf_line l;
	while (qf_text_line(&tx, &l)) {
		const char *s = l.s + 1;
		size_t n = l.n > 0 ? l.n - 1 : 0;
		switch (l.n > 0 ? l.s[0] : '\0') {
		case 'T':
			t = (time_t)qf_text_num(s, n);
			break;
		case 'P':
			prio = qf_text_num(s, n);
			break;
		case 'M':
			status = (struct span){s, n};
			break;
		case 'q':
			quar = (struct span){s, n};
			break;
		case 'B':
			body = (struct span){s, n};
			break;
		case 'C':
			if (verbose) {
				ob_puts(o, "\n\t\t\t\t\t\t(---");
				put_esc(o, s, n, w->ctl);
				ob_puts(o, "---)");
			}
			break;
		case 'S': {
			char tbuf[64];
			if (ctime_r(&t, tbuf) == NULL)
				tbuf[0] = '\0';
			size_t tl = strlen(tbuf);
			if (tl < 16) {
				memset(tbuf + tl, ' ', 16 - tl);
				tbuf[16] = '\0';
			}
			put_num(o, size, 8);
			ob_putc(o, ' ');
			if (verbose) {
				put_num(o, prio, 10);
				ob_putc(o, ' ');
				ob_put(o, tbuf + 4, strnlen(tbuf + 4, 12));
			} else {
				ob_put(o, tbuf, strnlen(tbuf, 16));
			}
			ob_putc(o, ' ');
			put_esc(o, s, n, w->sender);
			if (quar.n > 0) {
				ob_puts(o, "\n     QUARANTINE: ");
				put_cut(o, quar.s, quar.n, w->status);
			}
			if (status.n > 0 || body.n > 0) {
				ob_printf(o, "\n%14.*s", (int)body.n, body.n > 0 ? body.s : "");
				if (status.n > 0) {
					ob_puts(o, "   (");
					put_cut(o, status.s, status.n, w->status);
					ob_putc(o, ')');
				}
			}
			status.n = 0;
			break;
		}
		case 'R': {
			const char *c = memchr(s, ':', n);
			if (c != NULL) {
				n -= (size_t)(c + 1 - s);
				s = c + 1;
			}
			ob_puts(o, verbose ? "\n\t\t\t\t\t\t" : "\n\t\t\t\t\t ");
			put_esc(o, s, n, w->rcpt);
			if (verbose && status.n > 0) {
				ob_puts(o, "\n\t\t (");
				put_cut(o, status.s, status.n, w->status);
				ob_putc(o, ')');
				status.n = 0;
			}
			break;
		}
		default:
			break;
		}
		if (l.len == 1 && l.s[0] == '.')
			break;
	}
	ob_putc(o, '\n');
}

int queue_print(FILE *out, const struct queue_print_opts *opts)
{
	if (opts->counts) {
		fputs("Data unavailable: shared memory not updated\n", out);
		return EX_OK_;
	}
	if (queue_check_dirs(out) != 0)
		return EX_CONFIG_;
	char **dirs = queue_dirs(opts->sel.qgroup);
	if (dirs == NULL)
		return EX_USAGE_;
	long max = 0;
	const char *m = opt_value(OPT_MaxQueueRunSize);
	if (m != NULL)
		max = strtol(m, NULL, 10);
	int sort = queue_sort_option();
	int la = queue_load_average();
	size_t total = 0;
	struct obuf *o = sm_malloc(sizeof *o);
	o->out = out;
	o->len = 0;
	struct sm_buf big;
	sm_buf_init(&big);
	for (char **d = dirs; *d != NULL; d++) {
		struct queue_list l;
		ob_flush(o); /* the scan may say names are too long */
		int err = queue_scan(*d, &opts->sel, sort, max, opts->verbose ? out : NULL, true, &l);
		if (err != 0) {
			ob_printf(o, "%s: %s\n", *d, strerror(err));
			continue;
		}
		if (l.n == 0) {
			ob_printf(o, "%s is empty\n", *d);
		} else {
			ob_printf(o, "\t\t%s (%zu request%s)\n", *d, l.n, l.n == 1 ? "" : "s");
			ob_puts(o, opts->verbose ?
			      "-----Q-ID----- --Size-- -Priority- ---Q-Time--- --------Sender/Recipient--------\n" :
			      "-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n");
		}
		char *qd = queue_kind_dir(*d, 'q'), *dd = queue_kind_dir(*d, 'd');
		int ddfd = open(dd, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int dderr = ddfd < 0 ? errno : 0;
		struct dfsize *ds = df_sizes(ddfd, &l);
		static const struct dfsize unknown = {-1, 0, false};
		for (size_t i = 0; i < l.n; i++)
			print_entry(o, *d, qd, ddfd, dderr, &l.v[i], opts->verbose, la, &big,
				    ds != NULL ? &ds[i] : &unknown);
		sm_free(ds);
		if (ddfd >= 0)
			(void)close(ddfd);
		sm_free(qd);
		sm_free(dd);
		total += l.n;
		queue_scan_free(&l);
	}
	ob_printf(o, "\t\tTotal requests: %zu\n", total);
	ob_flush(o);
	sm_free(o);
	sm_buf_free(&big);
	return EX_OK_;
}
