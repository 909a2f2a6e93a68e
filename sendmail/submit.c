/*
 * submit.c: a message submitted on the command line, from reading it to
 * queueing and delivering it (see submit.h), and the delivery of queued
 * messages for the queue runner.
 *
 * Owns the submission rules: the envelope sender (-f/-r, or the invoking
 * user, with X-Authentication-Warning: when an untrusted user sets it),
 * the full name (-F or the password file), the recipients (arguments, or
 * the headers with -t, whose arguments are then left out), the checks of
 * each recipient before the message is accepted, the DSN parameters (-N
 * -R -V -B), the delivery mode (-odX) and what happens to errors
 * (-oeX), and the "from=" log line.
 */
#include "submit.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "alias.h"
#include "collect.h"
#include "conf.h"
#include "deliver.h"
#include "dsn.h"
#include "err.h"
#include "headers.h"
#include "log.h"
#include "macro.h"
#include "mailer.h"
#include "options.h"
#include "parseaddr.h"
#include "queue.h"

int submit_check_opts(const struct submit_opts *o)
{
	if (o->notify != NULL) {
		bool never = false, other = false, bad = false;
		char *copy = sm_strdup(o->notify);
		char *save = NULL;
		for (char *w = strtok_r(copy, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save)) {
			if (sm_strcasecmp(w, "never") == 0)
				never = true;
			else if (sm_strcasecmp(w, "success") == 0 || sm_strcasecmp(w, "failure") == 0 ||
				 sm_strcasecmp(w, "delay") == 0)
				other = true;
			else
				bad = true;
		}
		sm_free(copy);
		if (bad || (never && other)) {
			usrerr("Invalid -N argument");
			return EX_USAGE_;
		}
	}
	if (o->ret != NULL && sm_strcasecmp(o->ret, "full") != 0 && sm_strcasecmp(o->ret, "hdrs") != 0) {
		usrerr("Invalid -R value");
		return EX_USAGE_;
	}
	if (o->body_type != NULL && sm_strcasecmp(o->body_type, "7bit") != 0 &&
	    sm_strcasecmp(o->body_type, "8bitmime") != 0) {
		usrerr("Illegal body type %s", o->body_type);
		return EX_USAGE_;
	}
	return 0;
}

/* True when word is one of the comma-separated words of list (no case). */
static bool has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (l == wl && sm_strncasecmp(p, word, wl) == 0)
			return true;
		p += l;
		if (*p == ',')
			p++;
	}
	return false;
}

static unsigned notify_flags(const char *notify)
{
	if (notify == NULL)
		return RCPT_NOTIFY_FAILURE | RCPT_NOTIFY_DELAY;
	unsigned f = RCPT_HAS_NOTIFY;
	if (has_word(notify, "never"))
		f |= RCPT_NOTIFY_NEVER;
	if (has_word(notify, "success"))
		f |= RCPT_NOTIFY_SUCCESS;
	if (has_word(notify, "failure"))
		f |= RCPT_NOTIFY_FAILURE;
	if (has_word(notify, "delay"))
		f |= RCPT_NOTIFY_DELAY;
	return f;
}

/* The full name from a password entry's GECOS field ("&" is the login, capitalized). */
static char *gecos_name(const struct passwd *pw)
{
	struct sm_buf b;
	sm_buf_init(&b);
	for (const char *p = pw->pw_gecos; p != NULL && *p != '\0' && *p != ','; p++) {
		if (*p == '&') {
			sm_buf_putc(&b, sm_upper((unsigned char)pw->pw_name[0]));
			if (pw->pw_name[0] != '\0')
				sm_buf_puts(&b, pw->pw_name + 1);
		} else {
			sm_buf_putc(&b, *p);
		}
		if (b.len > 256)
			break;
	}
	return b.len > 0 ? sm_buf_steal(&b) : (sm_buf_free(&b), NULL);
}

static bool is_trusted(const char *user)
{
	if (getuid() == 0)
		return true;
	/* class t (T lines); the TrustedUser option is about file ownership only */
	for (int i = 0; i < NTrustedUsers; i++)
		if (strcmp(TrustedUsers[i], user) == 0)
			return true;
	return false;
}

static bool privacy(const char *word)
{
	const char *p = opt_value(OPT_PrivacyOptions);
	if (p == NULL)
		return false;
	char *copy = sm_strdup(p);
	bool found = false;
	char *save = NULL;
	for (char *w = strtok_r(copy, ", \t", &save); w != NULL; w = strtok_r(NULL, ", \t", &save))
		if (sm_strcasecmp(w, word) == 0 || sm_strcasecmp(w, "goaway") == 0)
			found = true;
	sm_free(copy);
	return found;
}

/* Adds the recipients of one argument (a comma-separated list). */
static void add_arg_rcpts(struct envelope *e, const char *arg, unsigned flags)
{
	char **v;
	int n = headers_split_addresses(arg, &v, e->arena);
	for (int i = 0; i < n; i++)
		envelope_add_rcpt(e, v[i], flags);
}

/* Checks a recipient before the message is accepted; false when it fails. */
static bool check_rcpt(struct envelope *e, struct recipient *r, int *exitstat)
{
	struct address a;
	int olderr = Errors;
	if (parseaddr(r->address, &a, RF_ADDDOMAIN, '\0', NULL, true, e->arena) == NULL ||
	    a.state == QS_BADADDR) {
		const char *txt = a.mailer == &ErrorMailer && a.user != NULL ? a.user : "Bad address";
		if (Errors == olderr)
			message("%s... %s", r->address, txt);
		r->status = sm_arena_strdup(e->arena, a.status != NULL ? a.status : "5.1.3");
		r->diag = sm_arena_strdup(e->arena, txt);
		r->flags |= RCPT_BADADDR | RCPT_DONE;
		*exitstat = EX_USAGE_;
		if (a.status != NULL && strncmp(a.status, "5.1.1", 5) == 0)
			*exitstat = EX_NOUSER_;
		return false;
	}
	if (r->final_rcpt == NULL) {
		char *j = macro_expand_id('j');
		const char *u = a.user != NULL ? a.user : r->address;
		char *fr = strchr(r->address, '@') != NULL ? sm_asprintf("RFC822; %s", r->address)
							   : sm_asprintf("RFC822; %s@%s", u, j);
		r->final_rcpt = sm_arena_strdup(e->arena, fr);
		sm_free(fr);
		sm_free(j);
	}
	return true;
}

static char error_mode(void);

/* An alias loop the expansion broke (told bare): not counted as a recipient. */
static bool is_broken_loop(const struct recipient *r)
{
	return (r->flags & (RCPT_BADADDR | RCPT_TOLD_BARE)) == (RCPT_BADADDR | RCPT_TOLD_BARE);
}

/*
 * A recipient that failed in aliasing: told (ErrorMode p) unless the
 * expansion told the user already, logged, the exit status.
 */
static void report_failed(struct envelope *e, struct recipient *r, int *exitstat, bool told)
{
	const char *d = r->diag != NULL ? r->diag : "Bad address";
	/* the text without its reply and status codes */
	if (d[0] >= '2' && d[0] <= '5' && strlen(d) > 4 && d[3] == ' ') {
		d += 4;
		const char *q = d;
		while ((*q >= '0' && *q <= '9') || *q == '.')
			q++;
		if (q > d && *q == ' ')
			d = q + 1;
	}
	bool unknown = r->status != NULL && strcmp(r->status, "5.1.1") == 0;
	r->diag = sm_arena_strdup(e->arena, d);
	d = r->diag;
	if (error_mode() == 'p' && !told)
		message("%s... %s", r->address, d);
	/* an error the expansion reported itself (a loop, an unreadable
	 * :include:) leaves sendmail's usage status, as its usrerr does */
	*exitstat = unknown ? EX_NOUSER_ : told ? EX_USAGE_ : EX_UNAVAILABLE_;
	if (told && !unknown) {
		/*
		 * An error the expansion reported (a broken loop, an unreadable
		 * :include:) is logged as it was told, with no to= line.
		 */
		if (is_broken_loop(r))
			log_line(LOG_NOTICE, e->id, "%s", d);
		else
			log_line(LOG_NOTICE, e->id, "%s... %s", r->address, d);
		r->flags |= RCPT_REPORTED | RCPT_LOGGED;
		return;
	}
	char dl[32];
	log_delay(0, dl, sizeof dl);
	log_line(LOG_NOTICE, e->id, "%s... %s", r->address, d);
	struct address a;
	const char *saved = err_set_address(NULL);
	int olderr = Errors;
	const char *mname = "local";
	if (parseaddr(r->address, &a, RF_ADDDOMAIN, '\0', NULL, false, e->arena) != NULL &&
	    a.mailer != NULL)
		mname = a.mailer->name;
	Errors = olderr;
	err_set_address(saved);
	log_line(LOG_INFO, e->id, "to=%s, delay=%s, mailer=%s, pri=0, dsn=%s, reply=%s %s %s, stat=%s",
		 r->address, dl, mname, r->status ? r->status : "5.0.0", unknown ? "550" : "554",
		 r->status ? r->status : "5.0.0", d, d);
	r->flags |= RCPT_REPORTED | RCPT_LOGGED;
	if (r->final_rcpt == NULL) {
		char *j = macro_expand_id('j');
		char *fr = strchr(r->address, '@') != NULL ? sm_asprintf("RFC822; %s", r->address)
							   : sm_asprintf("RFC822; %s@%s", r->address, j);
		r->final_rcpt = sm_arena_strdup(e->arena, fr);
		sm_free(fr);
		sm_free(j);
	}
}

static char delivery_mode(const struct submit_opts *o)
{
	if (o->verbose)
		return 'i';
	const char *dm = opt_value(OPT_DeliveryMode);
	if (dm == NULL || *dm == '\0')
		return 'b';
	return (char)sm_lower((unsigned char)*dm);
}

static char error_mode(void)
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
static int finish(struct envelope *e, int body_fd, int left, bool queued, bool interactive)
{
	int rc = EX_OK_;
	bool failed = false;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
		if ((r->flags & RCPT_BADADDR) && !(r->flags & RCPT_NOTIFY_NEVER) &&
		    (!(r->flags & RCPT_HAS_NOTIFY) || (r->flags & RCPT_NOTIFY_FAILURE)))
			failed = true;
	char em = error_mode();
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

void submit_cf_warnings(const struct submit_opts *o)
{
	if (o->cf_arg == NULL || getuid() == 0 || !privacy("authwarnings"))
		return;
	struct passwd *pw = getpwuid(getuid());
	char *j = macro_expand_id('j');
	log_line(LOG_INFO, "NOQUEUE", "Authentication-Warning: %s: Processed by %s with -C %s", j,
		 pw != NULL ? pw->pw_name : "unknown", o->cf_arg);
	const char *qd = opt_value(OPT_QueueDirectory);
	if (qd != NULL && *qd != '\0')
		log_line(LOG_INFO, "NOQUEUE", "Authentication-Warning: %s: Processed from queue %s", j,
			 qd);
	sm_free(j);
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

/* A copy of r in e's arena (NULL strings stay NULL). */
static char *adup(struct envelope *e, const char *v)
{
	return v != NULL ? sm_arena_strdup(e->arena, v) : NULL;
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
			c = envelope_new();
			if (queue_new_id(c) != 0) {
				envelope_free(c);
				link = &r->next;
				continue; /* it stays with e */
			}
			c->ctime = e->ctime;
			c->sender = adup(c, r->owner);
			c->sender_full = adup(c, e->sender_full);
			c->envid = adup(c, e->envid);
			c->body_type = adup(c, e->body_type);
			c->qgroup = adup(c, e->qgroup);
			c->dsn_ret = e->dsn_ret;
			c->priority = e->priority;
			c->body_size = e->body_size;
			c->hop_count = e->hop_count;
			c->flags = e->flags;
			for (const struct header *h = e->headers; h != NULL; h = h->next) {
				struct header *ch = envelope_add_header(c, h->name, h->value);
				ch->cond = adup(c, h->cond);
				ch->flags = h->flags;
			}
			for (size_t i = 0; i < e->nmacros; i++)
				envelope_set_macro(c, e->macros[2 * i], e->macros[2 * i + 1]);
			clones = sm_realloc(clones, (n + 2) * sizeof *clones);
			clones[n++] = c;
			clones[n] = NULL;
		}
		struct recipient *cr = envelope_add_rcpt(c, r->address, r->flags);
		cr->orcpt = adup(c, r->orcpt);
		cr->final_rcpt = adup(c, r->final_rcpt);
		cr->ctladdr = adup(c, r->ctladdr);
		cr->status = adup(c, r->status);
		cr->diag = adup(c, r->diag);
		cr->mta = adup(c, r->mta);
		cr->status_time = r->status_time;
		cr->qf_flags = adup(c, r->qf_flags);
		cr->owner = adup(c, r->owner);
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

int submit_run(const struct submit_opts *o, char **rcpts)
{
	struct envelope *e = envelope_new();
	e->ctime = time(NULL);
	struct passwd *pw = getpwuid(getuid());
	char *invoker = sm_strdup(pw != NULL ? pw->pw_name : "unknown");
	int exitstat = EX_OK_;

	/* the envelope sender */
	const char *from = o->from != NULL ? o->from : invoker;
	char *fcopy = sm_strdup(from);
	size_t fl = strlen(fcopy);
	if (fl >= 2 && fcopy[0] == '<' && fcopy[fl - 1] == '>') {
		memmove(fcopy, fcopy + 1, fl - 2);
		fcopy[fl - 2] = '\0';
	}
	if (strlen(fcopy) > 255)
		fcopy[255] = '\0';
	e->sender = sm_arena_strdup(e->arena, fcopy);
	sm_free(fcopy);
	if (e->sender[0] != '\0') {
		struct address a;
		(void)parseaddr(e->sender, &a, RF_SENDERADDR | RF_ADDDOMAIN, '\0', NULL, false, e->arena);
	}
	if (o->fullname != NULL) {
		char *fn = sm_arena_strndup(e->arena, o->fullname, strnlen(o->fullname, 256));
		e->sender_full = headers_quote_fullname(fn, e->arena);
	} else if (strchr(e->sender, '@') == NULL) {
		struct passwd *spw = getpwnam(e->sender);
		char *g = spw != NULL ? gecos_name(spw) : NULL;
		if (g != NULL)
			e->sender_full = headers_quote_fullname(g, e->arena);
		sm_free(g);
	}
	if (o->envid != NULL)
		e->envid = sm_arena_strndup(e->arena, o->envid, strnlen(o->envid, 100));
	if (o->ret != NULL)
		e->dsn_ret = sm_strcasecmp(o->ret, "full") == 0 ? 1 : 2;
	if (o->body_type != NULL) {
		e->body_type = sm_arena_strdup(e->arena, o->body_type);
		for (char *p = e->body_type; *p; p++)
			*p = (char)sm_upper((unsigned char)*p);
	}
	if (o->hop_count >= 0)
		e->hop_count = o->hop_count;
	/* -C from an unprivileged user (logged at start-up): in headers too */
	bool cf_warned = o->cf_arg != NULL && getuid() != 0 && privacy("authwarnings");
	int err = queue_new_id(e);
	if (err != 0) {
		syserr_errno(err, "cannot assign a queue ID");
		sm_free(invoker);
		envelope_free(e);
		return EX_TEMPFAIL_;
	}

	/* the message */
	char **dirs = queue_dirs(NULL);
	struct collect_result cr;
	err = collect(stdin, e, o->ignore_dots, dirs != NULL && dirs[0] != NULL ? dirs[0] : "/tmp",
		      &cr);
	if (err != 0) {
		syserr_errno(err, "collect: cannot write the message");
		sm_free(invoker);
		envelope_free(e);
		return EX_TEMPFAIL_;
	}
	for (struct header *h = e->headers; h != NULL; h = h->next) {
		if (sm_strcasecmp(h->name, "Received") == 0)
			e->hop_count++;
		/* the message's Full-Name: is the full name, even over -F */
		if (sm_strcasecmp(h->name, "Full-Name") == 0) {
			const char *v = h->value;
			while (sm_isspace((unsigned char)*v))
				v++;
			if (*v != '\0')
				e->sender_full = sm_arena_strndup(e->arena, v, strnlen(v, 256));
		}
	}
	headers_normalize(e);

	/* the recipients */
	unsigned rflags = RCPT_PRIMARY | notify_flags(o->notify);
	if (o->read_rcpts) {
		headers_rcpts_from(e);
		/* addresses given as arguments are left out with -t */
		for (struct recipient *r = e->rcpts; r != NULL; r = r->next) {
			r->flags |= rflags;
			for (int i = 0; rcpts[i] != NULL; i++) {
				char **v;
				int n = headers_split_addresses(rcpts[i], &v, e->arena);
				for (int k = 0; k < n; k++)
					if (strcmp(v[k], r->address) == 0)
						r->flags |= RCPT_DONE;
			}
		}
	} else {
		for (int i = 0; rcpts[i] != NULL; i++)
			add_arg_rcpts(e, rcpts[i], rflags);
	}
	headers_remove_bcc(e);
	int nrcpts = 0, nok = 0;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next) {
		if (r->flags & RCPT_DONE)
			continue;
		nrcpts++;
		if (check_rcpt(e, r, &exitstat))
			nok++;
	}
	/* $u of the Received: line: the one recipient given, before aliasing */
	const char *single = NULL;
	for (struct recipient *r = e->rcpts; r != NULL && nrcpts == 1; r = r->next)
		if (!(r->flags & RCPT_DONE) || (r->flags & RCPT_BADADDR))
			single = r->address;
	/* aliases, :include: and .forward files, before the message is queued */
	if (nok > 0) {
		for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
			if (r->flags & RCPT_BADADDR)
				r->flags |= RCPT_REPORTED | RCPT_LOGGED;
		/* what the expansion reports reaches the terminal only in ErrorMode p */
		bool quiet = ErrQuiet;
		ErrQuiet = quiet || error_mode() != 'p';
		(void)deliver_expand(e);
		ErrQuiet = quiet;
		nok = nrcpts = 0;
		for (struct recipient *r = e->rcpts; r != NULL; r = r->next) {
			if ((r->flags & RCPT_BADADDR) && !(r->flags & RCPT_LOGGED))
				report_failed(e, r, &exitstat, (r->flags & RCPT_REPORTED) != 0);
			if (!(r->flags & RCPT_DONE))
				nok++;
			if (!(r->flags & RCPT_DONE) || ((r->flags & RCPT_BADADDR) && !is_broken_loop(r)))
				nrcpts++;
		}
	}
	long maxhop = opt_value(OPT_MaxHopCount) ? atol(opt_value(OPT_MaxHopCount)) : 25;
	if (maxhop <= 0)
		maxhop = 25;
	if (e->hop_count > maxhop) {
		usrerr("554 5.4.6 Too many hops %d (%ld max): from %s via localhost, to %s",
		       e->hop_count, maxhop, e->sender, e->rcpts ? e->rcpts->address : "");
		for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
			if (!(r->flags & RCPT_DONE)) {
				r->flags |= RCPT_BADADDR | RCPT_DONE;
				r->status = sm_arena_strdup(e->arena, "5.4.6");
				r->diag = sm_arena_strdup(e->arena, "Too many hops");
			}
		nok = 0;
		exitstat = EX_UNAVAILABLE_;
	}
	if (nrcpts == 0 && o->read_rcpts) {
		usrerr("No recipient addresses found in header");
	}

	/* the headers sendmail adds: the H lines', then the authentication warnings */
	deliver_set_macros(e);
	macro_set_value(&GlobalMacros, 'u', single);
	headers_add_defaults(e);
	macro_set_value(&GlobalMacros, 'u', NULL);
	if (privacy("authwarnings")) {
		char *j = macro_expand_id('j');
		if (o->from != NULL && !is_trusted(invoker)) {
			char *w = sm_asprintf("%s: %s set sender to %s using -f", j, invoker, o->from);
			log_line(LOG_INFO, e->id, "Authentication-Warning: %s", w);
			char *hv = sm_asprintf(" %s", w);
			headers_add_after_defaults(e, "X-Authentication-Warning", hv);
			sm_free(hv);
			sm_free(w);
		}
		if (cf_warned) {
			const char *qd = opt_value(OPT_QueueDirectory);
			if (qd != NULL && *qd != '\0') {
				char *w = sm_asprintf(" %s: Processed from queue %s", j, qd);
				headers_add_after_defaults(e, "X-Authentication-Warning", w);
				sm_free(w);
			}
			char *w = sm_asprintf(" %s: Processed by %s with -C %s", j, invoker, o->cf_arg);
			headers_add_after_defaults(e, "X-Authentication-Warning", w);
			sm_free(w);
		}
		sm_free(j);
	}
	e->priority = queue_priority(cr.size, nrcpts, queue_precedence_class(e));
	e->body_size = cr.size;
	if (e->sender[0] != '\0') {
		char *j = macro_expand_id('j');
		char *ap = strchr(e->sender, '@') ? sm_strdup(e->sender)
						  : sm_asprintf("%s@%s", e->sender, j);
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
		      cr.size, queue_precedence_class(e), nrcpts);
	if (*midv != '\0')
		sm_buf_printf(&fromline, ", msgid=%s", midv);
	sm_buf_printf(&fromline, ", relay=%s", macro_get('_') ? macro_get('_') : "localhost");

	int rc = exitstat;
	char mode = delivery_mode(o);
	if (nok == 0) {
		/* nothing to deliver: the failures go back to the sender (the
		 * message still counts as received, as in 8.17) */
		log_line(LOG_INFO, e->id, "%s", fromline.data);
		deliver_count_from(e);
		(void)finish(e, cr.body_fd, 0, false, mode != 'b');
		goto done;
	}
	if (cr.too_large) {
		usrerr("552 5.2.3 Message exceeds maximum fixed size (%s)",
		       opt_value(OPT_MaxMessageSize));
		rc = EX_DATAERR_;
		goto done;
	}
	/* MinFreeBlocks: the headers must fit (as 8.17 checks after reading them) */
	struct stat bst;
	long hdrbytes = fstat(cr.body_fd, &bst) == 0 ? cr.size - (long)bst.st_size : cr.size;
	if (!enough_space(e, dirs != NULL ? dirs[0] : NULL, hdrbytes < 0 ? 0 : hdrbytes)) {
		const char *txt = "Insufficient disk space; try again later";
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
	err = e_work ? queue_store(e, cr.body_fd) : 0;
	for (size_t i = 0; err == 0 && clones != NULL && clones[i] != NULL; i++)
		if ((err = queue_store(clones[i], cr.body_fd)) != 0) {
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
	e->body_size = cr.size;
	log_line(LOG_INFO, e->id, "%s", fromline.data);
	for (size_t i = 0; clones != NULL && clones[i] != NULL; i++)
		log_line(LOG_INFO, e->id, "%s: clone: owner=%s", clones[i]->id, clones[i]->sender);
	deliver_count_from(e);
	struct deliver_opts dopt = {.verbose = o->verbose, .invoker = invoker};
	if (mode == 'q' || mode == 'd') {
		dopt.queue_only = true;
		if (e_work)
			(void)deliver_envelope(e, cr.body_fd, &dopt);
		for (size_t i = 0; clones != NULL && clones[i] != NULL; i++)
			(void)deliver_envelope(clones[i], cr.body_fd, &dopt);
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
	}
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
			int left = deliver_envelope(de, cr.body_fd, &copt);
			(void)finish(de, cr.body_fd, left, true, mode != 'b');
			queue_unlock(de);
		}
		for (struct recipient *r = de->rcpts; r != NULL; r = r->next)
			if ((r->flags & RCPT_BADADDR) && r->status != NULL) {
				const char *dsn;
				for (int c = 64; c <= 78; c++) {
					const char *t = deliver_exit_text(c, &dsn);
					if (t != NULL && r->diag != NULL && strcmp(t, r->diag) == 0)
						rc = c;
				}
				if (rc == EX_OK_)
					rc = EX_UNAVAILABLE_;
			}
	}
	if (mode == 'b') {
		free_clones(clones);
		sm_buf_free(&fromline);
		(void)close(cr.body_fd);
		sm_free(invoker);
		envelope_free(e);
		_exit(EX_OK_);
	}
done:
	free_clones(clones);
	sm_buf_free(&fromline);
	(void)close(cr.body_fd);
	sm_free(invoker);
	envelope_free(e);
	if (error_mode() == 'e' || error_mode() == 'w')
		return EX_OK_;
	return rc;
}

int submit_deliver_queued(struct envelope *e, void *arg)
{
	const struct deliver_opts *o = arg;
	int fd = queue_df_open(e);
	if (fd < 0) {
		log_line(LOG_ERR, e->id, "cannot open df file: %s", strerror(errno));
		return 0;
	}
	/* the message size as statistics and DSNs count it: headers and body */
	struct stat st;
	if (fstat(fd, &st) == 0) {
		e->body_size = (long)st.st_size;
		for (const struct header *h = e->headers; h != NULL; h = h->next)
			e->body_size += (long)(strlen(h->name) + strlen(h->value) + 2);
	}
	time_t warn_at, return_at;
	queue_timeouts(e, &warn_at, &return_at);
	time_t now = time(NULL);
	e->last_try = now;
	e->ntries++;
	int left = deliver_envelope(e, fd, o);
	if (left > 0 && return_at <= now) {
		for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
			if ((r->flags & RCPT_QUEUED) && !(r->flags & RCPT_DONE)) {
				r->flags = (r->flags & ~RCPT_QUEUED) | RCPT_BADADDR | RCPT_DONE;
				char *d = sm_asprintf("Cannot send message for %s", "5 days");
				r->diag = sm_arena_strdup(e->arena, d);
				sm_free(d);
				r->status = sm_arena_strdup(e->arena, "4.4.7");
			}
		left = 0;
	} else if (left > 0 && warn_at != 0 && warn_at <= now && !(e->flags & ENV_WARNING_SENT)) {
		if (dsn_send(e, fd, true) == EX_OK_)
			e->flags |= ENV_WARNING_SENT;
	}
	(void)finish(e, fd, left, true, false);
	(void)close(fd);
	return 0;
}
