/*
 * daemon_deliver.c: the root daemon's side of delivery requests.  A
 * session (unprivileged) sends "queue_dir\0queue_id\0" after it queued a
 * message; the daemon checks the request (the directory must be one of
 * the configured queue directories, the ID a valid queue ID: the sender
 * is not trusted) and hands it to a delivery worker (a process of
 * daemon_pool.c's table, at most MaxQueueChildren of them, forked as root
 * and running as RunAsUser when that is set, else root) that delivers
 * that message as the queue runner would (locked, so a message is never
 * delivered twice; a request that is lost or refused leaves the message
 * to the next queue run).  Requests wait in the daemon while every
 * worker is busy.  An ETRN request ("\001ETRN\0host\0") forks a queue
 * run of the messages for that host instead (RunAsUser as well).  Owns
 * the waiting requests (struct daemon_req_limits) and the delivery
 * workers' loop.
 */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "proc.h"
#include "sm.h"
#include "smtpc.h"

static bool known_queue_dir(const char *dir)
{
	char **dirs = queue_dirs(NULL);
	for (size_t i = 0; dirs != NULL && dirs[i] != NULL; i++)
		if (strcmp(dirs[i], dir) == 0)
			return true;
	return false;
}

/* An ETRN argument the daemon runs the queue for: a host name, a
 * [literal] or a #group, of name characters only. */
static bool valid_etrn(const char *host)
{
	size_t n = strlen(host);
	if (n == 0 || n > 255)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = host[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      strchr(".-_[]:#@", c) != NULL))
			return false;
	}
	return true;
}

/* The ETRN queue run: every message with a recipient containing host
 * (as 8.17 matches it), or the queue group "#name", regardless of
 * MinQueueAge. */
static void etrn_child(const char *host, queue_deliver_fn deliver, void *arg)
{
	proc_child_signals(false);
	struct queue_run_opts o;
	memset(&o, 0, sizeof o);
	o.sort = -1;
	o.min_age = 0;
	o.max_run_size = -1;
	if (host[0] == '#') {
		o.sel.qgroup = host + 1;
	} else {
		o.sel.filters[0].kind = 'R';
		o.sel.filters[0].text = host;
		o.sel.nfilters = 1;
	}
	int err = queue_run(&o, deliver, arg);
	if (err != 0)
		log_line(LOG_WARNING, NULL, "ETRN queue run for %s: %s", host, strerror(err));
	log_close();
	_exit(EX_OK_);
}

/* One delivery: the message locked, read and handed to the callback. */
static void deliver_one(const char *dir, const char *id, queue_deliver_fn deliver, void *arg)
{
	Errors = 0;
	ExitStat = EX_OK_;
	int err = queue_deliver_id(dir, id, deliver, arg);
	if (err != 0 && err != EWOULDBLOCK && err != ENOENT)
		log_line(LOG_WARNING, id, "delivery requested by the SMTP server: %s", strerror(err));
}

/*
 * A delivery worker (RunAsUser when set, else root): one message per
 * request from the daemon, one byte back when it is done, until the
 * daemon closes the channel.  Its SMTP connection cache lives on
 * between messages, so a stream of messages to one host goes over one
 * connection.
 */
static void delivery_worker(int chan, const void *ctx)
{
	const struct daemon_req_limits *lim = ctx;
	queue_deliver_fn deliver = lim->deliver;
	void *arg = lim->arg;
	proc_child_signals(false);
	/* with RunAsUser, deliveries run as that user, as in 8.17 (the
	 * daemon stays root); a worker that cannot change delivers nothing */
	if (priv_become_runas() != 0)
		_exit(EX_OSERR_);
	for (;;) {
		char buf[DAEMON_REQUEST_MAX + 1];
		ssize_t r = recv(chan, buf, DAEMON_REQUEST_MAX, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf[r] = '\0';
		size_t dl = strlen(buf);
		if ((size_t)r < dl + 2)
			break; /* not what the daemon sends */
		deliver_one(buf, buf + dl + 1, deliver, arg);
		if (send(chan, "D", 1, MSG_NOSIGNAL) != 1)
			break;
	}
	smtpc_close_cached();
	log_close();
	_exit(EX_OK_);
}

/* Queues request req (len bytes) for a delivery worker; false when full. */
static bool pending_push(struct daemon_req_limits *lim, const char *req, size_t len)
{
	if (lim->npending == DAEMON_PENDING_MAX)
		return false;
	if (lim->pending == NULL)
		lim->pending = sm_calloc(DAEMON_PENDING_MAX, sizeof *lim->pending);
	struct daemon_pending *pr = &lim->pending[(lim->first + lim->npending) % DAEMON_PENDING_MAX];
	pr->req = sm_malloc(len);
	memcpy(pr->req, req, len);
	pr->len = len;
	lim->npending++;
	return true;
}

void daemon_deliver_dispatch(struct daemon_req_limits *lim)
{
	while (lim->npending > 0) {
		struct daemon_pending *pr = &lim->pending[lim->first];
		if (daemon_pool_request(lim->pool, pr->req, pr->len, lim->max_deliveries,
					delivery_worker, lim) != 0)
			return; /* every worker busy: when one is done */
		sm_free(pr->req);
		pr->req = NULL;
		lim->first = (lim->first + 1) % DAEMON_PENDING_MAX;
		lim->npending--;
	}
}

void daemon_deliver_free(struct daemon_req_limits *lim)
{
	for (size_t i = 0; i < lim->npending; i++)
		sm_free(lim->pending[(lim->first + i) % DAEMON_PENDING_MAX].req);
	sm_free(lim->pending);
	lim->pending = NULL;
	lim->npending = lim->first = 0;
}

int daemon_deliver_pending(int fd, struct daemon_req_limits *lim)
{
	int started = 0;
	size_t dropped = 0;
	/* bounded: at most this many requests per call, the rest next time */
	for (int n = 0; n < 256; n++) {
		char buf[DAEMON_REQUEST_MAX + 1];
		ssize_t r = recv(fd, buf, DAEMON_REQUEST_MAX, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf[r] = '\0';
		const char *dir = buf;
		size_t dl = strlen(dir);
		if ((size_t)r < dl + 2 || buf[r - 1] != '\0')
			continue; /* not two strings */
		const char *id = buf + dl + 1;
		bool etrn = strcmp(dir, DAEMON_ETRN_MARK) == 0;
		if (etrn ? !valid_etrn(id) : !known_queue_dir(dir) || !queue_id_valid(id)) {
			log_line(LOG_WARNING, NULL, "daemon: bad delivery request ignored");
			continue;
		}
		/* The sessions are not trusted: each request would otherwise be
		 * root work without bound.  One ETRN run at a time (a run going
		 * on covers the requests that come meanwhile); deliveries wait
		 * for one of at most max_deliveries workers, DAEMON_PENDING_MAX
		 * of them at most; what is dropped stays queued for the next
		 * queue run. */
		if (etrn && lim->etrn_running)
			continue;
		if (!etrn) {
			if (!pending_push(lim, buf, dl + strlen(id) + 2))
				dropped++;
			continue;
		}
		(void)fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			log_line(LOG_ERR, id, "daemon: fork for ETRN: %s", strerror(errno));
			break;
		}
		if (pid == 0) {
			daemon_close_fds_in_child();
			/* with RunAsUser, queue runs are that user's, as in 8.17 */
			if (priv_become_runas() != 0)
				_exit(EX_OSERR_);
			etrn_child(id, lim->deliver, lim->arg);
		}
		lim->etrn_running = true;
		if (lim->etrn_started != NULL)
			lim->etrn_started(pid, lim->ctx);
		started++;
	}
	daemon_deliver_dispatch(lim);
	/* once per episode of saturation, not once per dropped request */
	if (dropped > 0 && !lim->drop_logged) {
		log_line(LOG_NOTICE, NULL,
			 "daemon: %d deliveries waiting for %zu delivery processes: further messages stay queued for the next queue run",
			 DAEMON_PENDING_MAX, lim->max_deliveries);
		lim->drop_logged = true;
	} else if (dropped == 0 && lim->npending < DAEMON_PENDING_MAX / 2) {
		lim->drop_logged = false;
	}
	return started;
}
