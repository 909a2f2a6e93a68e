/*
 * deliver_remote.c: delivery through the SMTP mailers (P=[IPC]), see
 * deliver_int.h.
 *
 * Owns: one SMTP delivery of a message to the recipients of one host:
 * the envelope parameters (SIZE=, BODY=8BITMIME, RET=, ENVID=, NOTIFY=,
 * ORCPT=), the connection (smtpc_open: MX hosts, cache), the transaction
 * (smtpc_transaction), and what each recipient's outcome becomes: its
 * status (sent, failed with a DSN due, queued again), the -v lines and
 * the "to=" log lines in 8.17's order (a refused RCPT at once with its
 * reply=, the others after the data in one line per outcome, addresses
 * joined by commas).
 */
#include "deliver_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "err.h"
#include "hoststat.h"
#include "macro.h"
#include "options.h"
#include "mailer.h"
#include "smtpc.h"

struct remote_ctx {
	struct envelope *e;
	struct recipient **rs;
	const struct mailer *m;
	const struct deliver_opts *o;
	const char *ctl;
	const char *relay;
	time_t start;
	struct smtpc_conn *c;
	const char *talked_to; /* the host the transcript names last */
	struct sm_buf transcript; /* this delivery's part, into the envelope once at the end */
};

/*
 * The transcript 8.17 puts in a DSN: the host, the command and reply
 * that failed a recipient, and what it meant for the recipient.
 */
static void transcript_add(struct remote_ctx *x, struct recipient *r,
			   const struct smtpc_result *res)
{
	struct smtpc_conn *c = x->c;
	if (c == NULL || res->reply == NULL || res->status == EX_OK_)
		return;
	struct sm_buf *b = &x->transcript;
	if (x->talked_to != c->host) {
		sm_buf_printf(b, "... while talking to %s:\n", c->host);
		x->talked_to = c->host;
	}
	bool first_told = c->cmd_told;
	if (!c->cmd_told) {
		sm_buf_printf(b, ">>> %s\n", c->lastcmd);
		c->cmd_told = true;
	}
	if (res->shared) {
		/* the one reply to the data: once, with no address (as 8.17) */
		if (!first_told)
			sm_buf_printf(b, "<<< %s\n%.3s %s %s\n", res->reply, res->reply, res->dsn,
				      res->text);
	} else {
		sm_buf_printf(b, "<<< %s\n", res->reply);
		if (res->status == EX_TEMPFAIL_)
			sm_buf_printf(b, "%s... %s\n", r->address, res->text);
		else
			sm_buf_printf(b, "%.3s %s %s... %s\n", res->reply, res->dsn, r->address,
				      res->text);
	}
}

/* The recipient's state from its result. */
static int apply_result(struct envelope *e, struct recipient *r, const struct smtpc_result *res,
			const struct mailer *m, const char *relay)
{
	const char *txt = res->text != NULL ? res->text : "Deferred";
	if (res->status == EX_OK_) {
		deliver_set_status(e, r, res->dsn[0] ? res->dsn : "2.0.0", "Sent",
				   RCPT_SENT | RCPT_DONE);
		deliver_count(e, m);
		return 0;
	}
	bool temp = res->status == EX_TEMPFAIL_;
	deliver_set_status(e, r, res->dsn[0] ? res->dsn : (temp ? "4.0.0" : "5.0.0"), txt,
			   temp ? RCPT_QUEUED : RCPT_BADADDR | RCPT_DONE);
	r->smtp_reply = res->reply != NULL ? sm_arena_strdup(e->arena, res->reply) : NULL;
	if (relay != NULL) {
		/*
		 * the host that gave the reply, without its address (a DSN's
		 * Remote-MTA); 8.17 names none for a Unix-domain socket
		 */
		const char *sp = strchr(relay, ' ');
		size_t l = sp != NULL ? (size_t)(sp - relay) : strlen(relay);
		r->mta = sm_arena_strndup(e->arena, relay, smtpc_is_socket_mailer(m) ? 0 : l);
	}
	return temp ? 1 : 0;
}

/* A refused RCPT: told and logged when its reply comes, as 8.17 does. */
static void early_result(void *arg, size_t i, struct smtpc_result *res)
{
	struct remote_ctx *x = arg;
	struct recipient *r = x->rs[i];
	(void)apply_result(x->e, r, res, x->m, x->relay);
	transcript_add(x, r, res);
	/* a permanent failure shows in the transcript only */
	if (x->o->verbose && res->status == EX_TEMPFAIL_)
		message("%s... %s", r->address, res->text);
	deliver_log_to(x->e, r, x->ctl, x->m->name, x->start, true, x->relay, res->reply, res->text);
	res->told = true;
}

/* The DSN parameters of a recipient's RCPT (sent when the server offers DSN). */
static char *rcpt_params(const struct recipient *r)
{
	struct sm_buf b;
	sm_buf_init(&b);
	if (r->flags & RCPT_HAS_NOTIFY) {
		if (r->flags & RCPT_NOTIFY_NEVER) {
			sm_buf_puts(&b, " NOTIFY=NEVER");
		} else {
			const char *sep = " NOTIFY=";
			if (r->flags & RCPT_NOTIFY_SUCCESS) {
				sm_buf_printf(&b, "%sSUCCESS", sep);
				sep = ",";
			}
			if (r->flags & RCPT_NOTIFY_FAILURE) {
				sm_buf_printf(&b, "%sFAILURE", sep);
				sep = ",";
			}
			if (r->flags & RCPT_NOTIFY_DELAY)
				sm_buf_printf(&b, "%sDELAY", sep);
		}
	}
	if (r->orcpt != NULL)
		sm_buf_printf(&b, " ORCPT=%s", r->orcpt);
	return b.len > 0 ? sm_buf_steal(&b) : (sm_buf_free(&b), NULL);
}

/*
 * SIZE=: at submission the size of the message as it was received (8.17's
 * count, in body_size then); in a queue run the df file plus the header
 * lines of the qf, each counted as its length less 3 (8.17's estimate,
 * which is a few bytes more than what is sent); otherwise the message as
 * it is sent, counted with bare line ends.
 */
static long message_size(const struct envelope *e, int body_fd, const struct sm_buf *text)
{
	struct stat st;
	bool have_st = fstat(body_fd, &st) == 0;
	if (e->qf_hdr_size > 0 && have_st)
		return (long)st.st_size + e->qf_hdr_size;
	if (e->body_size > 0 && have_st && (long)st.st_size != e->body_size)
		return e->body_size;
	long n = (long)text->len;
	for (size_t i = 0; i + 1 < text->len; i++)
		if (text->data[i] == '\r' && text->data[i + 1] == '\n')
			n--;
	return n;
}

int deliver_remote(struct envelope *e, struct recipient **rs, const char **users, size_t n,
		   const struct mailer *m, const char *host, int body_fd,
		   const struct deliver_opts *o, const char *g, const char *ctl, time_t start)
{
	struct sm_buf all;
	sm_buf_init(&all);
	for (size_t i = 0; i < n; i++)
		sm_buf_printf(&all, "%s%s", i > 0 ? "," : "", rs[i]->address);
	macro_set_value(&GlobalMacros, 'u', users[0]);
	macro_set_value(&GlobalMacros, 'h', host);
	struct smtpc_result *res = sm_calloc(n, sizeof *res);
	struct smtpc_result cres = {.status = EX_TEMPFAIL_};
	char *relay = NULL;
	struct smtpc_conn *c;
	bool program = m->path != NULL && m->path[0] == '/';
	if (program) {
		/* LMTP through the mailer's program, named by the mailer in logs */
		if (o->verbose)
			message("%s... Connecting to %s...", all.data, m->name);
		relay = sm_strdup(m->name);
		pid_t pid = -1;
		int fd = deliver_spawn(m, users[0], host, rs[0]->ctladdr, &pid);
		c = fd < 0 ? NULL : smtpc_open_program(m, fd, pid, o->verbose, &cres);
		if (fd < 0)
			smtpc_result_set(&cres, EX_TEMPFAIL_, "4.0.0",
					 sm_asprintf("Deferred: %s", strerror(errno)), NULL);
	} else {
		c = smtpc_open(m, host, all.data, o->verbose, e->ntries == 0, o->queue_run, &cres,
			       &relay);
	}
	struct remote_ctx x = {.e = e, .rs = rs, .m = m, .o = o, .ctl = ctl, .relay = relay,
			       .start = start};
	x.c = c;
	sm_buf_init(&x.transcript);
	bool reusable = false;
	if (c != NULL) {
		struct sm_buf text;
		sm_buf_init(&text);
		/* 8-bit parts become 7-bit MIME for a server without 8BITMIME (unless F=8) */
		bool to7 = !(c->ext & SMTPC_8BITMIME) && !mailer_has_flag(m, '8');
		bool has8 = false;
		if (deliver_message_text(e, m, body_fd, to7, &text, &has8) != 0) {
			smtpc_result_set(&cres, EX_TEMPFAIL_, "4.0.0", sm_strdup("Deferred: I/O error"),
					 NULL);
		} else {
			/* BODY=8BITMIME for 8-bit data with EightBitMode mime, or as declared */
			const char *ebm = opt_value(OPT_EightBitMode);
			char mode = ebm != NULL && *ebm != '\0' ? sm_lower((unsigned char)*ebm) : 'p';
			const char *body = NULL;
			if (has8 && (mode == 'm' || e->body_type != NULL))
				body = "8BITMIME";
			else if (e->body_type != NULL)
				body = "7BIT";
			char **params = sm_calloc(n, sizeof *params);
			for (size_t i = 0; i < n; i++)
				params[i] = rcpt_params(rs[i]);
			struct smtpc_msg msg = {
				.from = g,
				.rcpts = users,
				.rcpt_params = (const char *const *)params,
				.n = n,
				.size = message_size(e, body_fd, &text),
				.body = body,
				.ret = e->dsn_ret == 1 ? "FULL" : e->dsn_ret == 2 ? "HDRS" : NULL,
				.envid = e->envid,
				.auth = e->auth_param,
				.text = text.data != NULL ? text.data : "",
				.len = text.len,
				.early = early_result,
				.arg = &x,
			};
			reusable = smtpc_transaction(c, &msg, res);
			for (size_t i = 0; i < n; i++)
				sm_free(params[i]);
			sm_free(params);
		}
		sm_buf_free(&text);
	}
	/*
	 * No transaction: every recipient has the connection's result.  An
	 * LMTP mailer that could not connect gives its reason to the first
	 * recipient only, the others are just "Deferred", each logged on its
	 * own line (as 8.17 does).
	 */
	bool lmtp_apart = c == NULL && cres.status == EX_TEMPFAIL_ && mailer_has_flag(m, 'z');
	for (size_t i = 0; i < n; i++)
		if (c == NULL || cres.text != NULL)
			smtpc_result_set(&res[i], cres.status, cres.dsn,
					 sm_strdup(cres.text != NULL && !(lmtp_apart && i > 0)
							   ? cres.text
							   : "Deferred"),
					 cres.reply != NULL ? sm_strdup(cres.reply) : NULL);
	smtpc_result_clear(&cres);
	int queued = 0;
	for (size_t i = 0; i < n; i++)
		if (!res[i].told) {
			(void)apply_result(e, rs[i], &res[i], m, relay);
			transcript_add(&x, rs[i], &res[i]);
		}
	if (x.transcript.len > 0) {
		/* after what earlier deliveries of the envelope put there */
		struct sm_buf all_t;
		sm_buf_init(&all_t);
		if (e->smtp_transcript != NULL)
			sm_buf_puts(&all_t, e->smtp_transcript);
		sm_buf_put(&all_t, x.transcript.data, x.transcript.len);
		e->smtp_transcript = sm_arena_strdup(e->arena, all_t.data);
		sm_buf_free(&all_t);
	}
	sm_buf_free(&x.transcript);
	for (size_t i = 0; i < n; i++)
		queued += (rs[i]->flags & RCPT_QUEUED) != 0;
	/* the recipients not told yet with the same outcome share one line */
	for (size_t i = 0; i < n; i++) {
		if (res[i].told)
			continue;
		const char *txt = res[i].text != NULL ? res[i].text : "Deferred";
		struct sm_buf who;
		sm_buf_init(&who);
		for (size_t k = i; k < (lmtp_apart ? i + 1 : n); k++) {
			const char *tk = res[k].text != NULL ? res[k].text : "Deferred";
			if (!res[k].told && res[k].status == res[i].status && strcmp(tk, txt) == 0 &&
			    strcmp(res[k].dsn, res[i].dsn) == 0) {
				sm_buf_printf(&who, "%s%s", who.len > 0 ? "," : "", rs[k]->address);
				if (k != i)
					res[k].told = true;
			}
		}
		if (o->verbose && (res[i].status == EX_OK_ || res[i].status == EX_TEMPFAIL_ ||
				   (res[i].reply == NULL && res[i].status != EX_CONFIG_)))
			message("%s... %s", who.data, txt);
		struct recipient joined = *rs[i];
		joined.address = who.data;
		joined.status = rs[i]->status;
		deliver_log_to(e, &joined, ctl, m->name, start, true, relay, res[i].reply, txt);
		res[i].told = true;
		sm_buf_free(&who);
	}
	if (c != NULL && !program) {
		/* the host status: the last reply of the connection */
		const char *last = smtpc_last_line(c);
		int st = c->broken ? EX_TEMPFAIL_ : EX_OK_;
		char dsn[16];
		smtpc_reply_dsn(last, last[0] == '2' ? "2.0.0" : last[0] == '4' ? "4.0.0" : "5.0.0", dsn,
				sizeof dsn);
		hoststat_record(c->host, 0, st, dsn, last[0] != '\0' ? last : NULL);
	}
	if (c != NULL) {
		if (reusable && !program)
			smtpc_release(c);
		else
			smtpc_close(c);
	}
	sm_free(relay);
	for (size_t i = 0; i < n; i++)
		smtpc_result_clear(&res[i]);
	sm_free(res);
	sm_buf_free(&all);
	return queued;
}
