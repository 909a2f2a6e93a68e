/*
 * mime8to7.c: an 8-bit message made 7-bit for a server that does not
 * offer 8BITMIME (see mime8to7.h).
 *
 * Owns: deciding from the headers whether a message may be converted (a
 * single part: no multipart or message Content-Type), choosing the
 * encoding as 8.17 does (base64 when more than an eighth of the body's
 * bytes have the high bit set, quoted-printable otherwise), encoding the
 * body (base64 lines of 72 characters over the CRLF text; quoted-printable
 * with soft breaks once a line passes 72 characters, "=" and the
 * blanks before a line end encoded), and the header changes: a
 * Content-Transfer-Encoding replaced in place or the MIME headers added
 * at the end, each followed by X-MIME-Autoconverted.
 */
#include "mime8to7.h"

#include <stdio.h>
#include <string.h>

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The header named name (without case) among the CRLF header lines; its start or NULL. */
static const char *find_header(const char *hdr, size_t hlen, const char *name, size_t *linelen)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < hlen;) {
		/* one header with its continuation lines */
		size_t end = i;
		for (;;) {
			const char *crlf = memchr(hdr + end, '\n', hlen - end);
			end = crlf != NULL ? (size_t)(crlf - hdr) + 1 : hlen;
			if (end >= hlen || (hdr[end] != ' ' && hdr[end] != '\t'))
				break;
		}
		if (end - i > nl && sm_strncasecmp(hdr + i, name, nl) == 0 && hdr[i + nl] == ':') {
			*linelen = end - i;
			return hdr + i;
		}
		i = end;
	}
	return NULL;
}

/* The value of a header line without leading blanks, up to its line end. */
static void header_value(const char *h, size_t len, char *out, size_t outsize)
{
	const char *colon = memchr(h, ':', len);
	size_t k = 0;
	if (colon != NULL) {
		const char *p = colon + 1;
		while (p < h + len && (*p == ' ' || *p == '\t'))
			p++;
		while (p < h + len && *p != '\r' && *p != '\n' && k + 1 < outsize)
			out[k++] = *p++;
	}
	out[k] = '\0';
}

/* The body without the SMTP dot doubling, LF line ends (owned by the caller). */
static void unstuff(const char *body, size_t len, struct sm_buf *out)
{
	bool bol = true;
	for (size_t i = 0; i < len; i++) {
		if (bol && body[i] == '.' && i + 1 < len && body[i + 1] == '.') {
			/* only the first dot of a line was doubled: "..." was sent as "...." */
			bol = false;
			continue;
		}
		bol = false;
		if (body[i] == '\r' && i + 1 < len && body[i + 1] == '\n')
			continue;
		sm_buf_putc(out, body[i]);
		if (body[i] == '\n')
			bol = true;
	}
}

static void base64_body(const struct sm_buf *b, struct sm_buf *out)
{
	/* the canonical form: CRLF line ends */
	struct sm_buf c;
	sm_buf_init(&c);
	for (size_t i = 0; i < b->len; i++) {
		if (b->data[i] == '\n')
			sm_buf_putc(&c, '\r');
		sm_buf_putc(&c, b->data[i]);
	}
	size_t col = 0;
	for (size_t i = 0; i < c.len; i += 3) {
		unsigned v = (unsigned char)c.data[i] << 16;
		size_t n = c.len - i;
		if (n > 1)
			v |= (unsigned char)c.data[i + 1] << 8;
		if (n > 2)
			v |= (unsigned char)c.data[i + 2];
		char q[4] = {B64[(v >> 18) & 63], B64[(v >> 12) & 63], n > 1 ? B64[(v >> 6) & 63] : '=',
			     n > 2 ? B64[v & 63] : '='};
		sm_buf_put(out, q, 4);
		col += 4;
		if (col >= 72 && i + 3 < c.len) {
			sm_buf_puts(out, "\r\n");
			col = 0;
		}
	}
	if (col > 0)
		sm_buf_puts(out, "\r\n");
	sm_buf_free(&c);
}

static void qp_body(const struct sm_buf *b, struct sm_buf *out)
{
	size_t col = 0;
	for (size_t i = 0; i < b->len; i++) {
		unsigned char ch = (unsigned char)b->data[i];
		if (ch == '\n') {
			sm_buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		bool last = i + 1 >= b->len || b->data[i + 1] == '\n';
		bool enc = ch >= 0x7f || ch == '=' || (ch < 0x20 && ch != '\t') ||
			   ((ch == ' ' || ch == '\t') && last);
		if (col > 72) {
			sm_buf_puts(out, "=\r\n");
			col = 0;
		}
		/* a line of one dot is encoded (as 8.17 does); another leading dot doubled (SMTP) */
		if (col == 0 && ch == '.' && last)
			enc = true;
		else if (col == 0 && ch == '.')
			sm_buf_putc(out, '.');
		if (enc) {
			sm_buf_printf(out, "=%02X", ch);
			col += 3;
		} else {
			sm_buf_putc(out, (char)ch);
			col++;
		}
	}
	if (col > 0)
		sm_buf_puts(out, "=\r\n");
}

/* The empty line ending the headers; memmem, as the text may hold NUL bytes. */
static const char *header_end(const char *text, size_t len)
{
	return memmem(text, len, "\r\n\r\n", 4);
}

bool mime8to7_needed(const char *text, size_t len)
{
	const char *sep = header_end(text, len);
	size_t body = sep != NULL ? (size_t)(sep - text) + 4 : len;
	for (size_t i = body; i < len; i++)
		if ((unsigned char)text[i] & 0x80)
			return true;
	return false;
}

bool mime8to7_convert(const char *text, size_t len, char mode, const char *j, const char *qid,
		      const char *charset, struct sm_buf *out)
{
	/* the caller has seen 8-bit bytes (mime8to7_needed) */
	const char *sep = header_end(text, len);
	if (sep == NULL)
		return false;
	size_t hlen = (size_t)(sep - text) + 2;
	size_t ml, ctl, ctel;
	const char *mv = find_header(text, hlen, "MIME-Version", &ml);
	const char *ct = find_header(text, hlen, "Content-Type", &ctl);
	const char *cte = find_header(text, hlen, "Content-Transfer-Encoding", &ctel);
	char v[128];
	if (ct != NULL) {
		header_value(ct, ctl, v, sizeof v);
		/* parts would have to be converted one by one: left as they are */
		if (sm_strncasecmp(v, "multipart/", 10) == 0 || sm_strncasecmp(v, "message/", 8) == 0)
			return false;
	}
	/* pass8 converts only what declares itself 8-bit MIME */
	if (mode != 'm' && (mv == NULL || cte == NULL))
		return false;
	struct sm_buf body;
	sm_buf_init(&body);
	unstuff(sep + 4, len - (size_t)(sep + 4 - text), &body);
	size_t high = 0;
	for (size_t i = 0; i < body.len; i++)
		high += ((unsigned char)body.data[i] & 0x80) != 0;
	bool b64 = body.len / 8 < high;
	const char *enc = b64 ? "base64" : "quoted-printable";
	char *auto_hdr = sm_asprintf("X-MIME-Autoconverted: from 8bit to %s by %s id %s\r\n", enc, j,
				     qid);
	if (cte != NULL) {
		/* the encoding header rewritten where it stands */
		sm_buf_put(out, text, (size_t)(cte - text));
		sm_buf_printf(out, "Content-Transfer-Encoding: %s\r\n%s", enc, auto_hdr);
		sm_buf_put(out, cte + ctel, hlen - (size_t)(cte + ctel - text));
	} else {
		sm_buf_put(out, text, hlen);
		if (mv == NULL)
			sm_buf_puts(out, "MIME-Version: 1.0\r\n");
		if (ct == NULL)
			sm_buf_printf(out, "Content-Type: text/plain; charset=%s\r\n", charset);
		sm_buf_printf(out, "Content-Transfer-Encoding: %s\r\n%s", enc, auto_hdr);
	}
	sm_buf_puts(out, "\r\n");
	if (b64)
		base64_body(&body, out);
	else
		qp_body(&body, out);
	sm_free(auto_hdr);
	sm_buf_free(&body);
	return true;
}
