/*
 * smtpd.c: one ESMTP session (see smtpd.h, smtpd_int.h): the greeting,
 * the command loop and its limits, HELO/EHLO and the EHLO keyword list,
 * NOOP, RSET, QUIT, VERB, and the replies (HELP, ETRN and the log
 * helpers: smtpd_cmds.c).
 *
 * Owns the session state (struct smtpd) and the error sink through which
 * usrerr()/syserr() text becomes replies while the session runs.  MAIL,
 * RCPT, VRFY, EXPN are smtpd_mail.c's, DATA smtpd_data.c's, the check
 * rulesets smtpd_rs.c's.
 */
#include "smtpd.h"

#include <ctype.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "daemon.h"
#include "err.h"
#include "headers.h"
#include "hostenv.h"
#include "log.h"
#include "macro.h"
#include "options.h"
#include "queue.h"
#include "sasl_layer.h"
#include "sasl_srv.h"
#include "smtpd_int.h"
#include "timeconv.h"

/* the session the error sink writes to (one session per process) */
static struct smtpd *Current;

static void vreply(struct smtpd *s, bool record, const char *fmt, va_list ap)
{
	struct sm_buf b;
	sm_buf_init(&b);
	sm_buf_vprintf(&b, fmt, ap);
	/* no LF inside a reply line (a CR a client sent is echoed as 8.17
	 * does); replies are 7-bit: 8.17 clears the eighth bit */
	for (size_t i = 0; i < b.len; i++) {
		if (b.data[i] == '\n')
			b.data[i] = ' ';
		b.data[i] = (char)((unsigned char)b.data[i] & 0x7f);
	}
	/* the last error's text (no codes) becomes the queued message's status, as in 8.17 */
	if (record && !s->status_off && b.len > 4 && (b.data[0] == '4' || b.data[0] == '5') &&
	    b.data[3] == ' ' && strncmp(b.data, "421", 3) != 0) {
		sm_free(s->last_error);
		s->last_error = sm_strdup(err_skip_codes(b.data));
	}
	sm_buf_puts(&b, "\r\n");
	smtpd_io_put(&s->io, b.data, b.len);
	sm_buf_free(&b);
}

void smtpd_reply(struct smtpd *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreply(s, true, fmt, ap);
	va_end(ap);
}

void smtpd_reply_nostatus(struct smtpd *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreply(s, false, fmt, ap);
	va_end(ap);
}

/* usrerr()/syserr() text during the session: replies (a default code when it has none) */
static void error_sink(const char *text, bool is_error)
{
	struct smtpd *s = Current;
	if (s == NULL)
		return;
	if (!is_error) {
		if (s->verbose)
			smtpd_reply(s, "050 %s", text);
		return;
	}
	bool coded = isdigit((unsigned char)text[0]) && isdigit((unsigned char)text[1]) &&
		     isdigit((unsigned char)text[2]) && text[3] == ' ';
	char *r = coded ? sm_strdup(text) : sm_asprintf("501 5.0.0 %s", text);
	if (coded && !(r[4] >= '2' && r[4] <= '5' && r[5] == '.')) {
		/* a code without an enhanced one: x.0.0 as sendmail adds it */
		char *t = sm_asprintf("%.3s %c.0.0 %s", r, r[0], r + 4);
		sm_free(r);
		r = t;
	}
	smtpd_reply(s, "%s", r);
	sm_free(s->last_told);
	s->last_told = r;
	s->errors_told++;
}

bool smtpd_privacy(const char *word)
{
	return opt_privacy(word);
}

void smtpd_setmacro(const char *name, const char *value)
{
	macro_set_value(&GlobalMacros, macro_id(name, strlen(name), true), value);
}

void smtpd_reset_transaction(struct smtpd *s)
{
	if (s->e != NULL && s->e->sender != NULL && s->e->sender[0] != '\0' && !s->accepted) {
		char proto[128];
		smtpd_log_proto(s, proto, sizeof proto);
		char bt[64] = "";
		if (s->e->body_type != NULL)
			snprintf(bt, sizeof bt, ", bodytype=%s", s->e->body_type);
		log_line(LOG_INFO, s->e->id, "from=%s, size=%ld, class=0, nrcpts=%d%s%s, relay=%s",
			 s->e->sender, s->size_param, s->nrcpts, bt, proto,
			 macro_get('_') != NULL ? macro_get('_') : "localhost");
	}
	s->accepted = false;
	if (s->e != NULL)
		envelope_free(s->e);
	s->e = NULL;
	s->nrcpts = 0;
	s->nrcpt_cmds = 0;
	s->size_param = 0;
	s->discard = false;
	s->no_aliases = false;
	sm_free(s->quarantine);
	s->quarantine = NULL;
	s->single_rcpt = NULL;
	s->nunknown = 0;
	sm_free(s->rkeys);
	s->rkeys = NULL;
	s->nkeys = s->keycap = 0;
	sm_hash_free(&s->rkey_index, NULL);
	sm_hash_init(&s->rkey_index, false);
	smtpd_setmacro("mail_addr", NULL);
	smtpd_setmacro("mail_host", NULL);
	smtpd_setmacro("mail_mailer", NULL);
	smtpd_setmacro("rcpt_addr", NULL);
	smtpd_setmacro("rcpt_host", NULL);
	smtpd_setmacro("rcpt_mailer", NULL);
	smtpd_setmacro("nrcpts", "0");
}

/* Timeout.NAME in seconds, or dflt. */
static int timeout_of(const char *name, int dflt)
{
	const char *v = opt_timeout(name);
	if (v == NULL || *v == '\0')
		return dflt;
	long t = time_convert(v, strlen(v), 'm');
	return t > 0 && t < 86400 * 30 ? (int)t : dflt;
}

/* The greeting: SmtpGreetingMessage with "ESMTP" after its first word. */
static void greet(struct smtpd *s)
{
	char date[64];
	headers_arpadate(time(NULL), date, sizeof date);
	smtpd_setmacro("b", date);
	const char *g = opt_value(OPT_SmtpGreetingMessage);
	struct sm_buf tr, ex;
	sm_buf_init(&tr);
	sm_buf_init(&ex);
	macro_translate(g != NULL ? g : "$j Sendmail $v ready at $b", &tr);
	macro_expand(tr.data != NULL ? tr.data : "", &ex);
	const char *t = ex.data != NULL ? ex.data : "";
	const char *sp = strchr(t, ' ');
	if (sp == NULL)
		smtpd_reply(s, "220 %s ESMTP", t);
	else
		smtpd_reply(s, "220 %.*s ESMTP%s", (int)(sp - t), t, sp);
	sm_buf_free(&tr);
	sm_buf_free(&ex);
}

/*
 * greet_pause: waits the milliseconds its ruleset gives for the client to
 * stay silent; one that talks first is an early talker (true), refused
 * as 8.17 refuses it.
 */
static bool early_talker(struct smtpd *s)
{
	long ms = smtpd_greet_pause(s);
	if (ms <= 0)
		return false;
	/* the seconds of the log line: whole clock seconds passed, as before */
	time_t start = time(NULL);
	if (sm_wait_fd(s->conn->in_fd, POLLIN, sm_now_ms() + ms) != 1)
		return false;
	const char *addr = macro_get(macro_id("client_addr", 11, true));
	const char *name = macro_get(macro_id("client_name", 11, true));
	log_line(LOG_INFO, smtpd_log_id(s),
		 "rejecting commands from %s [%s] due to pre-greeting traffic after %ld seconds",
		 name != NULL ? name : "localhost", addr != NULL ? addr : "0",
		 (long)(time(NULL) - start));
	s->nullserver = "550 5.0.0 Command rejected";
	return true;
}

/* A HELO/EHLO argument sendmail accepts: letters, digits, "-._", or a [literal]. */
static bool valid_helo(const char *h)
{
	if (*h == '[')
		return strchr(h, ']') != NULL && strchr(h, ' ') == NULL;
	/* letters, digits, '-', '.' and '_' (8.17 takes "a_b"; 8-bit bytes
	 * it refuses) */
	for (const char *p = h; *p; p++)
		if (!(isascii((unsigned char)*p) && isalnum((unsigned char)*p)) && *p != '-' &&
		    *p != '.' && *p != '_')
			return false;
	return true;
}

static void cmd_helo(struct smtpd *s, const char *cmd, char *arg, bool esmtp)
{
	if (*arg == '\0') {
		smtpd_reply(s, "501 5.0.0 %s requires domain address", cmd);
		return;
	}
	if (!valid_helo(arg)) {
		smtpd_reply(s, "501 5.0.0 Invalid domain name");
		return;
	}
	/* a client that sends on before the reply does not wait: 8.17 refuses
	 * it (not in a session already refused: its EHLO is answered) */
	if (s->nullserver == NULL && smtpd_io_pending(&s->io)) {
		smtpd_reply(s, "554 5.5.0 SMTP protocol error");
		smtpd_log_traffic(s, cmd);
		s->pipelining_error = true;
		return;
	}
	smtpd_reset_transaction(s);
	s->ret_seen = false;
	sm_free(s->helo);
	s->helo = sm_strdup(arg);
	s->esmtp = esmtp;
	/* as 8.17: ESMTPA after AUTH, but HELO says SMTP even then */
	s->proto = !esmtp ? "SMTP" : saslsrv_authenticated(s) ? "ESMTPA" : "ESMTP";
	saslsrv_forget_param(s);
	smtpd_setmacro("s", s->helo);
	smtpd_setmacro("r", smtpd_protocol(s));
	char *j = macro_expand_id('j');
	char *client = macro_expand_id('_');
	smtpd_reply(s, "250%c%s Hello %s, pleased to meet you", esmtp ? '-' : ' ', j, client);
	sm_free(client);
	sm_free(j);
	if (!esmtp)
		return;
	/* the EHLO keywords, in 8.17's order; a refused session offers none
	 * but ENHANCEDSTATUSCODES */
	char size[40] = "SIZE";
	const char *ms = opt_value(OPT_MaxMessageSize);
	if (ms != NULL && atol(ms) > 0)
		snprintf(size, sizeof size, "SIZE %ld", atol(ms));
	const char *kw[16];
	int n = 0;
	kw[n++] = "ENHANCEDSTATUSCODES";
	if (s->nullserver == NULL) {
		if (!(s->hidden & SRV_NO_PIPELINING))
			kw[n++] = "PIPELINING";
		if (!smtpd_privacy("noexpn") && !(s->hidden & SRV_NO_EXPN))
			kw[n++] = "EXPN";
		if (!smtpd_privacy("noverb") && !(s->hidden & SRV_NO_VERB))
			kw[n++] = "VERB";
		kw[n++] = "8BITMIME";
		kw[n++] = size;
		if (!(s->hidden & SRV_NO_DSN))
			kw[n++] = "DSN";
		if (!smtpd_privacy("noetrn") && !(s->hidden & SRV_NO_ETRN))
			kw[n++] = "ETRN";
		if (saslsrv_ehlo_keyword(s) != NULL)
			kw[n++] = saslsrv_ehlo_keyword(s);
		if (smtpd_tls_offer(s))
			kw[n++] = "STARTTLS";
		kw[n++] = "DELIVERBY";
		kw[n++] = "HELP";
	}
	for (int i = 0; i < n; i++)
		smtpd_reply(s, "250%c%s", i + 1 < n ? '-' : ' ', kw[i]);
}

/* Splits the command word off line: returns it upper-cased in cmd, the arguments after. */
static char *split_command(char *line, char *cmd, size_t size)
{
	char *p = line;
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	size_t n = 0;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r') {
		if (n < size - 1)
			cmd[n++] = (char)sm_upper((unsigned char)*p);
		p++;
	}
	cmd[n] = '\0';
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	/* trailing blanks are no part of an argument */
	size_t l = strlen(p);
	while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\r'))
		p[--l] = '\0';
	return p;
}

/* Counts a bad command; after too many the session ends as 8.17 ends it. */
static void bad_command(struct smtpd *s)
{
	if (++s->nbad >= SMTPD_MAX_BADCMDS) {
		char *j = macro_expand_id('j');
		smtpd_reply(s, "421 4.7.0 %s Too many bad commands; closing connection", j);
		sm_free(j);
		s->quit = true;
	}
}

/* The commands the server knows (others get "500 ... unrecognized"). */
static bool known_command(const char *cmd)
{
	static const char *const known[] = {"MAIL", "RCPT", "DATA", "HELP", "VERB", "ETRN",
					    "VRFY", "EXPN", "STARTTLS", "AUTH", "TURN", "SEND",
					    "SOML", "SAML", NULL};
	for (int i = 0; known[i] != NULL; i++)
		if (strcmp(cmd, known[i]) == 0)
			return true;
	return false;
}

static void command(struct smtpd *s, char *line)
{
	char cmd[16];
	char *arg = split_command(line, cmd, sizeof cmd);
	s->errors_told = 0;
	if (known_command(cmd) || strcmp(cmd, "EHLO") == 0 || strcmp(cmd, "HELO") == 0 ||
	    strcmp(cmd, "NOOP") == 0 || strcmp(cmd, "RSET") == 0)
		for (size_t i = 0; i < sizeof s->last_cmd; i++)
			if ((s->last_cmd[i] = (char)sm_lower((unsigned char)cmd[i])) == '\0')
				break;
	if (strcmp(cmd, "MAIL") == 0 || strcmp(cmd, "EXPN") == 0 || strcmp(cmd, "VRFY") == 0 ||
	    strcmp(cmd, "ETRN") == 0)
		s->did_something = true;
	bool helo = strcmp(cmd, "EHLO") == 0 || strcmp(cmd, "HELO") == 0;
	bool vrfy = strcmp(cmd, "VRFY") == 0 || strcmp(cmd, "EXPN") == 0;
	if ((helo && ++s->nhelo == 3) || (vrfy && ++s->nvrfy == 6)) {
		char *who = macro_expand_id('_');
		log_line(LOG_NOTICE, smtpd_log_id(s), "%s: possible SMTP attack: command=%s, count=%d",
			 who, helo ? "HELO/EHLO" : cmd, helo ? 3 : 6);
		sm_free(who);
	}
	if (s->nullserver != NULL && !helo && strcmp(cmd, "NOOP") != 0 &&
	    strcmp(cmd, "RSET") != 0 && strcmp(cmd, "QUIT") != 0 && known_command(cmd)) {
		/* a refused session: only these commands are served */
		if (s->nbad + 1 >= SMTPD_MAX_BADCMDS)
			bad_command(s);
		else {
			s->nbad++;
			smtpd_reply(s, "%s", s->nullserver);
		}
	} else if (helo) {
		cmd_helo(s, cmd, arg, cmd[0] == 'E');
	} else if (strcmp(cmd, "MAIL") == 0) {
		if (s->pipelining_error)
			smtpd_reply(s, "550 5.0.0 Command rejected");
		else
			smtpd_cmd_mail(s, arg);
	} else if (strcmp(cmd, "RCPT") == 0) {
		if (s->pipelining_error)
			smtpd_reply(s, "550 5.0.0 Command rejected");
		else
			smtpd_cmd_rcpt(s, arg);
	} else if (strcmp(cmd, "DATA") == 0) {
		if (s->pipelining_error)
			smtpd_reply(s, "550 5.0.0 Command rejected");
		else
			smtpd_cmd_data(s);
	} else if (strcmp(cmd, "RSET") == 0) {
		smtpd_reset_transaction(s);
		s->ret_seen = false;
		saslsrv_forget_param(s);
		smtpd_reply(s, "250 2.0.0 Reset state");
	} else if (strcmp(cmd, "NOOP") == 0) {
		smtpd_reply(s, "250 2.0.0 OK");
	} else if (strcmp(cmd, "QUIT") == 0) {
		char *j = macro_expand_id('j');
		smtpd_reply(s, "221 2.0.0 %s closing connection", j);
		sm_free(j);
		s->quit = true;
	} else if (strcmp(cmd, "HELP") == 0) {
		smtpd_cmd_help(s, arg);
	} else if (strcmp(cmd, "VERB") == 0) {
		if (smtpd_privacy("noverb") || (s->hidden & SRV_NO_VERB)) {
			smtpd_reply(s, "502 5.7.0 Verbose unavailable");
		} else {
			s->verbose = true;
			smtpd_reply(s, "250 2.0.0 Verbose mode");
		}
	} else if (strcmp(cmd, "ETRN") == 0) {
		smtpd_cmd_etrn(s, arg);
	} else if (strcmp(cmd, "VRFY") == 0 || strcmp(cmd, "EXPN") == 0) {
		smtpd_cmd_vrfy(s, arg, cmd[0] == 'E');
	} else if (strcmp(cmd, "STARTTLS") == 0) {
		smtpd_cmd_starttls(s, arg);
	} else if (strcmp(cmd, "AUTH") == 0) {
		saslsrv_cmd_auth(s, arg);
	} else if (strcmp(cmd, "TURN") == 0 || strcmp(cmd, "SEND") == 0 ||
		   strcmp(cmd, "SOML") == 0 || strcmp(cmd, "SAML") == 0) {
		smtpd_reply(s, "502 5.5.1 Command not implemented: \"%.*s\"", 200, line);
		bad_command(s);
	} else {
		/* the line as 8.17 shows it: without CRs */
		char *w = line;
		for (char *r = line; *r; r++)
			if (*r != '\r')
				*w++ = *r;
		*w = '\0';
		smtpd_reply(s, "500 5.5.1 Command unrecognized: \"%.*s\"", 200, line);
		bad_command(s);
	}
}

/* The line is an AUTH command (which may be longer than others). */
static bool is_auth(const struct sm_buf *line)
{
	const char *p = line->data != NULL ? line->data : "";
	while (*p == ' ' || *p == '\t')
		p++;
	return sm_strncasecmp(p, "AUTH", 4) == 0 && (p[4] == '\0' || p[4] == ' ' || p[4] == '\t');
}

bool smtpd_la_over(int option)
{
	const char *v = opt_value(option);
	long limit = v != NULL ? atol(v) : 0;
	/* 8.17 compares the load average rounded to an integer */
	return limit > 0 && (long)(load_average() + 0.5) >= limit;
}

int smtpd_session(const struct smtpd_conn *c)
{
	struct smtpd *s = sm_calloc(1, sizeof *s);
	s->conn = c;
	smtpd_io_init(&s->io, c->in_fd, c->out_fd);
	sm_buf_init(&s->line);
	s->timeout_cmd = timeout_of("command", 3600);
	s->timeout_data = timeout_of("datablock", 3600);
	Current = s;
	void (*old_sink)(const char *, bool) = ErrReplySink;
	ErrReplySink = error_sink;

	smtpd_client_macros(s);
	smtpd_setmacro("nrcpts", "0");
	enum smtpd_rs_result conn = RS_OK;
	if (c->daemon_mode)
		conn = smtpd_rscheck(s, "check_relay", macro_get(macro_id("client_name", 11, true)),
				     macro_get(macro_id("client_addr", 11, true)), NULL);
	if (conn != RS_REJECT)
		s->hidden = smtpd_srv_features(s);
	/* PrivacyOptions noreceipts (itself, not through goaway, as 8.17):
	 * no DSN, as srv_features D */
	if (opt_privacy_word("noreceipts"))
		s->hidden |= SRV_NO_DSN;
	if (conn != RS_REJECT)
		s->sasl = saslsrv_session_new(s);
	/* an SMTPS listener (M=s): TLS before a word is said (a check_relay
	 * refusal too goes over it); a failed handshake ends the session
	 * unheard */
	bool smtps_failed = smtpd_tls_smtps(s) && !smtpd_tls_smtps_start(s);
	if (smtps_failed) {
		/* nothing can be said */
		s->io.failed = true;
		s->quit = true;
	} else if (conn != RS_REJECT && c->daemon_mode && early_talker(s)) {
		char *j = macro_expand_id('j');
		smtpd_reply(s, "554 %s ESMTP not accepting messages", j);
		sm_free(j);
	} else if (conn != RS_REJECT) {
		/* without greet_pause, input before the greeting is taken as a
		 * client that does not wait */
		greet(s);
	}
	long ncmds = 0;
	while (!s->quit && conn != RS_REJECT) {
		bool too_long, bare_cr;
		int ending;
		/* DelayLA: at that load average each command after the first
		 * waits a second (as timed against 8.17) */
		if (ncmds++ > 0 && smtpd_la_over(OPT_DelayLA)) {
			smtpd_io_flush(&s->io);
			sleep(1);
		}
		int r = smtpd_io_getdata(&s->io, &s->line, SMTPD_MAX_INPLINE, s->timeout_cmd,
					 &ending, &bare_cr);
		too_long = false;
		if (r > 0 && !is_auth(&s->line) &&
		    (ending == SMTPD_LINE_PART || s->line.len > SMTPD_MAX_CMDLINE)) {
			/* past the command limit: the rest of the line is read and dropped */
			size_t total = s->io.line_bytes;
			while (ending == SMTPD_LINE_PART &&
			       smtpd_io_getdata(&s->io, &s->line, SMTPD_MAX_INPLINE, s->timeout_cmd,
						&ending, &bare_cr) > 0)
				total += s->io.line_bytes;
			s->io.line_bytes = total;
			too_long = true;
		}
		if (r < 0 && s->io.timed_out) {
			char *j = macro_expand_id('j');
			smtpd_reply(s, "421 4.4.1 %s Lost input channel from %s", j,
				    macro_get('_') ? macro_get('_') : "localhost");
			sm_free(j);
			log_line(LOG_NOTICE, NULL, "timeout waiting for input during server cmd read");
			break;
		}
		if (r <= 0) {
			/* the client went away in a transaction: 8.17 logs it, naming the last command */
			if (r == 0 && s->e != NULL && s->e->sender != NULL && !s->accepted) {
				char *who = macro_expand_id('_');
				log_line(LOG_NOTICE, s->e->id,
					 "lost input channel from %s to %s after %s", who,
					 c->daemon_name != NULL ? c->daemon_name : "stdin", s->last_cmd);
				sm_free(who);
			}
			break;
		}
		if (too_long) {
			/* 8.17 takes an over-long command for an attack and hangs up */
			char *j = macro_expand_id('j');
			char *who = macro_expand_id('_');
			smtpd_reply(s, "421 4.7.0 %s Command too long, possible attack %s", j, who);
			log_line(LOG_NOTICE, smtpd_log_id(s), "%s: SMTP violation, input too long: %zu",
				 who, s->io.line_bytes);
			sm_free(who);
			sm_free(j);
			break;
		}
		char empty[1] = "";
		command(s, s->line.data != NULL ? s->line.data : empty);
	}
	smtpd_io_flush(&s->io);
	smtpd_reset_transaction(s);
	if (!s->did_something && conn != RS_REJECT) {
		char *who = macro_expand_id('_');
		log_line(LOG_INFO, smtpd_log_id(s),
			 "%s did not issue MAIL/EXPN/VRFY/ETRN during connection to %s", who,
			 c->daemon_name != NULL ? c->daemon_name : "stdin");
		sm_free(who);
	}
	smtpd_tls_end(s);
	ErrReplySink = old_sink;
	Current = NULL;
	/* the SASL layer (if any) comes off the stream before its connection goes */
	sasl_layer_pop(&s->io);
	saslsrv_session_free(s->sasl);
	sm_free(s->helo);
	sm_free(s->last_error);
	sm_free(s->last_told);
	sm_buf_free(&s->line);
	smtpd_io_free(&s->io);
	sm_free(s);
	return ExitStat;
}
