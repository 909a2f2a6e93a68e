/*
 * mime8to7.c: walking the MIME structure of a message on its way to a
 * mailer, converting 8-bit parts to 7-bit MIME for a mailer that needs it,
 * as 8.17 does (see mime8to7.h).
 *
 * Owns: the stack of boundaries (at most MIME_MAX_BOUNDARIES), telling a
 * boundary line from text, what each entity becomes (a multipart walked
 * part by part, a message/rfc822 walked into, an 8-bit leaf encoded in
 * quoted-printable or base64 by 8.17's rule, anything else copied), the
 * header changes of what is converted, and 8.17's handling of damaged
 * structure: preamble and epilogue lose the eighth bit of every byte (and
 * are read in lines of at most 2047 bytes), a
 * missing final boundary is written at the end, a multipart without a
 * boundary parameter gets "---", any boundary of the stack ends the
 * innermost part (which then writes its own), and entities nested deeper
 * than MIME_MAX_DEPTH are copied as they are.  The encoders are in
 * mime_encode.c, header length limits in mime_hdrlen.c.
 */
#include "mime8to7.h"

#include <stdio.h>
#include <string.h>

#include "class.h"
#include "collect.h"
#include "mailer_lines.h"
#include "mime_encode.h"
#include "mime_hdrlen.h"

enum mbt { MBT_NONE, MBT_EOF, MBT_INTERMED, MBT_FINAL };
enum ekind { E_TOP, E_PART, E_MESSAGE };

struct walk {
	const char *p, *end;                       /* the unread body */
	char bounds[MIME_MAX_BOUNDARIES][MIME_MAX_BOUNDARY + 1];
	size_t blens[MIME_MAX_BOUNDARIES]; /* their lengths, for the test of each line */
	size_t nb;
	const struct mime8to7_opts *o;
	struct sm_buf *hdr_out, *out;
};

/* What a Content-Type says (lower case type, boundary as given). */
struct ctype {
	char type[128];                 /* "text/plain" */
	char boundary[MIME_MAX_BOUNDARY + 1];
	bool has_boundary;
};

/* The next line of the body without its LF; false at the end. */
static bool next_line(struct walk *w, const char **s, size_t *n)
{
	if (w->p >= w->end)
		return false;
	const char *nl = memchr(w->p, '\n', (size_t)(w->end - w->p));
	*s = w->p;
	*n = nl != NULL ? (size_t)(nl - w->p) : (size_t)(w->end - w->p);
	w->p = nl != NULL ? nl + 1 : w->end;
	return true;
}

/* Whether a line is a boundary of the stack, and which kind; any entry counts. */
static enum mbt boundary_kind(const struct walk *w, const char *s, size_t n)
{
	/* 8.17 looks at lines that fit "--" and a boundary of the longest kind only */
	if (n < 2 || n > MIME_MAX_BOUNDARY + 2 || s[0] != '-' || s[1] != '-')
		return MBT_NONE;
	s += 2;
	n -= 2;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	for (int pass = 0; pass < 2; pass++) {
		size_t k = n;
		if (pass == 1) {
			if (k < 2 || s[k - 1] != '-' || s[k - 2] != '-')
				break;
			k -= 2;
		}
		for (size_t i = 0; i < w->nb; i++)
			if (w->blens[i] == k && memcmp(w->bounds[i], s, k) == 0)
				return pass == 0 ? MBT_INTERMED : MBT_FINAL;
	}
	return MBT_NONE;
}

static void put_line(struct sm_buf *out, const char *s, size_t n, bool strip)
{
	if (strip)
		sm_buf_put7(out, s, n);
	else
		sm_buf_put(out, s, n);
	sm_buf_putc(out, '\n');
}

/*
 * Copies lines up to a boundary line (read, not copied) or the end.  The
 * preamble and epilogue (strip) are read as 8.17 reads them, in pieces of
 * MAILER_LINES_PIECE bytes, each a line of its own.
 */
static enum mbt copy_lines(struct walk *w, bool strip)
{
	const char *s;
	size_t n;
	while (next_line(w, &s, &n)) {
		if (strip && n > MAILER_LINES_PIECE) {
			w->p = s + MAILER_LINES_PIECE;
			n = MAILER_LINES_PIECE;
		}
		enum mbt bt = boundary_kind(w, s, n);
		if (bt != MBT_NONE)
			return bt;
		put_line(w->out, s, n, strip);
	}
	return MBT_EOF;
}

/*
 * Reads a header block (lines up to an empty one, which is read too) into
 * hb; a line that is no header is left for the body.  MaxMimeHeaderLength
 * applies to each header as it does to the message's own.
 */
static void read_headers(struct walk *w, struct sm_buf *hb)
{
	struct sm_buf raw;
	sm_buf_init(&raw);
	for (;;) {
		const char *before = w->p, *s;
		size_t n;
		if (!next_line(w, &s, &n) || n == 0)
			break;
		bool cont = (s[0] == ' ' || s[0] == '\t') && raw.len > 0;
		if (!cont && !collect_is_header(s, n)) {
			w->p = before;
			break;
		}
		sm_buf_put(&raw, s, n);
		sm_buf_putc(&raw, '\n');
	}
	mime_hdrlen_block(raw.data != NULL ? raw.data : "", raw.len, w->o->qid, hb);
	sm_buf_free(&raw);
}

/* The header named name in block hb: its start and length (with continuation lines and LF). */
static const char *find_header(const struct sm_buf *hb, const char *name, size_t *hl)
{
	if (hb->len == 0)
		return NULL;
	size_t nl = strlen(name);
	const char *p = hb->data, *end = hb->data + hb->len;
	while (p < end) {
		const char *q = mime_header_field_end(p, end);
		size_t len = (size_t)(q - p);
		if (len > nl && sm_strncasecmp(p, name, nl) == 0) {
			size_t k = nl;
			while (k < len && (p[k] == ' ' || p[k] == '\t'))
				k++;
			if (k < len && p[k] == ':') {
				*hl = len;
				return p;
			}
		}
		p = q;
	}
	return NULL;
}

/* The value of a header found by find_header: after the colon, blanks and line ends skipped. */
static void header_value(const char *h, size_t hl, const char **v, size_t *vl)
{
	const char *colon = memchr(h, ':', hl);
	const char *p = colon + 1, *end = h + hl;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	while (end > p && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*v = p;
	*vl = (size_t)(end - p);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One parameter value (quoted string or token) at *pp into out (cut to outsize - 1). */
static void param_value(const char **pp, const char *end, char *out, size_t outsize)
{
	const char *p = *pp;
	size_t k = 0;
	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			if (k + 1 < outsize)
				out[k++] = *p;
		}
		if (p < end)
			p++;
	} else {
		for (; p < end && *p != ';' && !is_blank(*p); p++)
			if (k + 1 < outsize)
				out[k++] = *p;
	}
	out[k] = '\0';
	*pp = p;
}

/* Parses a Content-Type value: type/subtype and the boundary among its first parameters. */
static void parse_ctype(const char *v, size_t vl, struct ctype *ct)
{
	const char *p = v, *end = v + vl;
	size_t k = 0;
	while (p < end && *p != ';' && !is_blank(*p) && *p != '(') {
		if (k + 1 < sizeof ct->type)
			ct->type[k++] = (char)sm_lower((unsigned char)*p);
		p++;
	}
	ct->type[k] = '\0';
	for (int args = 0; args < MIME_MAX_ARGS; args++) {
		p = memchr(p, ';', (size_t)(end - p));
		if (p == NULL)
			return;
		p++;
		while (p < end && is_blank(*p))
			p++;
		const char *name = p;
		while (p < end && *p != '=' && *p != ';' && !is_blank(*p))
			p++;
		size_t nlen = (size_t)(p - name);
		while (p < end && is_blank(*p))
			p++;
		if (p >= end || *p != '=')
			continue;
		p++;
		while (p < end && is_blank(*p))
			p++;
		char val[MIME_MAX_BOUNDARY + 1];
		param_value(&p, end, val, sizeof val);
		if (nlen == 8 && sm_strncasecmp(name, "boundary", 8) == 0 && !ct->has_boundary) {
			memcpy(ct->boundary, val, strlen(val) + 1);
			ct->has_boundary = true;
		}
	}
}

/* The Content-Type of header block hb (text/plain without one). */
static void entity_ctype(const struct sm_buf *hb, struct ctype *ct)
{
	memset(ct, 0, sizeof *ct);
	size_t hl;
	const char *h = find_header(hb, "Content-Type", &hl);
	if (h != NULL) {
		const char *v;
		size_t vl;
		header_value(h, hl, &v, &vl);
		parse_ctype(v, vl, ct);
	}
	if (ct->type[0] == '\0')
		memcpy(ct->type, "text/plain", sizeof "text/plain");
}

/* The headers of an entity; the empty line after them unless it is the message's own. */
static void put_headers(struct walk *w, const struct sm_buf *hb, enum ekind kind, const char *skip,
			const char *extra)
{
	struct sm_buf *ho = kind == E_TOP ? w->hdr_out : w->out;
	size_t start = ho->len;
	size_t sl = 0;
	const char *sh = skip != NULL ? find_header(hb, skip, &sl) : NULL;
	if (sh == NULL) {
		if (hb->len > 0)
			sm_buf_put(ho, hb->data, hb->len);
	} else {
		sm_buf_put(ho, hb->data, (size_t)(sh - hb->data));
		sm_buf_put(ho, sh + sl, hb->len - (size_t)(sh + sl - hb->data));
	}
	if (extra != NULL)
		sm_buf_puts(ho, extra);
	if (kind != E_TOP && w->o->hdr_spans != NULL) {
		/* where these header lines are in the body, for the mailer's line rules */
		size_t span[2] = {start, ho->len};
		sm_buf_put(w->o->hdr_spans, (const char *)span, sizeof span);
	}
	if (kind != E_TOP)
		sm_buf_putc(w->out, '\n');
}

/* "MIME-Version: 1.0" for a message (not a part) being converted that lacks one. */
static const char *mime_version_line(const struct walk *w, const struct sm_buf *hb, enum ekind kind)
{
	size_t hl;
	if (!w->o->convert || kind == E_PART || find_header(hb, "MIME-Version", &hl) != NULL)
		return "";
	return "MIME-Version: 1.0\n";
}

static enum mbt entity(struct walk *w, const struct sm_buf *hb, int depth, enum ekind kind);

static enum mbt multipart(struct walk *w, const struct sm_buf *hb, const struct ctype *ct,
			  int depth, enum ekind kind)
{
	char bnd[MIME_MAX_BOUNDARY + 1];
	/* 8.17 makes up "---" for a multipart that names no boundary */
	snprintf(bnd, sizeof bnd, "%s", ct->has_boundary ? ct->boundary : "---");
	put_headers(w, hb, kind, NULL, mime_version_line(w, hb, kind));
	/* past MIME_MAX_BOUNDARIES the multipart is walked without its boundary on the stack */
	bool pushed = w->nb < MIME_MAX_BOUNDARIES;
	if (pushed) {
		memcpy(w->bounds[w->nb], bnd, sizeof bnd);
		w->blens[w->nb++] = strlen(bnd);
	}
	enum mbt bt = copy_lines(w, true);
	while (bt == MBT_INTERMED) {
		sm_buf_printf(w->out, "--%s\n", bnd);
		struct sm_buf ph;
		sm_buf_init(&ph);
		read_headers(w, &ph);
		bt = entity(w, &ph, depth + 1, E_PART);
		sm_buf_free(&ph);
	}
	if (pushed)
		w->nb--;
	sm_buf_printf(w->out, "--%s--\n", bnd);
	if (bt == MBT_FINAL)
		bt = copy_lines(w, true);
	return bt;
}

/* Whether the type (or its primary type) is in class cls. */
static bool type_in_class(int cls, const char *type)
{
	if (class_has(cls, type, strlen(type)))
		return true;
	const char *slash = strchr(type, '/');
	return slash != NULL && class_has(cls, type, (size_t)(slash - type));
}

/* Whether the Content-Transfer-Encoding of hb allows a conversion (none, or one of class e). */
static bool encoding_convertible(const struct sm_buf *hb)
{
	size_t hl;
	const char *h = find_header(hb, "Content-Transfer-Encoding", &hl);
	if (h == NULL)
		return true;
	const char *v;
	size_t vl;
	header_value(h, hl, &v, &vl);
	size_t k = 0;
	while (k < vl && !is_blank(v[k]) && v[k] != ';' && v[k] != '(')
		k++;
	return class_has('e', v, k);
}

static enum mbt leaf(struct walk *w, const struct sm_buf *hb, const struct ctype *ct,
		     enum ekind kind)
{
	/* the text up to the next boundary line; the LF before that line is the boundary's */
	const char *start = w->p, *s;
	size_t n, size = 0, high = 0;
	enum mbt bt = MBT_EOF;
	const char *stop = w->end;
	bool count = w->o->convert; /* 8-bit bytes matter only to a conversion */
	for (;;) {
		const char *before = w->p;
		if (!next_line(w, &s, &n))
			break;
		bt = boundary_kind(w, s, n);
		if (bt != MBT_NONE) {
			stop = before;
			break;
		}
		bt = MBT_EOF;
		size += n + 1;
		for (size_t i = 0; count && i < n; i++)
			high += ((unsigned char)s[i] & 0x80) != 0;
	}
	/* never encoded: multipart and message types, class n, unknown encodings */
	bool encodable = strncmp(ct->type, "multipart/", 10) != 0 &&
			 strncmp(ct->type, "message/", 8) != 0 &&
			 !class_has('n', ct->type, strlen(ct->type)) && encoding_convertible(hb);
	bool convert = count && high > 0 && encodable;
	if (!convert) {
		put_headers(w, hb, kind, NULL, NULL);
		sm_buf_put(w->out, start, (size_t)(stop - start));
		if (stop > start && stop[-1] != '\n')
			sm_buf_putc(w->out, '\n');
		return bt;
	}
	/* more than an eighth of 8-bit bytes: base64, unless the type is in class q */
	bool b64 = size / 8 < high && !type_in_class('q', ct->type);
	const char *enc = b64 ? "base64" : "quoted-printable";
	struct sm_buf extra;
	sm_buf_init(&extra);
	size_t hl;
	sm_buf_puts(&extra, mime_version_line(w, hb, kind));
	if (kind == E_TOP && find_header(hb, "Content-Type", &hl) == NULL)
		sm_buf_printf(&extra, "Content-Type: text/plain; charset=%s\n", w->o->charset);
	sm_buf_printf(&extra, "Content-Transfer-Encoding: %s\n", enc);
	sm_buf_printf(&extra, "X-MIME-Autoconverted: from 8bit to %s by %s id %s\n", enc, w->o->j,
		      w->o->qid);
	put_headers(w, hb, kind, "Content-Transfer-Encoding", extra.data);
	sm_buf_free(&extra);
	size_t clen = (size_t)(stop - start);
	if (bt != MBT_EOF && clen > 0)
		clen--;
	if (b64)
		mime_base64(start, clen, w->out);
	else
		mime_qp(start, clen, w->out);
	/* inside a multipart the encoded text always gets a line end of its own */
	if (w->nb > 0 || w->out->len == 0 || w->out->data[w->out->len - 1] != '\n')
		sm_buf_putc(w->out, '\n');
	return bt;
}

static enum mbt entity(struct walk *w, const struct sm_buf *hb, int depth, enum ekind kind)
{
	struct ctype ct;
	entity_ctype(hb, &ct);
	if (depth > MIME_MAX_DEPTH) {
		put_headers(w, hb, kind, NULL, NULL);
		return copy_lines(w, false);
	}
	if (strncmp(ct.type, "multipart/", 10) == 0 && !class_has('n', ct.type, strlen(ct.type)))
		return multipart(w, hb, &ct, depth, kind);
	if (strncmp(ct.type, "message/", 8) == 0 && class_has('s', ct.type + 8, strlen(ct.type + 8))) {
		put_headers(w, hb, kind, NULL, mime_version_line(w, hb, kind));
		struct sm_buf ih;
		sm_buf_init(&ih);
		read_headers(w, &ih);
		enum mbt bt = entity(w, &ih, depth + 1, E_MESSAGE);
		sm_buf_free(&ih);
		return bt;
	}
	return leaf(w, hb, &ct, kind);
}

bool mime8to7_has8(const char *body, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)body[i] & 0x80)
			return true;
	return false;
}

bool mime8to7(const char *hdr, size_t hlen, const char *body, size_t blen,
	      const struct mime8to7_opts *o, struct sm_buf *out_hdr, struct sm_buf *out_body)
{
	/* the message's own headers, only read */
	struct sm_buf hb = {.data = (char *)hdr, .len = hlen};
	struct ctype ct;
	entity_ctype(&hb, &ct);
	bool structured = strncmp(ct.type, "multipart/", 10) == 0 ||
			  strncmp(ct.type, "message/", 8) == 0;
	/* o->convert is only set by a caller that found 8-bit bytes in the body */
	if (!structured && !o->convert)
		return false;
	struct walk *w = sm_calloc(1, sizeof *w);
	w->p = body;
	w->end = body + blen;
	w->o = o;
	w->hdr_out = out_hdr;
	w->out = out_body;
	(void)entity(w, &hb, 0, E_TOP);
	sm_free(w);
	return true;
}
