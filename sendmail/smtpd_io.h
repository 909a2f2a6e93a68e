/*
 * smtpd_io.h: the byte stream of one SMTP session: a buffered reader of
 * lines with a length limit and a deadline per read, and a reply writer.
 *
 * Every byte goes through the two function pointers of struct smtpd_io, so
 * a security layer (STARTTLS, a SASL layer after AUTH) can later replace
 * them with its own (layer points at its state) without the server
 * knowing.  The plain layer reads and writes the file descriptors.
 */
#ifndef SMTPD_IO_H
#define SMTPD_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sm.h"

#define SMTPD_IO_BUFSIZE 16384

struct smtpd_io {
	int in_fd, out_fd;
	/* the layer: returns bytes read/written, 0 at end of input, -1 on error */
	ssize_t (*read_fn)(struct smtpd_io *io, void *buf, size_t n, long long deadline);
	ssize_t (*write_fn)(struct smtpd_io *io, const void *buf, size_t n);
	/* input is waiting (for a layer that buffers: TLS); NULL: the plain check */
	bool (*pending_fn)(struct smtpd_io *io);
	void *layer;              /* the security layer's state, NULL for plain */
	unsigned char in[SMTPD_IO_BUFSIZE];
	size_t in_start, in_end;  /* unread input is in[in_start..in_end) */
	bool eof;                 /* the client closed its side */
	bool timed_out;           /* the last read met its deadline */
	bool failed;              /* a read or write error */
	size_t line_bytes;        /* bytes the last line took, its end included */
	struct sm_buf out;        /* replies not yet written (flushed before reading) */
};

/* Line ends a read line had. */
#define SMTPD_LINE_CRLF 0   /* "\r\n" */
#define SMTPD_LINE_LF 1     /* a bare "\n" */
#define SMTPD_LINE_NONE 2   /* end of input before any line end */
#define SMTPD_LINE_PART 3   /* no end yet: a piece of a longer line (smtpd_io_getdata) */

void smtpd_io_init(struct smtpd_io *io, int in_fd, int out_fd);
void smtpd_io_free(struct smtpd_io *io);

/*
 * Reads one line into line (without its end; at most maxlen bytes are
 * kept, the rest of a longer line is read and dropped, *too_long set).
 * *ending tells how it ended; *bare_cr is set when a CR stood anywhere
 * but right before the LF.  Pending replies are written first.  Waits
 * until timeout_s seconds from now (0: forever).  Returns 1 for a line,
 * 0 at end of input (nothing read), -1 on timeout or error.
 */
int smtpd_io_getline(struct smtpd_io *io, struct sm_buf *line, size_t maxlen, int timeout_s,
		     bool *too_long, int *ending, bool *bare_cr);

/*
 * The same for message data, which is never cut: a line longer than
 * maxlen comes in pieces of maxlen bytes, each but the last with *ending
 * SMTPD_LINE_PART (the next call returns the rest), so that no line needs
 * more memory than maxlen.
 */
int smtpd_io_getdata(struct smtpd_io *io, struct sm_buf *line, size_t maxlen, int timeout_s,
		     int *ending, bool *bare_cr);

/* True when input is waiting: buffered, or readable now. */
bool smtpd_io_pending(struct smtpd_io *io);

/* Queues reply text (CRLF added by the caller); written by smtpd_io_flush. */
void smtpd_io_put(struct smtpd_io *io, const char *text, size_t n);
/* Writes the queued replies; false on a write error. */
bool smtpd_io_flush(struct smtpd_io *io);

#endif
