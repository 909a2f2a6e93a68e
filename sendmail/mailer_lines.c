/*
 * mailer_lines.c: one line of a message as a mailer gets it (see
 * mailer_lines.h).  Every line a mailer is given goes through here: the
 * UNIX From line, the header lines, the body lines (walked as MIME or
 * not), so the line rules live in one place for every kind of mailer.
 *
 * The line limit (L=, 990 for the SMTP mailers): a line longer than L is
 * cut after L-1 bytes, which are followed by "!" and the line end; the rest
 * goes on the next line after a blank, and is cut again (after L-2 more
 * bytes) while the blank and the rest are still longer than L.  Body lines
 * are cut per piece of 2047 bytes, the size in which 8.17 reads them: the
 * count starts again at each piece, so a line of more than 2047 bytes has
 * one longer line in each piece after the first (measured against 8.17).
 */
#include "mailer_lines.h"

#include <string.h>

#include "mailer.h"

/*
 * Below 3 a cut line could never get shorter (8.17 writes "!" lines
 * forever with L=1 or L=2): such limits break nothing.
 */
#define LIMIT_MIN 3

void mailer_lines_init(struct mailer_lines *w, const struct mailer *m, struct sm_buf *out)
{
	w->out = out;
	w->eol = m->eol != NULL ? m->eol : "\n";
	w->limit = m->linelimit >= LIMIT_MIN ? m->linelimit : 0;
	w->xdot = mailer_has_flag(m, 'X');
	w->escfrom = mailer_has_flag(m, 'E');
	w->strip8 = mailer_has_flag(m, '7');
}

static void put_bytes(const struct mailer_lines *w, const char *p, size_t n)
{
	if (w->strip8)
		sm_buf_put7(w->out, p, n);
	else
		sm_buf_put(w->out, p, n);
}

/* One piece: cut while what is left does not fit in the limit. */
static void put_piece(const struct mailer_lines *w, const char *p, size_t n)
{
	size_t col = 0;
	size_t limit = (size_t)w->limit;
	while (limit > 0 && col + n > limit) {
		size_t take = limit - 1 - col;
		put_bytes(w, p, take);
		sm_buf_putc(w->out, '!');
		sm_buf_puts(w->out, w->eol);
		sm_buf_putc(w->out, ' ');
		p += take;
		n -= take;
		col = 1;
	}
	put_bytes(w, p, n);
}

void mailer_lines_put(const struct mailer_lines *w, const char *p, size_t n, bool body)
{
	if (body) {
		if (w->escfrom && n >= 5 && memcmp(p, "From ", 5) == 0)
			sm_buf_putc(w->out, '>');
		if (w->xdot && n >= 1 && p[0] == '.')
			sm_buf_putc(w->out, '.');
		while (n > MAILER_LINES_PIECE) {
			put_piece(w, p, MAILER_LINES_PIECE);
			p += MAILER_LINES_PIECE;
			n -= MAILER_LINES_PIECE;
		}
	}
	put_piece(w, p, n);
	sm_buf_puts(w->out, w->eol);
}
