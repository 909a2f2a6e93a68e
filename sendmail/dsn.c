/*
 * dsn.c: bounces and delay warnings as RFC 3464 multipart/report messages,
 * double bounces to the postmaster, and dead.letter (see dsn.h).
 *
 * Owns the text of the notification (the human-readable part, the
 * message/delivery-status fields per recipient, the returned message or
 * its headers) and the envelope that carries it: sender <>, headers built
 * like sendmail's (From: Mail Delivery Subsystem <MAILER-DAEMON>,
 * Auto-Submitted:), delivered at once through deliver.c.
 */
#include "dsn.h"

#include "alias.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "deliver.h"
#include "mailer.h"
#include "err.h"
#include "headers.h"
#include "log.h"
#include "macro.h"
#include "options.h"
#include "priv.h"
#include "queue.h"

static const char *reply_code(const char *status)
{
	if (status == NULL || status[0] == '4')
		return "451";
	/* 5.1.x addresses and 5.2.4 (a list that cannot be expanded) are 550s */
	if (strncmp(status, "5.1.", 4) == 0 || strcmp(status, "5.2.4") == 0)
		return "550";
	return "554";
}

/*
 * The transcript lines of the failed recipients (flags want) that failed
 * while expanding (expanding) or later, in the envelope's order.
 */
static void transcript_lines(struct sm_buf *b, const struct envelope *orig, unsigned want,
			     bool expanding)
{
	for (const struct recipient *r = orig->rcpts; r != NULL; r = r->next) {
		if (!(r->flags & want) || (orig->smtp_transcript != NULL && r->smtp_reply != NULL))
			continue;
		if (((r->flags & RCPT_FAILED_EXPANDING) != 0) != expanding)
			continue;
		if (r->check_transcript != NULL) {
			sm_buf_puts(b, r->check_transcript);
			continue;
		}
		/* a broken alias loop was reported without the address */
		bool noaddr = (r->flags & RCPT_TOLD_BARE) != 0;
		sm_buf_printf(b, "%s %s %s%s%s\n", reply_code(r->status),
			      r->status ? r->status : "5.0.0", noaddr ? "" : r->address,
			      noaddr ? "" : "... ", r->diag ? r->diag : "");
	}
}

/*
 * A failure the alias expansion reported itself as an error (an unreadable
 * :include:, a broken loop): sendmail's bounce gives it no reason line
 * and no Diagnostic-Code.
 */
static bool told_at_expansion(const struct recipient *r)
{
	return (r->flags & RCPT_REPORTED) && !(r->status != NULL && strcmp(r->status, "5.1.1") == 0);
}

/*
 * The reason the "DSN:" log line gives: the error of the first failed
 * recipient as sendmail last reported it ("User unknown" for an unknown
 * user; an unreadable :include: with its address in front).
 */
static const char *dsn_log_reason(const struct envelope *e)
{
	static char buf[512];
	for (const struct recipient *r = e->rcpts; r != NULL; r = r->next) {
		if (!(r->flags & RCPT_BADADDR) || r->diag == NULL)
			continue;
		if (r->status != NULL && strcmp(r->status, "5.1.1") == 0)
			return "User unknown";
		if (strncmp(r->address, ":include:", 9) == 0)
			snprintf(buf, sizeof buf, "%s... %s", r->address, r->diag);
		else
			snprintf(buf, sizeof buf, "%s", r->diag);
		return buf;
	}
	return "User unknown";
}

/* Appends the original message (all or headers only) from body_fd. */
static void append_original(struct sm_buf *b, struct envelope *e, int body_fd, bool headers_only)
{
	struct sm_buf h;
	sm_buf_init(&h);
	deliver_set_macros(e);
	/* the headers as the *file* mailer writes them, Return-Path: with the sender */
	const struct mailer *lm = mailer_find("*file*");
	if (lm == NULL)
		lm = mailer_find("local");
	macro_set_value(&GlobalMacros, 'g', e->sender[0] != '\0' ? e->sender : "MAILER-DAEMON");
	headers_write(e, lm, &h);
	sm_buf_put(b, h.data, h.len);
	sm_buf_free(&h);
	if (headers_only || body_fd < 0)
		return;
	sm_buf_putc(b, '\n');
	if (lseek(body_fd, 0, SEEK_SET) < 0)
		return;
	char buf[8192];
	ssize_t n;
	long total = 0;
	while ((n = read(body_fd, buf, sizeof buf)) > 0 && total < 64L * 1024 * 1024) {
		sm_buf_put(b, buf, (size_t)n);
		total += n;
	}
}

static void write_tmp(int fd, const struct sm_buf *b, int *err)
{
	size_t off = 0;
	while (off < b->len) {
		ssize_t w = write(fd, b->data + off, b->len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			return;
		}
		off += (size_t)w;
	}
}

static int deliver_notice(struct envelope *orig, const char *to, bool delay, int body_fd,
			  int depth);

/*
 * The alias r was expanded from in this process: the nearest recipient
 * before it that was expanded (done, neither sent nor failed); NULL for
 * one given by the sender.
 */
static const struct recipient *parent_of(const struct envelope *e, const struct recipient *r)
{
	if ((r->flags & RCPT_PRIMARY) || !(r->flags & RCPT_ALIAS_DONE))
		return NULL;
	const struct recipient *par = NULL;
	for (const struct recipient *q = e->rcpts; q != NULL && q != r; q = q->next)
		if ((q->flags & RCPT_DONE) && (q->flags & RCPT_ALIAS_DONE) &&
		    !(q->flags & (RCPT_SENT | RCPT_BADADDR)))
			par = q;
	return par;
}

int dsn_send(struct envelope *e, int body_fd, bool delay)
{
	if (e->sender[0] == '\0' || (e->flags & ENV_BOUNCE)) {
		/* a bounce of a bounce goes to the postmaster */
		const char *pm = opt_value(OPT_DoubleBounceAddress);
		return deliver_notice(e, pm != NULL && *pm ? pm : "postmaster", delay, body_fd, 1);
	}
	return deliver_notice(e, e->sender, delay, body_fd, 0);
}

static int deliver_notice(struct envelope *orig, const char *to, bool delay, int body_fd, int depth)
{
	struct envelope *n = envelope_new();
	n->flags |= ENV_BOUNCE;
	n->ctime = time(NULL);
	int rc = queue_new_id(n);
	if (rc != 0) {
		envelope_free(n);
		return EX_TEMPFAIL_;
	}
	char *j = macro_expand_id('j');
	char *boundary = sm_asprintf("%s.%lld/%s", n->id, (long long)n->ctime, j);
	char date[64], arr[64];
	headers_arpadate(n->ctime, date, sizeof date);
	headers_arpadate(orig->ctime, arr, sizeof arr);
	envelope_add_rcpt(n, to, RCPT_PRIMARY);

	/* the body */
	struct sm_buf b;
	sm_buf_init(&b);
	sm_buf_printf(&b, "This is a MIME-encapsulated message\n\n--%s\n\n", boundary);
	const char *from_relay = macro_get('_');
	sm_buf_printf(&b, "The original message was received at %s\nfrom %s\n\n", arr,
		      from_relay != NULL ? from_relay : "localhost");
	if (delay) {
		sm_buf_puts(&b, "   *** ATTENTION ***\n\nYour message could not be delivered yet.\n\n"
				"   ----- The following addresses had transient non-fatal errors -----\n");
	} else {
		sm_buf_puts(&b, "   ----- The following addresses had permanent fatal errors -----\n");
	}
	unsigned want = delay ? RCPT_QUEUED : RCPT_BADADDR;
	for (struct recipient *r = orig->rcpts; r != NULL; r = r->next) {
		if (!(r->flags & want))
			continue;
		if (told_at_expansion(r))
			sm_buf_printf(&b, "%s\n", r->address);
		else if (r->smtp_reply != NULL)
			sm_buf_printf(&b, "%s\n    (reason: %s)\n", r->address, r->smtp_reply);
		else if (r->check_exit != 0)
			sm_buf_printf(&b, "%s\n    (reason: %s)\n", r->address, r->diag ? r->diag : "");
		else
			sm_buf_printf(&b, "%s\n    (reason: %s %s %s)\n", r->address,
				      reply_code(r->status), r->status ? r->status : "5.0.0",
				      r->diag ? r->diag : "");
		const struct recipient *par = parent_of(orig, r);
		/* a broken loop is reported for the address that started it */
		if (r->status != NULL && strcmp(r->status, "5.4.6") == 0)
			par = NULL;
		if (par != NULL)
			sm_buf_printf(&b, "    (expanded from: %s)\n", par->address);
	}
	sm_buf_puts(&b, "\n   ----- Transcript of session follows -----\n");
	/* the SMTP dialogue that failed recipients, as it went */
	if (orig->smtp_transcript != NULL)
		sm_buf_puts(&b, orig->smtp_transcript);
	/* as it went: the failures of the expansion first, then those of deliveries */
	transcript_lines(&b, orig, want, true);
	transcript_lines(&b, orig, want, false);
	sm_buf_printf(&b, "\n--%s\nContent-Type: message/delivery-status\n\n", boundary);
	sm_buf_printf(&b, "Reporting-MTA: dns; %s\n", j);
	if (orig->envid != NULL)
		sm_buf_printf(&b, "Original-Envelope-Id: %s\n", orig->envid);
	sm_buf_printf(&b, "Arrival-Date: %s\n", arr);
	for (struct recipient *r = orig->rcpts; r != NULL; r = r->next) {
		if (!(r->flags & want))
			continue;
		char last[64];
		headers_arpadate(r->status_time ? r->status_time : n->ctime, last, sizeof last);
		if (r->orcpt != NULL)
			sm_buf_printf(&b, "\nOriginal-Recipient: %s", r->orcpt);
		sm_buf_printf(&b, "\nFinal-Recipient: %s\n",
			      r->final_rcpt ? r->final_rcpt : r->address);
		/* PrivacyOptions noactualrecipient (not through goaway, as in 8.17): where an
		 * address ended is not told */
		bool hide_actual = opt_privacy_word("noactualrecipient");
		if (hide_actual) {
			/* nothing */
		} else if (r->smtp_reply != NULL) {
			sm_buf_printf(&b, "X-Actual-Recipient: rfc822; %s\n", r->address);
		} else if (strchr(r->address, '@') == NULL) {
			/* the local address it ended at: lower case, blanks as dots */
			const char *u = r->address;
			if (sm_strncasecmp(u, "error:", 6) == 0)
				u += 6;
			/* an include file keeps its name as it is */
			bool path = sm_strncasecmp(u, ":include:", 9) == 0;
			if (path)
				u += 9;
			sm_buf_puts(&b, "X-Actual-Recipient: rfc822; ");
			for (; *u; u++)
				sm_buf_putc(&b, path ? *u : *u == ' ' ? '.' : sm_lower((unsigned char)*u));
			sm_buf_printf(&b, "@%s\n", j);
		}
		sm_buf_printf(&b, "Action: %s\nStatus: %s\n", delay ? "delayed" : "failed",
			      r->status ? r->status : (delay ? "4.0.0" : "5.0.0"));
		if (r->smtp_reply != NULL && r->mta != NULL) {
			size_t ml = strlen(r->mta);
			if (ml > 1 && r->mta[ml - 1] == '.')
				ml--;
			/* an empty one (a Unix-domain socket) is not named */
			if (ml > 0)
				sm_buf_printf(&b, "Remote-MTA: DNS; %.*s\n", (int)ml, r->mta);
			sm_buf_printf(&b, "Diagnostic-Code: SMTP; %s\n", r->smtp_reply);
		} else if (r->check_exit != 0) {
			sm_buf_printf(&b, "Diagnostic-Code: X-Unix; %d\n", r->check_exit);
		} else if (r->diag != NULL && !told_at_expansion(r))
			sm_buf_printf(&b, "Diagnostic-Code: X-Unix; %s %s %s\n", reply_code(r->status),
				      r->status ? r->status : "5.0.0", r->diag);
		sm_buf_printf(&b, "Last-Attempt-Date: %s\n", last);
	}
	/* PrivacyOptions nobodyreturn (not through goaway, as in 8.17): only the
	 * headers go back, as with RET=HDRS */
	bool hdrs_only = orig->dsn_ret == 2 || opt_privacy_word("nobodyreturn");
	/* an 8-bit original goes back labelled as such, as 8.17 labels it */
	bool eight = !hdrs_only && (orig->flags & ENV_8BIT_BODY);
	sm_buf_printf(&b, "\n--%s\nContent-Type: %s\n%s\n", boundary,
		      hdrs_only ? "text/rfc822-headers" : "message/rfc822",
		      eight ? "Content-Transfer-Encoding: 8bit\n" : "");
	append_original(&b, orig, body_fd, hdrs_only);
	sm_buf_printf(&b, "\n--%s--\n\n", boundary);

	/* the envelope: sender <>, headers as sendmail writes them */
	{
		char *v = sm_asprintf(" %s", to);
		envelope_add_header(n, "To", v);
		sm_free(v);
	}
	envelope_add_header(n, "MIME-Version", " 1.0");
	char *ct = sm_asprintf(" multipart/report; report-type=delivery-status;\n\tboundary=\"%s\"",
			       boundary);
	envelope_add_header(n, "Content-Type", ct);
	sm_free(ct);
	if (eight)
		envelope_add_header(n, "Content-Transfer-Encoding", " 8bit");
	envelope_add_header(n, "Subject", delay ? " Warning: could not send message for past 4 hours"
					       : " Returned mail: see transcript for details");
	envelope_add_header(n, "Auto-Submitted", delay ? " auto-generated (delay)"
							 : " auto-generated (failure)");
	n->sender_full = sm_arena_strdup(n->arena, "Mail Delivery Subsystem");
	/* 8.17 sizes a returned message as the original plus 1024 bytes, or
	 * nothing when only the headers go back, and prioritises it so */
	n->body_size = hdrs_only ? 0 : orig->body_size + 1024;
	n->priority = queue_priority(n->body_size, 1, 0);
	const char *old_ = macro_get('_');
	char *save_ = old_ != NULL ? sm_strdup(old_) : NULL;
	macro_set_value(&GlobalMacros, '_', "localhost");
	macro_set_value(&GlobalMacros, 's', "localhost");
	deliver_set_macros(n);
	char *mdaemon = macro_expand_id('n');
	macro_set_value(&GlobalMacros, 'g', mdaemon);
	macro_set_value(&GlobalMacros, 'u', NULL);
	headers_add_defaults(n);

	int err = 0;
	char *path = sm_strdup("/tmp/smdsnXXXXXX");
	int fd = mkstemp(path);
	if (fd < 0) {
		err = errno;
	} else {
		(void)unlink(path);
		write_tmp(fd, &b, &err);
	}
	sm_free(path);
	rc = EX_OK_;
	if (err != 0) {
		rc = EX_TEMPFAIL_;
	} else {
		log_line(LOG_INFO, orig->id, "%s: %s: %s", n->id, delay ? "DSN: Warning" : "DSN",
			 delay ? "could not send message for past 4 hours" : dsn_log_reason(orig));
		/* the mailers get -f for a bounce when they would for the message */
		struct passwd *me = getpwuid(priv_caller_uid());
		bool fopt = orig->sender[0] != '\0' && (me == NULL || strcmp(orig->sender, me->pw_name) != 0);
		struct deliver_opts o = {.fopt = fopt ? 1 : -1, .verbose = deliver_last_verbose()};
		deliver_count_from(n);
		(void)deliver_envelope(n, fd, &o);
		bool failed = false;
		for (struct recipient *r = n->rcpts; r != NULL; r = r->next)
			if (r->flags & RCPT_BADADDR)
				failed = true;
		if (failed && depth == 0) {
			const char *pm = opt_value(OPT_DoubleBounceAddress);
			rc = deliver_notice(n, pm != NULL && *pm ? pm : "postmaster", false, fd, 1);
		}
	}
	if (fd >= 0)
		(void)close(fd);
	macro_set_value(&GlobalMacros, '_', save_);
	macro_set_value(&GlobalMacros, 's', NULL);
	sm_free(save_);
	sm_free(mdaemon);
	sm_buf_free(&b);
	sm_free(boundary);
	sm_free(j);
	envelope_free(n);
	return rc;
}

int dsn_dead_letter(struct envelope *e, int body_fd, bool print)
{
	/* the sender's home when the sender is a local user */
	struct passwd *pw = e->sender[0] != '\0' && strchr(e->sender, '@') == NULL
				    ? getpwnam(e->sender) : NULL;
	const char *home = pw != NULL ? pw->pw_dir : NULL;
	const char *drop = opt_value(OPT_DeadLetterDrop);
	if (home == NULL && (drop == NULL || *drop == '\0'))
		return EX_CANTCREAT_;
	char *path = home != NULL ? sm_asprintf("%s/dead.letter", home) : sm_strdup(drop);
	int rc = EX_OK_;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0600);
	if (fd < 0) {
		rc = EX_CANTCREAT_;
	} else {
		struct sm_buf b;
		sm_buf_init(&b);
		append_original(&b, e, body_fd, false);
		sm_buf_putc(&b, '\n');
		int err = 0;
		write_tmp(fd, &b, &err);
		if (close(fd) != 0 || err != 0)
			rc = EX_IOERR_;
		sm_buf_free(&b);
		if (rc == EX_OK_ && print)
			message("%s... Saved message in %s", path, path);
	}
	sm_free(path);
	return rc;
}
