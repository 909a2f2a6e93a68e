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
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
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
#include "priv.h"
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

char *submit_final_rcpt(const char *addr, size_t len, const char *local)
{
	if (memchr(addr, '@', len) != NULL)
		return sm_asprintf("RFC822; %.*s", (int)len, addr);
	char *j = macro_expand_id('j');
	char *fr = local != NULL ? sm_asprintf("RFC822; %s@%s", local, j)
				 : sm_asprintf("RFC822; %.*s@%s", (int)len, addr, j);
	sm_free(j);
	return fr;
}

char *submit_gecos_name(const struct passwd *pw)
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
	if (priv_caller_uid() == 0)
		return true;
	/* class t (T lines); the TrustedUser option is about file ownership only */
	return conf_trusted_user(user);
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
		char *fr = submit_final_rcpt(r->address, strlen(r->address), a.user);
		r->final_rcpt = sm_arena_strdup(e->arena, fr);
		sm_free(fr);
	}
	return true;
}


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
	if (submit_error_mode() == 'p' && !told)
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
		char *fr = submit_final_rcpt(r->address, strlen(r->address), NULL);
		r->final_rcpt = sm_arena_strdup(e->arena, fr);
		sm_free(fr);
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

void submit_cf_warnings(const struct submit_opts *o)
{
	if (o->cf_arg == NULL || priv_caller_uid() == 0 || !opt_privacy("authwarnings"))
		return;
	struct passwd *pw = getpwuid(priv_caller_uid());
	char *j = macro_expand_id('j');
	log_line(LOG_INFO, "NOQUEUE", "Authentication-Warning: %s: Processed by %s with -C %s", j,
		 pw != NULL ? pw->pw_name : "unknown", o->cf_arg);
	const char *qd = opt_value(OPT_QueueDirectory);
	if (qd != NULL && *qd != '\0')
		log_line(LOG_INFO, "NOQUEUE", "Authentication-Warning: %s: Processed from queue %s", j,
			 qd);
	sm_free(j);
}

int submit_run(const struct submit_opts *o, char **rcpts)
{
	struct envelope *e = envelope_new();
	e->ctime = time(NULL);
	struct passwd *pw = getpwuid(priv_caller_uid());
	char *invoker = sm_strdup(pw != NULL ? pw->pw_name : "unknown");
	int exitstat = EX_OK_;

	/* the envelope sender */
	const char *from = o->from != NULL ? o->from : invoker;
	size_t fl;
	const char *fb = addr_unbracket(from, &fl);
	char *fcopy = sm_strndup(fb, fl);
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
		char *g = spw != NULL ? submit_gecos_name(spw) : NULL;
		if (g != NULL)
			e->sender_full = headers_quote_fullname(g, e->arena);
		sm_free(g);
	}
	if (o->envid != NULL)
		e->envid = sm_arena_strndup(e->arena, o->envid, strnlen(o->envid, 100));
	if (o->ret != NULL) {
		/* kept in the qf as 8.17 keeps it: F letters d, and n for HDRS */
		e->dsn_ret = sm_strcasecmp(o->ret, "full") == 0 ? 1 : 2;
		e->flags |= ENV_RET_PARAM;
		if (e->dsn_ret == 2)
			e->flags |= ENV_NO_BODY_RETURN;
	}
	if (o->body_type != NULL) {
		e->body_type = sm_arena_strdup(e->arena, o->body_type);
		for (char *p = e->body_type; *p; p++)
			*p = (char)sm_upper((unsigned char)*p);
	}
	if (o->hop_count >= 0)
		e->hop_count = o->hop_count;
	/* -C from an unprivileged user (logged at start-up): in headers too */
	bool cf_warned = o->cf_arg != NULL && priv_caller_uid() != 0 && opt_privacy("authwarnings");
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
	/* EightBitMode strict: undeclared 8-bit data fails every recipient (8.17 bounces it) */
	const char *refused = NULL;
	if (nok > 0 && collect_strict_refuses(e, cr.eightbit || cr.header8bit)) {
		refused = "Eight bit data not allowed";
		message("%s", refused);
		for (struct recipient *r = e->rcpts; r != NULL; r = r->next) {
			if (r->flags & RCPT_DONE)
				continue;
			/* the bounce shows it as 8.17's does: once in the transcript, status 5.0.0 */
			r->diag = sm_arena_strdup(e->arena, refused);
			r->smtp_reply = sm_arena_strdup(e->arena, "554 5.6.1 Eight bit data not allowed");
			r->flags |= RCPT_BADADDR | RCPT_DONE | RCPT_REPORTED;
		}
		e->smtp_transcript = sm_arena_strdup(e->arena, "554 5.6.1 Eight bit data not allowed\n");
		nok = 0;
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
		ErrQuiet = quiet || submit_error_mode() != 'p';
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
	char *warn_log = NULL;
	char *warnings[4] = {NULL, NULL, NULL, NULL};
	size_t nwarn = 0;
	if (opt_privacy("authwarnings")) {
		char *j = macro_expand_id('j');
		if (o->from != NULL && !is_trusted(invoker)) {
			warn_log = sm_asprintf("%s: %s set sender to %s using -f", j, invoker, o->from);
			warnings[nwarn++] = sm_asprintf(" %s", warn_log);
		}
		if (cf_warned) {
			const char *qd = opt_value(OPT_QueueDirectory);
			if (qd != NULL && *qd != '\0')
				warnings[nwarn++] = sm_asprintf(" %s: Processed from queue %s", j, qd);
			warnings[nwarn++] =
				sm_asprintf(" %s: Processed by %s with -C %s", j, invoker, o->cf_arg);
		}
		sm_free(j);
	}
	struct submit_accept acc = {
		.cr = &cr,
		.nrcpts = nrcpts,
		.nok = nok,
		.exitstat = exitstat,
		.single = single,
		.invoker = invoker,
		.verbose = o->verbose,
		.mode = delivery_mode(o),
		.auth_warnings = (const char **)warnings,
		.auth_warn_log = warn_log,
		.session_fds = {-1, -1},
		.refused = refused,
	};
	int rc = submit_accept(e, &acc);
	for (size_t i = 0; i < nwarn; i++)
		sm_free(warnings[i]);
	sm_free(warn_log);
	(void)close(cr.body_fd);
	sm_free(invoker);
	envelope_free(e);
	if (submit_error_mode() == 'e' || submit_error_mode() == 'w')
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
	(void)submit_finish_attempt(e, fd, left, true, false);
	(void)close(fd);
	return 0;
}
