/*
 * dsn.h: delivery status notifications (bounces and delay warnings).
 */
#ifndef DSN_H
#define DSN_H

#include <stdbool.h>

#include "envelope.h"

/*
 * Sends an RFC 3464 multipart/report to the sender of e about its
 * recipients with RCPT_BADADDR (failure) or, when delay is true, the ones
 * still queued (a delay warning).  The original message (headers only
 * with RET=HDRS) is attached from body_fd.  A bounce that cannot be
 * delivered goes to the postmaster (DoubleBounceAddress); a bounce of a
 * bounce is never sent back.  Returns 0 or an EX_* status.
 */
int dsn_send(struct envelope *e, int body_fd, bool delay);

/* "dead.letter" for ErrorMode p/q: appends the message to the sender's file. */
int dsn_dead_letter(struct envelope *e, int body_fd, bool print);

#endif
