/*
 * smtpc_sasl_layer.c: the SASL security layer of a client connection
 * (see smtpc.h): once AUTH negotiated a strength above 0 (DIGEST-MD5's
 * auth-int or auth-conf), every byte after the server's 235 goes through
 * sasl_encode and sasl_decode.
 *
 * Owns: the layer (a struct smtpc_layer over whatever is below it, the
 * socket or TLS), the SASL connection it holds and what it was given to
 * free with it, and the decoded bytes not read yet.
 */
#include "smtpc.h"

#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include <sasl/sasl.h>

#include "log.h"

#define RAW_READ 4096 /* bytes read from below at a time */

struct sasl_layer {
	struct smtpc_layer l; /* first: the layer functions get this */
	sasl_conn_t *conn;
	void *ctx;                /* the callbacks' context, freed with the layer */
	void (*free_ctx)(void *);
	unsigned maxout;          /* the most sasl_encode takes at once */
	char *pend;               /* decoded, not read yet */
	size_t plen, ppos;
};

static long layer_read(struct smtpc_conn *c, struct smtpc_layer *l, void *buf, size_t n,
		       long long deadline)
{
	struct sasl_layer *s = (struct sasl_layer *)l;
	while (s->ppos >= s->plen) {
		char raw[RAW_READ];
		long r = smtpc_below_read(c, l, raw, sizeof raw, deadline);
		if (r <= 0)
			return r;
		const char *out = NULL;
		unsigned outlen = 0;
		int rc = sasl_decode(s->conn, raw, (unsigned)r, &out, &outlen);
		if (rc != SASL_OK) {
			log_line(LOG_WARNING, "", "AUTH: sasl_decode error=%d", rc);
			return -1;
		}
		/* a packet not whole yet gives nothing: read on */
		if (outlen == 0 || out == NULL)
			continue;
		sm_free(s->pend);
		s->pend = sm_malloc(outlen);
		memcpy(s->pend, out, outlen);
		s->plen = outlen;
		s->ppos = 0;
	}
	size_t k = s->plen - s->ppos < n ? s->plen - s->ppos : n;
	memcpy(buf, s->pend + s->ppos, k);
	s->ppos += k;
	return (long)k;
}

static bool layer_write(struct smtpc_conn *c, struct smtpc_layer *l, const void *buf, size_t n,
			int flags)
{
	struct sasl_layer *s = (struct sasl_layer *)l;
	const char *p = buf;
	while (n > 0) {
		unsigned k = n > s->maxout ? s->maxout : (unsigned)n;
		const char *out = NULL;
		unsigned outlen = 0;
		int rc = sasl_encode(s->conn, p, k, &out, &outlen);
		if (rc != SASL_OK) {
			log_line(LOG_WARNING, "", "AUTH: sasl_encode error=%d", rc);
			return false;
		}
		p += k;
		n -= k;
		/* the packets of one write go out together */
		if (!smtpc_below_write(c, l, out, outlen, n > 0 ? (flags | MSG_MORE) : flags))
			return false;
	}
	return true;
}

static void layer_free(struct smtpc_layer *l)
{
	struct sasl_layer *s = (struct sasl_layer *)l;
	sasl_dispose(&s->conn);
	if (s->free_ctx != NULL)
		s->free_ctx(s->ctx);
	sm_free(s->pend);
	sm_free(s);
}

void smtpc_sasl_layer_push(struct smtpc_conn *c, void *conn, void *ctx, void (*free_ctx)(void *))
{
	struct sasl_layer *s = sm_calloc(1, sizeof *s);
	s->l.read = layer_read;
	s->l.write = layer_write;
	s->l.free = layer_free;
	s->conn = conn;
	s->ctx = ctx;
	s->free_ctx = free_ctx;
	const void *v = NULL;
	s->maxout = sasl_getprop(s->conn, SASL_MAXOUTBUF, &v) == SASL_OK && v != NULL
			    ? *(const unsigned *)v
			    : 1024;
	if (s->maxout == 0 || s->maxout > 65536)
		s->maxout = 1024;
	smtpc_layer_push(c, &s->l);
}
