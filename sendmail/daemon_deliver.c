/*
 * daemon_deliver.c: the root daemon's side of delivery requests.  A
 * session (unprivileged) sends "queue_dir\0queue_id\0" after it queued a
 * message; the daemon checks the request (the directory must be one of
 * the configured queue directories, the ID a valid queue ID: the sender
 * is not trusted) and forks a process that delivers that message as the
 * queue runner would (locked, so a message is never delivered twice; a
 * request that is lost or refused leaves the message to the next queue
 * run).  An ETRN request ("\001ETRN\0host\0") starts a queue run
 * of the messages for that host instead.  Owns nothing beyond the call.
 */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "sm.h"

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

static void deliver_child(const char *dir, const char *id, queue_deliver_fn deliver, void *arg)
{
	proc_child_signals(false);
	int err = queue_deliver_id(dir, id, deliver, arg);
	if (err != 0 && err != EWOULDBLOCK && err != ENOENT)
		log_line(LOG_WARNING, id, "delivery requested by the SMTP server: %s", strerror(err));
	log_close();
	_exit(EX_OK_);
}

int daemon_deliver_pending(int fd, queue_deliver_fn deliver, void *arg,
			   struct daemon_req_limits *lim)
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
		 * a root process.  One ETRN run at a time (a run going on covers
		 * the requests that come meanwhile), deliveries up to the cap;
		 * what is dropped stays queued for the next queue run. */
		if (etrn && lim->etrn_running)
			continue;
		if (!etrn && lim->deliveries >= lim->max_deliveries) {
			dropped++;
			continue;
		}
		(void)fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			log_line(LOG_ERR, id, "daemon: fork for delivery: %s", strerror(errno));
			break;
		}
		if (pid == 0) {
			daemon_close_fds_in_child();
			if (etrn)
				etrn_child(id, deliver, arg);
			deliver_child(dir, id, deliver, arg);
		}
		if (etrn)
			lim->etrn_running = true;
		else
			lim->deliveries++;
		if (lim->started != NULL)
			lim->started(pid, etrn, lim->ctx);
		started++;
	}
	/* once per episode of saturation, not once per dropped request */
	if (dropped > 0 && !lim->drop_logged) {
		log_line(LOG_NOTICE, NULL,
			 "daemon: %zu delivery processes running (max %zu): further messages stay queued for the next queue run",
			 lim->deliveries, lim->max_deliveries);
		lim->drop_logged = true;
	} else if (dropped == 0 && lim->deliveries < lim->max_deliveries) {
		lim->drop_logged = false;
	}
	return started;
}
