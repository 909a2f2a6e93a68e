/*
 * daemon_session.c: the session worker (daemon.h): a child of the daemon
 * that opens the database maps as root, gives root up for good
 * (daemon_priv.c) before it is handed any connection, and then runs one
 * SMTP session after another on the connections the daemon passes it
 * (daemon_pool.c), each described to the server as a struct smtpd_conn.
 * Between sessions it resets what a session leaves in the process (the
 * macros, the error state, the host map cache), so no client sees
 * anything of another.  The server asks for deliveries through
 * daemon_request_delivery, a datagram to the root daemon.
 */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "alias.h"
#include "err.h"
#include "log.h"
#include "macro.h"
#include "map.h"
#include "options.h"
#include "proc.h"
#include "sasl_srv.h"
#include "sm.h"
#include "smtpd.h"

/* One datagram "queue_dir\0queue_id\0" to the daemon (daemon.h). */
int daemon_request_delivery(const char *queue_dir, const char *queue_id, void *arg)
{
	const int *fd = arg;
	if (fd == NULL || *fd < 0)
		return EBADF;
	size_t dl = strlen(queue_dir), il = strlen(queue_id);
	if (dl + il + 2 > DAEMON_REQUEST_MAX)
		return ENAMETOOLONG;
	char buf[DAEMON_REQUEST_MAX];
	memcpy(buf, queue_dir, dl + 1);
	memcpy(buf + dl + 1, queue_id, il + 1);
	/* never blocks the session: a lost request waits for the next queue run */
	if (send(*fd, buf, dl + il + 2, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return errno;
	return 0;
}

int daemon_request_queue_run(const char *host, void *arg)
{
	return daemon_request_delivery(DAEMON_ETRN_MARK, host, arg);
}

/* Opens a database map (hash, btree, dbm) while the session is still root. */
static void open_db_map(struct map *m, void *arg)
{
	(void)arg;
	const char *c = m->cls != NULL ? m->cls->name : "";
	if (strcmp(c, "hash") == 0 || strcmp(c, "btree") == 0 || strcmp(c, "dbm") == 0)
		(void)map_open(m);
}

/*
 * The alias databases and the cf's database maps are opened before root
 * is given up, so that files only root may read (as 8.17's root sessions
 * read them) still work; each session opens its own handles, nothing is
 * shared between processes.  Text files are read later as the user.
 */
static void open_maps_as_root(void)
{
	alias_open_dbs();
	map_foreach(open_db_map, NULL);
}

/* A 421 for a connection this process cannot serve, then exit. */
static void refuse(int fd, const char *why)
{
	static const char msg[] = "421 4.3.0 Service temporarily unavailable, closing transmission channel\r\n";
	log_line(LOG_CRIT, NULL, "daemon session: %s", why);
	(void)sm_write_all(fd, msg, sizeof msg - 1);
	_exit(EX_OSERR_);
}

/*
 * The next connection from the daemon: its descriptor (and *m), or -1
 * when the channel is closed (the daemon wants this worker to end) or
 * the message is not one the daemon sends.
 */
static int receive_conn(int chan, struct daemon_conn_msg *m)
{
	int fd;
	ssize_t r = sm_fd_recv(chan, m, sizeof *m, &fd);
	if (r != (ssize_t)sizeof *m || m->peer_len > sizeof m->peer) {
		if (fd >= 0)
			(void)close(fd);
		return -1;
	}
	return fd;
}

/*
 * What a fresh process would start a session with: the macros as they
 * were when the worker was set up (the last session's client, envelope
 * and ruleset-stored macros gone), no errors, no cached host answers.
 */
static void session_reset(const struct macro_set *base)
{
	CurMacros = &GlobalMacros;
	macro_set_copy(&GlobalMacros, base);
	Errors = 0;
	ErrQuiet = false;
	ExitStat = EX_OK_;
	map_host_cache_clear();
}

/* One session on fd; the descriptor is closed when it ends. */
static void serve(const struct daemon_worker_args *a, int fd, const struct daemon_conn_msg *m)
{
	if (a->l->family != AF_UNIX) {
		char num[32];
		(void)snprintf(num, sizeof num, "%d", m->client_rate);
		macro_define(macro_id("client_rate", 11, true), num);
		(void)snprintf(num, sizeof num, "%d", m->client_connections);
		macro_define(macro_id("client_connections", 18, true), num);
	}
	static int request_fd;
	request_fd = a->request_fd;
	struct smtpd_conn c;
	memset(&c, 0, sizeof c);
	c.in_fd = fd;
	c.out_fd = fd;
	memcpy(&c.peer, &m->peer, sizeof c.peer);
	c.peer_len = m->peer_len;
	c.local_len = sizeof c.local;
	if (getsockname(fd, (struct sockaddr *)&c.local, &c.local_len) != 0)
		c.local_len = 0;
	c.daemon_name = a->l->name;
	c.daemon_flags = a->l->flags_macro; /* the letters as ${daemon_flags} shows them */
	c.daemon_mode = true;
	c.request_delivery = request_fd >= 0 ? daemon_request_delivery : NULL;
	c.request_queue_run = request_fd >= 0 ? daemon_request_queue_run : NULL;
	c.request_arg = &request_fd;
	(void)smtpd_session(&c);
	(void)close(fd);
}

void daemon_worker_main(const struct daemon_worker_args *a)
{
	proc_child_signals(true);
	if (a->user != NULL)
		open_maps_as_root();
	/* the SASL library: set up by the daemon already (its state is
	 * inherited); otherwise now, while still root */
	(void)saslsrv_process_init();
	int err = priv_become(a->user);
	if (err != 0) {
		/* the connection it was started for hears why (no byte read) */
		char why[256];
		(void)snprintf(why, sizeof why, "cannot change to user %s: %s",
			       a->user->name, strerror(err));
		struct daemon_conn_msg m;
		int fd = receive_conn(a->chan, &m);
		if (fd < 0) {
			log_line(LOG_CRIT, NULL, "daemon session: %s", why);
			_exit(EX_OSERR_);
		}
		refuse(fd, why);
	}
	/* the listener's own DeliveryMode=, delayLA=, queueLA= for its sessions */
	if (a->l->delivery_mode != NULL)
		option_set("DeliveryMode", a->l->delivery_mode, true);
	if (a->l->delay_la != NULL)
		option_set("DelayLA", a->l->delay_la, true);
	if (a->l->queue_la != NULL)
		option_set("QueueLA", a->l->queue_la, true);
	struct macro_set base;
	memset(&base, 0, sizeof base);
	macro_set_copy(&base, &GlobalMacros);
	for (;;) {
		struct daemon_conn_msg m;
		int fd = receive_conn(a->chan, &m);
		if (fd < 0)
			break;
		session_reset(&base);
		serve(a, fd, &m);
		/* ready for the next one; the daemon may answer by closing */
		if (send(a->chan, "D", 1, MSG_NOSIGNAL) != 1)
			break;
	}
	macro_set_free(&base);
	log_close();
	_exit(EX_OK_);
}
