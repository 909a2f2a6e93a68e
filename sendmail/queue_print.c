/*
 * queue_print.c: the mailq / -bp listing in sendmail 8.17's format, and
 * -bP.
 *
 * Each message is printed while its qf file is read, line by line, as
 * sendmail does: the sender line when the "S" line comes (with the status,
 * body type and quarantine reason seen so far), one line per "R" line, in
 * -v mode the controlling user of "C" lines and the status of "M" lines
 * that came after the sender.  Addresses are cut to the column width and
 * their unprintable bytes shown as \ooo.  Owns nothing.
 */
#include "queue_scan.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "options.h"

/* Prints s within width columns, unprintable bytes as \ooo, "\" as "\\". */
static void put_esc(FILE *out, const char *s, size_t width)
{
	size_t len = 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[8];
		size_t n;
		if (c == '\\') {
			n = 2;
			memcpy(tmp, "\\\\", 3);
		} else if (c < ' ' || c >= 0x7f) {
			n = 4;
			snprintf(tmp, sizeof tmp, "\\%03o", c);
		} else {
			n = 1;
			tmp[0] = (char)c;
			tmp[1] = '\0';
		}
		if (n == 1 ? len + 1 > width : len + n >= width)
			break;
		fputs(tmp, out);
		len += n;
	}
}

static void put_cut(FILE *out, const char *s, size_t width)
{
	size_t n = strnlen(s, width);
	fwrite(s, 1, n, out);
}

/*
 * sendmail reads the whole envelope when the df file is missing, and its
 * address parser complains about control characters in the sender and
 * the recipients; says the same, then rewinds f.
 */
static void syntax_errors(FILE *out, FILE *f)
{
	struct sm_buf b;
	sm_buf_init(&b);
	while (qf_getline(f, &b) > 0) {
		if (b.data[0] == '.' && b.len == 1)
			break;
		if (b.data[0] != 'S' && b.data[0] != 'R')
			continue;
		char *s = b.data + 1;
		if (b.data[0] == 'R' && strchr(s, ':') != NULL)
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
			fprintf(out, "Syntax error in mailbox address \"%s\" (non-printable character)\n", s);
	}
	sm_buf_free(&b);
	rewind(f);
}

struct widths {
	size_t sender, rcpt, status, ctl;
};

static void print_entry(FILE *out, const char *dir, const char *qd, int ddfd,
			const struct queue_entry *q, bool verbose, int la)
{
	/* "X": the load average would keep it waiting (empty files too) */
	char mark = queue_load_defers(q->bad ? LONG_MAX : (long)q->priority, la) ? 'X' : ' ';
	static const struct widths W[2] = {{39, 38, 60, 64}, {78, 71, 100, 64}};
	const struct widths *w = &W[verbose];
	const char *id = q->name + 2;
	fprintf(out, "%13s", id);
	FILE *f = NULL;
	bool locked = q->locked;
	if (q->bad) {
		f = NULL;
	} else if (q->text != NULL) {
		f = fmemopen(q->text, q->len, "r"); /* read by the scan a moment ago */
	} else {
		char *path = sm_asprintf("%s/%s", qd, q->name);
		f = fopen(path, "re");
		sm_free(path);
		if (f != NULL && flock(fileno(f), LOCK_SH | LOCK_NB) != 0)
			locked = errno == EWOULDBLOCK;
		else if (f != NULL)
			(void)flock(fileno(f), LOCK_UN);
	}
	if (f == NULL) {
		fprintf(out, "%c (no control file)\n", mark);
		return;
	}
	char df[QUEUE_MAX_NAME + 2];
	snprintf(df, sizeof df, "df%s", id);
	struct stat st;
	long long size = -1;
	if (ddfd >= 0 && fstatat(ddfd, df, &st, 0) == 0) {
		size = (long long)st.st_size;
	} else {
		int err = errno;
		syntax_errors(out, f);
		char *rel = queue_relpath(dir, 'd', id);
		fprintf(out, "readqf: cannot open %s: %s\n", rel, strerror(err));
		sm_free(rel);
	}
	putc(locked ? '*' : mark, out);

	struct sm_buf b, status, quar, body;
	sm_buf_init(&b);
	sm_buf_init(&status);
	sm_buf_init(&quar);
	sm_buf_init(&body);
	long long prio = 0;
	time_t t = 0;
	while (qf_getline(f, &b) > 0) {
		const char *s = b.data + 1;
		switch (b.data[0]) {
		case 'T':
			t = (time_t)strtoll(s, NULL, 10);
			break;
		case 'P':
			prio = strtoll(s, NULL, 10);
			break;
		case 'M':
			sm_buf_reset(&status);
			sm_buf_puts(&status, s);
			break;
		case 'q':
			sm_buf_reset(&quar);
			sm_buf_puts(&quar, s);
			break;
		case 'B':
			sm_buf_reset(&body);
			sm_buf_puts(&body, s);
			break;
		case 'C':
			if (verbose) {
				fputs("\n\t\t\t\t\t\t(---", out);
				put_esc(out, s, w->ctl);
				fputs("---)", out);
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
			if (verbose)
				fprintf(out, "%8lld %10lld %.12s ", size, prio, tbuf + 4);
			else
				fprintf(out, "%8lld %.16s ", size, tbuf);
			put_esc(out, s, w->sender);
			if (quar.len > 0) {
				fputs("\n     QUARANTINE: ", out);
				put_cut(out, quar.data, w->status);
			}
			if (status.len > 0 || body.len > 0) {
				fprintf(out, "\n%14s", body.len > 0 ? body.data : "");
				if (status.len > 0) {
					fputs("   (", out);
					put_cut(out, status.data, w->status);
					putc(')', out);
				}
			}
			sm_buf_reset(&status);
			break;
		}
		case 'R': {
			const char *c = strchr(s, ':');
			if (c != NULL)
				s = c + 1;
			fputs(verbose ? "\n\t\t\t\t\t\t" : "\n\t\t\t\t\t ", out);
			put_esc(out, s, w->rcpt);
			if (verbose && status.len > 0) {
				fputs("\n\t\t (", out);
				put_cut(out, status.data, w->status);
				putc(')', out);
				sm_buf_reset(&status);
			}
			break;
		}
		default:
			break;
		}
		if (b.data[0] == '.' && b.len == 1)
			break;
	}
	putc('\n', out);
	sm_buf_free(&b);
	sm_buf_free(&status);
	sm_buf_free(&quar);
	sm_buf_free(&body);
	(void)fclose(f);
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
	for (char **d = dirs; *d != NULL; d++) {
		struct queue_list l;
		int err = queue_scan(*d, &opts->sel, sort, max, opts->verbose ? out : NULL, true, &l);
		if (err != 0) {
			fprintf(out, "%s: %s\n", *d, strerror(err));
			continue;
		}
		if (l.n == 0) {
			fprintf(out, "%s is empty\n", *d);
		} else {
			fprintf(out, "\t\t%s (%zu request%s)\n", *d, l.n, l.n == 1 ? "" : "s");
			fputs(opts->verbose ?
			      "-----Q-ID----- --Size-- -Priority- ---Q-Time--- --------Sender/Recipient--------\n" :
			      "-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n",
			      out);
		}
		char *qd = queue_kind_dir(*d, 'q'), *dd = queue_kind_dir(*d, 'd');
		int ddfd = open(dd, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		for (size_t i = 0; i < l.n; i++)
			print_entry(out, *d, qd, ddfd, &l.v[i], opts->verbose, la);
		if (ddfd >= 0)
			(void)close(ddfd);
		sm_free(qd);
		sm_free(dd);
		total += l.n;
		queue_scan_free(&l);
	}
	fprintf(out, "\t\tTotal requests: %zu\n", total);
	return EX_OK_;
}
