/*
 * mime_encode.h: the two 7-bit transfer encodings a part is converted to
 * (base64 and quoted-printable), with 8.17's line lengths.
 */
#ifndef MIME_ENCODE_H
#define MIME_ENCODE_H

#include <stddef.h>

#include "sm.h"

/*
 * Base64 of the n bytes at p (LF line ends, each made CRLF first, the
 * canonical form of text) into out: lines of 72 characters separated by
 * LF, the last one without its LF.
 */
void mime_base64(const char *p, size_t n, struct sm_buf *out);
/*
 * Quoted-printable of the n bytes at p (LF line ends kept) into out:
 * 8-bit bytes, control characters, "=", a blank before a line end and a
 * line of a single "." encoded as =XX; a soft break ("=" LF) once a line
 * passes 72 characters.  No LF is added after the last line.
 */
void mime_qp(const char *p, size_t n, struct sm_buf *out);

#endif
