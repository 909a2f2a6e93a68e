/*
 * headers.c: the headers of a submitted message (see headers.h).
 *
 * Owns: the H lines of sendmail.cf turned into headers of a message (their
 * ?flags? and ?${macro}? conditions, defaults the message overrides), the
 * date format of Date: and Received:, the recipients of -t and the removal
 * of Bcc:, and the writing of the header block for one mailer (MIME
 * headers cut to MaxMimeHeaderLength on the way, mime_hdrlen.c; lines
 * longer than 8.17's header buffer cut as it cuts them).
 */
#include "headers.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "macro.h"
#include "mailer.h"
#include "meta.h"
#include "mime_hdrlen.h"
#include "sm.h"

/* the longest line of a header without addresses that 8.17 writes */
#define HDR_LINE_MAX 2303

void headers_arpadate(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (localtime_r(&t, &tm) == NULL) {
		sm_strlcpy(buf, "Thu, 1 Jan 1970 00:00:00 GMT", size);
		return;
	}
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	char zone[16];
	long off = tm.tm_gmtoff / 60;
	if (off == 0) {
		sm_strlcpy(zone, "GMT", sizeof zone);
	} else {
		char sign = off < 0 ? '-' : '+';
		if (off < 0)
			off = -off;
		snprintf(zone, sizeof zone, "%c%02ld%02ld", sign, (off / 60) % 100, off % 60);
	}
	snprintf(buf, size, "%s, %d %s %d %02d:%02d:%02d %s", days[tm.tm_wday % 7], tm.tm_mday,
		 months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
}

static bool is_resent(const char *name)
{
	return sm_strncasecmp(name, "Resent-", 7) == 0;
}

void headers_add_defaults(struct envelope *e)
{
	/* HeaderDefs is kept newest first: collect them in file order */
	size_t n = 0;
	for (struct hdr_def *d = HeaderDefs; d != NULL; d = d->next)
		n++;
	struct hdr_def **v = sm_calloc(n + 1, sizeof *v);
	size_t i = n;
	for (struct hdr_def *d = HeaderDefs; d != NULL; d = d->next)
		v[--i] = d;
	bool resent = false;
	for (struct header *h = e->headers; h != NULL; h = h->next)
		if (is_resent(h->name))
			resent = true;

	/* new headers go in front of the message's own, in H line order */
	struct header *own = e->headers;
	struct header **own_tail = e->headers_tail;
	e->headers = NULL;
	e->headers_tail = &e->headers;
	for (i = 0; i < n; i++) {
		struct hdr_def *d = v[i];
		/* Resent- headers only for resent messages */
		if (is_resent(d->name) && !resent)
			continue;
		struct sm_buf val, cond;
		sm_buf_init(&val);
		sm_buf_init(&cond);
		if (d->macro >= 0) {
			sm_buf_putc(&cond, (char)META_MACRO);
			sm_buf_puts(&cond, macro_name(d->macro));
		} else {
			for (int c = 1; c < 128; c++)
				if (d->flags[c])
					sm_buf_putc(&cond, c);
		}
		bool have = false;
		for (struct header *h = own; h != NULL; h = h->next)
			if (sm_strcasecmp(h->name, d->name) == 0) {
				have = true;
				/* the message's Full-Name: goes where the H line's would */
				if (sm_strcasecmp(h->name, "Full-Name") == 0 && h->cond == NULL &&
				    cond.len > 0)
					h->cond = sm_arena_strdup(e->arena, cond.data);
			}
		bool unexpanded = sm_strcasecmp(d->name, "Return-Path") == 0;
		/* a trace header is added whatever the message has (8.17's H_TRACE) */
		bool trace = sm_strcasecmp(d->name, "Received") == 0;
		/* the message's own Return-Path: is kept but never sent: the H line stays */
		if (have && !unexpanded && !trace) {
			sm_buf_free(&cond);
			continue;
		}
		/* the value as an H line gives it: a blank after the colon */
		sm_buf_putc(&val, ' ');
		if (unexpanded)
			sm_buf_puts(&val, d->value);
		else
			macro_expand(d->value, &val);
		/* an H line whose value is empty after expansion is left out */
		bool empty = true;
		for (size_t k = 0; k < val.len; k++)
			if (!sm_isspace((unsigned char)val.data[k]))
				empty = false;
		if (!empty) {
			struct header *h = envelope_add_header(e, d->name, val.data);
			/* a trace header is never left out: added, not a default */
			h->flags |= (trace ? H_ADDED : H_DEFAULT) | (unexpanded ? H_UNEXPANDED : 0u);
			h->cond = cond.len > 0 ? sm_arena_strdup(e->arena, cond.data) : NULL;
		}
		sm_buf_free(&val);
		sm_buf_free(&cond);
	}
	sm_free(v);
	*e->headers_tail = own;
	if (own != NULL)
		e->headers_tail = own_tail;
}

int headers_split_addresses(const char *value, char ***out, struct sm_arena *arena)
{
	size_t cap = 8, n = 0;
	char **v = sm_arena_alloc(arena, cap * sizeof *v);
	int depth_paren = 0;
	bool quoted = false, angle = false;
	const char *start = value;
	for (const char *p = value;; p++) {
		char c = *p;
		if (c == '\0' || (c == ',' && !quoted && depth_paren == 0 && !angle)) {
			const char *a = start, *b = p;
			while (a < b && sm_isspace((unsigned char)*a))
				a++;
			while (b > a && sm_isspace((unsigned char)b[-1]))
				b--;
			if (b > a && n < 10000) {
				if (n + 1 >= cap) {
					char **nv = sm_arena_alloc(arena, 2 * cap * sizeof *nv);
					memcpy(nv, v, n * sizeof *v);
					v = nv;
					cap *= 2;
				}
				v[n++] = sm_arena_strndup(arena, a, (size_t)(b - a));
			}
			if (c == '\0')
				break;
			start = p + 1;
			continue;
		}
		if (c == '\\' && p[1] != '\0') {
			p++;
		} else if (c == '"' && depth_paren == 0) {
			quoted = !quoted;
		} else if (!quoted) {
			if (c == '(')
				depth_paren++;
			else if (c == ')' && depth_paren > 0)
				depth_paren--;
			else if (c == '<' && depth_paren == 0)
				angle = true;
			else if (c == '>' && depth_paren == 0)
				angle = false;
		}
	}
	v[n] = NULL;
	*out = v;
	return (int)n;
}

static bool has_rcpt(const struct envelope *e, const char *addr)
{
	for (const struct recipient *r = e->rcpts; r != NULL; r = r->next)
		if (strcmp(r->address, addr) == 0)
			return true;
	return false;
}

void headers_rcpts_from(struct envelope *e)
{
	bool resent = false;
	for (struct header *h = e->headers; h != NULL; h = h->next)
		if (sm_strcasecmp(h->name, "Resent-To") == 0 || sm_strcasecmp(h->name, "Resent-Cc") == 0 ||
		    sm_strcasecmp(h->name, "Resent-Bcc") == 0)
			resent = true;
	static const char *const plain[] = {"To", "Cc", "Bcc", NULL};
	static const char *const rs[] = {"Resent-To", "Resent-Cc", "Resent-Bcc", NULL};
	const char *const *names = resent ? rs : plain;
	for (struct header *h = e->headers; h != NULL; h = h->next) {
		bool match = false;
		for (int k = 0; names[k] != NULL; k++)
			if (sm_strcasecmp(h->name, names[k]) == 0)
				match = true;
		if (!match)
			continue;
		char **addrs;
		int n = headers_split_addresses(h->value, &addrs, e->arena);
		for (int k = 0; k < n; k++) {
			/* folded lines: the newline is white space */
			for (char *p = addrs[k]; *p; p++)
				if (*p == '\n' || *p == '\t')
					*p = ' ';
			if (!has_rcpt(e, addrs[k]))
				envelope_add_rcpt(e, addrs[k], RCPT_PRIMARY);
		}
	}
}

void headers_remove_bcc(struct envelope *e)
{
	struct header **pp = &e->headers;
	e->headers_tail = &e->headers;
	while (*pp != NULL) {
		struct header *h = *pp;
		if (sm_strcasecmp(h->name, "Bcc") == 0 || sm_strcasecmp(h->name, "Resent-Bcc") == 0) {
			*pp = h->next;
			continue;
		}
		pp = &h->next;
		e->headers_tail = pp;
	}
}

/* True when the condition of h lets it through for m. */
static bool cond_ok(const struct header *h, const struct mailer *m)
{
	if (h->cond == NULL || h->cond[0] == '\0')
		return true;
	if ((unsigned char)h->cond[0] == META_MACRO) {
		const char *endp;
		int id = macro_scan_name(h->cond + 1, &endp);
		const char *v = id >= 0 ? macro_get(id) : NULL;
		return v != NULL && *v != '\0';
	}
	if (m == NULL)
		return false;
	for (const char *p = h->cond; *p; p++)
		if (mailer_has_flag(m, (unsigned char)*p))
			return true;
	return false;
}

static bool overridden(const struct envelope *e, const struct header *d)
{
	if (d->flags & H_UNEXPANDED)
		return false;
	for (const struct header *h = e->headers; h != NULL; h = h->next)
		if (h != d && !(h->flags & H_DEFAULT) && sm_strcasecmp(h->name, d->name) == 0)
			return true;
	return false;
}

/*
 * A header that holds no addresses ("Name:value", its lines separated by
 * LF) as 8.17 writes it, through a buffer of HDR_LINE_MAX bytes per line:
 * a longer line that is not the last is cut there, the byte after the cut
 * is lost and the rest becomes a line of its own (after a blank unless it
 * starts with one); the last line is cut and the rest dropped.
 */
static void put_vanilla(const struct sm_buf *h, struct sm_buf *out)
{
	const char *p = h->data != NULL ? h->data : "", *end = p + h->len;
	size_t col = 0; /* the blank put before a cut line's rest */
	for (;;) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = lf != NULL ? (size_t)(lf - p) : (size_t)(end - p);
		size_t room = HDR_LINE_MAX - col;
		if (n > room) {
			sm_buf_put(out, p, room);
			sm_buf_putc(out, '\n');
			if (lf == NULL)
				return;
			p += room + 1;
		} else {
			sm_buf_put(out, p, n);
			sm_buf_putc(out, '\n');
			if (lf == NULL)
				return;
			p = lf + 1;
		}
		col = 0;
		if (p < end && *p != ' ' && *p != '\t') {
			sm_buf_putc(out, ' ');
			col = 1;
		}
	}
}

void headers_write(const struct envelope *e, const struct mailer *m, struct sm_buf *out)
{
	for (const struct header *h = e->headers; h != NULL; h = h->next) {
		if (!cond_ok(h, m))
			continue;
		if ((h->flags & H_DEFAULT) && overridden(e, h))
			continue;
		/* the return path is the mailer's to say, never the message's */
		if (!(h->flags & H_DEFAULT) && sm_strcasecmp(h->name, "Return-Path") == 0)
			continue;
		const char *v = h->value != NULL ? h->value : "";
		int kind = headers_addr_kind(h->name);
		if (kind != 0 && m != NULL && !(h->flags & H_UNEXPANDED)) {
			headers_commaize(h->name, v, m, kind == HDR_ADDR_FROM, out, e->arena);
			sm_buf_putc(out, '\n');
			continue;
		}
		struct sm_buf line;
		sm_buf_init(&line);
		sm_buf_puts(&line, h->name);
		sm_buf_putc(&line, ':');
		bool has_meta = false;
		for (const char *p = v; *p; p++)
			if ((unsigned char)*p == META_MACRO)
				has_meta = true;
		struct sm_buf ev;
		sm_buf_init(&ev);
		if (has_meta) {
			macro_expand(v, &ev);
			sm_buf_putc(&ev, '\0');
			v = ev.data;
		}
		/* MaxMimeHeaderLength: MIME headers cut as they are written out */
		char *cut = mime_hdrlen_fix(h->name, v, e->id);
		sm_buf_puts(&line, cut != NULL ? cut : v);
		sm_free(cut);
		sm_buf_free(&ev);
		put_vanilla(&line, out);
		sm_buf_free(&line);
	}
}

struct header *headers_add_after_defaults(struct envelope *e, const char *name, const char *value)
{
	struct header *h = envelope_add_header(e, name, value);
	/* unlink it from the tail ... */
	struct header **pp = &e->headers;
	while (*pp != h)
		pp = &(*pp)->next;
	*pp = NULL;
	e->headers_tail = pp;
	/* ... and put it after the leading H line headers */
	struct header **at = &e->headers;
	while (*at != NULL && ((*at)->flags & (H_DEFAULT | H_ADDED)))
		at = &(*at)->next;
	h->flags |= H_ADDED;
	h->next = *at;
	*at = h;
	if (h->next == NULL)
		e->headers_tail = &h->next;
	return h;
}
