/*
 * daemon.h: the SMTP daemon, sendmail -bd (detached) and -bD (in the
 * foreground): listeners from the DaemonPortOptions lines, reusable
 * worker processes running smtpd_session() without root, the limits on
 * connections, the privileged delivery of what sessions queue, the pid
 * file, signals, and the periodic queue runner of -bd -q15m.
 *
 * Files: daemon_opts.c parses the listeners, daemon_listen.c opens them,
 * daemon.c is the accepting process, daemon_rate.c counts connections
 * per client, daemon_priv.c the privilege change
 * of sessions, daemon_session.c the session child, daemon_deliver.c the
 * privileged delivery requests; proc.c the signal and detach helpers
 * shared with the queue runner daemon.  See doc/daemon.md.
 */
#ifndef DAEMON_H
#define DAEMON_H

#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "priv.h"
#include "queue.h"

/* One listener: one DaemonPortOptions line. */
struct daemon_listener {
	char *name;          /* Name=, else "Daemon<n>" ("MTA" for the built-in one) */
	int family;          /* AF_INET, AF_INET6 or AF_UNIX */
	const char *family_name; /* "inet", "inet6", "local" ({daemon_family}) */
	char *addr;          /* Addr= as given, NULL: any address */
	char *port_text;     /* Port= as given ("smtp" by default) */
	unsigned short port; /* host order */
	char *modifiers;     /* M= letters, "" for none */
	char *flags_macro;   /* ${daemon_flags}: "EE a" for M=Ea (upper case doubled) */
	int backlog;         /* Listen= (10) */
	int sndbuf, rcvbuf;  /* SndBufSize=, RcvBufSize=, 0: system default */
	int max_children;    /* children=, 0: no own limit */
	double refuse_la;    /* refuseLA=, 0: the RefuseLA option */
	char *delivery_mode; /* DeliveryMode=, NULL: the option */
	char *delay_la;      /* delayLA=, NULL: the option */
	char *queue_la;      /* queueLA=, NULL: the option */
	struct sockaddr_storage sa;
	socklen_t sa_len;
	int fd;              /* -1 when not open */
	bool optional;       /* M=O: a socket that cannot be opened is skipped */
	/* state of the accepting process */
	int nchildren;
	time_t rate_sec;     /* ConnectionRateThrottle: the current second ... */
	int rate_count;      /* ... and the connections accepted in it */
	time_t rate_logged;  /* the second the deferral was last logged (once each) */
	time_t refuse_until; /* RefuseLA: closed until then */
};

/*
 * Parses every DaemonPortOptions value (opt_daemon_ports) into *out (a
 * new array, one listener each, or the default one on port 25 named MTA
 * when there is none); problems are reported as sendmail reports them.
 * Returns the number of listeners, 0 when one of them was unusable.
 */
size_t daemon_listeners_parse(struct daemon_listener **out);
void daemon_listeners_free(struct daemon_listener *v, size_t n);
/* Does listener l have modifier letter c? */
bool daemon_has_modifier(const struct daemon_listener *l, char c);

/* Opens (socket, bind, listen) listener l; 0 or an errno (logged). */
int daemon_listen(struct daemon_listener *l);
/* The address text of a socket address ("127.0.0.1", "::1", path). */
void daemon_addr_text(const struct sockaddr_storage *sa, char *buf, size_t size);

/*
 * The user sessions run as: RunAsUser when set, else DefaultUser when
 * set, else smmta when it exists, else 1:1; as uid/gid.  Only
 * meaningful when the daemon runs as root.
 */
int daemon_session_user(struct run_user *u);
/* Logs clearly (and returns false) when uid:gid cannot write queue dir. */
bool daemon_check_queue_writable(const struct run_user *u);

/* ${client_rate}: counts a connection from addr (text) at now and returns
 * the connections from it within ConnectionRateWindowSize (daemon_rate.c). */
int daemon_rate_count(const char *addr, time_t now);
void daemon_rate_free(void);

/* In a child of the daemon: closes the listeners and the daemon's end of
 * the request socket.  (Its signals: proc_child_signals, proc.h.) */
void daemon_close_fds_in_child(void);

/*
 * Session workers (daemon_pool.c, daemon_session.c): a process forked by
 * the daemon for one listener, which opens the database maps as root,
 * gives root up for good, and then runs one SMTP session after another
 * on the connections the daemon hands it over its channel (a
 * SOCK_SEQPACKET socket pair): one daemon_conn_msg each, the descriptor
 * as SCM_RIGHTS.  After each session it answers one byte; the daemon
 * closes the channel (the worker exits) when it has served
 * DAEMON_WORKER_USES connections, stayed idle DAEMON_WORKER_IDLE_SECS,
 * or when a map file changed since it started.
 */
#define DAEMON_WORKER_USES 100
#define DAEMON_WORKER_IDLE_SECS 60
/* Idle workers kept per listener; more exit as their sessions end. */
#define DAEMON_WORKER_IDLE_MAX 100

/* What comes with each connection the daemon hands a worker. */
struct daemon_conn_msg {
	struct sockaddr_storage peer;
	socklen_t peer_len;
	int client_rate;        /* ${client_rate} */
	int client_connections; /* ${client_connections}, this one included */
};

/* What a worker is started with. */
struct daemon_worker_args {
	int chan;                       /* the worker's end of its channel */
	const struct daemon_listener *l;
	const struct run_user *user;    /* NULL: keep the ids (not root) */
	int request_fd;                 /* delivery requests to the daemon, -1 none */
};
/* The worker process: never returns. */
void daemon_worker_main(const struct daemon_worker_args *a) __attribute__((noreturn));

/* The daemon's table of workers. */
struct daemon_worker {
	pid_t pid;
	int chan;          /* the daemon's end, -1 once closed (the worker then exits) */
	size_t listener;   /* or DAEMON_POOL_DELIVERY */
	bool busy;         /* in a session (counted in the listener's nchildren) or a delivery */
	unsigned uses;     /* connections handed to it */
	unsigned gen;      /* the map generation it opened its maps in */
	time_t idle_since;
	char addr[64];     /* the client of its session, for ${client_connections} */
};
struct daemon_pool {
	struct daemon_worker *w;
	size_t n, cap;
	size_t *polled;    /* worker index of each channel in the last poll set */
	unsigned gen;      /* bumped when a map file changes */
	unsigned long long stamp; /* of the map files, when gen was set */
	bool stamped;
};
/*
 * Hands connection fd (accepted on listener li of ls) to an idle worker
 * of that listener started in the current map generation, forking one
 * when there is none.  fd stays the caller's to close.  0, or an errno
 * (the connection could not be handed over; logged).
 */
int daemon_pool_dispatch(struct daemon_pool *p, struct daemon_listener *ls, size_t li, int fd,
			 const struct daemon_conn_msg *m, const char *addr,
			 const struct daemon_worker_args *tmpl);
/*
 * Delivery workers: the kind of worker that is not a listener's.  Hands
 * request req (len bytes, one message) to an idle one, forking one (it
 * runs entry(its channel end, ctx)) when none is idle and fewer than max
 * exist.  0; EBUSY when max are busy; another errno when it failed.
 * The worker answers one byte per request done, as a session worker.
 */
#define DAEMON_POOL_DELIVERY ((size_t)-1)
#define DAEMON_DELIVERY_USES 1000
int daemon_pool_request(struct daemon_pool *p, const char *req, size_t len, size_t max,
			void (*entry)(int chan, const void *ctx), const void *ctx);
/* Fills out (room for p->n entries) with the open channels; returns how many. */
size_t daemon_pool_pollfds(struct daemon_pool *p, struct pollfd *out);
/* Handles what poll found on the channels daemon_pool_pollfds gave. */
void daemon_pool_events(struct daemon_pool *p, struct daemon_listener *ls,
			const struct pollfd *pf, size_t n, time_t now);
/* A process ended: true when it was a worker (then forgotten). */
bool daemon_pool_reaped(struct daemon_pool *p, struct daemon_listener *ls, pid_t pid);
/* Sessions from client address addr running now. */
int daemon_pool_sessions_from(const struct daemon_pool *p, const char *addr);
/* Tells workers idle too long to exit. */
void daemon_pool_expire(struct daemon_pool *p, time_t now);
/* Closes every channel: idle workers exit, busy ones after their session. */
void daemon_pool_close(struct daemon_pool *p);
void daemon_pool_kill(const struct daemon_pool *p, int sig);
/* In a child of the daemon: closes the daemon's ends of the channels. */
void daemon_pool_close_fds(const struct daemon_pool *p);
void daemon_pool_free(struct daemon_pool *p);

/*
 * Delivery requests: a session writes "queue_dir\0queue_id\0" as one
 * datagram on request_fd (a SOCK_DGRAM socketpair); the daemon reads them
 * (daemon_deliver_pending) and a privileged delivery worker delivers the
 * message with the queue runner's callback (locked, so never twice).
 */
int daemon_request_delivery(const char *queue_dir, const char *queue_id, void *arg);
/* The same channel for ETRN: a queue run for host ("#group": a group). */
int daemon_request_queue_run(const char *host, void *arg);
/* The largest request datagram: a queue directory path and an ID. */
#define DAEMON_REQUEST_MAX 4200
/* What a queue-run request carries instead of a queue directory. */
#define DAEMON_ETRN_MARK "\001ETRN"
/* A delivery request waiting for a delivery worker. */
struct daemon_pending {
	char *req; /* "queue_dir\0queue_id\0" */
	size_t len;
};
/* Requests that wait at most (beyond: left to the next queue run). */
#define DAEMON_PENDING_MAX 10000
/* What the daemon lets daemon_deliver_pending start: requests come from
 * untrusted sessions and each one is privileged work (root, or RunAsUser
 * when set, as every delivery). */
struct daemon_req_limits {
	bool etrn_running;     /* an ETRN queue run is going on: more are dropped */
	size_t max_deliveries; /* delivery workers at most (MaxQueueChildren or a default) */
	bool drop_logged;      /* the drop of requests over DAEMON_PENDING_MAX was logged */
	struct daemon_pending *pending; /* a ring of DAEMON_PENDING_MAX */
	size_t first, npending;
	struct daemon_pool *pool;       /* where the delivery workers are */
	queue_deliver_fn deliver;       /* what they deliver with */
	void *arg;
	/* called in the daemon for each ETRN process started (to count it) */
	void (*etrn_started)(pid_t pid, void *ctx);
	void *ctx;
};
/* Reads every pending request on fd: ETRN runs are forked, deliveries
 * wait for a delivery worker (daemon_deliver_dispatch); returns the
 * number of processes started. */
int daemon_deliver_pending(int fd, struct daemon_req_limits *lim);
/* Hands waiting deliveries to idle (or new) delivery workers. */
void daemon_deliver_dispatch(struct daemon_req_limits *lim);
void daemon_deliver_free(struct daemon_req_limits *lim);

/*
 * Runs the daemon (never returns for -bd in the caller: the caller's
 * process returns EX_OK_ after detaching).  queue: the -q<time> runner
 * options, NULL when no periodic queue run was asked for.
 */
int daemon_run(bool foreground, const struct queue_runner_opts *queue, queue_deliver_fn deliver,
	       void *arg);

#endif
