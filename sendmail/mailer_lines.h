/*
 * mailer_lines.h: how one line of a message is written to a mailer: its
 * line end (E=), the doubled leading dot (F=X), ">From " (F=E), the
 * stripped eighth bit (F=7) and the line limit (L=), as 8.17 writes them.
 */
#ifndef MAILER_LINES_H
#define MAILER_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "sm.h"

struct mailer;

/*
 * 8.17 reads the body's lines in pieces of this many bytes and applies the
 * line limit to each piece on its own (see mailer_lines_put).
 */
#define MAILER_LINES_PIECE 2047

struct mailer_lines {
	struct sm_buf *out;
	const char *eol;
	int limit;   /* 0: lines are never broken */
	bool xdot;   /* F=X */
	bool escfrom; /* F=E */
	bool strip8; /* F=7 */
};

/* A writer of mailer m's lines into out. */
void mailer_lines_init(struct mailer_lines *w, const struct mailer *m, struct sm_buf *out);
/*
 * Writes the n bytes at p (no line end) and the line end.  A header line
 * (body false) is written whole; a body line in pieces of
 * MAILER_LINES_PIECE bytes, the first of which gets F=X's dot and F=E's
 * ">" (not counted against the limit).  A piece longer than the limit is
 * broken after limit-1 bytes with "!" and a line end, the rest following
 * after a blank; the next piece of the same line starts counting afresh.
 */
void mailer_lines_put(const struct mailer_lines *w, const char *p, size_t n, bool body);

#endif
