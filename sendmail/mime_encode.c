/*
 * mime_encode.c: base64 and quoted-printable as 8.17 writes them when it
 * converts an 8-bit part (see mime_encode.h).  Owns the encoders only;
 * which part gets which is mime8to7.c's business.
 */
#include "mime_encode.h"

#include <stdbool.h>

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* One group of n (1 to 3) bytes as four base64 characters. */
static void put_group(const unsigned char *g, size_t n, struct sm_buf *out)
{
	unsigned v = (unsigned)g[0] << 16;
	if (n > 1)
		v |= (unsigned)g[1] << 8;
	if (n > 2)
		v |= g[2];
	char q[4] = {B64[(v >> 18) & 63], B64[(v >> 12) & 63], n > 1 ? B64[(v >> 6) & 63] : '=',
		     n > 2 ? B64[v & 63] : '='};
	sm_buf_put(out, q, 4);
}

void mime_base64(const char *p, size_t n, struct sm_buf *out)
{
	unsigned char g[3];
	size_t gn = 0, col = 0;
	bool cr_due = false; /* a CR was put before this LF already */
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n' && !cr_due) {
			c = '\r';
			cr_due = true;
		} else {
			cr_due = false;
			i++;
		}
		g[gn++] = c;
		if (gn < 3)
			continue;
		if (col >= 72) {
			sm_buf_putc(out, '\n');
			col = 0;
		}
		put_group(g, 3, out);
		col += 4;
		gn = 0;
	}
	if (gn > 0) {
		if (col >= 72)
			sm_buf_putc(out, '\n');
		put_group(g, gn, out);
	}
}

void mime_qp(const char *p, size_t n, struct sm_buf *out)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == '\n') {
			sm_buf_putc(out, '\n');
			col = 0;
			continue;
		}
		bool last = i + 1 >= n || p[i + 1] == '\n';
		bool enc = ch >= 0x7f || ch == '=' || (ch < 0x20 && ch != '\t') ||
			   ((ch == ' ' || ch == '\t') && last);
		if (col > 72) {
			sm_buf_puts(out, "=\n");
			col = 0;
		}
		/* a line of one dot would end an SMTP message: encoded, as 8.17 does */
		if (col == 0 && ch == '.' && last)
			enc = true;
		if (enc) {
			sm_buf_printf(out, "=%02X", ch);
			col += 3;
		} else {
			sm_buf_putc(out, (char)ch);
			col++;
		}
	}
}
