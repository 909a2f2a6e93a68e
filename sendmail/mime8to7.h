/*
 * mime8to7.h: the MIME structure of a message on its way to a mailer:
 * 8-bit parts converted to 7-bit MIME (quoted-printable or base64) for a
 * mailer that takes 7 bits only, and multiparts walked (and repaired) as
 * 8.17 walks them on every delivery.
 */
#ifndef MIME8TO7_H
#define MIME8TO7_H

#include <stdbool.h>
#include <stddef.h>

#include "sm.h"

#define MIME_MAX_BOUNDARIES 20 /* boundaries on the stack (8.17's MAXMIMENESTING) */
#define MIME_MAX_DEPTH 21      /* entities deeper than this are copied as they are */
#define MIME_MAX_BOUNDARY 127  /* longer boundaries are cut */
#define MIME_MAX_ARGS 20       /* Content-Type parameters looked at (MAXMIMEARGS) */

struct mime8to7_opts {
	/* 8-bit leaves to quoted-printable or base64; set only when the body has 8-bit bytes */
	bool convert;
	const char *j;       /* this host, for X-MIME-Autoconverted */
	const char *qid;     /* the message, for X-MIME-Autoconverted and logs */
	const char *charset; /* of a Content-Type added to a converted message without one */
	/*
	 * Unless NULL: gets a pair of size_t (start, end) per header block of a
	 * part or enclosed message, the bytes of out_body that are header lines.
	 */
	struct sm_buf *hdr_spans;
};

/* True when the body has bytes with the high bit set. */
bool mime8to7_has8(const char *body, size_t len);
/*
 * Walks the message with header lines hdr and body body (both with LF line
 * ends, the body as stored) into out_hdr and out_body when it has a
 * multipart or message Content-Type, or when o->convert (the caller found
 * 8-bit bytes: the body is not scanned for them again); false (outputs
 * untouched) when it is sent as it is.
 */
bool mime8to7(const char *hdr, size_t hlen, const char *body, size_t blen,
	      const struct mime8to7_opts *o, struct sm_buf *out_hdr, struct sm_buf *out_body);

#endif
