/*
 * daemon.c: the accepting process of sendmail -bd / -bD.  Opens the
 * listeners (as root), detaches for -bd, writes the PidFile, starts the
 * periodic queue runner of -q<time> as a child, and then waits for
 * connections, delivery requests and signals.  Each connection is handed
 * to a session worker (daemon_pool.c, daemon_session.c): a process that
 * gave root up before it got any connection and serves one session after
 * another.  Forking a process per connection cost more than the rest of
 * a message's acceptance on a virtual machine (fork and the copy-on-write
 * faults after it: about 40% of the CPU time; see bench/README).
 * Limits: MaxDaemonChildren (and children= of a listener) and
 * RefuseLA close the listener while they hold, so connections are
 * refused, as sendmail 8.17 does; ConnectionRateThrottle defers accepting
 * to the next second.  SIGTERM: stop listening, let the sessions finish
 * (at most DAEMON_DRAIN_SECS), remove the PidFile, exit.  SIGHUP: the
 * same without waiting for sessions, then execute itself again.
 * Owns the listener array, the child table (delivery and ETRN processes;
 * the workers are the pool's) and the signal flags.
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "hostenv.h"
#include "log.h"
#include "options.h"
#include "proc.h"
#include "resolve.h"
#include "sasl_srv.h"
#include "tls.h"
#include "sm.h"

/* How long sessions may go on after SIGTERM before they are told to stop. */
#define DAEMON_DRAIN_SECS 10
/* How long a listener stays closed after a load-average refusal. */
#define REFUSE_SECS 5
/* Delivery processes at once for the sessions' requests when
 * MaxQueueChildren does not say: enough for a busy site, far from the
 * thousands a pipelining client could otherwise ask for. */
#define DELIVERY_KIDS_DEFAULT 10
/* What a child of the table is (sessions and deliveries are the pool's). */
#define KID_ETRN (-2)

static volatile sig_atomic_t GotTerm, GotHup, GotChild;

static void on_term(int sig) { (void)sig; GotTerm = 1; }
static void on_hup(int sig) { (void)sig; GotHup = 1; }
static void on_child(int sig) { (void)sig; GotChild = 1; }

struct child {
	pid_t pid;
	int listener; /* KID_ETRN: an ETRN queue run */
};

struct dstate {
	struct daemon_listener *l;
	size_t nl;
	struct child *kids;
	size_t nkids, capkids;
	struct daemon_pool pool; /* the session workers */
	pid_t runner;
	int req[2];            /* delivery requests: [0] the daemon reads, [1] sessions write */
	struct run_user user;
	bool root;
	long max_children;     /* MaxDaemonChildren, 0: none */
	long throttle;         /* ConnectionRateThrottle, 0: none */
	double refuse_la;      /* RefuseLA */
	bool refusing_logged;
	struct daemon_req_limits lim; /* the processes delivery requests started */
};

static struct dstate *Current; /* for the children: what to close */

static long long_option(enum option_id id, long dflt)
{
	const char *v = opt_value(id);
	if (v == NULL || *v == '\0')
		return dflt;
	return strtol(v, NULL, 10);
}

/* In a child of the daemon: closes what belongs to the daemon. */
void daemon_close_fds_in_child(void)
{
	if (Current == NULL)
		return;
	for (size_t i = 0; i < Current->nl; i++)
		if (Current->l[i].fd >= 0)
			(void)close(Current->l[i].fd);
	if (Current->req[0] >= 0)
		(void)close(Current->req[0]);
	daemon_pool_close_fds(&Current->pool);
}

/* The queue runner's process: as the delivery processes, RunAsUser when set. */
static void runner_in_child(void)
{
	daemon_close_fds_in_child();
	if (priv_become_runas() != 0)
		_exit(EX_OSERR_);
}

static void add_kid(struct dstate *d, pid_t pid, int listener)
{
	if (d->nkids == d->capkids) {
		d->capkids = d->capkids ? d->capkids * 2 : 64;
		d->kids = sm_realloc(d->kids, d->capkids * sizeof *d->kids);
	}
	d->kids[d->nkids].pid = pid;
	d->kids[d->nkids].listener = listener;
	d->nkids++;
}

/* daemon_deliver_pending forked an ETRN queue run: into the child table. */
static void etrn_started(pid_t pid, void *ctx)
{
	add_kid(ctx, pid, KID_ETRN);
}

static void reap(struct dstate *d)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == d->runner) {
			d->runner = -1;
			continue;
		}
		if (daemon_pool_reaped(&d->pool, d->l, pid))
			continue;
		for (size_t i = 0; i < d->nkids; i++) {
			if (d->kids[i].pid != pid)
				continue;
			if (d->kids[i].listener == KID_ETRN)
				d->lim.etrn_running = false;
			d->kids[i] = d->kids[--d->nkids];
			break;
		}
	}
}

static size_t sessions(const struct dstate *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nl; i++)
		n += (size_t)d->l[i].nchildren;
	return n;
}

static void close_listener(struct daemon_listener *l)
{
	if (l->fd >= 0)
		(void)close(l->fd);
	l->fd = -1;
}

/*
 * Opens or closes listener i as the limits say; true when it may accept.
 * Over MaxDaemonChildren or RefuseLA the socket is closed, so clients are
 * refused at once instead of waiting in the backlog (sendmail 8.17 does so).
 */
static bool may_accept(struct dstate *d, size_t i, time_t now, double la)
{
	struct daemon_listener *l = &d->l[i];
	size_t total = sessions(d);
	const char *why = NULL;
	char buf[128];
	double refuse = l->refuse_la > 0 ? l->refuse_la : d->refuse_la;
	if (d->max_children > 0 && total >= (size_t)d->max_children) {
		(void)snprintf(buf, sizeof buf, "%zu children, max %ld", total, d->max_children);
		why = buf;
	} else if (l->max_children > 0 && l->nchildren >= l->max_children) {
		(void)snprintf(buf, sizeof buf, "%d children, max %d", l->nchildren, l->max_children);
		why = buf;
	} else if (now < l->refuse_until) {
		return false;
	} else if (refuse > 0 && la >= refuse) {
		(void)snprintf(buf, sizeof buf, "load average: %d", (int)(la + 0.5));
		why = buf;
		l->refuse_until = now + REFUSE_SECS;
	}
	if (why != NULL) {
		if (l->fd >= 0) {
			log_line(LOG_INFO, NULL, "rejecting connections on daemon %s: %s", l->name, why);
			close_listener(l);
		}
		return false;
	}
	if (l->fd < 0 && daemon_listen(l) != 0) {
		l->refuse_until = now + REFUSE_SECS; /* tried again later (logged) */
		return false;
	}
	if (d->throttle > 0) {
		if (l->rate_sec != now) {
			l->rate_sec = now;
			l->rate_count = 0;
		}
		if (l->rate_count >= d->throttle) {
			/* the loop looks again every 200 ms: one line per second */
			if (l->rate_logged != now)
				log_line(LOG_INFO, NULL,
					 "deferring connections on daemon %s: %ld per second", l->name,
					 d->throttle);
			l->rate_logged = now;
			return false;
		}
	}
	return true;
}

static void accept_one(struct dstate *d, size_t i)
{
	struct daemon_listener *l = &d->l[i];
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	memset(&peer, 0, sizeof peer);
	int fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED) {
			log_line(LOG_ERR, NULL, "daemon %s: accept: %s", l->name, strerror(errno));
			/* out of descriptors or memory: the listener rests a second
			 * instead of waking us at once again */
			l->refuse_until = time(NULL) + 1;
		}
		return;
	}
	l->rate_count++;
	struct daemon_conn_msg m;
	memset(&m, 0, sizeof m);
	memcpy(&m.peer, &peer, sizeof m.peer);
	m.peer_len = plen;
	char addr[64];
	daemon_addr_text(&peer, addr, sizeof addr);
	if (l->family == AF_UNIX)
		addr[0] = '\0';
	m.client_connections = 1 + daemon_pool_sessions_from(&d->pool, addr);
	m.client_rate = l->family == AF_UNIX ? 0 : daemon_rate_count(addr, time(NULL));
	struct daemon_worker_args tmpl = {
		.chan = -1, .l = l, .user = d->root ? &d->user : NULL, .request_fd = d->req[1],
	};
	if (daemon_pool_dispatch(&d->pool, d->l, i, fd, &m, addr, &tmpl) != 0)
		l->refuse_until = time(NULL) + 1; /* out of processes: rest a second */
	(void)close(fd);
}

/* Waits (at most secs) for the queue runner and, with sessions, the sessions to end. */
static void wait_kids(struct dstate *d, int secs, bool sessions_too)
{
	for (int t = 0;
	     t < secs * 10 && ((sessions_too && (d->nkids > 0 || d->pool.n > 0)) || d->runner > 0);
	     t++) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		(void)nanosleep(&ts, NULL);
		reap(d);
	}
}

/* SIGTERM or SIGHUP: stops listening, the queue runner and (SIGTERM) the sessions. */
static void shut_down(struct dstate *d, bool drain)
{
	for (size_t i = 0; i < d->nl; i++)
		close_listener(&d->l[i]);
	/* idle workers exit now, busy ones when their session ends */
	daemon_pool_close(&d->pool);
	if (d->runner > 0)
		(void)kill(d->runner, SIGTERM);
	if (!drain) {
		/* the sessions go on; the restarted daemon does not count them */
		wait_kids(d, 60, false);
		if (d->runner > 0)
			(void)kill(d->runner, SIGKILL);
		return;
	}
	wait_kids(d, DAEMON_DRAIN_SECS, true);
	for (size_t i = 0; i < d->nkids; i++)
		(void)kill(d->kids[i].pid, SIGTERM);
	daemon_pool_kill(&d->pool, SIGTERM);
	wait_kids(d, 5, true);
	for (size_t i = 0; i < d->nkids; i++)
		(void)kill(d->kids[i].pid, SIGKILL);
	daemon_pool_kill(&d->pool, SIGKILL);
	if (d->runner > 0)
		(void)kill(d->runner, SIGKILL);
	wait_kids(d, 2, true);
}

static int loop(struct dstate *d, const struct queue_runner_opts *queue, queue_deliver_fn deliver,
		void *arg, const sigset_t *orig)
{
	size_t cap = d->nl + 1 + 64;
	struct pollfd *p = sm_calloc(cap, sizeof *p);
	size_t *which = sm_calloc(d->nl + 1, sizeof *which);
	double la = 0;
	time_t la_when = 0;
	GotChild = 1; /* children of an earlier image (SIGHUP) may be gone */
	while (!GotTerm && !GotHup) {
		/* only after a SIGCHLD (which can only come during ppoll):
		 * wait4 takes the kernel's global task list lock, and on a busy
		 * machine each call cost over a millisecond under load */
		if (GotChild) {
			GotChild = 0;
			reap(d);
		}
		if (d->nl + 1 + d->pool.n > cap) {
			cap = (d->nl + 1 + d->pool.n) * 2;
			p = sm_realloc(p, cap * sizeof *p);
		}
		if (queue != NULL && d->runner < 0)
			d->runner = queue_runner_child(queue, deliver, arg, runner_in_child);
		time_t now = time(NULL);
		daemon_pool_expire(&d->pool, now);
		/* the kernel updates the load average every 5 seconds: read
		 * once a second, not once per connection */
		if (d->refuse_la > 0 && now != la_when) {
			la = load_average();
			la_when = now;
		}
		size_t np = 0;
		bool waiting = false;
		for (size_t i = 0; i < d->nl; i++) {
			if (!may_accept(d, i, now, la)) {
				waiting = true;
				continue;
			}
			p[np].fd = d->l[i].fd;
			p[np].events = POLLIN;
			which[np++] = i;
		}
		p[np].fd = d->req[0];
		p[np].events = POLLIN;
		p[np].revents = 0;
		size_t nw = daemon_pool_pollfds(&d->pool, p + np + 1);
		/* a listener held back by a limit is looked at again soon */
		struct timespec ts = {waiting ? 0 : 5, waiting ? 200 * 1000 * 1000 : 0};
		int n = ppoll(p, np + 1 + nw, &ts, orig);
		if (n < 0 && errno != EINTR) {
			log_line(LOG_ERR, NULL, "daemon: poll: %s", strerror(errno));
			break;
		}
		if (n <= 0)
			continue;
		if (p[np].revents & POLLIN)
			(void)daemon_deliver_pending(d->req[0], &d->lim);
		/* sessions that ended first: their workers take the new connections */
		daemon_pool_events(&d->pool, d->l, p + np + 1, nw, time(NULL));
		daemon_deliver_dispatch(&d->lim);
		for (size_t k = 0; k < np; k++)
			if (p[k].revents & POLLIN)
				accept_one(d, which[k]);
	}
	sm_free(p);
	sm_free(which);
	return 0;
}

static void daemon_info_log(const struct queue_runner_opts *queue)
{
	if (queue != NULL && queue->interval > 0) {
		long s = queue->interval;
		log_line(LOG_INFO, NULL, "starting daemon (%s): SMTP+queueing@%02ld:%02ld:%02ld",
			 SENDMAIL_VERSION, s / 3600, s / 60 % 60, s % 60);
	} else {
		log_line(LOG_INFO, NULL, "starting daemon (%s): SMTP", SENDMAIL_VERSION);
	}
}

int daemon_run(bool foreground, const struct queue_runner_opts *queue, queue_deliver_fn deliver,
	       void *arg)
{
	struct dstate d;
	memset(&d, 0, sizeof d);
	d.req[0] = d.req[1] = -1;
	d.runner = -1;
	d.nl = daemon_listeners_parse(&d.l);
	if (d.nl == 0)
		return EX_CONFIG_;
	d.root = geteuid() == 0;
	if (d.root) {
		if (daemon_session_user(&d.user) != 0) {
			fprintf(stderr, "sendmail: no usable user for SMTP sessions (RunAsUser, DefaultUser)\n");
			daemon_listeners_free(d.l, d.nl);
			return EX_CONFIG_;
		}
		if (!daemon_check_queue_writable(&d.user))
			fprintf(stderr, "sendmail: SMTP sessions (user %s) cannot write the queue; see the log\n",
				d.user.name);
	}
	size_t open = 0;
	for (size_t i = 0; i < d.nl; i++) {
		if (daemon_listen(&d.l[i]) == 0) {
			open++;
		} else if (!d.l[i].optional) {
			fprintf(stderr, "sendmail: daemon %s: cannot open port %s\n", d.l[i].name,
				d.l[i].port_text);
			for (size_t k = 0; k < d.nl; k++)
				close_listener(&d.l[k]);
			daemon_listeners_free(d.l, d.nl);
			sm_free(d.user.name);
			return EX_OSERR_;
		}
	}
	if (open == 0) {
		daemon_listeners_free(d.l, d.nl);
		sm_free(d.user.name);
		return EX_OSERR_;
	}
	if (!foreground) {
		pid_t pid = proc_detach();
		if (pid != 0) {
			for (size_t k = 0; k < d.nl; k++)
				close_listener(&d.l[k]);
			daemon_listeners_free(d.l, d.nl);
			sm_free(d.user.name);
			return pid < 0 ? EX_OSERR_ : EX_OK_;
		}
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, d.req) != 0) {
		log_line(LOG_ERR, NULL, "daemon: socketpair: %s (no delivery right after SMTP)",
			 strerror(errno));
		d.req[0] = d.req[1] = -1;
	} else {
		(void)fcntl(d.req[0], F_SETFL, O_NONBLOCK);
	}
	d.max_children = long_option(OPT_MaxDaemonChildren, 0);
	long mq = long_option(OPT_MaxQueueChildren, 0);
	d.lim.max_deliveries = mq > 0 ? (size_t)mq : DELIVERY_KIDS_DEFAULT;
	d.lim.etrn_started = etrn_started;
	d.lim.ctx = &d;
	d.lim.pool = &d.pool;
	d.lim.deliver = deliver;
	d.lim.arg = arg;
	d.throttle = long_option(OPT_ConnectionRateThrottle, 0);
	const char *rla = opt_value(OPT_RefuseLA);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	d.refuse_la = rla != NULL && *rla != '\0' ? strtod(rla, NULL) : 12.0 * (ncpu > 0 ? ncpu : 1);
	/* once here, inherited by every worker (resolve.h) */
	resolver_startup();
	/* SMTP AUTH: the SASL library reads Sendmail.conf and its plugins once,
	 * here, as in 8.17: every session process inherits it (a changed
	 * Sendmail.conf counts after SIGHUP) */
	(void)saslsrv_process_init();
	Current = &d;
	daemon_info_log(queue);
	/* the server's TLS context, once, as root (key files are root's):
	 * every session worker forked later has it */
	(void)tls_ready(TLS_SERVER);
	(void)queue_write_pidfile();

	sigset_t block, orig;
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGTERM);
	(void)sigaddset(&block, SIGHUP);
	(void)sigaddset(&block, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &block, &orig);
	(void)proc_set_signal(SIGTERM, on_term);
	(void)proc_set_signal(SIGHUP, on_hup);
	(void)proc_set_signal(SIGCHLD, on_child);
	(void)proc_set_signal(SIGPIPE, SIG_IGN);
	(void)loop(&d, queue, deliver, arg, &orig);
	bool hup = GotHup && !GotTerm;
	shut_down(&d, !hup);
	if (d.req[0] >= 0)
		(void)close(d.req[0]);
	if (d.req[1] >= 0)
		(void)close(d.req[1]);
	if (hup)
		queue_restart_self(); /* returns only when that failed or on SIGTERM */
	if (unlink(queue_pid_path()) != 0 && errno != ENOENT)
		log_line(LOG_ERR, NULL, "unable to remove %s: %s", queue_pid_path(), strerror(errno));
	Current = NULL;
	daemon_pool_free(&d.pool);
	daemon_deliver_free(&d.lim);
	daemon_listeners_free(d.l, d.nl);
	sm_free(d.kids);
	sm_free(d.user.name);
	daemon_rate_free();
	return EX_OK_;
}
