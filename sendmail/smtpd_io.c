/*
 * smtpd_io.c: the session byte stream (see smtpd_io.h).
 *
 * Owns the input buffer, the output buffer of replies and the plain layer
 * (read(2)/write(2) on the session's descriptors with poll deadlines).
 * Replies are collected and written when the server next waits for input
 * or ends, which gives PIPELINING clients one write per group of replies.
 */
#include "smtpd_io.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

static ssize_t plain_read(struct smtpd_io *io, void *buf, size_t n, long long deadline)
{
	for (;;) {
		if (deadline > 0) {
			int w = sm_wait_fd(io->in_fd, POLLIN, deadline);
			if (w == 0) {
				io->timed_out = true;
				return -1;
			}
			if (w < 0)
				return -1;
		}
		ssize_t r = read(io->in_fd, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		return r;
	}
}

static ssize_t plain_write(struct smtpd_io *io, const void *buf, size_t n)
{
	return sm_write_all(io->out_fd, buf, n) == 0 ? (ssize_t)n : -1;
}

void smtpd_io_init(struct smtpd_io *io, int in_fd, int out_fd)
{
	memset(io, 0, sizeof *io);
	io->in_fd = in_fd;
	io->out_fd = out_fd;
	io->read_fn = plain_read;
	io->write_fn = plain_write;
	sm_buf_init(&io->out);
}

void smtpd_io_free(struct smtpd_io *io)
{
	sm_buf_free(&io->out);
}

void smtpd_io_put(struct smtpd_io *io, const char *text, size_t n)
{
	sm_buf_put(&io->out, text, n);
}

bool smtpd_io_flush(struct smtpd_io *io)
{
	if (io->out.len == 0 || io->failed)
		return !io->failed;
	if (io->write_fn(io, io->out.data, io->out.len) < 0)
		io->failed = true;
	sm_buf_reset(&io->out);
	return !io->failed;
}

/* Reads more input into the buffer; false at end, timeout or error. */
static bool fill(struct smtpd_io *io, long long deadline)
{
	if (io->eof || io->failed)
		return false;
	if (io->in_start > 0) {
		memmove(io->in, io->in + io->in_start, io->in_end - io->in_start);
		io->in_end -= io->in_start;
		io->in_start = 0;
	}
	ssize_t r = io->read_fn(io, io->in + io->in_end, sizeof io->in - io->in_end, deadline);
	if (r == 0)
		io->eof = true;
	if (r < 0 && !io->timed_out)
		io->failed = true;
	if (r <= 0)
		return false;
	io->in_end += (size_t)r;
	return true;
}

bool smtpd_io_pending(struct smtpd_io *io)
{
	if (io->in_start < io->in_end)
		return true;
	if (io->eof || io->failed)
		return false;
	if (io->pending_fn != NULL)
		return io->pending_fn(io);
	if (io->layer != NULL)
		return false;
	struct pollfd p = {.fd = io->in_fd, .events = POLLIN};
	return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

/*
 * The reader of smtpd_io_getline and smtpd_io_getdata: with split, a line
 * longer than maxlen is handed out in pieces of maxlen bytes (ending
 * SMTPD_LINE_PART) instead of being cut.
 */
static int read_line(struct smtpd_io *io, struct sm_buf *line, size_t maxlen, int timeout_s,
		     bool split, bool *too_long, int *ending, bool *bare_cr)
{
	sm_buf_reset(line);
	*too_long = false;
	*bare_cr = false;
	*ending = SMTPD_LINE_NONE;
	io->timed_out = false;
	long long deadline = timeout_s > 0 ? sm_now_ms() + (long long)timeout_s * 1000 : 0;
	bool got = false, pending_cr = false;
	io->line_bytes = 0;
	for (;;) {
		while (io->in_start < io->in_end) {
			if (!pending_cr) {
				/* the bytes up to the next CR or LF in one copy (a
				 * message is mostly such runs); the CR or LF after
				 * them goes through the byte rules below */
				unsigned char *p = io->in + io->in_start;
				size_t avail = io->in_end - io->in_start;
				unsigned char *nl = memchr(p, '\n', avail);
				size_t span = nl != NULL ? (size_t)(nl - p) : avail;
				unsigned char *cr = memchr(p, '\r', span);
				size_t n = cr != NULL ? (size_t)(cr - p) : span;
				size_t room = line->len < maxlen ? maxlen - line->len : 0;
				size_t take = n < room ? n : room;
				if (take > 0)
					sm_buf_put(line, (const char *)p, take);
				if (n > 0)
					got = true;
				if (take < n && split) {
					/* the piece is full: the rest starts the next one */
					io->in_start += take;
					io->line_bytes += take;
					*ending = SMTPD_LINE_PART;
					return 1;
				}
				if (take < n)
					*too_long = true;
				io->in_start += n;
				io->line_bytes += n;
				if (io->in_start == io->in_end)
					break;
			}
			unsigned char c = io->in[io->in_start++];
			got = true;
			io->line_bytes++;
			if (c == '\n') {
				*ending = pending_cr ? SMTPD_LINE_CRLF : SMTPD_LINE_LF;
				return 1;
			}
			if (pending_cr) {
				/* a CR not followed by LF */
				*bare_cr = true;
				if (line->len < maxlen)
					sm_buf_putc(line, '\r');
				pending_cr = false;
			}
			if (c == '\r') {
				pending_cr = true;
				continue;
			}
			if (line->len < maxlen) {
				sm_buf_putc(line, c);
			} else if (split) {
				/* the piece is full: this byte starts the next one */
				io->in_start--;
				io->line_bytes--;
				*ending = SMTPD_LINE_PART;
				return 1;
			} else {
				*too_long = true;
			}
		}
		/* the replies go out when the server is about to wait, not
		 * before each line: a pipelined group of commands gets one
		 * write (a reply written alone and then another would wait
		 * for the client's delayed ACK, 40 ms) */
		if (!smtpd_io_flush(io))
			return -1;
		if (!fill(io, deadline)) {
			if (io->timed_out || io->failed)
				return -1;
			if (pending_cr) {
				*bare_cr = true;
				if (line->len < maxlen)
					sm_buf_putc(line, '\r');
			}
			return got ? 1 : 0;
		}
	}
}

int smtpd_io_getline(struct smtpd_io *io, struct sm_buf *line, size_t maxlen, int timeout_s,
		     bool *too_long, int *ending, bool *bare_cr)
{
	return read_line(io, line, maxlen, timeout_s, false, too_long, ending, bare_cr);
}

int smtpd_io_getdata(struct smtpd_io *io, struct sm_buf *line, size_t maxlen, int timeout_s,
		     int *ending, bool *bare_cr)
{
	bool too_long;
	return read_line(io, line, maxlen, timeout_s, true, &too_long, ending, bare_cr);
}
