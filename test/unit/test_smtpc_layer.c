/*
 * test_smtpc_layer.c: unit checks of the client connection's layers
 * (struct smtpc_layer, smtpc_io.c) and of the xtext of AUTH=.
 *
 * Two toy layers are stacked over one end of a socket pair, as SASL's
 * security layer stacks over TLS: the outer adds 1 to every byte, the
 * inner XORs it with 0x20.  A command sent must reach the socket with
 * both applied (outer first), a reply written there with both applied
 * must be read back as the plain reply, also when it arrives in pieces
 * and when a layer's read gives fewer bytes than asked.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smtpc.h"
#include "unit.h"

struct toy {
	struct smtpc_layer l;
	int kind;  /* 0: +1, 1: ^0x20 */
	int frees; /* counts into a shared counter */
	int *freed;
};

static unsigned char enc(int kind, unsigned char b) { return kind == 0 ? (unsigned char)(b + 1) : b ^ 0x20; }
static unsigned char dec(int kind, unsigned char b) { return kind == 0 ? (unsigned char)(b - 1) : b ^ 0x20; }

static long toy_read(struct smtpc_conn *c, struct smtpc_layer *l, void *buf, size_t n,
		     long long deadline)
{
	struct toy *t = (struct toy *)l;
	/* at most 3 bytes at a time: the reader must cope with short reads */
	long r = smtpc_below_read(c, l, buf, n > 3 ? 3 : n, deadline);
	for (long i = 0; i < r; i++)
		((unsigned char *)buf)[i] = dec(t->kind, ((unsigned char *)buf)[i]);
	return r;
}

static bool toy_write(struct smtpc_conn *c, struct smtpc_layer *l, const void *buf, size_t n,
		      int flags)
{
	struct toy *t = (struct toy *)l;
	unsigned char *x = malloc(n > 0 ? n : 1);
	for (size_t i = 0; i < n; i++)
		x[i] = enc(t->kind, ((const unsigned char *)buf)[i]);
	bool ok = smtpc_below_write(c, l, x, n, flags);
	free(x);
	return ok;
}

static void toy_free(struct smtpc_layer *l)
{
	struct toy *t = (struct toy *)l;
	(*t->freed)++;
	free(t);
}

static struct toy *toy_new(int kind, int *freed)
{
	struct toy *t = calloc(1, sizeof *t);
	t->l.read = toy_read;
	t->l.write = toy_write;
	t->l.free = toy_free;
	t->kind = kind;
	t->freed = freed;
	return t;
}

static void both(const char *in, unsigned char *out, size_t n)
{
	/* outer (+1) first, then inner (^0x20) */
	for (size_t i = 0; i < n; i++)
		out[i] = enc(1, enc(0, (unsigned char)in[i]));
}

void unit_run(void)
{
	int sv[2];
	CHECK("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	struct smtpc_conn *c = calloc(1, sizeof *c);
	c->fd = c->wfd = sv[0];
	c->host = strdup("peer.example");
	c->addr = strdup("");
	c->mailer = strdup("esmtp");
	c->dest = strdup("peer.example");
	sm_buf_init(&c->lastreply);
	int freed = 0;
	smtpc_layer_push(c, &toy_new(1, &freed)->l); /* inner, e.g. TLS */
	smtpc_layer_push(c, &toy_new(0, &freed)->l); /* outer, e.g. SASL */

	CHECK("send through both layers", smtpc_send(c, "EHLO me"));
	unsigned char got[64], want[64];
	ssize_t n = read(sv[1], got, sizeof got);
	both("EHLO me\r\n", want, 9);
	CHECK_INT("bytes on the wire", n, 9);
	CHECK("both layers applied, outer first", n == 9 && memcmp(got, want, 9) == 0);

	const char *reply = "250-peer.example\r\n250 AUTH PLAIN\r\n";
	size_t rl = strlen(reply);
	unsigned char wire[64];
	both(reply, wire, rl);
	/* in two pieces */
	CHECK("write piece 1", write(sv[1], wire, 10) == 10);
	CHECK("write piece 2", write(sv[1], wire + 10, rl - 10) == (ssize_t)(rl - 10));
	CHECK_INT("reply read through both layers", smtpc_reply(c, 5), 250);
	CHECK_STR("reply text", c->lastreply.data, "250-peer.example\n250 AUTH PLAIN");

	/* the layers go with the connection; no QUIT on a broken one */
	c->broken = true;
	smtpc_close(c);
	CHECK_INT("both layers freed", freed, 2);
	close(sv[1]);

	char *x = smtpc_xtext("a+b=c d\x01\xe9z");
	CHECK_STR("xtext", x, "a+2Bb+3Dc+20d+01+E9z");
	free(x);
	x = smtpc_xtext("");
	CHECK_STR("xtext of nothing", x, "");
	free(x);
}
