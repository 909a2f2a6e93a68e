/*
 * sasl_layer.c: the SASL security layer of a server session (see
 * sasl_layer.h).
 *
 * Owns the layer's state: the functions and state of the layer below it
 * (called with io->layer set back to that state, so TLS below works as if
 * alone), the bytes decoded and not yet handed out, and the largest
 * piece the peer accepts (SASL_MAXOUTBUF), in which writes are encoded.
 */
#include "sasl_layer.h"

#include <poll.h>
#include <string.h>

#include "sm.h"

/* bytes read from below at once (a SASL packet may span several reads) */
#define LAYER_READ 8192

struct sasl_layer {
	ssize_t (*below_read)(struct smtpd_io *io, void *buf, size_t n, long long deadline);
	ssize_t (*below_write)(struct smtpd_io *io, const void *buf, size_t n);
	bool (*below_pending)(struct smtpd_io *io);
	void *below;
	sasl_conn_t *conn;
	unsigned maxout;
	/* decoded input not yet handed out: dec[decpos..declen) */
	char *dec;
	size_t declen, decpos, deccap;
	bool failed;
};

/* Keeps n decoded bytes for the reader. */
static void keep(struct sasl_layer *l, const char *p, size_t n)
{
	if (l->decpos == l->declen)
		l->decpos = l->declen = 0;
	if (l->declen + n > l->deccap) {
		l->deccap = (l->declen + n) * 2;
		l->dec = sm_realloc(l->dec, l->deccap);
	}
	memcpy(l->dec + l->declen, p, n);
	l->declen += n;
}

/* Decodes raw bytes from the peer; false on a bad packet. */
static bool decode(struct sasl_layer *l, const char *raw, size_t n)
{
	while (n > 0) {
		/* sasl_decode takes an unsigned length: feed it in pieces */
		unsigned piece = n > LAYER_READ ? LAYER_READ : (unsigned)n;
		const char *out = NULL;
		unsigned outlen = 0;
		if (sasl_decode(l->conn, raw, piece, &out, &outlen) != SASL_OK)
			return false;
		if (outlen > 0)
			keep(l, out, outlen);
		raw += piece;
		n -= piece;
	}
	return true;
}

static ssize_t layer_read(struct smtpd_io *io, void *buf, size_t n, long long deadline)
{
	struct sasl_layer *l = io->layer;
	char raw[LAYER_READ];
	while (l->decpos == l->declen) {
		if (l->failed)
			return -1;
		io->layer = l->below;
		ssize_t r = l->below_read(io, raw, sizeof raw, deadline);
		io->layer = l;
		if (r <= 0)
			return r;
		if (!decode(l, raw, (size_t)r)) {
			/* a packet that does not check out: the session is over */
			l->failed = true;
			return -1;
		}
	}
	size_t k = l->declen - l->decpos;
	if (k > n)
		k = n;
	memcpy(buf, l->dec + l->decpos, k);
	l->decpos += k;
	return (ssize_t)k;
}

static ssize_t layer_write(struct smtpd_io *io, const void *buf, size_t n)
{
	struct sasl_layer *l = io->layer;
	const char *p = buf;
	size_t left = n;
	while (left > 0) {
		unsigned piece = left > l->maxout ? l->maxout : (unsigned)left;
		const char *out = NULL;
		unsigned outlen = 0;
		if (sasl_encode(l->conn, p, piece, &out, &outlen) != SASL_OK)
			return -1;
		io->layer = l->below;
		ssize_t w = l->below_write(io, out, outlen);
		io->layer = l;
		if (w < 0)
			return -1;
		p += piece;
		left -= piece;
	}
	return (ssize_t)n;
}

/*
 * Input waiting: decoded bytes not handed out yet, or whatever the layer
 * below says (with its own state in io->layer, as for reads).  Without a
 * layer below, the socket itself.
 */
static bool layer_pending(struct smtpd_io *io)
{
	struct sasl_layer *l = io->layer;
	if (l->decpos < l->declen)
		return true;
	if (l->failed)
		return false;
	if (l->below_pending == NULL) {
		struct pollfd p = {.fd = io->in_fd, .events = POLLIN};
		return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
	}
	io->layer = l->below;
	bool r = l->below_pending(io);
	io->layer = l;
	return r;
}

bool sasl_layer_push(struct smtpd_io *io, sasl_conn_t *conn)
{
	const void *v = NULL;
	unsigned maxout = 4096;
	if (sasl_getprop(conn, SASL_MAXOUTBUF, &v) == SASL_OK && v != NULL &&
	    *(const unsigned *)v > 0)
		maxout = *(const unsigned *)v;
	struct sasl_layer *l = sm_calloc(1, sizeof *l);
	l->below_read = io->read_fn;
	l->below_write = io->write_fn;
	l->below_pending = io->pending_fn;
	l->below = io->layer;
	l->conn = conn;
	l->maxout = maxout;
	/* input the client sent on after its last response is already
	 * encoded: it goes through the layer like the rest */
	if (io->in_start < io->in_end) {
		if (!decode(l, (const char *)io->in + io->in_start, io->in_end - io->in_start))
			l->failed = true;
		io->in_start = io->in_end = 0;
	}
	io->read_fn = layer_read;
	io->write_fn = layer_write;
	io->pending_fn = layer_pending;
	io->layer = l;
	return true;
}

void sasl_layer_pop(struct smtpd_io *io)
{
	if (io->read_fn != layer_read || io->layer == NULL)
		return;
	struct sasl_layer *l = io->layer;
	io->read_fn = l->below_read;
	io->write_fn = l->below_write;
	io->pending_fn = l->below_pending;
	io->layer = l->below;
	sm_free(l->dec);
	sm_free(l);
}
