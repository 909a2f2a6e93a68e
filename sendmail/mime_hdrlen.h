/*
 * mime_hdrlen.h: MaxMimeHeaderLength, the length limits 8.17 puts on MIME
 * headers when it writes a message out.
 */
#ifndef MIME_HDRLEN_H
#define MIME_HDRLEN_H

#include <stddef.h>

#include "sm.h"

/* The limits of MaxMimeHeaderLength=N/M (2047/1023 when unset, M N/2 when left out; 0: none). */
void mime_hdrlen_limits(long *n, long *m);
/* The same limits from an option value v (NULL: unset). */
void mime_hdrlen_parse(const char *v, long *n, long *m);
/*
 * The value (raw, as after the colon) header name should have when written
 * out, as newly allocated text, when 8.17 would cut it (logged for message
 * qid as 8.17 logs it); NULL when it stays as it is.  Which headers are
 * looked at is said by the classes {checkMIMETextHeaders} (the whole value
 * to N), {checkMIMEFieldHeaders} (each ";" parameter to M) and
 * {checkMIMEHeaders} (the whole value to N, open quotes and comments
 * closed).
 */
char *mime_hdrlen_fix(const char *name, const char *value, const char *qid);
/* The header block hb (lines with LF) with mime_hdrlen_fix applied to each header, into out. */
void mime_hdrlen_block(const char *hb, size_t len, const char *qid, struct sm_buf *out);
/*
 * The end of the header field that starts at p in a header block ending at
 * end: just after the LF of its last line, continuation lines included.
 */
const char *mime_header_field_end(const char *p, const char *end);

#endif
