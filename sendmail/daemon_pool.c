/*
 * daemon_pool.c: the daemon's side of the session workers (daemon.h).
 * A worker is forked for one listener when a connection comes and none
 * of that listener's workers is idle; the accepted descriptor goes to
 * it over its channel with SCM_RIGHTS, and it answers one byte when the
 * session is over.  The daemon alone decides when a worker ends: it
 * closes the channel (the worker reads end of file and exits) after
 * DAEMON_WORKER_USES connections, after DAEMON_WORKER_IDLE_SECS idle,
 * beyond DAEMON_WORKER_IDLE_MAX idle ones, and when a map file changed.
 * Since a worker never exits while it may be handed a connection, none
 * is lost in between.  Delivery workers (kind DAEMON_POOL_DELIVERY) are
 * processes of the same table, root or RunAsUser when that is set, that
 * deliver one queued message per request (daemon_deliver.c), keeping
 * their SMTP connection cache from one message to the next.
 *
 * Map files: a worker opens the database maps and alias databases once,
 * as root, so a rebuilt map would stay unseen by it.  Before handing on
 * each connection the daemon stats every file a map or AliasFile names
 * (the file, its .db and its .pag); when anything changed (inode, size,
 * modification time, existence) the generation goes up, idle workers of
 * the old one are told to exit and busy ones exit after their session,
 * so the next connection gets a worker that opened the new files.
 * Owns the worker table and the daemon's ends of the channels.
 */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "alias.h"
#include "log.h"
#include "map.h"
#include "mapdb.h"
#include "options.h"
#include "sm.h"

/* FNV-1a over bytes, to fold the stat results into one number. */
static unsigned long long fold(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static unsigned long long stamp_path(unsigned long long h, const char *path, const char *suffix)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s%s", path, suffix != NULL ? suffix : "") >= (int)sizeof buf)
		return h;
	struct stat st;
	long long v[5] = {0, 0, 0, 0, 0};
	if (stat(buf, &st) == 0) {
		v[0] = (long long)st.st_ino;
		v[1] = (long long)st.st_size;
		v[2] = (long long)st.st_mtim.tv_sec;
		v[3] = (long long)st.st_mtim.tv_nsec;
		v[4] = (long long)st.st_dev;
	}
	h = fold(h, buf, strlen(buf));
	return fold(h, v, sizeof v);
}

static void stamp_map(struct map *m, void *arg)
{
	unsigned long long *h = arg;
	if (m->file == NULL || m->file[0] != '/')
		return;
	*h = stamp_path(*h, m->file, NULL);
	*h = stamp_path(*h, m->file, mapdb_suffix("hash"));
	*h = stamp_path(*h, m->file, mapdb_suffix("dbm"));
}

/* A number that changes when any file the maps or aliases name changes. */
static unsigned long long files_stamp(void)
{
	unsigned long long h = 14695981039346656037ULL;
	map_foreach(stamp_map, &h);
	struct alias_src *v = NULL;
	size_t n = alias_src_parse(opt_value(OPT_AliasFile), &v);
	for (size_t i = 0; i < n; i++) {
		if (v[i].file == NULL || v[i].file[0] != '/')
			continue;
		h = stamp_path(h, v[i].file, NULL);
		h = stamp_path(h, v[i].file, ".db");
	}
	alias_src_free(v, n);
	return h;
}

static void close_chan(struct daemon_worker *w)
{
	if (w->chan >= 0)
		(void)close(w->chan);
	w->chan = -1;
}

static void set_busy(struct daemon_worker *w, struct daemon_listener *ls, bool busy)
{
	if (w->busy == busy)
		return;
	w->busy = busy;
	if (w->listener == DAEMON_POOL_DELIVERY)
		return;
	if (busy)
		ls[w->listener].nchildren++;
	else
		ls[w->listener].nchildren--;
}

/* A new map generation when the files changed: old idle workers go. */
static void check_files(struct daemon_pool *p)
{
	unsigned long long s = files_stamp();
	if (p->stamped && s == p->stamp)
		return;
	if (p->stamped) {
		p->gen++;
		for (size_t i = 0; i < p->n; i++)
			if (!p->w[i].busy)
				close_chan(&p->w[i]);
	}
	p->stamp = s;
	p->stamped = true;
}

/* The idle worker of kind li most recently used (its pages are warm). */
static struct daemon_worker *idle_worker(struct daemon_pool *p, size_t li)
{
	struct daemon_worker *best = NULL;
	for (size_t i = 0; i < p->n; i++) {
		struct daemon_worker *w = &p->w[i];
		if (w->listener == li && !w->busy && w->chan >= 0 && w->gen == p->gen &&
		    (best == NULL || w->idle_since > best->idle_since))
			best = w;
	}
	return best;
}

/*
 * Forks a worker of kind li that runs entry(its channel end, ctx).
 * conn_fd (-1 for none) is the connection the daemon is about to hand
 * over: the child closes the copy fork gave it, or the connection would
 * stay open in the worker after its session closed the copy it was sent
 * (the client would never see the server hang up).
 */
static struct daemon_worker *start_worker(struct daemon_pool *p, size_t li,
					  void (*entry)(int chan, const void *ctx), const void *ctx,
					  int conn_fd)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		log_line(LOG_ERR, NULL, "daemon: socketpair: %s", strerror(errno));
		return NULL;
	}
	(void)fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		log_line(LOG_ERR, NULL, "daemon: fork: %s", strerror(errno));
		(void)close(sv[0]);
		(void)close(sv[1]);
		return NULL;
	}
	if (pid == 0) {
		(void)close(sv[0]);
		if (conn_fd >= 0)
			(void)close(conn_fd);
		daemon_close_fds_in_child();
		entry(sv[1], ctx);
		_exit(EX_OSERR_); /* entry does not return */
	}
	(void)close(sv[1]);
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->w = sm_realloc(p->w, p->cap * sizeof *p->w);
		p->polled = sm_realloc(p->polled, p->cap * sizeof *p->polled);
	}
	struct daemon_worker *w = &p->w[p->n++];
	memset(w, 0, sizeof *w);
	w->pid = pid;
	w->chan = sv[0];
	w->listener = li;
	w->gen = p->gen;
	return w;
}

static void session_entry(int chan, const void *ctx)
{
	struct daemon_worker_args a = *(const struct daemon_worker_args *)ctx;
	a.chan = chan;
	daemon_worker_main(&a);
}

int daemon_pool_dispatch(struct daemon_pool *p, struct daemon_listener *ls, size_t li, int fd,
			 const struct daemon_conn_msg *m, const char *addr,
			 const struct daemon_worker_args *tmpl)
{
	check_files(p);
	/* an idle worker that died meanwhile fails the send: the next one */
	for (;;) {
		struct daemon_worker *w = idle_worker(p, li);
		bool fresh = w == NULL;
		if (fresh && (w = start_worker(p, li, session_entry, tmpl, fd)) == NULL)
			return EAGAIN;
		/* the channel is empty when the worker is idle: this never blocks */
		int err = sm_fd_send(w->chan, fd, m, sizeof *m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (err == 0) {
			set_busy(w, ls, true);
			w->uses++;
			sm_strlcpy(w->addr, addr, sizeof w->addr);
			return 0;
		}
		close_chan(w);
		if (fresh) {
			log_line(LOG_ERR, NULL, "daemon %s: handing a connection to a new session process: %s",
				 ls[li].name, strerror(err));
			return err;
		}
	}
}

static size_t count_kind(const struct daemon_pool *p, size_t li)
{
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->w[i].listener == li && (p->w[i].busy || p->w[i].chan >= 0))
			k++;
	return k;
}

int daemon_pool_request(struct daemon_pool *p, const char *req, size_t len, size_t max,
			void (*entry)(int chan, const void *ctx), const void *ctx)
{
	check_files(p);
	for (;;) {
		struct daemon_worker *w = idle_worker(p, DAEMON_POOL_DELIVERY);
		bool fresh = w == NULL;
		if (fresh && count_kind(p, DAEMON_POOL_DELIVERY) >= max)
			return EBUSY;
		if (fresh && (w = start_worker(p, DAEMON_POOL_DELIVERY, entry, ctx, -1)) == NULL)
			return EAGAIN;
		ssize_t r = send(w->chan, req, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r == (ssize_t)len) {
			w->busy = true;
			w->uses++;
			return 0;
		}
		int err = r < 0 ? errno : EIO;
		close_chan(w);
		if (fresh) {
			log_line(LOG_ERR, NULL, "daemon: handing a delivery to a new process: %s",
				 strerror(err));
			return err;
		}
	}
}

size_t daemon_pool_pollfds(struct daemon_pool *p, struct pollfd *out)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (p->w[i].chan < 0)
			continue;
		out[n].fd = p->w[i].chan;
		out[n].events = POLLIN;
		out[n].revents = 0;
		p->polled[n++] = i;
	}
	return n;
}

static size_t idle_count(const struct daemon_pool *p, size_t li)
{
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->w[i].listener == li && !p->w[i].busy && p->w[i].chan >= 0)
			k++;
	return k;
}

void daemon_pool_events(struct daemon_pool *p, struct daemon_listener *ls,
			const struct pollfd *pf, size_t n, time_t now)
{
	for (size_t k = 0; k < n; k++) {
		if (pf[k].revents == 0)
			continue;
		struct daemon_worker *w = &p->w[p->polled[k]];
		char b[8];
		ssize_t r = recv(w->chan, b, sizeof b, MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r != 1 || !w->busy) {
			/* ended, or said something it should not: it goes (a busy
			 * one stays counted until it is reaped) */
			close_chan(w);
			continue;
		}
		set_busy(w, ls, false);
		w->addr[0] = '\0';
		w->idle_since = now;
		bool delivery = w->listener == DAEMON_POOL_DELIVERY;
		if (w->uses >= (delivery ? DAEMON_DELIVERY_USES : DAEMON_WORKER_USES) ||
		    w->gen != p->gen ||
		    (!delivery && idle_count(p, w->listener) > DAEMON_WORKER_IDLE_MAX))
			close_chan(w);
	}
}

bool daemon_pool_reaped(struct daemon_pool *p, struct daemon_listener *ls, pid_t pid)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->w[i].pid != pid)
			continue;
		set_busy(&p->w[i], ls, false);
		close_chan(&p->w[i]);
		p->w[i] = p->w[--p->n];
		return true;
	}
	return false;
}

int daemon_pool_sessions_from(const struct daemon_pool *p, const char *addr)
{
	int k = 0;
	for (size_t i = 0; i < p->n && addr[0] != '\0'; i++)
		if (p->w[i].busy && strcmp(p->w[i].addr, addr) == 0)
			k++;
	return k;
}

void daemon_pool_expire(struct daemon_pool *p, time_t now)
{
	for (size_t i = 0; i < p->n; i++)
		if (!p->w[i].busy && p->w[i].chan >= 0 &&
		    now - p->w[i].idle_since >= DAEMON_WORKER_IDLE_SECS)
			close_chan(&p->w[i]);
}

void daemon_pool_close(struct daemon_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		close_chan(&p->w[i]);
}

void daemon_pool_kill(const struct daemon_pool *p, int sig)
{
	for (size_t i = 0; i < p->n; i++)
		(void)kill(p->w[i].pid, sig);
}

void daemon_pool_close_fds(const struct daemon_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->w[i].chan >= 0)
			(void)close(p->w[i].chan);
}

void daemon_pool_free(struct daemon_pool *p)
{
	daemon_pool_close(p);
	sm_free(p->w);
	sm_free(p->polled);
	memset(p, 0, sizeof *p);
}
