/*
 * smtpc_tls.c: STARTTLS in the SMTP client (RFC 3207), as sendmail 8.17
 * does it after EHLO (see smtpc.h, smtpc_tls).
 *
 * Owns: whether STARTTLS is tried (the server offers it, ClientPortOptions
 * has no M=S, the try_tls ruleset does not refuse, the connection is not
 * TLSFallbacktoClear's second try), the command and what its reply
 * means, the tls_clt_features ruleset, the handshake within
 * Timeout.starttls, the TLS layer under the connection's reads and
 * writes (a struct smtpc_layer, so that SASL's layer can go over it),
 * {verify} when STARTTLS was not used or failed (NONE, CLEAR, TEMP,
 * USAGE, PROTOCOL, SOFTWARE, FAILURE), {server_name} and {server_addr},
 * and the tls_server ruleset after it all: its refusal ends the
 * connection with 8.17's texts and host status.  The TLS library work
 * (contexts, handshake, macros of the certificate, log lines) is tls*.c's.
 */
#include "smtpc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "err.h"
#include "hoststat.h"
#include "log.h"
#include "macro.h"
#include "mailer.h"
#include "meta.h"
#include "options.h"
#include "parseaddr.h"
#include "rewrite.h"
#include "timeconv.h"
#include "tls.h"
#include "token.h"

/* What became of STARTTLS; the names are {verify}'s values for a failure. */
enum starttls_rc {
	ST_OK,
	ST_TEMP,     /* a 4xx reply to STARTTLS, or no client context */
	ST_USAGE,    /* 501 */
	ST_NONE,     /* another 5xx */
	ST_PROTOCOL, /* not 220 */
	ST_SOFTWARE, /* the handshake (or its set-up) failed: the connection is lost */
	ST_FAILURE,  /* no reply at all */
	ST_CONFIG,   /* tls_clt_features answered what cannot be used: not tried */
};

static const char *const VerifyWord[] = {
	[ST_TEMP] = "TEMP", [ST_USAGE] = "USAGE", [ST_NONE] = "NONE", [ST_PROTOCOL] = "PROTOCOL",
	[ST_SOFTWARE] = "SOFTWARE", [ST_FAILURE] = "FAILURE", [ST_CONFIG] = "CONFIG",
};

/* --- the layer ------------------------------------------------------- */

struct tls_layer {
	struct smtpc_layer l; /* first: the layer functions get this */
	struct tls_conn *t;
};

/*
 * OpenSSL writes to the socket with write(): a server gone away must be an
 * error, not SIGPIPE (plain text uses MSG_NOSIGNAL for the same).
 */
static void (*pipe_off(void))(int)
{
	return signal(SIGPIPE, SIG_IGN);
}

static void pipe_on(void (*old)(int))
{
	(void)signal(SIGPIPE, old);
}

static long layer_read(struct smtpc_conn *c, struct smtpc_layer *l, void *buf, size_t n,
		       long long deadline)
{
	(void)c;
	/* TLS sits on the socket itself: OpenSSL reads the descriptor */
	return (long)tls_read(((struct tls_layer *)l)->t, buf, n, deadline, NULL);
}

static bool layer_write(struct smtpc_conn *c, struct smtpc_layer *l, const void *buf, size_t n,
			int flags)
{
	(void)flags;
	/* Timeout.datablock bounds a write that makes no progress, as for plain text */
	if (c->write_timeout <= 0)
		c->write_timeout = smtpc_timeout("datablock", 3600);
	void (*old)(int) = pipe_off();
	bool ok = tls_write(((struct tls_layer *)l)->t, buf, n,
			    sm_now_ms() + 1000LL * c->write_timeout) == (ssize_t)n;
	pipe_on(old);
	return ok;
}

static void layer_free(struct smtpc_layer *l)
{
	/* QUIT ended the session; the socket may be closed already: no alert */
	tls_free(((struct tls_layer *)l)->t);
	sm_free(l);
}

static void layer_push(struct smtpc_conn *c, struct tls_conn *t)
{
	struct tls_layer *tl = sm_calloc(1, sizeof *tl);
	tl->l.read = layer_read;
	tl->l.write = layer_write;
	tl->l.free = layer_free;
	tl->t = t;
	smtpc_layer_push(c, &tl->l);
	c->tls_on = true;
	c->ext_ssf = (unsigned)tls_cipher_bits(t);
}

/* --- options and rulesets -------------------------------------------- */

/* Timeout.starttls in seconds (an hour by default, as 8.17). */
static int starttls_timeout(void)
{
	const char *v = opt_timeout("starttls");
	if (v == NULL || *v == '\0')
		return 3600;
	long t = time_convert(v, strlen(v), 'm');
	return t > 0 && t < 86400 * 30 ? (int)t : 3600;
}

/* ClientPortOptions has Modifiers (M=) with S: no STARTTLS as a client. */
static bool client_no_tls(void)
{
	const char *v = opt_value(OPT_ClientPortOptions);
	while (v != NULL && *v) {
		while (*v == ' ' || *v == ',')
			v++;
		size_t n = strcspn(v, ",");
		const char *eq = memchr(v, '=', n);
		if (eq != NULL && (sm_strncasecmp(v, "M=", 2) == 0 || sm_strncasecmp(v, "Modifiers=", 10) == 0))
			for (const char *p = eq + 1; p < v + n; p++)
				if (*p == 'S')
					return true;
		v += n;
	}
	return false;
}

static bool option_true(enum option_id id)
{
	const char *v = opt_value(id);
	return v != NULL && (*v == '\0' || strchr("TtYy", *v) != NULL);
}

/* The text buildaddr tells for an $#error: captured, not shown. */
static char *Told;

static void capture(const char *text, bool is_error)
{
	(void)is_error;
	sm_free(Told);
	Told = sm_strdup(text);
}

/*
 * Runs ruleset on arg as 8.17's client does (its errors not shown, not
 * counted, no exit status); true when it resolved to $#error, *told then
 * the reply it makes (malloc'ed), with the recipients "who... " before a
 * permanent one's text.
 */
static bool rs_refuses(const char *ruleset, const char *arg, const char *who, char **told)
{
	struct sm_arena arena;
	sm_arena_init(&arena, 8192);
	char **v = NULL;
	*told = NULL;
	int st = rewrite_check(ruleset, arg, NULL, &arena, &v);
	bool refused = false;
	if (st == EX_OK_ && v != NULL && v[0] != NULL && meta_token_is(v[0], META_CANONNET) &&
	    v[1] != NULL && sm_strcasecmp(v[1], "error") == 0) {
		/* a temporary refusal names no address (as 8.17's texts) */
		int i = 2;
		while (v[i] != NULL && !meta_token_is(v[i], META_CANONUSER))
			i++;
		const char *txt = v[i] != NULL && v[i + 1] != NULL ? v[i + 1] : "";
		if (*txt == '"')
			txt++;
		struct address a;
		memset(&a, 0, sizeof a);
		const char *saved = err_set_address(txt[0] == '4' ? NULL : who);
		void (*sink)(const char *, bool) = ErrReplySink;
		bool quiet = ErrQuiet;
		int errors = Errors, exitstat = ExitStat;
		ErrReplySink = capture;
		ErrQuiet = false;
		(void)buildaddr(v, &a, 0, &arena);
		ErrReplySink = sink;
		ErrQuiet = quiet;
		Errors = errors;
		ExitStat = exitstat;
		err_set_address(saved);
		*told = Told != NULL ? Told : sm_strdup("553 5.3.0 rejected");
		Told = NULL;
		refused = true;
	}
	sm_arena_free(&arena);
	return refused;
}

/* {server_name} (without the root's dot) and {server_addr} of c. */
static char *define_server_macros(const struct smtpc_conn *c)
{
	char *name = sm_strdup(c->host != NULL ? c->host : "");
	size_t l = strlen(name);
	if (l > 1 && name[l - 1] == '.')
		name[l - 1] = '\0';
	macro_define(macro_id("server_name", 11, true), name);
	macro_define(macro_id("server_addr", 11, true), c->addr != NULL ? c->addr : "");
	return name;
}

/*
 * tls_clt_features on "server_name $| server_addr" (FEATURE(
 * tls_session_features)): parsed into f (pointing into text); *fb gets
 * the session's TLSFallbacktoClear (Flags c/C).  False when the answer
 * cannot be used (logged as 8.17 logs it).
 */
static bool clt_features(const char *name, const char *addr, char *text, size_t size,
			 struct tls_features *f, bool *have, int *fb)
{
	*have = false;
	text[0] = '\0';
	struct sm_arena arena;
	sm_arena_init(&arena, 8192);
	char **v = NULL;
	if (rewrite_check("tls_clt_features", name, addr, &arena, &v) >= 0 && v != NULL) {
		int end = 0;
		while (v[end] != NULL)
			end++;
		tok_cat(v, 0, end, text, size, ' ');
	}
	sm_arena_free(&arena);
	if (strcmp(text, "\"\"") == 0)
		text[0] = '\0';
	if (tls_loglevel() > 9) {
		log_line(LOG_INFO, NULL, "tls_clt_features=%s, relay=%s [%s]", text[0] ? text : "(null)",
			 name, addr);
		if (text[0] == '\0')
			log_line(LOG_INFO, NULL, "tls_clt_features=empty, stat=0, relay=%s [%s]", name, addr);
	}
	if (text[0] == '\0')
		return true;
	const char *bad = NULL;
	const char *err = tls_features_parse(text, f, &bad);
	if (err != NULL) {
		if (tls_loglevel() > 7) {
			if (bad != NULL)
				log_line(LOG_WARNING, NULL, "tls_clt_features=%s, opt=%s, relay=%s [%s]", err, bad,
					 name, addr);
			else
				log_line(LOG_WARNING, NULL, "tls_clt_features=%s, relay=%s [%s]", err, name, addr);
		}
		return false;
	}
	*have = true;
	for (const char *p = f->flags; p != NULL && *p; p++)
		if (*p == 'c')
			*fb = 0;
		else if (*p == 'C')
			*fb = 1;
	return true;
}

/*
 * STARTTLS and the handshake; on success the TLS layer is in place and
 * the macros of the server's certificate are set.  *fb: the session's
 * TLSFallbacktoClear from tls_clt_features (-1: the option's).
 */
static enum starttls_rc starttls(struct smtpc_conn *c, const char *name, int *fb)
{
	int tmo = starttls_timeout();
	/* no usable client context (a key others may read ...): not tried */
	if (!tls_ready(TLS_CLIENT))
		return ST_TEMP;
	/* the features come first: with an unusable answer STARTTLS is not sent */
	char text[2048];
	struct tls_features f;
	bool have = false;
	if (!clt_features(name, c->addr != NULL ? c->addr : "", text, sizeof text, &f, &have, fb))
		return ST_CONFIG;
	if (!smtpc_send(c, "STARTTLS"))
		return ST_FAILURE;
	int code = smtpc_reply(c, tmo);
	if (code >= 400 && code < 500)
		return ST_TEMP;
	if (code == 501)
		return ST_USAGE;
	if (code < 0)
		return ST_FAILURE;
	if (code >= 500)
		return ST_NONE;
	if (code != 220)
		return ST_PROTOCOL;
	if (tls_loglevel() > 13)
		log_line(LOG_INFO, NULL, "STARTTLS=client, start=ok");
	struct tls_conn *t = tls_new(TLS_CLIENT, c->fd, c->wfd, false, have ? &f : NULL,
				     "tls_clt_features", name);
	/* 8.17's relay= for the client lines is the host as tried ("mx.example.com.") */
	void (*old)(int) = pipe_off();
	bool ok = t != NULL && tls_start(t, tmo, c->host);
	pipe_on(old);
	if (!ok)
		return ST_SOFTWARE;
	layer_push(c, t);
	tls_set_macros(t);
	tls_log_conn(t, c->host);
	return ST_OK;
}

/*
 * The hosts tls_server refused (temporarily) in this process: as 8.17's
 * connection cache keeps their status, later messages of the run to the
 * same host are deferred without another connection.
 */
#define REFUSED_MAX 32
static struct {
	char *host;
	char dsn[16];
} Refused[REFUSED_MAX];

static void remember_refused(const char *host, const char *dsn)
{
	int slot = -1;
	for (int i = 0; i < REFUSED_MAX && slot < 0; i++)
		if (Refused[i].host == NULL || sm_strcasecmp(Refused[i].host, host) == 0)
			slot = i;
	if (slot < 0)
		return;
	sm_free(Refused[slot].host);
	Refused[slot].host = sm_strdup(host);
	sm_strlcpy(Refused[slot].dsn, dsn, sizeof Refused[slot].dsn);
}

bool smtpc_tls_refused_here(const char *host, struct smtpc_result *r)
{
	for (int i = 0; i < REFUSED_MAX && Refused[i].host != NULL; i++)
		if (sm_strcasecmp(Refused[i].host, host) == 0) {
			smtpc_result_set(r, EX_TEMPFAIL_, Refused[i].dsn, sm_strdup("Deferred"), NULL);
			return true;
		}
	return false;
}

void smtpc_tls_forget(void)
{
	for (int i = 0; i < REFUSED_MAX; i++) {
		sm_free(Refused[i].host);
		Refused[i].host = NULL;
	}
}

bool smtpc_tls(struct smtpc_conn *c, const struct mailer *m, struct smtpc_result *r)
{
	(void)m;
	if (c->tls_on)
		return true;
	char *name = define_server_macros(c);
	const char *who = c->who;
	enum starttls_rc rc = ST_OK;
	int fb = -1;
	char *told = NULL;
	bool use = (c->ext & SMTPC_STARTTLS) && !c->tls_clear && !client_no_tls();
	if (use && rs_refuses("try_tls", name, who, &told)) {
		log_line(LOG_NOTICE, NULL, "ruleset=try_tls, arg1=%s, relay=%s, reject=%s", name, name,
			 told);
		use = false;
	}
	sm_free(told);
	told = NULL;
	if (use) {
		rc = starttls(c, name, &fb);
		if (rc != ST_OK)
			tls_clear_macros(VerifyWord[rc]);
	} else {
		tls_clear_macros(c->tls_clear ? "CLEAR" : "NONE");
	}
	const char *verify = macro_get(macro_id("verify", 6, true));
	bool refused = rs_refuses("tls_server", verify != NULL ? verify : "", who, &told);
	if (refused)
		log_line(LOG_NOTICE, NULL, "ruleset=tls_server, arg1=%s, relay=%s, reject=%s",
			 verify != NULL ? verify : "", name, told);
	if (refused || rc == ST_SOFTWARE) {
		/* the refusal's text when it is "NNN x.y.z ...", else 8.17's own */
		const char *p = told;
		char dsn[16] = "4.7.0";
		if (p != NULL && strlen(p) > 4 && p[0] >= '2' && p[0] <= '5' && p[3] == ' ')
			smtpc_reply_dsn(p, "", dsn, sizeof dsn);
		if (p == NULL || dsn[0] == '\0') {
			p = "403 4.7.0 server not authenticated.";
			sm_strlcpy(dsn, "4.7.0", sizeof dsn);
		}
		bool temp = p[0] == '4';
		if (rc == ST_SOFTWARE) {
			/* the connection is lost: no QUIT; maybe again in clear */
			bool fallback = fb >= 0 ? fb == 1 : option_true(OPT_TLSFallbacktoClear);
			c->tls_retry = fallback && !c->tls_clear;
		} else {
			if (smtpc_send(c, "QUIT"))
				(void)smtpc_reply(c, smtpc_timeout("quit", 120));
		}
		c->broken = true;
		c->quiet_close = true;
		c->stop = true;
		smtpc_result_set(r, temp ? EX_TEMPFAIL_ : EX_UNAVAILABLE_, dsn,
				 temp ? sm_asprintf("Deferred: %s", p) : sm_strdup(p), NULL);
		hoststat_record(c->host, 0, r->status, dsn, p);
		if (temp && !c->tls_retry)
			remember_refused(c->host, dsn);
		sm_free(told);
		sm_free(name);
		return false;
	}
	sm_free(told);
	sm_free(name);
	if (!c->tls_on)
		return true;
	/* over TLS the server is greeted again; what it offered before is forgotten */
	int code = smtpc_ehlo(c);
	if (code == 250)
		return true;
	if (code >= 500 && !c->lmtp) {
		char *cmd = NULL;
		struct sm_buf b;
		sm_buf_init(&b);
		const char *j = opt_value(OPT_HeloName);
		macro_expand(j != NULL && *j ? j : (macro_get('j') != NULL ? macro_get('j') : "localhost"), &b);
		cmd = sm_asprintf("HELO %s", b.data != NULL ? b.data : "");
		sm_buf_free(&b);
		c->ext = 0;
		code = smtpc_send(c, cmd) ? smtpc_reply(c, smtpc_timeout("helo", 300)) : -1;
		sm_free(cmd);
		if (code == 250)
			return true;
	}
	smtpc_result_set(r, EX_TEMPFAIL_, "4.4.2",
			 code < 0 ? sm_asprintf("Deferred: Connection reset by %s", c->host)
				  : sm_asprintf("Deferred: %s", smtpc_last_line(c)),
			 code < 0 ? NULL : sm_strdup(smtpc_last_line(c)));
	return false;
}

bool smtpc_tls_rcpt(struct smtpc_conn *c, const char *rcpt, struct smtpc_result *r)
{
	char *told = NULL;
	if (!rs_refuses("tls_rcpt", rcpt, NULL, &told))
		return true;
	const char *qid = macro_get('i');
	log_line(LOG_NOTICE, qid, "ruleset=tls_rcpt, arg1=%s, relay=%s, reject=%s", rcpt,
		 c->host != NULL ? c->host : "", told);
	/*
	 * 8.17 gives the recipient no text of the refusal, only the ruleset's
	 * status: deferred (4.2.0), or a data format error (5.5.2), as measured
	 */
	if (told[0] == '4')
		smtpc_result_set(r, EX_TEMPFAIL_, "4.2.0", sm_strdup("Deferred"), NULL);
	else
		smtpc_result_set(r, EX_DATAERR_, "5.5.2", sm_strdup("Data format error"), NULL);
	sm_free(told);
	return false;
}
