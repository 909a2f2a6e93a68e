/*
 * collect.h: reading a message (headers and body) from a submitting program.
 */
#ifndef COLLECT_H
#define COLLECT_H

#include <stdbool.h>
#include <stdio.h>

#include "envelope.h"

/* Limits for hostile input. */
#define COLLECT_MAX_HEADER_LINE 32768   /* one header with its continuation lines */
#define COLLECT_DEFAULT_MAX_HEADERS 32768 /* MaxHeadersLength when unset or 0 */

struct collect_result {
	int body_fd;      /* a temporary file holding the body (in memory when small), at offset 0 */
	long size;        /* bytes of headers and body as sendmail counts them */
	bool eightbit;    /* the body has bytes >= 0x80 */
	bool header8bit;  /* a header has bytes >= 0x80 */
	bool too_large;   /* more than MaxMessageSize (the body file then holds only its start) */
	bool headers_too_large;
};

/*
 * Reads a message from in: a leading "From " line is dropped, header lines
 * (with continuation lines) go to e's headers until an empty line or a line
 * that is no header (which starts the body),
 * the rest is the body.  CRLF line ends become LF.  Unless ignore_dots, a
 * line holding only "." ends the message and a leading ".." loses one dot.
 * The body goes to a temporary file: in memory, moved to an unlinked file
 * in tmpdir when it grows over 1 MiB.  Returns 0, or an errno
 * (the temporary file could not be written).
 */
int collect(FILE *in, struct envelope *e, bool ignore_dots, const char *tmpdir,
	    struct collect_result *res);

/*
 * The same reader on lines from next() (without their ends; false at the
 * end of the message): the SMTP server's DATA, which has removed the dot
 * rules and the final "." itself.  next() sets *partial when it hands out
 * a piece of a longer line whose rest comes next: body lines are joined
 * whole, a header keeps COLLECT_MAX_HEADER_LINE bytes (all are counted).
 */
struct sm_buf;
int collect_from(bool (*next)(void *arg, struct sm_buf *line, bool *partial), void *arg,
		 struct envelope *e, const char *tmpdir, struct collect_result *res);

/*
 * EightBitMode strict: true when a message with 8-bit data (eight: in its
 * headers or body) must be refused because it declares neither BODY=8BITMIME
 * nor MIME (a MIME-Version header), as 8.17 refuses it ("Eight bit data not
 * allowed").
 */
bool collect_strict_refuses(const struct envelope *e, bool eight);

/* True when line (len bytes, no newline) starts a header: "name:". */
bool collect_is_header(const char *line, size_t len);

#endif
