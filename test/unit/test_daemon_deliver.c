/*
 * test_daemon_deliver.c: the daemon's reading of delivery requests
 * (daemon_deliver.c), which come from untrusted session workers:
 * truncated, unterminated, over-long, 8-bit and unknown-directory
 * datagrams are ignored; valid ones wait in the ring of
 * DAEMON_PENDING_MAX, which neither overflows nor loses its order.  No
 * worker is started: max_deliveries is 0, so every request waits.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "options.h"
#include "queue.h"
#include "sm.h"
#include "unit.h"

static int Forked;
static void etrn_started(pid_t pid, void *ctx)
{
	(void)pid;
	(void)ctx;
	Forked++;
}

static void send_req(int fd, const char *a, size_t alen, const char *b, size_t blen)
{
	char buf[DAEMON_REQUEST_MAX + 64];
	memcpy(buf, a, alen);
	memcpy(buf + alen, b, blen);
	(void)send(fd, buf, alen + blen, 0);
}

void unit_run(void)
{
	const char *dir = unit_tmpdir();
	queue_free_all();
	option_set("QueueDirectory", dir, false);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0) {
		CHECK("setup.socketpair", false);
		return;
	}
	struct daemon_pool pool;
	memset(&pool, 0, sizeof pool);
	struct daemon_req_limits lim;
	memset(&lim, 0, sizeof lim);
	lim.pool = &pool;
	lim.max_deliveries = 0;
	lim.etrn_started = etrn_started;

	size_t dl = strlen(dir) + 1;
	char big[DAEMON_REQUEST_MAX + 32];
	memset(big, 'A', sizeof big);
	send_req(sv[0], dir, dl, "", 0);                          /* no ID */
	send_req(sv[0], dir, dl, "qid1", 4);                      /* ID not terminated */
	send_req(sv[0], dir, dl - 1, "", 0);                      /* one string, unterminated */
	send_req(sv[0], "/etc\0", 5, "qid1\0", 5);                /* not a queue directory */
	send_req(sv[0], dir, dl, "bad/id\0", 7);                  /* a slash in the ID */
	send_req(sv[0], dir, dl, "qid\3772\0", 6);                /* 8-bit ID */
	send_req(sv[0], dir, dl, big, sizeof big);                /* over DAEMON_REQUEST_MAX */
	send_req(sv[0], DAEMON_ETRN_MARK "\0", 6, "ex ample\0", 9); /* blank in the host */
	send_req(sv[0], DAEMON_ETRN_MARK "\0", 6, "\0", 1);       /* no host */
	send_req(sv[0], DAEMON_ETRN_MARK "\0", 6, big, sizeof big);
	send_req(sv[0], "\0\0", 2, "", 0);                        /* two empty strings */
	CHECK_INT("bad.started", daemon_deliver_pending(sv[1], &lim), 0);
	CHECK_INT("bad.forked", Forked, 0);
	CHECK_INT("bad.pending", lim.npending, 0);

	send_req(sv[0], dir, dl, "qidA\0", 5);
	(void)daemon_deliver_pending(sv[1], &lim);
	CHECK_INT("good.pending", lim.npending, 1);
	CHECK("good.kept", lim.pending != NULL && lim.pending[lim.first].len == dl + 5 &&
			       memcmp(lim.pending[lim.first].req + dl, "qidA", 5) == 0);

	/* the ring fills to DAEMON_PENDING_MAX and stays there */
	size_t sent = 1;
	while (sent < DAEMON_PENDING_MAX + 300) {
		for (int k = 0; k < 200; k++, sent++)
			send_req(sv[0], dir, dl, "qidB\0", 5);
		(void)daemon_deliver_pending(sv[1], &lim);
	}
	CHECK_INT("ring.full", lim.npending, DAEMON_PENDING_MAX);
	CHECK("ring.drop_logged", lim.drop_logged);
	CHECK("ring.first_kept", memcmp(lim.pending[lim.first].req + dl, "qidA", 5) == 0);
	daemon_deliver_free(&lim);
	CHECK_INT("ring.freed", lim.npending, 0);
	daemon_pool_free(&pool);
	(void)close(sv[0]);
	(void)close(sv[1]);
}
