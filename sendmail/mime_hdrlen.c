/*
 * mime_hdrlen.c: MaxMimeHeaderLength (see mime_hdrlen.h).  Owns parsing
 * the option and the three cuts 8.17 makes, with its log lines:
 *
 *   {checkMIMEFieldHeaders}: each ";"-separated parameter (quotes
 *     respected) longer than M + 1 bytes with its leading blanks is cut to
 *     that length, an open quoted string closed within it; one line
 *     "Truncated MIME NAME header due to field size (length = L)" for the
 *     header, L the length of the last parameter cut;
 *   {checkMIMETextHeaders}: a value longer than N + 1 bytes with its
 *     leading blank is cut to N;
 *   {checkMIMEHeaders}: a value longer than N + 1 is cut to N + 1 with
 *     open quotes and comments closed;
 * both logged "Truncated long MIME NAME header (length = L)".  The lengths
 * count the blank after the colon, as 8.17's do.  Before them, a field
 * header with a word (atom or quoted string) of more than FIELD_WORD_MAX
 * bytes is cut to FIELD_FIXED_LEN bytes, an open quote closed (logged
 * "Fixed MIME NAME header field" when a quote had to be closed and no
 * parameter is cut afterwards).
 */
#include "mime_hdrlen.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "class.h"
#include "log.h"
#include "macro.h"
#include "options.h"

/* unset, 8.17 cuts as with 2047/1023 (its documentation says 2048/1024) */
#define DEFAULT_HEADER_MAX 2047
/* a field header with a word longer than this is cut short (8.17 "fixes" it) */
#define FIELD_WORD_MAX 2020
#define FIELD_FIXED_LEN 257

void mime_hdrlen_limits(long *n, long *m)
{
	mime_hdrlen_parse(opt_value(OPT_MaxMimeHeaderLength), n, m);
}

void mime_hdrlen_parse(const char *v, long *n, long *m)
{
	if (v == NULL || *v == '\0') {
		*n = DEFAULT_HEADER_MAX;
		*m = DEFAULT_HEADER_MAX / 2;
		return;
	}
	char *end;
	*n = strtol(v, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	*m = *end == '/' ? strtol(end + 1, NULL, 10) : *n / 2;
	if (*n < 0)
		*n = 0;
	if (*m < 0)
		*m = 0;
}

static bool in_class(const char *cls, const char *name)
{
	return class_has(macro_id(cls, strlen(cls), true), name, strlen(name));
}

/* Quote and comment state of a prefix of a value. */
struct qstate {
	bool quote, escape;
	int comment;
};

static void qstep(struct qstate *q, char c)
{
	if (q->escape) {
		q->escape = false;
	} else if (c == '\\' && (q->quote || q->comment > 0)) {
		q->escape = true;
	} else if (q->quote) {
		q->quote = c != '"';
	} else if (c == '"' && q->comment == 0) {
		q->quote = true;
	} else if (c == '(') {
		q->comment++;
	} else if (c == ')' && q->comment > 0) {
		q->comment--;
	}
}

static size_t closers(const struct qstate *q)
{
	return (size_t)q->comment + (q->quote ? 1 : 0);
}

/* v[0..len) cut to at most max bytes, the quotes and comments open at the cut closed. */
static void cut_closed(const char *v, size_t len, size_t max, struct sm_buf *out)
{
	struct qstate q = {0}, at = {0};
	size_t keep = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i + closers(&q) <= max) {
			keep = i;
			at = q;
		}
		if (i < len)
			qstep(&q, v[i]);
	}
	sm_buf_put(out, v, keep);
	for (int i = 0; i < at.comment; i++)
		sm_buf_putc(out, ')');
	if (at.quote)
		sm_buf_putc(out, '"');
}

/* The length of v's longest word: a quoted string (with its quotes) or an atom; no comment. */
static size_t longest_word(const char *v)
{
	static const char specials[] = "()<>@,;:\\\"/[]?=";
	size_t longest = 0;
	const char *p = v;
	while (*p != '\0') {
		const char *w = p;
		if (*p == '(') {
			struct qstate q = {0};
			do
				qstep(&q, *p++);
			while (*p != '\0' && q.comment > 0);
			continue;
		}
		if (*p == '"') {
			struct qstate q = {0};
			do
				qstep(&q, *p++);
			while (*p != '\0' && (q.quote || q.escape));
		} else if (strchr(specials, *p) != NULL || *p == ' ' || *p == '\t' || *p == '\n') {
			p++;
			continue;
		} else {
			while (*p != '\0' && strchr(specials, *p) == NULL && *p != ' ' && *p != '\t' &&
			       *p != '\n')
				p++;
		}
		if ((size_t)(p - w) > longest)
			longest = (size_t)(p - w);
	}
	return longest;
}

/* The parameters of v cut to m + 1 bytes each; the length of the last one cut, or 0. */
static size_t cut_fields(const char *v, long m, struct sm_buf *out)
{
	size_t last = 0, max = (size_t)m + 1;
	const char *p = v;
	for (;;) {
		struct qstate q = {0};
		const char *t = p;
		while (*p != '\0' && (*p != ';' || q.quote || q.comment > 0))
			qstep(&q, *p++);
		size_t tl = (size_t)(p - t);
		if (tl > max) {
			last = tl;
			/* only a quoted string is closed in a parameter */
			struct qstate c = {0};
			for (size_t i = 0; i < max - 1; i++)
				qstep(&c, t[i]);
			struct qstate c2 = c;
			qstep(&c2, t[max - 1]);
			if (c2.quote) {
				sm_buf_put(out, t, max - 1);
				sm_buf_putc(out, '"');
			} else {
				sm_buf_put(out, t, max);
			}
		} else {
			sm_buf_put(out, t, tl);
		}
		if (*p == '\0')
			break;
		sm_buf_putc(out, *p++);
	}
	return last;
}

char *mime_hdrlen_fix(const char *name, const char *value, const char *qid)
{
	/* the classes first: most headers are in none, and need no limits parsed */
	bool field = in_class("checkMIMEFieldHeaders", name);
	bool text = in_class("checkMIMETextHeaders", name);
	bool whole = in_class("checkMIMEHeaders", name);
	if (!field && !text && !whole)
		return NULL;
	long n, m;
	mime_hdrlen_limits(&n, &m);
	field = field && m > 0;
	text = text && n > 0;
	whole = whole && n > 0;
	if (!field && !text && !whole)
		return NULL;
	struct sm_buf cur;
	sm_buf_init(&cur);
	sm_buf_puts(&cur, value);
	bool changed = false, quote_fixed = false;
	if (field && longest_word(cur.data) > FIELD_WORD_MAX) {
		/* a word too long for 8.17's tokenizer: the value is cut short, a quote closed */
		struct sm_buf f;
		sm_buf_init(&f);
		cut_closed(cur.data, cur.len, FIELD_FIXED_LEN, &f);
		quote_fixed = f.len > 0 && f.data[f.len - 1] == '"' && cur.data[f.len - 1] != '"';
		sm_buf_free(&cur);
		cur = f;
		changed = true;
	}
	if (field) {
		struct sm_buf f;
		sm_buf_init(&f);
		size_t last = cut_fields(cur.data, m, &f);
		if (last > 0) {
			log_line(LOG_ALERT, qid,
				 "Truncated MIME %s header due to field size (length = %zu) (possible attack)",
				 name, last);
			sm_buf_free(&cur);
			cur = f;
			changed = true;
		} else {
			/* the closed quote is told only when no parameter was cut */
			if (quote_fixed)
				log_line(LOG_ALERT, qid, "Fixed MIME %s header field (possible attack)",
					 name);
			sm_buf_free(&f);
		}
	}
	if ((text || whole) && cur.len > (size_t)n + 1) {
		log_line(LOG_ALERT, qid, "Truncated long MIME %s header (length = %zu) (possible attack)",
			 name, cur.len);
		struct sm_buf c;
		sm_buf_init(&c);
		if (text)
			sm_buf_put(&c, cur.data, (size_t)n);
		else
			cut_closed(cur.data, cur.len, (size_t)n + 1, &c);
		sm_buf_free(&cur);
		cur = c;
		changed = true;
	}
	if (!changed) {
		sm_buf_free(&cur);
		return NULL;
	}
	sm_buf_putc(&cur, '\0');
	return cur.data;
}

const char *mime_header_field_end(const char *p, const char *end)
{
	const char *q = p;
	do {
		const char *lf = memchr(q, '\n', (size_t)(end - q));
		q = lf != NULL ? lf + 1 : end;
	} while (q < end && (*q == ' ' || *q == '\t'));
	return q;
}

void mime_hdrlen_block(const char *hb, size_t len, const char *qid, struct sm_buf *out)
{
	const char *p = hb, *end = hb + len;
	while (p < end) {
		/* one header with its continuation lines */
		const char *q = mime_header_field_end(p, end);
		const char *colon = memchr(p, ':', (size_t)(q - p));
		bool rewritten = false;
		if (colon != NULL && colon > p) {
			size_t nl = (size_t)(colon - p);
			while (nl > 0 && (p[nl - 1] == ' ' || p[nl - 1] == '\t'))
				nl--;
			char *name = sm_strndup(p, nl);
			size_t vl = (size_t)(q - colon - 1);
			if (vl > 0 && colon[vl] == '\n')
				vl--;
			char *value = sm_strndup(colon + 1, vl);
			char *fixed = mime_hdrlen_fix(name, value, qid);
			if (fixed != NULL) {
				rewritten = true;
				sm_buf_put(out, p, (size_t)(colon + 1 - p));
				sm_buf_puts(out, fixed);
				sm_buf_putc(out, '\n');
			}
			sm_free(fixed);
			sm_free(name);
			sm_free(value);
		}
		if (!rewritten)
			sm_buf_put(out, p, (size_t)(q - p));
		p = q;
	}
}
