/*
 * submit_accept.c: what happens to a message once it has been read and
 * its recipients are known, the same for the command line (submit.c) and
 * the SMTP server (smtpd_data.c): the headers of the H lines, the
 * priority, the owner-LIST clones, the MinFreeBlocks check, queueing, the
 * "from=" log line and delivery as DeliveryMode says (or a hand-off to
 * the daemon).  See submit.h.
 *
 * Owns the first delivery attempt of a new message: the ErrorMode rules
 * after it (submit_finish_attempt, also used by the queue runner's
 * callback in submit.c) and the clones' life time.
 */
#include "submit.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "conf.h"
#include "deliver.h"
#include "dsn.h"
#include "err.h"
#include "headers.h"
#include "log.h"
#include "macro.h"
#include "options.h"
#include "parseaddr.h"
#include "queue.h"
#include "smtpc.h"

char submit_error_mode(void)
{
	const char *em = opt_value(OPT_ErrorMode);
	if (em == NULL || *em == '\0')
		return 'p';
	return (char)sm_lower((unsigned char)*em);
}

/*
 * After a delivery attempt: the failures go back as ErrorMode says (q:
 * nowhere; p on a terminal: dead.letter in the sender's home, else mailed;
 * m, w, e and p without a terminal: mailed), then the queue files are
 * kept or dropped.
 */
int submit_finish_attempt(struct envelope *e, int body_fd, int left, bool queued, bool interactive)
{
	int rc = EX_OK_;
	bool failed = false;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
		if ((r->flags & RCPT_BADADDR) && !(r->flags & RCPT_NOTIFY_NEVER) &&
		    (!(r->flags & RCPT_HAS_NOTIFY) || (r->flags & RCPT_NOTIFY_FAILURE)))
			failed = true;
	char em = submit_error_mode();
	if (failed && !(em == 'q' && interactive)) {
		if (em == 'p' && interactive && dsn_dead_letter(e, body_fd, true) == EX_OK_)
			failed = false;
		else if (dsn_send(e, body_fd, false) != EX_OK_)
			(void)dsn_dead_letter(e, body_fd, em == 'p');
	}
	if (queued) {
		/* the status mailq shows: the first deferred recipient's */
		for (struct recipient *r = e->rcpts; r != NULL && left > 0; r = r->next)
			if ((r->flags & RCPT_QUEUED) && r->diag != NULL) {
				e->status_msg = r->diag;
				break;
			}
		int err = left > 0 ? queue_update(e) : queue_remove(e);
		if (err != 0) {
			syserr_errno(err, "cannot update queue file for %s", e->id);
			rc = EX_TEMPFAIL_;
		}
	}
	return rc;
}


/*
 * MinFreeBlocks (default 100): true when the queue's file system has room
 * for need bytes and that many blocks more; otherwise logged as 8.17 logs
 * it ("low on space (SMTP-DAEMON needs N bytes + M blocks in DIR), max
 * avail: A").  A file system statvfs cannot read is taken as roomy.
 */
static bool enough_space(struct envelope *e, const char *dir, long need)
{
	const char *v = opt_value(OPT_MinFreeBlocks);
	long minfree = v != NULL && *v != '\0' ? atol(v) : 100;
	struct statvfs sv;
	if (minfree <= 0 || dir == NULL || statvfs(dir, &sv) != 0 || sv.f_bsize == 0)
		return true;
	long avail = sv.f_bavail > (fsblkcnt_t)LONG_MAX ? LONG_MAX : (long)sv.f_bavail;
	long bsize = (long)sv.f_bsize;
	if (avail - (need / bsize + 1) >= minfree)
		return true;
	log_line(LOG_ALERT, e->id,
		 "low on space (SMTP-DAEMON needs %ld bytes + %ld blocks in %s), max avail: %ld",
		 need, minfree, dir, avail);
	return false;
}

/*
 * 8.17's owner split: the recipients a list with an owner-LIST alias
 * stands for go out in a clone of e (a new queue ID, the same headers and
 * body) whose envelope sender is the owner, one clone per owner, unless
 * the owner is e's sender already.  The clones are returned in a
 * NULL-terminated array (NULL when there are none).
 */
static struct envelope **split_owners(struct envelope *e)
{
	struct envelope **clones = NULL;
	size_t n = 0;
	struct recipient **link = &e->rcpts;
	for (struct recipient *r = e->rcpts; r != NULL; r = *link) {
		if (r->owner == NULL || (r->flags & RCPT_DONE) || strcmp(r->owner, e->sender) == 0) {
			link = &r->next;
			continue;
		}
		struct envelope *c = NULL;
		for (size_t i = 0; i < n && c == NULL; i++)
			if (strcmp(clones[i]->sender, r->owner) == 0)
				c = clones[i];
		if (c == NULL) {
			c = envelope_copy_message(e);
			if (queue_new_id(c) != 0) {
				envelope_free(c);
				link = &r->next;
				continue; /* it stays with e */
			}
			c->sender = sm_arena_strdup(c->arena, r->owner);
			/* the original sender's AUTH= does not go with the owner */
			c->auth_param = NULL;
			clones = sm_realloc(clones, (n + 2) * sizeof *clones);
			clones[n++] = c;
			clones[n] = NULL;
		}
		(void)envelope_copy_rcpt(c, r);
		/* gone from e */
		*link = r->next;
	}
	e->rcpts_tail = link;
	while (*e->rcpts_tail != NULL)
		e->rcpts_tail = &(*e->rcpts_tail)->next;
	return clones;
}

/* True when e still has something to deliver or to report. */
static bool has_work(const struct envelope *e)
{
	for (const struct recipient *r = e->rcpts; r != NULL; r = r->next)
		if (!(r->flags & RCPT_DONE) || (r->flags & RCPT_BADADDR))
			return true;
	return false;
}

static void free_clones(struct envelope **clones)
{
	for (size_t i = 0; clones != NULL && clones[i] != NULL; i++)
		envelope_free(clones[i]);
	sm_free(clones);
}

int submit_accept(struct envelope *e, struct submit_accept *a)
{
	struct collect_result *cr = a->cr;
	int nrcpts = a->nrcpts, nok = a->nok;
	/* the headers sendmail adds: the H lines', then the authentication warnings */
	deliver_set_macros(e);
	if (a->smtp) {
		/* $f and $g: the sender without the brackets MAIL FROM gave it */
		size_t sl;
		const char *b = addr_unbracket(e->sender, &sl);
		char *bare = sm_arena_strndup(e->arena, b, sl);
		macro_set_value(&GlobalMacros, 'f', bare);
		macro_set_value(&GlobalMacros, 'g', bare);
	}
	macro_set_value(&GlobalMacros, 'u', a->single);
	headers_add_defaults(e);
	macro_set_value(&GlobalMacros, 'u', NULL);
	if (a->auth_warn_log != NULL)
		log_line(LOG_INFO, e->id, "Authentication-Warning: %s", a->auth_warn_log);
	for (size_t i = 0; a->auth_warnings != NULL && a->auth_warnings[i] != NULL; i++)
		headers_add_after_defaults(e, "X-Authentication-Warning", a->auth_warnings[i]);
	e->priority = queue_priority(cr->size, nrcpts, queue_precedence_class(e));
	e->body_size = cr->size;
	if (!a->smtp && e->sender[0] != '\0') {
		char *j = macro_expand_id('j');
		char *ap = smtpc_auth_param_local(e->sender, j);
		e->auth_param = sm_arena_strdup(e->arena, ap);
		sm_free(ap);
		sm_free(j);
	}
	envelope_set_macro(e, "_", macro_get('_') ? macro_get('_') : "");

	/* owner-LIST: the list's recipients go out in clones with the owner as sender */
	struct envelope **clones = nok > 0 ? split_owners(e) : NULL;
	bool e_work = has_work(e);

	struct header *mid = envelope_find_header(e, "Message-Id");
	const char *midv = mid != NULL ? mid->value : "";
	while (sm_isspace((unsigned char)*midv))
		midv++;
	struct sm_buf fromline;
	sm_buf_init(&fromline);
	sm_buf_printf(&fromline, "from=%s, size=%ld, class=%d, nrcpts=%d", e->sender[0] ? e->sender : "<>",
		      cr->size, queue_precedence_class(e), nrcpts);
	if (*midv != '\0')
		sm_buf_printf(&fromline, ", msgid=%s", midv);
	if (a->smtp && e->body_type != NULL)
		sm_buf_printf(&fromline, ", bodytype=%s", e->body_type);
	if (a->log_extra != NULL)
		sm_buf_puts(&fromline, a->log_extra);
	sm_buf_printf(&fromline, ", relay=%s",
		      a->relay != NULL ? a->relay : macro_get('_') ? macro_get('_') : "localhost");

	int rc = a->exitstat;
	char mode = a->mode;
	bool interactive = !a->smtp && mode != 'b';
	if (nok == 0) {
		/* nothing to deliver: the failures go back to the sender (the
		 * message still counts as received, as in 8.17) */
		log_line(LOG_INFO, e->id, "%s", fromline.data);
		if (a->refused != NULL) {
			char dl[32];
			log_delay(0, dl, sizeof dl);
			for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
				if (r->diag != NULL && strcmp(r->diag, a->refused) == 0)
					log_line(LOG_INFO, e->id, "to=%s, delay=%s, pri=%ld, stat=%s",
						 r->address, dl, e->priority, a->refused);
		}
		deliver_count_from(e);
		(void)submit_finish_attempt(e, cr->body_fd, 0, false,
					    interactive && a->refused == NULL);
		goto done;
	}
	if (cr->too_large) {
		if (!a->smtp)
			usrerr("552 5.2.3 Message exceeds maximum fixed size (%s)",
			       opt_value(OPT_MaxMessageSize));
		rc = EX_DATAERR_;
		goto done;
	}
	/* MinFreeBlocks: the headers must fit (as 8.17 checks after reading them) */
	struct stat bst;
	long hdrbytes = fstat(cr->body_fd, &bst) == 0 ? cr->size - (long)bst.st_size : cr->size;
	char **dirs = queue_dirs(NULL);
	if (!enough_space(e, dirs != NULL ? dirs[0] : NULL, hdrbytes < 0 ? 0 : hdrbytes)) {
		a->no_space = true;
		const char *txt = "Insufficient disk space; try again later";
		if (!a->smtp)
			message("%s", txt);
		log_line(LOG_INFO, e->id, "%s", fromline.data);
		char dl[32];
		log_delay(0, dl, sizeof dl);
		for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
			if (!(r->flags & RCPT_DONE))
				log_line(LOG_INFO, e->id, "to=%s, delay=%s, pri=%ld, stat=%s", r->address,
					 dl, e->priority, txt);
		rc = EX_IOERR_;
		goto done;
	}
	int err = e_work ? queue_store(e, cr->body_fd) : 0;
	for (size_t i = 0; err == 0 && clones != NULL && clones[i] != NULL; i++)
		if ((err = queue_store(clones[i], cr->body_fd)) != 0) {
			syserr_errno(err, "queueing %s", clones[i]->id);
			for (size_t k = 0; k < i; k++)
				(void)queue_remove(clones[k]);
			if (e_work)
				(void)queue_remove(e);
			rc = EX_TEMPFAIL_;
			goto done;
		}
	if (err != 0) {
		syserr_errno(err, "queueing %s", e->id);
		rc = EX_TEMPFAIL_;
		goto done;
	}
	/* queue_store gave the df size: statistics and DSNs count the whole message */
	e->body_size = cr->size;
	log_line(LOG_INFO, e->id, "%s", fromline.data);
	for (size_t i = 0; clones != NULL && clones[i] != NULL; i++)
		log_line(LOG_INFO, e->id, "%s: clone: owner=%s", clones[i]->id, clones[i]->sender);
	deliver_count_from(e);
	a->queued = true;
	struct deliver_opts dopt = {.verbose = a->verbose, .invoker = a->invoker};
	if (a->request_delivery != NULL && mode != 'q' && mode != 'd') {
		/*
		 * The daemon delivers (this session runs without its privileges).
		 * Its delivery process takes the qf lock without waiting and gives
		 * up when it is held: let go of ours first, or the message would
		 * wait for the next queue run whenever that process is quick.
		 */
		if (e_work) {
			queue_unlock(e);
			(void)a->request_delivery(e->queue_dir, e->id, a->request_arg);
		}
		for (size_t i = 0; clones != NULL && clones[i] != NULL; i++) {
			queue_unlock(clones[i]);
			(void)a->request_delivery(clones[i]->queue_dir, clones[i]->id, a->request_arg);
		}
		goto done;
	}
	/* an SMTP message queued only is not logged per recipient (8.17) */
	if ((mode == 'q' || mode == 'd') && a->smtp)
		goto done;
	if (mode == 'q' || mode == 'd') {
		dopt.queue_only = true;
		if (e_work)
			(void)deliver_envelope(e, cr->body_fd, &dopt);
		for (size_t i = 0; clones != NULL && clones[i] != NULL; i++)
			(void)deliver_envelope(clones[i], cr->body_fd, &dopt);
		goto done;
	}
	if (mode == 'b') {
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			/* it stays queued for the next run */
			goto done;
		}
		if (pid > 0)
			goto done;
		(void)setsid();
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(EX_OSERR_);
		/* the SMTP client must not wait for this process */
		for (int k = 0; k < 2; k++)
			if (a->session_fds[k] > 2)
				(void)close(a->session_fds[k]);
		if (a->smtp && freopen("/dev/null", "r", stdin) == NULL)
			_exit(EX_OSERR_);
	}
	/* a system error while delivering (syserr) decides the exit status */
	int exitstat_before = ExitStat;
	/* the message itself first, then its clones, as 8.17 delivers them */
	for (size_t i = e_work ? 0 : 1; i == 0 || (clones != NULL && clones[i - 1] != NULL); i++) {
		struct envelope *de = i == 0 ? e : clones[i - 1];
		if (queue_lock(de) == 0) {
			/* a first attempt: a deferred message is queued with N1 and its time */
			de->last_try = time(NULL);
			de->ntries++;
			/* a clone's sender (the owner) is set as -f sets it: mailers get -f */
			struct deliver_opts copt = dopt;
			if (de != e)
				copt.fopt = 1;
			int left = deliver_envelope(de, cr->body_fd, &copt);
			(void)submit_finish_attempt(de, cr->body_fd, left, true, interactive);
			queue_unlock(de);
		}
		for (struct recipient *r = de->rcpts; r != NULL; r = r->next)
			if ((r->flags & RCPT_BADADDR) && r->status != NULL) {
				int c = deliver_exit_of_text(r->diag);
				if (c != 0)
					rc = c;
				if (rc == EX_OK_)
					rc = EX_UNAVAILABLE_;
			}
	}
	if (exitstat_before == EX_OK_ && (ExitStat == EX_SOFTWARE_ || ExitStat == EX_OSERR_))
		rc = ExitStat;
	if (mode == 'b') {
		free_clones(clones);
		sm_buf_free(&fromline);
		_exit(EX_OK_);
	}
done:
	free_clones(clones);
	sm_buf_free(&fromline);
	return rc;
}
