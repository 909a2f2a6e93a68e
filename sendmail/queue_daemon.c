/*
 * queue_daemon.c: the queue runner processes (queue_runner): -q once
 * (in this process for -qf and -v, else, as 8.17 does, returning at once
 * while a detached process starts the runner children), -q<time>
 * periodic runs (a detached daemon that forks the runners of each queue
 * group every interval), and -qp[<time>] persistent runners (a "queue
 * control" daemon that keeps one process per runner, each alternating
 * queue runs and sleeps, and restarts them when they end).
 *
 * Each queue group has its own Interval=, Runners= (several only with
 * F=f), Nice= and Jobs=; MaxQueueChildren bounds the runner processes of
 * all groups together (groups that have to wait are served in turn).  The
 * daemon writes the PidFile (its pid and command line) and removes it on
 * SIGTERM, which it passes on to its runners; a runner finishes the
 * message it is working on and stops.  On SIGHUP the daemon stops its
 * runners the same way and executes itself again with its arguments
 * (reading the cf again).  Messages are locked one by one
 * (queue_run), so runners never deliver one message twice.
 * Owns the daemon's child table and its signal flags.
 */
#include "queue_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "proc.h"

volatile sig_atomic_t QueueStop;
static volatile sig_atomic_t GotChild, GotHup;

static void on_term(int sig)
{
	(void)sig;
	QueueStop = 1;
}

static void on_child(int sig)
{
	(void)sig;
	GotChild = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	GotHup = 1;
}

const char *queue_pid_path(void)
{
	const char *p = opt_value(OPT_PidFile);
	return p != NULL && *p != '\0' ? p : "/var/run/sendmail.pid";
}

/* Reads /proc/self/cmdline into buf (NULs between the arguments); its
 * length, 0 when unreadable. */
static size_t read_cmdline(char *buf, size_t size)
{
	size_t n = 0;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (n < size - 1) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	(void)close(fd);
	buf[n] = '\0';
	return n;
}

/* SIGHUP: runs this program again with the arguments it was started with
 * (it reads its cf again); returns only when that fails (logged) or when
 * a SIGTERM came meanwhile (the caller then stops; it stays pending). */
void queue_restart_self(void)
{
	static char cmd[65536];
	size_t n = read_cmdline(cmd, sizeof cmd);
	if (n == 0 || n >= sizeof cmd - 1) {
		queue_log(LOG_ERR, "could not restart on SIGHUP: cannot read the command line");
		return;
	}
	size_t argc = 0;
	for (size_t i = 0; i < n; i++)
		if (cmd[i] == '\0' || i == n - 1)
			argc++;
	char **argv = sm_calloc(argc + 1, sizeof *argv);
	size_t k = 0;
	for (size_t i = 0; i < n && k < argc; i += strlen(cmd + i) + 1)
		argv[k++] = cmd + i;
	argv[k] = NULL;
	/* the program as it was started, else the one running now */
	const char *prog = argv[0][0] == '/' ? argv[0] : "/proc/self/exe";
	/*
	 * A SIGTERM that came while we were stopping must not be lost by
	 * the restart: the handlers go back to the defaults while the
	 * signals are blocked, and a SIGTERM pending then (or seen by the
	 * handler) stops the program instead.  SIGHUP is ignored until the
	 * new program sets its handler: a second one would kill us here.
	 */
	sigset_t block, pending, none;
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGTERM);
	(void)sigaddset(&block, SIGHUP);
	(void)sigaddset(&block, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &block, NULL);
	(void)proc_set_signal(SIGHUP, SIG_IGN);
	(void)proc_set_signal(SIGTERM, SIG_DFL);
	(void)proc_set_signal(SIGCHLD, SIG_DFL);
	if (QueueStop || (sigpending(&pending) == 0 && sigismember(&pending, SIGTERM) == 1)) {
		queue_log(LOG_INFO, "SIGTERM during the restart: stopping instead");
		sm_free(argv);
		return;
	}
	queue_log(LOG_INFO, "restarting %s on signal", argv[0]);
	(void)fflush(NULL);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)execv(prog, argv);
	queue_log(LOG_ERR, "could not exec %s: %s", prog, strerror(errno));
	sm_free(argv);
}

/* Writes "pid\ncommand line\n" to the PidFile; 0 or errno (logged). */
int queue_write_pidfile(void)
{
	char cmd[4096];
	size_t n = read_cmdline(cmd, sizeof cmd);
	while (n > 0 && cmd[n - 1] == '\0')
		n--;
	for (size_t i = 0; i < n; i++)
		if (cmd[i] == '\0' || cmd[i] == '\n')
			cmd[i] = ' ';
	cmd[n] = '\0';
	const char *path = queue_pid_path();
	char *tmp = sm_asprintf("%s.%ld", path, (long)getpid());
	int rc = 0;
	FILE *f = fopen(tmp, "we");
	if (f == NULL) {
		rc = errno;
	} else {
		fprintf(f, "%ld\n%s\n", (long)getpid(), cmd);
		if (fclose(f) != 0)
			rc = errno;
		if (rc == 0 && rename(tmp, path) != 0)
			rc = errno;
	}
	if (rc != 0) {
		(void)unlink(tmp);
		queue_log(LOG_ERR, "unable to write pid to %s: %s", path, strerror(rc));
	}
	sm_free(tmp);
	return rc;
}

/* One runner: a queue run over group g (again and again when persistent). */
static void runner_child(const struct queue_group_info *g, const struct queue_runner_opts *o,
			 queue_deliver_fn deliver, void *arg)
{
	if (proc_set_signal(SIGTERM, on_term) != 0 || proc_set_signal(SIGCHLD, SIG_DFL) != 0 ||
	    proc_set_signal(SIGHUP, SIG_DFL) != 0)
		_exit(EX_OSERR_);
	sigset_t none;
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (g->nice > 0) {
		errno = 0;
		if (nice(g->nice) == -1 && errno != 0)
			queue_log(LOG_WARNING, "queue group %s: nice: %s", g->name, strerror(errno));
	}
	struct queue_run_opts r = o->run;
	r.sel.qgroup = g->name;
	if (g->jobs > 0)
		r.max_run_size = g->jobs;
	long pause = g->interval > 0 ? g->interval : o->interval > 0 ? o->interval : 1;
	while (!QueueStop) {
		size_t done = 0;
		(void)queue_run_count(&r, deliver, arg, &done);
		if (!o->persistent)
			break;
		/* a persistent runner sleeps at least 5 s after finding nothing */
		long s = done == 0 && pause < 5 ? 5 : pause;
		struct timespec ts = {s, 0};
		while (!QueueStop && nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	_exit(EX_OK_);
}

#define NEVER ((time_t)1 << 62)

struct kid {
	pid_t pid;
	size_t group;
};

struct daemon {
	const struct queue_runner_opts *o;
	queue_deliver_fn deliver;
	void *arg;
	struct kid *kids;
	size_t nkids, maxkids; /* maxkids: MaxQueueChildren, 0 unlimited */
	size_t ngroups;
	const struct queue_group_info **groups;
	int *active;       /* runners per group */
	time_t *due;       /* next periodic run per group */
	int *restarts;     /* persistent runners restarted per group */
	bool *dead;        /* persistent group given up */
	size_t rr;         /* the group served first next time */
};

static bool room(const struct daemon *d)
{
	return d->maxkids == 0 || d->nkids < d->maxkids;
}

static int start(struct daemon *d, size_t g)
{
	(void)fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		queue_log(LOG_ERR, "queue runner: fork: %s", strerror(errno));
		return errno;
	}
	if (pid == 0)
		runner_child(d->groups[g], d->o, d->deliver, d->arg);
	d->kids[d->nkids].pid = pid;
	d->kids[d->nkids].group = g;
	d->nkids++;
	d->active[g]++;
	return 0;
}

static void reap(struct daemon *d)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (size_t i = 0; i < d->nkids; i++) {
			if (d->kids[i].pid != pid)
				continue;
			size_t g = d->kids[i].group;
			d->active[g]--;
			d->kids[i] = d->kids[--d->nkids];
			if (d->o->persistent && !QueueStop) {
				/* a runner that dumped core or keeps dying is not restarted */
				if ((WIFSIGNALED(st) && WCOREDUMP(st)) || ++d->restarts[g] > 50) {
					queue_log(LOG_ERR, "persistent queue runner for %s not restarted",
						  d->groups[g]->name);
					d->dead[g] = true;
				}
			}
			break;
		}
	}
}

/* The interval of group g: its Interval=, else the -q time. */
static long interval_of(const struct daemon *d, size_t g)
{
	long i = d->groups[g]->interval;
	return i > 0 ? i : d->o->interval;
}

/* Starts what is due; returns the seconds until the next thing is due. */
static long schedule(struct daemon *d)
{
	time_t now = time(NULL);
	long wait = 60;
	for (size_t k = 0; k < d->ngroups; k++) {
		size_t g = (d->rr + k) % d->ngroups;
		const struct queue_group_info *gi = d->groups[g];
		if (gi->runners <= 0 || d->dead[g])
			continue;
		if (d->o->persistent) {
			while (d->active[g] < gi->runners && room(d) && start(d, g) == 0)
				d->rr = (g + 1) % d->ngroups;
			continue;
		}
		if (now < d->due[g]) {
			if (d->due[g] - now < wait)
				wait = (long)(d->due[g] - now);
			continue;
		}
		/* due: one run by each runner the group may have, if there is room */
		int want = gi->runners - d->active[g];
		while (want > 0 && room(d) && start(d, g) == 0)
			want--;
		if (want > 0 && !room(d)) {
			wait = 1; /* served when a runner ends (round robin) */
			continue;
		}
		d->rr = (g + 1) % d->ngroups;
		long iv = interval_of(d, g);
		if (iv <= 0)
			d->due[g] = NEVER; /* a single run */
		while (d->due[g] <= now)
			d->due[g] += iv;
		if (d->due[g] - now < wait)
			wait = (long)(d->due[g] - now);
	}
	return wait < 1 ? 1 : wait;
}

static void stop_all(struct daemon *d)
{
	for (size_t i = 0; i < d->nkids; i++)
		(void)kill(d->kids[i].pid, SIGTERM);
	/* runners finish their message; after a while they are killed */
	for (int t = 0; t < 600 && d->nkids > 0; t++) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		(void)nanosleep(&ts, NULL);
		reap(d);
	}
	for (size_t i = 0; i < d->nkids; i++)
		(void)kill(d->kids[i].pid, SIGKILL);
	while (d->nkids > 0) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);
		if (pid < 0)
			break;
		for (size_t i = 0; i < d->nkids; i++)
			if (d->kids[i].pid == pid)
				d->kids[i] = d->kids[--d->nkids];
	}
}

/* The selected groups of the run. */
static size_t pick_groups(const struct queue_run_opts *run, const struct queue_group_info ***out)
{
	size_t n = queue_group_count(), k = 0;
	const struct queue_group_info **v = sm_calloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		const struct queue_group_info *g = queue_group_get(i);
		if (run->sel.qgroup == NULL || strcmp(run->sel.qgroup, g->name) == 0)
			v[k++] = g;
	}
	*out = v;
	return k;
}

/* The daemon (or a one-shot run with several runners); returns when done. */
static int supervise(const struct queue_runner_opts *o, queue_deliver_fn deliver, void *arg,
		     bool once)
{
	struct daemon d;
	memset(&d, 0, sizeof d);
	d.o = o;
	d.deliver = deliver;
	d.arg = arg;
	d.ngroups = pick_groups(&o->run, &d.groups);
	const char *m = opt_value(OPT_MaxQueueChildren);
	long mx = m != NULL ? strtol(m, NULL, 10) : 0;
	d.maxkids = mx > 0 ? (size_t)mx : 0;
	size_t cap = 0;
	for (size_t g = 0; g < d.ngroups; g++)
		cap += d.groups[g]->runners > 0 ? (size_t)d.groups[g]->runners : 0;
	d.kids = sm_calloc(cap + 1, sizeof *d.kids);
	d.active = sm_calloc(d.ngroups + 1, sizeof *d.active);
	d.due = sm_calloc(d.ngroups + 1, sizeof *d.due);
	d.restarts = sm_calloc(d.ngroups + 1, sizeof *d.restarts);
	d.dead = sm_calloc(d.ngroups + 1, sizeof *d.dead);
	time_t now = time(NULL);
	for (size_t g = 0; g < d.ngroups; g++)
		d.due[g] = now; /* the first run starts at once */

	sigset_t block, orig;
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGTERM);
	(void)sigaddset(&block, SIGCHLD);
	(void)sigaddset(&block, SIGHUP);
	struct sigaction old_term, old_chld, old_hup;
	memset(&old_term, 0, sizeof old_term);
	memset(&old_chld, 0, sizeof old_chld);
	memset(&old_hup, 0, sizeof old_hup);
	int rc = sigprocmask(SIG_BLOCK, &block, &orig) == 0 ? 0 : errno;
	if (rc == 0 && (sigaction(SIGTERM, NULL, &old_term) != 0 ||
			sigaction(SIGCHLD, NULL, &old_chld) != 0 ||
			sigaction(SIGHUP, NULL, &old_hup) != 0))
		rc = errno;
	if (rc == 0)
		rc = proc_set_signal(SIGTERM, on_term);
	if (rc == 0)
		rc = proc_set_signal(SIGCHLD, on_child);
	/* the daemon restarts on SIGHUP; a single run ignores it */
	if (rc == 0)
		rc = proc_set_signal(SIGHUP, once ? SIG_IGN : on_hup);
	while (rc == 0 && !QueueStop && !GotHup) {
		reap(&d);
		long wait = schedule(&d);
		if (once) {
			/* done when every group had its run and no runner is left */
			bool left = d.nkids > 0;
			for (size_t g = 0; g < d.ngroups; g++)
				if (d.due[g] != NEVER && d.groups[g]->runners > 0)
					left = true;
			if (!left)
				break;
		}
		struct timespec ts = {wait, 0};
		GotChild = 0;
		if (pselect(0, NULL, NULL, NULL, &ts, &orig) < 0 && errno != EINTR)
			rc = errno;
	}
	if (QueueStop || GotHup)
		stop_all(&d);
	else
		while (d.nkids > 0 && waitpid(-1, NULL, 0) > 0)
			reap(&d);
	(void)sigaction(SIGTERM, &old_term, NULL);
	(void)sigaction(SIGCHLD, &old_chld, NULL);
	(void)sigaction(SIGHUP, &old_hup, NULL);
	(void)sigprocmask(SIG_SETMASK, &orig, NULL);
	sm_free(d.kids);
	sm_free(d.active);
	sm_free(d.due);
	sm_free(d.restarts);
	sm_free(d.dead);
	sm_free(d.groups);
	return rc;
}

pid_t queue_runner_child(const struct queue_runner_opts *o, queue_deliver_fn deliver, void *arg,
			 void (*in_child)(void))
{
	(void)fflush(NULL);
	pid_t pid = fork();
	if (pid != 0) {
		if (pid < 0)
			queue_log(LOG_ERR, "queue runner: fork: %s", strerror(errno));
		return pid;
	}
	if (in_child != NULL)
		in_child();
	/* the daemon's signal mask and handlers are not this process's */
	proc_child_signals(false);
	/* the SMTP daemon restarts on SIGHUP: it stops this process first */
	int rc = supervise(o, deliver, arg, false);
	queue_free_all();
	_exit(rc == 0 ? EX_OK_ : EX_OSERR_);
}

int queue_deliver_id(const char *dir, const char *id, queue_deliver_fn deliver, void *arg)
{
	if (!queue_id_valid(id) || strlen(id) > QUEUE_MAX_ID)
		return EINVAL;
	struct envelope probe;
	memset(&probe, 0, sizeof probe);
	sm_strlcpy(probe.id, id, sizeof probe.id);
	probe.queue_dir = (char *)dir;
	probe.lock_fd = -1;
	int err = queue_lock(&probe);
	if (err != 0)
		return err; /* being delivered by someone else, or gone */
	char *path = queue_path(dir, NULL, 'q', id);
	struct envelope *e = queue_read(path, &err);
	sm_free(path);
	if (e == NULL) {
		queue_unlock(&probe);
		return err;
	}
	e->lock_fd = probe.lock_fd;
	(void)deliver(e, arg);
	envelope_free(e); /* releases the lock */
	return 0;
}

int queue_runner(const struct queue_runner_opts *o, queue_deliver_fn deliver, void *arg)
{
	bool daemon = o->interval > 0 || o->persistent;
	if (!daemon && (o->foreground || o->run.verbose)) {
		/* -qf, -v: every group in turn, in this process */
		const struct queue_group_info **gs;
		size_t n = pick_groups(&o->run, &gs);
		int rc = 0;
		for (size_t i = 0; i < n && !QueueStop; i++) {
			if (gs[i]->runners <= 0)
				continue;
			struct queue_run_opts r = o->run;
			r.sel.qgroup = gs[i]->name;
			if (gs[i]->jobs > 0)
				r.max_run_size = gs[i]->jobs;
			int e = queue_run(&r, deliver, arg);
			if (rc == 0)
				rc = e;
		}
		sm_free(gs);
		return rc == 0 ? EX_OK_ : EX_OSFILE_;
	}
	pid_t pid = proc_detach();
	if (pid < 0) {
		queue_log(LOG_ERR, "queue runner: fork: %s", strerror(errno));
		return EX_OSERR_;
	}
	if (pid > 0)
		return EX_OK_; /* the caller goes on; the runners work on their own */
	if (!daemon) {
		/* -q: once, runners in parallel where groups allow, detached */
		int rc = supervise(o, deliver, arg, true);
		queue_free_all();
		exit(rc == 0 ? EX_OK_ : EX_OSFILE_);
	}
	(void)queue_write_pidfile();
	int rc = supervise(o, deliver, arg, false);
	if (GotHup && !QueueStop)
		queue_restart_self(); /* returns only when that failed */
	if (unlink(queue_pid_path()) != 0 && errno != ENOENT)
		queue_log(LOG_ERR, "unable to remove %s: %s", queue_pid_path(), strerror(errno));
	queue_free_all();
	exit(rc == 0 ? EX_OK_ : EX_OSERR_);
}
