/*
 * deliver.c: runs the mailers for the recipients of a message (see deliver.h).
 *
 * Owns: resolving each recipient to its mailer (rulesets 3 and 0), the
 * checks before delivery (F=w user lookup, programs and files only through
 * aliases), building a mailer's argv from A= ($u $h $f $g $x ... and the
 * -f of F=f/F=r), running it with fork/exec and a clean environment,
 * handing it the text deliver_text.c builds, file delivery with
 * SafeFileEnvironment, and the mapping
 * of its exit status to sendmail's status text and DSN code, and the
 * "to=" log lines.  Remote (P=[IPC]) mailers go to deliver_remote.c, in
 * groups of recipients per host that deliver_batch.c forms.
 */
#include "deliver.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "alias.h"
#include "conf.h"
#include "err.h"
#include "headers.h"
#include "log.h"
#include "macro.h"
#include "mailer.h"
#include "meta.h"
#include "deliver_int.h"
#include "options.h"
#include "parseaddr.h"
#include "priv.h"
#include "stats.h"

static void setmacro(int id, const char *v)
{
	macro_set_value(&GlobalMacros, id, v);
}

void deliver_set_macros(const struct envelope *e)
{
	setmacro('i', e->id);
	char buf[64];
	struct tm tm;
	time_t ct = e->ctime != 0 ? e->ctime : time(NULL);
	if (gmtime_r(&ct, &tm) != NULL) {
		snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min);
		setmacro('t', buf);
	}
	headers_arpadate(ct, buf, sizeof buf);
	setmacro('b', buf);
	struct header *d = envelope_find_header(e, "Date");
	if (d != NULL && !(d->flags & H_DEFAULT)) {
		const char *v = d->value;
		while (sm_isspace((unsigned char)*v))
			v++;
		setmacro('a', v);
	} else {
		setmacro('a', buf);
	}
	setmacro('f', e->sender);
	setmacro('g', e->sender);
	setmacro('x', e->sender_full);
}

/* The uid and gid of a controlling user "user:uid:gid"; false when there is none. */
static bool ctl_ids(const char *ctladdr, uid_t *uid, gid_t *gid)
{
	const char *c1 = ctladdr != NULL ? strchr(ctladdr, ':') : NULL;
	if (c1 == NULL || c1[1] < '0' || c1[1] > '9')
		return false;
	*uid = (uid_t)strtoul(c1 + 1, NULL, 10);
	const char *c2 = strchr(c1 + 1, ':');
	if (c2 != NULL && c2[1] >= '0' && c2[1] <= '9')
		*gid = (gid_t)strtoul(c2 + 1, NULL, 10);
	if (*gid == 0 && *uid != 0) {
		/* no group given: the user's own */
		struct passwd *pw = getpwuid(*uid);
		if (pw != NULL)
			*gid = pw->pw_gid;
	}
	return true;
}

/* The user, uid and gid a mailer runs as (ctladdr: the controlling user, or NULL). */
static void run_ids(const struct mailer *m, const char *ctladdr, uid_t *uid, gid_t *gid)
{
	*uid = geteuid();
	*gid = getegid();
	if (geteuid() != 0 || mailer_has_flag(m, 'S'))
		return;
	if (ctl_ids(ctladdr, uid, gid))
		return;
	if (m->uid >= 0) {
		*uid = (uid_t)m->uid;
		*gid = m->gid >= 0 ? (gid_t)m->gid : *gid;
		return;
	}
	/* the submitting user stays; root hands over to DefaultUser for programs */
	if (getuid() != 0)
		return;
	if (mailer_has_flag(m, 'S'))
		return;
	const char *du = opt_value(OPT_DefaultUser);
	if (du == NULL || *du == '\0')
		return;
	struct passwd *pw = getpwnam(du);
	if (pw != NULL) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else {
		unsigned long u = strtoul(du, NULL, 10);
		const char *c = strchr(du, ':');
		*uid = (uid_t)u;
		if (c != NULL)
			*gid = (gid_t)strtoul(c + 1, NULL, 10);
	}
}

/* Expands one A= argument with the recipient's macros set. */
static char *expand_arg(const char *arg)
{
	struct sm_buf b;
	sm_buf_init(&b);
	macro_expand(arg, &b);
	return sm_buf_steal(&b);
}

/*
 * In the child: standard output (from stdout_from on) and error to
 * /dev/null, the mailer's directory (D=), its user and group, a clean
 * environment, and the mailer program.  Never returns.
 */
static void exec_mailer(const struct mailer *m, char **argv, int stdout_from, uid_t uid, gid_t gid)
{
	int dn = open("/dev/null", O_WRONLY);
	if (dn >= 0) {
		for (int fd = stdout_from; fd <= 2; fd++)
			(void)dup2(dn, fd);
		if (dn > 2)
			(void)close(dn);
	}
	if (m->execdir != NULL) {
		struct sm_buf d;
		sm_buf_init(&d);
		macro_expand(m->execdir, &d);
		char *save = NULL;
		bool ok = false;
		for (char *dir = strtok_r(d.data, ":", &save); dir != NULL && !ok;
		     dir = strtok_r(NULL, ":", &save))
			ok = chdir(dir) == 0;
		sm_buf_free(&d);
	}
	if (geteuid() == 0 && (uid != 0 || gid != 0)) {
		if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
			_exit(EX_TEMPFAIL_);
	}
	char *env[64];
	int ne = 0;
	env[ne++] = "AGENT=sendmail";
	const char *tz = getenv("TZ");
	if (tz != NULL)
		env[ne++] = sm_asprintf("TZ=%s", tz);
	for (int i = 0; i < NEnvDefs && ne < 62; i++)
		env[ne++] = EnvDefs[i];
	env[ne] = NULL;
	signal(SIGPIPE, SIG_DFL);
	execve(m->path, argv, env);
	_exit(errno == ENOENT ? EX_UNAVAILABLE_ : EX_TEMPFAIL_);
}

int deliver_spawn(const struct mailer *m, const char *user, const char *host,
		  const char *ctladdr, pid_t *pid)
{
	setmacro('u', user);
	setmacro('h', host);
	size_t n = 0;
	while (m->argv[n] != NULL)
		n++;
	char **argv = sm_calloc(n + 1, sizeof *argv);
	for (size_t i = 0; i < n; i++)
		argv[i] = expand_arg(m->argv[i]);
	int sv[2] = {-1, -1};
	int rc = -1;
	uid_t uid;
	gid_t gid;
	run_ids(m, ctladdr, &uid, &gid);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		goto out;
	fflush(stdout);
	fflush(stderr);
	*pid = fork();
	if (*pid < 0) {
		(void)close(sv[0]);
		(void)close(sv[1]);
		goto out;
	}
	if (*pid == 0) {
		/* the mailer talks on its standard input and output */
		(void)dup2(sv[1], 0);
		(void)dup2(sv[1], 1);
		exec_mailer(m, argv, 2, uid, gid);
	}
	(void)close(sv[1]);
	rc = sv[0];
out:
	for (size_t i = 0; i < n; i++)
		sm_free(argv[i]);
	sm_free(argv);
	return rc;
}

/* Runs mailer m for user/host; returns its exit status (or EX_* of ours). */
static int run_mailer(const struct envelope *e, const struct mailer *m, const char *user,
		      const char *host, int body_fd, const struct deliver_opts *o, const char *sender_g,
		      const char *ctladdr)
{
	setmacro('u', user);
	setmacro('h', host);
	size_t n = 0;
	while (m->argv[n] != NULL)
		n++;
	char **argv = sm_calloc(n + 4, sizeof *argv);
	size_t k = 0;
	argv[k++] = expand_arg(m->argv[0]);
	bool netfwd = o->fopt > 0 || (o->fopt == 0 && (o->invoker == NULL ||
						      strcmp(e->sender, o->invoker) != 0));
	if ((mailer_has_flag(m, 'f') || mailer_has_flag(m, 'r')) && netfwd) {
		argv[k++] = sm_strdup(mailer_has_flag(m, 'f') ? "-f" : "-r");
		argv[k++] = sm_strdup(sender_g);
	}
	for (size_t i = 1; i < n; i++)
		argv[k++] = expand_arg(m->argv[i]);
	argv[k] = NULL;

	struct sm_buf text;
	sm_buf_init(&text);
	/* as in 8.17, F=7 converts 8-bit MIME parts for any mailer, not only SMTP */
	int rc = deliver_message_text(e, m, body_fd, mailer_has_flag(m, '7'), &text, NULL);
	if (rc != 0) {
		rc = EX_IOERR_;
		goto out;
	}
	int pfd[2];
	if (pipe(pfd) != 0) {
		rc = EX_OSERR_;
		goto out;
	}
	uid_t uid;
	gid_t gid;
	run_ids(m, ctladdr, &uid, &gid);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		(void)close(pfd[0]);
		(void)close(pfd[1]);
		rc = EX_OSERR_;
		goto out;
	}
	if (pid == 0) {
		(void)dup2(pfd[0], 0);
		(void)close(pfd[0]);
		(void)close(pfd[1]);
		exec_mailer(m, argv, 1, uid, gid);
	}
	(void)close(pfd[0]);
	for (size_t i = 0, st0 = 0; i < text.len; i++)
		if (text.data[i] == '\n') {
			log_traffic('>', text.data + st0, i - st0);
			st0 = i + 1;
		}
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	(void)sm_write_all(pfd[1], text.data, text.len);
	(void)close(pfd[1]);
	signal(SIGPIPE, old);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = EX_OSERR_ << 8;
			break;
		}
	if (WIFEXITED(st))
		rc = WEXITSTATUS(st);
	else
		rc = EX_SOFTWARE_;
out:
	for (size_t i = 0; i < k; i++)
		sm_free(argv[i]);
	sm_free(argv);
	sm_buf_free(&text);
	return rc;
}

/* Appends the message to a file (the *file* mailer) as the current user. */
static int file_append(const struct envelope *e, const struct mailer *m, const char *path,
		       int body_fd)
{
	const char *sfe = opt_value(OPT_SafeFileEnvironment);
	char *full;
	if (sfe != NULL && *sfe != '\0' && strcmp(sfe, "/") != 0) {
		size_t l = strlen(sfe);
		if (strncmp(path, sfe, l) == 0 && (path[l] == '/' || path[l] == '\0'))
			full = sm_strdup(path);
		else
			full = sm_asprintf("%s%s", sfe, path);
	} else {
		full = sm_strdup(path);
	}
	int rc = EX_OK_;
	int fd = open(full, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0600);
	if (fd < 0) {
		rc = errno == ENOENT ? EX_CANTCREAT_ : EX_CANTCREAT_;
		sm_free(full);
		return rc;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_nlink > 1 && !DontBlame[DBS_FILEDELIVERYTOHARDLINK])) {
		(void)close(fd);
		sm_free(full);
		return EX_CANTCREAT_;
	}
	struct sm_buf b;
	sm_buf_init(&b);
	if (deliver_message_text(e, m, body_fd, mailer_has_flag(m, '7'), &b, NULL) != 0)
		rc = EX_IOERR_;
	sm_buf_putc(&b, '\n');
	if (rc == EX_OK_ && (sm_write_all(fd, b.data, b.len) != 0 || fsync(fd) != 0)) {
		rc = EX_IOERR_;
		if (ftruncate(fd, st.st_size) != 0)
			rc = EX_IOERR_;
	}
	if (close(fd) != 0 && rc == EX_OK_)
		rc = EX_IOERR_;
	sm_buf_free(&b);
	sm_free(full);
	return rc;
}

/*
 * File delivery: as root, the file is written by a child running as the
 * controlling user (ctladdr) or the mailer's or DefaultUser's ids.
 */
static int deliver_file(const struct envelope *e, const struct mailer *m, const char *path,
			int body_fd, const char *ctladdr)
{
	uid_t uid;
	gid_t gid;
	run_ids(m, ctladdr, &uid, &gid);
	if (geteuid() != 0 || uid == 0)
		return file_append(e, m, path, body_fd);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return EX_OSERR_;
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
			_exit(EX_TEMPFAIL_);
		_exit(file_append(e, m, path, body_fd));
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return EX_OSERR_;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EX_SOFTWARE_;
}

void deliver_set_status(struct envelope *e, struct recipient *r, const char *dsn, const char *diag,
			unsigned flags)
{
	r->status = sm_arena_strdup(e->arena, dsn);
	r->diag = diag != NULL ? sm_arena_strdup(e->arena, diag) : NULL;
	r->status_time = time(NULL);
	r->flags &= ~RCPT_QUEUED;
	r->flags |= flags;
}


static void log_to(const struct envelope *e, const struct recipient *r, const char *ctl,
		   const char *mailer, time_t start, bool xdelay, const char *reply, const char *stat)
{
	deliver_log_to(e, r, ctl, mailer, start, xdelay, NULL, reply, stat);
}

void deliver_log_to(const struct envelope *e, const struct recipient *r, const char *ctl,
			 const char *mailer, time_t start, bool xdelay, const char *relay,
			 const char *reply, const char *stat)
{
	char d1[32], d2[32];
	time_t now = time(NULL);
	log_delay((long)(now - e->ctime), d1, sizeof d1);
	log_delay((long)(now - start), d2, sizeof d2);
	struct sm_buf b;
	sm_buf_init(&b);
	sm_buf_printf(&b, "to=%s, ", r->address);
	if (ctl != NULL)
		sm_buf_printf(&b, "ctladdr=%s, ", ctl);
	sm_buf_printf(&b, "delay=%s, ", d1);
	if (xdelay)
		sm_buf_printf(&b, "xdelay=%s, ", d2);
	sm_buf_printf(&b, "mailer=%s, pri=%ld, ", mailer, e->priority);
	if (relay != NULL)
		sm_buf_printf(&b, "relay=%s, ", relay);
	if (r->status != NULL && !(r->flags & RCPT_QUEUED && r->status[0] == '\0'))
		sm_buf_printf(&b, "dsn=%s, ", r->status);
	if (reply != NULL)
		sm_buf_printf(&b, "reply=%s, ", reply);
	sm_buf_printf(&b, "stat=%s", stat);
	log_line(LOG_INFO, e->id, "%s", b.data);
	sm_buf_free(&b);
}

/* StatusFile: one message delivered through m. */
void deliver_count(const struct envelope *e, const struct mailer *m)
{
	const char *sf = opt_value(OPT_StatusFile);
	if (sf == NULL || *sf == '\0')
		return;
	if (stats_record(sf, m->number, false, stats_kbytes(e->body_size), STATS_MSG) != 0)
		log_line(LOG_ERR, e->id, "cannot update %s: %s", sf, strerror(errno));
}

void deliver_count_from(const struct envelope *e)
{
	const char *sf = opt_value(OPT_StatusFile);
	if (sf == NULL || *sf == '\0')
		return;
	struct address a;
	struct mailer *m = mailer_find("local");
	const char *saved = err_set_address(NULL);
	int olderr = Errors;
	if (e->sender[0] != '\0' &&
	    parseaddr(e->sender, &a, RF_SENDERADDR, '\0', NULL, false, e->arena) != NULL &&
	    a.mailer != NULL)
		m = a.mailer;
	Errors = olderr;
	err_set_address(saved);
	if (m != NULL &&
	    stats_record(sf, m->number, true, stats_kbytes(e->body_size), STATS_MSG) != 0)
		log_line(LOG_ERR, e->id, "cannot update %s: %s", sf, strerror(errno));
}

/* "root (0/0)": the controlling user of a command line submission. */
static char *ctladdr_of(const struct envelope *e, const struct deliver_opts *o)
{
	if (o->invoker == NULL)
		return NULL;
	/* a sender that is a local user stands for that user's ids */
	long uid = (long)priv_caller_uid(), gid = (long)priv_caller_gid();
	struct passwd *pw = e->sender[0] != '\0' && strchr(e->sender, '@') == NULL
				    ? getpwnam(e->sender)
				    : NULL;
	if (pw != NULL) {
		uid = (long)pw->pw_uid;
		gid = (long)pw->pw_gid;
	}
	return sm_asprintf("%s (%ld/%ld)", e->sender[0] ? e->sender : "<>", uid, gid);
}

static bool LastVerbose;

bool deliver_last_verbose(void)
{
	return LastVerbose;
}

int deliver_envelope(struct envelope *e, int body_fd, const struct deliver_opts *o)
{
	LastVerbose = o->verbose;
	int left = 0;
	if (!o->queue_only)
		(void)deliver_expand(e);
	deliver_set_macros(e);
	char *ctl = ctladdr_of(e, o);
	/* the recipients handed over already with an earlier one over SMTP */
	struct smtp_batches *batches = smtp_batches_new(e);
	size_t ri = (size_t)-1;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next) {
		ri++;
		if ((r->flags & RCPT_DONE) || smtp_batches_taken(batches, ri))
			continue;
		struct address a;
		time_t start = time(NULL);
		if (parseaddr(r->address, &a, RF_ADDDOMAIN, '\0', NULL, true, e->arena) == NULL ||
		    a.state == QS_BADADDR) {
			const char *txt = a.mailer == &ErrorMailer && a.user != NULL ? a.user : "Bad address";
			deliver_set_status(e, r, a.status != NULL ? a.status : "5.1.3", txt,
				   RCPT_BADADDR | RCPT_DONE);
			log_to(e, r, NULL, "*error*", start, false, NULL, txt);
			continue;
		}
		(void)deliver_localaddr(&a, e->arena);
		struct mailer *m = a.mailer;
		if (o->queue_only || a.state == QS_QUEUEUP) {
			r->flags |= RCPT_QUEUED;
			left++;
			log_to(e, r, NULL, m->name, start, false, NULL, "queued");
			continue;
		}
		const char *user = a.user != NULL ? a.user : "";
		int rc;
		const char *mname = m->name;
		bool prog = false, file = false;
		if (user[0] == '"') {
			/* "|program" and "/file" are given quoted: the quotes go */
			char *uq = sm_arena_strdup(e->arena, user);
			char *w = uq;
			for (const char *p = user; *p; p++) {
				if (*p == '\\' && p[1] != '\0')
					*w++ = *++p;
				else if (*p != '"')
					*w++ = *p;
			}
			*w = '\0';
			user = uq;
		}
		if ((mailer_has_flag(m, '|') || strcmp(m->name, "prog") == 0) && user[0] == '|')
			prog = true;
		else if ((mailer_has_flag(m, '/') || strcmp(m->name, "*file*") == 0) && user[0] == '/')
			file = true;
		if ((prog || file) && (r->flags & RCPT_PRIMARY)) {
			const char *txt = prog ? "Cannot mail directly to programs"
					       : "Cannot mail directly to files";
			usrerr("550 5.7.1 %s... %s", r->address, txt);
			deliver_set_status(e, r, "5.7.1", txt, RCPT_BADADDR | RCPT_DONE);
			log_to(e, r, NULL, mname, start, false, NULL, txt);
			continue;
		}
		if (mailer_has_flag(m, 'w') && !prog && !file && getpwnam(user) == NULL) {
			deliver_set_status(e, r, "5.1.1", "User unknown", RCPT_BADADDR | RCPT_DONE);
			log_to(e, r, NULL, mname, start, false, "550 5.1.1 User unknown", "User unknown");
			continue;
		}
		enum compat_verdict compat = deliver_check_compat(e, r, mname);
		if (compat == COMPAT_DEFERRED)
			left++;
		if (compat != COMPAT_OK)
			continue;
		bool ipc = m->path != NULL && m->path[0] == '[' && strcmp(m->path, "[FILE]") != 0;
		/* an LMTP program (F=z, FEATURE(local_lmtp)) is spoken to as a server */
		if (!ipc && !prog && !file && mailer_has_flag(m, 'z') && m->path != NULL &&
		    m->path[0] == '/')
			ipc = true;
		int rstat = 0;
		const char *g = remotename(e->sender[0] ? e->sender : macro_get('n'), m,
					   RF_SENDERADDR | RF_CANONICAL, &rstat, e->arena);
		setmacro('g', g);
		if (ipc) {
			/*
			 * SMTP (deliver_remote.c): one connection for every
			 * recipient of that host, sent last first as 8.17
			 * sends them
			 */
			const char *host = a.host != NULL ? a.host : "localhost";
			struct recipient **rs;
			const char **users;
			size_t n = smtp_batch_collect(batches, e, ri, m, host,
						      a.user != NULL ? a.user : r->address, &rs, &users);
			for (size_t i = 0; i < n / 2; i++) {
				struct recipient *t = rs[i];
				rs[i] = rs[n - 1 - i];
				rs[n - 1 - i] = t;
				const char *u = users[i];
				users[i] = users[n - 1 - i];
				users[n - 1 - i] = u;
			}
			/* the null sender goes out as MAIL From:<> */
			left += deliver_remote(e, rs, users, n, m, host, body_fd, o,
					       e->sender[0] != '\0' ? g : "", ctl, start);
			sm_free(rs);
			sm_free(users);
			continue;
		}
		if (o->verbose)
			message("%s... Connecting to %s...", r->address, mname);
		if (file || (m->path != NULL && strcmp(m->path, "[FILE]") == 0)) {
			struct mailer *fm = mailer_find("*file*");
			m = fm != NULL ? fm : m;
			rc = deliver_file(e, m, user, body_fd, r->ctladdr);
			mname = "*file*";
		} else if (prog) {
			struct mailer *pm = mailer_find("prog");
			rc = pm != NULL ? run_mailer(e, pm, user + 1, a.host ? a.host : "", body_fd, o, g,
						     r->ctladdr)
					: EX_CONFIG_;
			if (pm != NULL)
				m = pm;
			mname = "prog";
		} else {
			rc = run_mailer(e, m, user, a.host != NULL ? a.host : "", body_fd, o, g, NULL);
		}
		const char *dsn;
		const char *txt = deliver_exit_text(rc, &dsn);
		char *own = NULL;
		if (rc == EX_OK_) {
			deliver_set_status(e, r, "2.0.0", "Sent", RCPT_SENT | RCPT_DONE);
			txt = "Sent";
			deliver_count(e, m);
		} else if (rc == EX_TEMPFAIL_ || (txt != NULL && dsn[0] == '4')) {
			if (rc == EX_TEMPFAIL_)
				own = sm_asprintf("Deferred: %s mailer (%s) exited with EX_TEMPFAIL", mname,
						  m->path);
			deliver_set_status(e, r, dsn, own != NULL ? own : txt, RCPT_QUEUED);
			txt = r->diag;
			left++;
		} else {
			if (txt == NULL)
				txt = own = sm_asprintf("unknown mailer error %d", rc);
			deliver_set_status(e, r, dsn, txt, RCPT_BADADDR | RCPT_DONE);
		}
		if (o->verbose)
			message("%s... %s", r->address, txt);
		char *rctl = NULL;
		if (r->ctladdr != NULL && strchr(r->ctladdr, ':') != NULL) {
			/* "user:uid:gid" logged as "user (uid/gid)" */
			uid_t cu = 0;
			gid_t cg = 0;
			(void)ctl_ids(r->ctladdr, &cu, &cg);
			const char *c2 = strchr(r->ctladdr, ':');
			const char *c3 = strchr(c2 + 1, ':');
			const char *c4 = c3 != NULL ? strchr(c3 + 1, ':') : NULL;
			char *gs = c3 != NULL ? sm_strndup(c3 + 1, c4 ? (size_t)(c4 - c3 - 1) : strlen(c3 + 1))
					      : sm_strdup("0");
			rctl = sm_asprintf("%.*s (%ld/%s)", (int)(c2 - r->ctladdr), r->ctladdr, (long)cu, gs);
			sm_free(gs);
		}
		log_to(e, r, rctl != NULL ? rctl : ctl, mname, start, true, NULL, txt);
		sm_free(rctl);
		sm_free(own);
	}
	sm_free(ctl);
	smtp_batches_free(batches);
	return left;
}
