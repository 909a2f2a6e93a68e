/*
 * smtpc_txn.c: the SMTP dialogue of the client (see smtpc.h).
 *
 * Owns: the greeting and EHLO (LHLO for LMTP, HELO when EHLO is refused
 * with a 5xx), the extensions offered (PIPELINING, 8BITMIME, DSN, SIZE),
 * the "mail loops back to me" check (the server greets with our own
 * name), one transaction (MAIL with SIZE=/BODY=/RET=/ENVID=, the RCPTs
 * with their DSN parameters, pipelined when offered, DATA, the text, the
 * final reply or LMTP's reply per recipient), RSET, and the result each
 * reply gives a recipient with 8.17's texts and DSN codes.
 */
#include "smtpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pwd.h>
#include <syslog.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "macro.h"
#include "mailer.h"
#include "options.h"

/* The EHLO/HELO/LHLO argument: HeloName, else $j. */
static char *helo_name(void)
{
	const char *h = opt_value(OPT_HeloName);
	struct sm_buf b;
	sm_buf_init(&b);
	const char *j = macro_get('j');
	macro_expand(h != NULL && *h != '\0' ? h : (j != NULL ? j : "localhost"), &b);
	return sm_buf_steal(&b);
}

/* The failure a reply code gives a recipient: 8.17's status, DSN code and stat text. */
static void reply_result(struct smtpc_conn *c, int code, struct smtpc_result *r)
{
	const char *line = smtpc_last_line(c);
	char dsn[16];
	if (code < 0) {
		smtpc_result_set(r, EX_TEMPFAIL_, "4.4.2",
				 sm_asprintf("Deferred: Connection reset by %s", c->host), NULL);
		return;
	}
	if (code >= 400 && code < 500) {
		smtpc_reply_dsn(line, code == 450 ? "4.2.0" : "4.0.0", dsn, sizeof dsn);
		smtpc_result_set(r, EX_TEMPFAIL_, dsn, sm_asprintf("Deferred: %s", line),
				 sm_strdup(line));
		return;
	}
	if (code >= 500 && code < 600) {
		const char *d = "5.0.0";
		int st = EX_UNAVAILABLE_;
		switch (code) {
		case 550: d = "5.1.1"; st = EX_NOUSER_; break;
		case 551: d = "5.1.6"; st = EX_NOUSER_; break;
		case 553: d = "5.1.3"; st = EX_NOUSER_; break;
		case 552: d = "5.2.2"; break;
		case 500: d = "5.5.2"; break;
		case 501: d = "5.5.4"; break;
		default: break;
		}
		smtpc_reply_dsn(line, d, dsn, sizeof dsn);
		smtpc_result_set(r, st, dsn,
				 sm_strdup(st == EX_NOUSER_ ? "User unknown" : "Service unavailable"),
				 sm_strdup(line));
		return;
	}
	/* an unexpected 1xx-3xx reply: a protocol error */
	smtpc_result_set(r, EX_PROTOCOL_, "5.5.0", sm_strdup("Remote protocol error"),
			 sm_strdup(line));
}

/* The extensions of an EHLO reply (the keywords of the lines after the first). */
static void read_extensions(struct smtpc_conn *c)
{
	c->ext = SMTPC_EHLO;
	sm_free(c->auth_mechs);
	c->auth_mechs = NULL;
	const char *p = c->lastreply.data != NULL ? strchr(c->lastreply.data, '\n') : NULL;
	while (p != NULL) {
		/* "250-KEYWORD ...": lines too short to hold one are skipped */
		size_t ll = strcspn(p + 1, "\n");
		const char *kw = p + 5;
		size_t kl = ll > 4 ? strcspn(kw, " =\n") : 0;
		if (kl == 10 && sm_strncasecmp(kw, "PIPELINING", kl) == 0)
			c->ext |= SMTPC_PIPELINING;
		else if (kl == 8 && sm_strncasecmp(kw, "8BITMIME", kl) == 0)
			c->ext |= SMTPC_8BITMIME;
		else if (kl == 19 && sm_strncasecmp(kw, "ENHANCEDSTATUSCODES", kl) == 0)
			c->ext |= SMTPC_ENHSC;
		else if (kl == 3 && sm_strncasecmp(kw, "DSN", kl) == 0)
			c->ext |= SMTPC_DSN;
		else if (kl == 8 && sm_strncasecmp(kw, "STARTTLS", kl) == 0)
			c->ext |= SMTPC_STARTTLS;
		else if (kl == 4 && sm_strncasecmp(kw, "SIZE", kl) == 0) {
			c->ext |= SMTPC_SIZE;
			if (kw[4] == ' ')
				c->maxsize = strtol(kw + 5, NULL, 10);
		} else if (kl == 4 && sm_strncasecmp(kw, "AUTH", kl) == 0 &&
			   (kw[4] == ' ' || kw[4] == '=') && c->auth_mechs == NULL) {
			/* "AUTH PLAIN LOGIN" (or the old "AUTH=PLAIN LOGIN"): the first one counts */
			c->ext |= SMTPC_AUTH;
			c->auth_mechs = sm_strndup(kw + 5, ll - 9);
		}
		p = strchr(p + 1, '\n');
	}
}

int smtpc_ehlo(struct smtpc_conn *c)
{
	char *name = helo_name();
	char *cmd = sm_asprintf("%s %s", c->lmtp ? "LHLO" : "EHLO", name);
	bool ok = smtpc_send(c, cmd);
	sm_free(cmd);
	sm_free(name);
	int code = ok ? smtpc_reply(c, smtpc_timeout("helo", 300)) : -1;
	if (code == 250)
		read_extensions(c);
	return code;
}

bool smtpc_hello(struct smtpc_conn *c, const struct mailer *m, struct smtpc_result *r)
{
	(void)m;
	int code = smtpc_reply(c, smtpc_timeout("initial", 300));
	if (code != 220) {
		reply_result(c, code, r);
		return false;
	}
	char *name = helo_name();
	char *cmd = sm_asprintf("%s %s", c->lmtp ? "LHLO" : "EHLO", name);
	bool ok = smtpc_send(c, cmd);
	sm_free(cmd);
	int helo_t = smtpc_timeout("helo", 300);
	code = ok ? smtpc_reply(c, helo_t) : -1;
	c->ext = 0;
	if (code == 250)
		c->ext = SMTPC_EHLO;
	if (code >= 500 && code < 600 && !c->lmtp) {
		cmd = sm_asprintf("HELO %s", name);
		ok = smtpc_send(c, cmd);
		sm_free(cmd);
		code = ok ? smtpc_reply(c, helo_t) : -1;
	}
	if (code != 250) {
		sm_free(name);
		reply_result(c, code, r);
		return false;
	}
	/* the server calls itself by our name: the MX points back to us */
	const char *first = c->lastreply.len > 4 ? c->lastreply.data + 4 : "";
	size_t fl = strcspn(first, " \n");
	if (fl == strlen(name) && sm_strncasecmp(first, name, fl) == 0) {
		/*
		 * 8.17 reports it as a system error (the process exits 70,
		 * EX_SOFTWARE) and says goodbye at once
		 */
		smtpc_syserr(EX_SOFTWARE_, false, "%s config error: mail loops back to me (MX problem?)",
			     c->host);
		smtpc_result_set(r, EX_CONFIG_, "5.3.5", sm_strdup("Local configuration error"), NULL);
		sm_free(name);
		if (smtpc_send(c, "QUIT"))
			(void)smtpc_reply(c, smtpc_timeout("quit", 120));
		c->broken = true;
		c->quiet_close = true;
		return false;
	}
	sm_free(name);
	if (c->ext & SMTPC_EHLO)
		read_extensions(c);
	/* STARTTLS when offered and allowed, and the tls_server ruleset
	 * (smtpc_tls.c); then SMTP AUTH when offered (smtpc_auth.c), over TLS */
	if (!smtpc_tls(c, m, r))
		return false;
	return smtpc_auth(c, r);
}

/* Sets every recipient not told yet to r0's outcome. */
static void all_fail(const struct smtpc_msg *msg, struct smtpc_result *r, const bool *took,
		     const struct smtpc_result *r0)
{
	for (size_t i = 0; i < msg->n; i++)
		if (r[i].text == NULL || (took != NULL && took[i]))
			smtpc_result_set(&r[i], r0->status, r0->dsn,
					 sm_strdup(r0->text != NULL ? r0->text : "Deferred"),
					 r0->reply != NULL ? sm_strdup(r0->reply) : NULL);
}

/* A RCPT reply: taken, or the recipient's own failure told at once. */
static bool rcpt_reply(struct smtpc_conn *c, const struct smtpc_msg *msg, size_t i, int code,
		       struct smtpc_result *r)
{
	if (code == 250 || code == 251)
		return true;
	if (code < 0 || code == 421)
		return false;
	reply_result(c, code, &r[i]);
	if (msg->early != NULL)
		msg->early(msg->arg, i, &r[i]);
	return false;
}

static char *mail_command(const struct smtpc_conn *c, const struct smtpc_msg *msg)
{
	struct sm_buf b;
	sm_buf_init(&b);
	sm_buf_printf(&b, "MAIL From:<%s>", msg->from);
	if ((c->ext & SMTPC_SIZE) && msg->size > 0)
		sm_buf_printf(&b, " SIZE=%ld", msg->size);
	if ((c->ext & SMTPC_8BITMIME) && msg->body != NULL)
		sm_buf_printf(&b, " BODY=%s", msg->body);
	if (c->ext & SMTPC_DSN) {
		/* ENVID= before RET=, as 8.17 writes them */
		if (msg->envid != NULL)
			sm_buf_printf(&b, " ENVID=%s", msg->envid);
		if (msg->ret != NULL)
			sm_buf_printf(&b, " RET=%s", msg->ret);
	}
	if ((c->ext & SMTPC_AUTH) && msg->auth != NULL && *msg->auth != '\0' &&
	    (c->authenticated || !smtpc_auth_param_needs_auth()))
		sm_buf_printf(&b, " AUTH=%s", msg->auth);
	return sm_buf_steal(&b);
}

bool smtpc_transaction(struct smtpc_conn *c, const struct smtpc_msg *msg, struct smtpc_result *r)
{
	size_t n = msg->n;
	for (size_t i = 0; i < n; i++) {
		smtpc_result_clear(&r[i]);
		r[i].status = EX_TEMPFAIL_;
		r[i].dsn[0] = '\0';
		r[i].told = false;
	}
	struct smtpc_result fail = {.status = EX_TEMPFAIL_};
	bool *took = sm_calloc(n > 0 ? n : 1, sizeof *took);
	size_t ntook = 0;
	bool reusable = false;
	int code = 0;
	if ((c->ext & SMTPC_SIZE) && c->maxsize > 0 && msg->size > c->maxsize) {
		smtpc_result_set(&fail, EX_UNAVAILABLE_, "5.2.3",
				 sm_strdup("Message is too large"),
				 sm_asprintf("552 5.2.3 Message is too large; %ld bytes max", c->maxsize));
		all_fail(msg, r, NULL, &fail);
		reusable = true;
		goto out;
	}
	char *mail = mail_command(c, msg);
	bool ok = smtpc_send(c, mail);
	sm_free(mail);
	code = ok ? smtpc_reply(c, smtpc_timeout("mail", 600)) : -1;
	if (code != 250) {
		reply_result(c, code, &fail);
		all_fail(msg, r, NULL, &fail);
		reusable = code > 0 && code != 421;
		goto out;
	}
	bool pipe = (c->ext & SMTPC_PIPELINING) != 0;
	int rcpt_t = smtpc_timeout("rcpt", 3600);
	bool lost = false;
	size_t at = 0; /* the recipient whose reply was the last read */
	bool *asked = sm_calloc(n > 0 ? n : 1, sizeof *asked); /* RCPT sent */
	size_t nasked = 0;
	for (size_t i = 0; i < n && !lost; i++) {
		/* the tls_rcpt ruleset may keep a recipient from this server (smtpc_tls.c) */
		if (!smtpc_tls_rcpt(c, msg->rcpts[i], &r[i])) {
			if (msg->early != NULL)
				msg->early(msg->arg, i, &r[i]);
			continue;
		}
		asked[i] = true;
		nasked++;
		char *cmd = sm_asprintf("RCPT To:<%s>%s", msg->rcpts[i],
					(c->ext & SMTPC_DSN) && msg->rcpt_params != NULL &&
							msg->rcpt_params[i] != NULL
						? msg->rcpt_params[i]
						: "");
		ok = smtpc_send(c, cmd);
		sm_free(cmd);
		if (!ok) {
			lost = true;
		} else if (!pipe) {
			code = smtpc_reply(c, rcpt_t);
			at = i;
			took[i] = rcpt_reply(c, msg, i, code, r);
			ntook += took[i];
			lost = code < 0 || code == 421;
		}
	}
	if (nasked == 0 && !lost) {
		/* no RCPT was sent at all: the transaction is taken back (as 8.17) */
		sm_free(asked);
		reusable = smtpc_rset(c);
		goto out;
	}
	if (pipe && !lost) {
		/* DATA goes with the RCPTs; their replies come in order */
		ok = smtpc_send(c, "DATA");
		for (size_t i = 0; i < n && !lost; i++) {
			if (!asked[i])
				continue;
			code = smtpc_reply(c, rcpt_t);
			at = i;
			took[i] = rcpt_reply(c, msg, i, code, r);
			ntook += took[i];
			lost = code < 0 || code == 421;
		}
	}
	sm_free(asked);
	if (lost && code == 421) {
		/*
		 * The server is closing: QUIT without waiting, and every
		 * recipient deferred with its reply, as 8.17 does: the one it
		 * came for and those not answered yet told at once, those
		 * taken after them.
		 */
		(void)smtpc_send(c, "QUIT");
		c->broken = true;
		for (size_t pass = 0; pass < 3; pass++)
			for (size_t i = 0; i < n; i++) {
				bool answered = i < at || took[i];
				if ((pass == 0) != (i == at) || (pass == 2) != answered || r[i].text != NULL)
					continue;
				reply_result(c, code, &r[i]);
				if (i > at && !took[i])
					sm_strlcpy(r[i].dsn, "4.2.0", sizeof r[i].dsn);
				if (pass < 2 && msg->early != NULL)
					msg->early(msg->arg, i, &r[i]);
			}
		goto out;
	}
	if (lost) {
		reply_result(c, code, &fail);
		all_fail(msg, r, took, &fail);
		goto out;
	}
	if (ntook == 0 && !pipe) {
		reusable = true;
		goto out;
	}
	if (!pipe)
		ok = smtpc_send(c, "DATA");
	code = ok ? smtpc_reply(c, smtpc_timeout("datainit", 300)) : -1;
	if (ntook == 0) {
		/* pipelined DATA without recipients: the server refuses it (or wants a "."). */
		if (code == 354)
			c->broken = true;
		reusable = code > 0 && code != 421 && code != 354;
		goto out;
	}
	if (code != 354) {
		reply_result(c, code, &fail);
		all_fail(msg, r, took, &fail);
		reusable = code > 0 && code != 421;
		goto out;
	}
	if (c->verbose) {
		printf(">>> .\n");
		fflush(stdout);
	}
	if (!smtpc_write_more(c, msg->text, msg->len) || !smtpc_write(c, ".\r\n", 3)) {
		reply_result(c, -1, &fail);
		all_fail(msg, r, took, &fail);
		goto out;
	}
	int final_t = smtpc_timeout("datafinal", 3600);
	reusable = true;
	for (size_t i = 0; i < n; i++) {
		if (!took[i])
			continue;
		/* LMTP: a reply for each recipient taken; SMTP: one for all */
		code = code >= 0 ? smtpc_reply(c, final_t) : -1;
		if (code == 250) {
			char dsn[16];
			const char *line = smtpc_last_line(c);
			smtpc_reply_dsn(line, "2.0.0", dsn, sizeof dsn);
			/* an LMTP server's reply (program, socket or TCP) is not quoted, as 8.17 does */
			/*
			 * the text after the code; from a server that offers
			 * ENHANCEDSTATUSCODES without its enhanced code, as 8.17 has it
			 */
			const char *txt = strlen(line) > 4 ? line + 4 : line;
			size_t dl = strlen(dsn);
			if ((c->ext & SMTPC_ENHSC) && strncmp(txt, dsn, dl) == 0 && txt[dl] == ' ')
				txt += dl + 1;
			smtpc_result_set(&r[i], EX_OK_, dsn,
					 c->lmtp ? sm_strdup("Sent") : sm_asprintf("Sent (%s)", txt), NULL);
		} else {
			reply_result(c, code, &r[i]);
			if (code < 0 || code == 421)
				reusable = false;
			if (!c->lmtp && code >= 500 && code < 600) {
				/*
				 * 8.17 takes the DSN code of a refused message from the
				 * reply code alone (554 5.6.0 gives 5.0.0) and shows the
				 * reply once in the transcript, not per recipient
				 */
				/* the code alone gives the status (a bare code has no x.y.z) */
				sm_strlcpy(r[i].dsn, code == 552 ? "5.2.2" : "5.0.0", sizeof r[i].dsn);
				r[i].shared = true;
			}
		}
		if (!c->lmtp) {
			/* the one reply counts for the rest */
			for (size_t k = i + 1; k < n; k++)
				if (took[k])
				{
					smtpc_result_set(&r[k], r[i].status, r[i].dsn, sm_strdup(r[i].text),
							 r[i].reply != NULL ? sm_strdup(r[i].reply) : NULL);
					r[k].shared = r[i].shared;
				}
			break;
		}
	}
out:
	if (code == 421 || code < 0)
		reusable = false;
	smtpc_result_clear(&fail);
	sm_free(took);
	return reusable && !c->broken;
}

bool smtpc_rset(struct smtpc_conn *c)
{
	if (c->broken || !smtpc_send(c, "RSET"))
		return false;
	return smtpc_reply(c, smtpc_timeout("rset", 300)) == 250;
}
