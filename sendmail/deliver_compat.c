/*
 * deliver_compat.c: the check_compat ruleset, which sendmail 8.17 asks
 * before it hands a recipient to its mailer: "sender $| recipient".  An
 * $#error result is logged with its reply and fails the recipient as
 * 8.17 fails it ("Data format error", 5.5.2, even for a 4xx reply; "User
 * unknown" after an unknown user among the recipients);
 * $#discard drops it with only a log line.  Owns nothing beyond the call.
 */
#include "deliver_int.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "err.h"
#include "log.h"
#include "macro.h"
#include "mailer.h"
#include "options.h"
#include "stats.h"
#include "meta.h"
#include "parseaddr.h"
#include "rewrite.h"

/* The sender as 8.17 gives it to the ruleset ("<>" for the null sender). */
static const char *sender_of(const struct envelope *e)
{
	return e->sender[0] != '\0' ? e->sender : "<>";
}


/* the text buildaddr tells for an $#error: captured, not shown */
static char *Told;

static void capture(const char *text, bool is_error)
{
	(void)is_error;
	sm_free(Told);
	Told = sm_strdup(text);
}

/*
 * Runs check_compat for r: COMPAT_OK, COMPAT_FAILED for $#error (*told:
 * the reply it makes, malloc'ed) or COMPAT_DISCARDED.
 */
static enum compat_verdict verdict_of(struct envelope *e, struct recipient *r,
				      struct sm_arena *arena, char **told)
{
	char **v;
	if (rewrite_check("check_compat", sender_of(e), r->address, arena, &v) != EX_OK_ ||
	    !meta_token_is(v[0], META_CANONNET) || v[1] == NULL)
		return COMPAT_OK;
	if (sm_strcasecmp(v[1], "discard") == 0)
		return COMPAT_DISCARDED;
	if (sm_strcasecmp(v[1], "error") != 0)
		return COMPAT_OK;
	struct address a;
	memset(&a, 0, sizeof a);
	const char *saved = err_set_address(r->address);
	void (*sink)(const char *, bool) = ErrReplySink;
	bool quiet = ErrQuiet;
	int errors = Errors, exitstat = ExitStat;
	ErrReplySink = capture;
	ErrQuiet = false;
	(void)buildaddr(v, &a, 0, arena);
	ErrReplySink = sink;
	ErrQuiet = quiet;
	Errors = errors;
	ExitStat = exitstat;
	err_set_address(saved);
	*told = Told != NULL ? Told : sm_strdup("553 5.3.0 check_compat");
	Told = NULL;
	return COMPAT_FAILED;
}

bool deliver_compat_refuses(struct envelope *e, struct recipient *r)
{
	struct sm_arena arena;
	sm_arena_init(&arena, 8192);
	char *told = NULL;
	enum compat_verdict v = verdict_of(e, r, &arena, &told);
	sm_free(told);
	sm_arena_free(&arena);
	return v != COMPAT_OK;
}

enum compat_verdict deliver_check_compat(struct envelope *e, struct recipient *r,
					 const char *mailer)
{
	struct sm_arena arena;
	sm_arena_init(&arena, 8192);
	char *told = NULL;
	enum compat_verdict verdict = verdict_of(e, r, &arena, &told);
	const char *relay = macro_get('_') != NULL ? macro_get('_') : "localhost";
	if (verdict == COMPAT_DISCARDED) {
		/* dropped without a word to anyone: only the ruleset's line */
		r->flags |= RCPT_DONE;
		log_line(LOG_INFO, e->id, "ruleset=check_compat, arg1=%s, arg2=%s, relay=%s, discard",
			 sender_of(e), r->address, relay);

	} else if (verdict == COMPAT_FAILED) {
		/*
		 * 8.17 logs the reply, then gives the recipient the status its
		 * last failure left, whatever the reply said: "User unknown"
		 * (5.1.1) after an unknown user among the recipients, "Data
		 * format error" (the check's own EX_DATAERR, 5.5.2) after
		 * another failure or for a 5xx reply; a 4xx reply with no
		 * failure before defers the recipient (4.2.0 for a 450).
		 */
		log_line(LOG_NOTICE, e->id, "ruleset=check_compat, arg1=%s, arg2=%s, relay=%s, reject=%s",
			 sender_of(e), r->address, relay, told);
		int st = told[0] == '4' ? EX_TEMPFAIL_ : EX_DATAERR_;
		for (const struct recipient *q = e->rcpts; q != NULL; q = q->next) {
			if (q == r || !(q->flags & RCPT_BADADDR))
				continue;
			st = deliver_exit_of_text(q->diag) == EX_NOUSER_ ? EX_NOUSER_
			     : st == EX_NOUSER_			       ? st
								       : EX_DATAERR_;
		}
		const char *dsn;
		const char *txt = deliver_exit_text(st, &dsn);
		if (st == EX_TEMPFAIL_) {
			deliver_set_status(e, r, strncmp(told, "450", 3) == 0 ? "4.2.0" : "4.0.0", txt,
					   RCPT_QUEUED);
		} else {
			deliver_set_status(e, r, st == EX_NOUSER_ ? dsn : "5.5.2", txt,
					   RCPT_BADADDR | RCPT_DONE);
			/* the DSN shows the reply, then the status (501 5.6.0, or the user's 550 5.1.1) */
			char *tr = st == EX_NOUSER_
					   ? sm_asprintf("%s\n550 %s %s... %s\n", told, dsn, r->address, txt)
					   : sm_asprintf("%s\n501 %s %s\n", told, dsn, txt);
			r->check_transcript = sm_arena_strdup(e->arena, tr);
			sm_free(tr);
			r->check_exit = st;
		}
		/* a message with a refusal counts once as rejected in the StatusFile */
		const struct mailer *m = mailer_find(mailer);
		const char *sf = opt_value(OPT_StatusFile);
		if (!e->compat_counted && m != NULL && sf != NULL && *sf != '\0') {
			e->compat_counted = true;
			(void)stats_record(sf, m->number, false, stats_kbytes(e->body_size),
					   STATS_REJECT);
			(void)stats_connection(sf, STATS_CONN_REJ);
		}
		char code[16];
		snprintf(code, sizeof code, "%d", st);
		deliver_log_to(e, r, NULL, mailer, e->ctime, true, NULL, code, txt);
		if (st == EX_TEMPFAIL_)
			verdict = COMPAT_DEFERRED;
	}
	sm_free(told);
	sm_arena_free(&arena);
	return verdict;
}
