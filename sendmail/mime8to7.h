/*
 * mime8to7.h: converting an 8-bit message to 7-bit MIME (quoted-printable
 * or base64) for a server without 8BITMIME, as 8.17 does.
 */
#ifndef MIME8TO7_H
#define MIME8TO7_H

#include <stdbool.h>
#include <stddef.h>

#include "sm.h"

/* True when the body of text (CRLF headers, empty line, body) has 8-bit bytes. */
bool mime8to7_needed(const char *text, size_t len);
/*
 * Converts text (as sent over SMTP: CRLF, dots doubled) for which
 * mime8to7_needed is true (not checked again) into out when it should be: with mode 'm' (EightBitMode=mime) any 8-bit single-part
 * message, with 'p' (pass8) only one with MIME-Version and
 * Content-Transfer-Encoding headers.  j and qid name this host and the
 * message in X-MIME-Autoconverted; charset goes into a Content-Type that
 * is added.  False (out untouched) when the text is sent as it is.
 */
bool mime8to7_convert(const char *text, size_t len, char mode, const char *j, const char *qid,
		      const char *charset, struct sm_buf *out);

#endif
