/*
 * headers.h: the headers sendmail adds to a message and how they are
 * written out for a mailer.
 */
#ifndef HEADERS_H
#define HEADERS_H

#include <stdbool.h>

#include "envelope.h"

struct mailer;
struct sm_buf;

/* struct header flags */
#define H_DEFAULT 0x0001u  /* from an H line: dropped when the message has its own */
#define H_UNEXPANDED 0x0002u /* value still holds macros, expanded per mailer */
#define H_ADDED 0x0004u    /* added by sendmail, never left out: Received:, or after the H lines (headers_add_after_defaults) */

/*
 * Adds the H lines of the configuration (in their order, before the
 * message's own headers): Received:, Date:, From:, Message-Id: ... Values
 * are expanded now with the current macros, except Return-Path:, which is
 * expanded for each mailer.  Headers the message has already are kept as
 * the message wrote them.
 */
void headers_add_defaults(struct envelope *e);

/*
 * -t: adds every address of the To:, Cc: and Bcc: headers (Resent-To: ...
 * when the message has Resent- headers) as recipients, and removes Bcc:.
 * Addresses already on the command line are not added twice.
 */
void headers_rcpts_from(struct envelope *e);
/* Removes the Bcc: headers (and Resent-Bcc:). */
void headers_remove_bcc(struct envelope *e);

/* Splits a header value into addresses (commas outside quotes, <>, ()). */
int headers_split_addresses(const char *value, char ***out, struct sm_arena *arena);

/*
 * Writes the headers as the mailer m gets them: ?flags? conditions checked
 * against m's flags, H_DEFAULT headers left out when overridden, unexpanded
 * values expanded with the current macros ($g of the mailer already set),
 * address headers rewritten for m (headers_commaize), the message's own
 * Return-Path: left out.  Values are written raw after "Name:".  Each line
 * ends with "\n".
 */
void headers_write(const struct envelope *e, const struct mailer *m, struct sm_buf *out);

/* headers_addr_kind: the addresses of a header are senders' or recipients' */
#define HDR_ADDR_FROM 1
#define HDR_ADDR_RCPT 2

/* HDR_ADDR_FROM (From:, Sender:, Reply-To: ...), HDR_ADDR_RCPT (To:, Cc: ...) or 0. */
int headers_addr_kind(const char *name);

/*
 * Appends "name:" and the addresses of value to out as sendmail writes an
 * address header: the blanks after the colon kept (one space each), the
 * addresses joined with ", " and a new line (indented eight spaces) before
 * one that would pass column 78.  With a mailer m each address is
 * rewritten for it (remotename, as a sender's when from); without one the
 * addresses are copied (the queue file's form).  No final newline.
 */
void headers_commaize(const char *name, const char *value, const struct mailer *m, bool from,
		      struct sm_buf *out, struct sm_arena *arena);

/* Puts the message's own address headers in the queue file's form (headers_commaize). */
void headers_normalize(struct envelope *e);

/*
 * The full name as $x holds it: quoted (with '"' and '\' escaped) when it
 * has unbalanced quotes or parentheses, a trailing backslash, or outside
 * quotes and comments one of "@,;:[]" or MustQuoteChars.
 */
char *headers_quote_fullname(const char *name, struct sm_arena *arena);

/*
 * Adds a header after the headers of the H lines at the front (where 8.17
 * puts X-Authentication-Warning:), before the message's own.
 */
struct header *headers_add_after_defaults(struct envelope *e, const char *name, const char *value);

/* The date as sendmail writes it: "Tue, 1 Dec 2026 16:38:50 +0100" ("GMT" at UTC). */
void headers_arpadate(time_t t, char *buf, size_t size);

#endif
