/*
 * smtpd_tls.c: the server side of STARTTLS (RFC 3207) and of SMTPS
 * listeners (M=s), as sendmail 8.17 does them: whether EHLO offers
 * STARTTLS, the STARTTLS command and its replies, the handshake within
 * Timeout.starttls, the session's byte stream moved onto TLS, the state
 * the client must give again afterwards (HELO/EHLO, the transaction),
 * the TLS macros and log line, the tls_srv_features ruleset before the
 * handshake and the tls_client ruleset after it, whose refusal turns the session into one that answers
 * every command with that refusal.
 *
 * Owns the TLS layer of struct smtpd_io (read_fn/write_fn/pending_fn
 * over the struct tls_conn in io->layer).  The TLS library work is
 * tls*.c's.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "macro.h"
#include "options.h"
#include "rewrite.h"
#include "sasl_srv.h"
#include "smtpd_int.h"
#include "timeconv.h"
#include "tls.h"

/* Timeout.starttls in seconds (8.17's default: an hour). */
static int starttls_timeout(void)
{
	const char *v = opt_timeout("starttls");
	if (v == NULL || *v == '\0')
		return 3600;
	long t = time_convert(v, strlen(v), 'm');
	return t > 0 && t < 86400 * 30 ? (int)t : 3600;
}

/* A letter among the listener's M= flags as ${daemon_flags} shows them ("SS" for S). */
static bool listener_flag(struct smtpd *s, const char *word)
{
	const char *f = s->conn->daemon_mode ? s->conn->daemon_flags : NULL;
	size_t wl = strlen(word);
	while (f != NULL && *f) {
		size_t n = strcspn(f, " ");
		if (n == wl && strncmp(f, word, n) == 0)
			return true;
		f += n;
		while (*f == ' ')
			f++;
	}
	return false;
}

bool smtpd_tls_smtps(struct smtpd *s)
{
	return listener_flag(s, "s");
}

/* STARTTLS may be offered on this connection at all (M=S, srv_features S). */
static bool may_offer(struct smtpd *s)
{
	/* not under a SASL security layer: TLS would have to go beneath it,
	 * and the layer's integrity would be lost on the way */
	return !listener_flag(s, "SS") && !(s->hidden & SRV_NO_STARTTLS) &&
	       !saslsrv_layer_active(s);
}

bool smtpd_tls_offer(struct smtpd *s)
{
	return s->tls == NULL && may_offer(s) && tls_ready(TLS_SERVER);
}

/* --- the smtpd_io layer ------------------------------------------------ */

static ssize_t layer_read(struct smtpd_io *io, void *buf, size_t n, long long deadline)
{
	bool timed_out = false;
	ssize_t r = tls_read(io->layer, buf, n, deadline, &timed_out);
	if (timed_out)
		io->timed_out = true;
	return r;
}

static ssize_t layer_write(struct smtpd_io *io, const void *buf, size_t n)
{
	/* a client that reads nothing for an hour is given up, as a read would be */
	return tls_write(io->layer, buf, n, sm_now_ms() + 3600LL * 1000);
}

static bool layer_pending(struct smtpd_io *io)
{
	if (tls_pending(io->layer))
		return true;
	struct pollfd p = {.fd = io->in_fd, .events = POLLIN};
	return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

/* "name [addr]" of the client, as the tls_srv_features lines name it. */
static char *client_relay(void)
{
	const char *name = macro_get(macro_id("client_name", 11, true));
	const char *addr = macro_get(macro_id("client_addr", 11, true));
	return sm_asprintf("%s [%s]", name != NULL ? name : "localhost", addr != NULL ? addr : "");
}

/*
 * The connection's TLS, before a byte of it is exchanged: the
 * tls_srv_features ruleset on "client_name $| client_addr" may change
 * the cipher list, the SSL options, the certificate.  NULL when its
 * answer cannot be used (logged as 8.17 logs it).
 */
static struct tls_conn *new_tls(struct smtpd *s)
{
	const char *name = macro_get(macro_id("client_name", 11, true));
	const char *addr = macro_get(macro_id("client_addr", 11, true));
	char *relay = client_relay();
	struct sm_arena arena;
	sm_arena_init(&arena, 8192);
	char **v = NULL;
	char text[2048];
	text[0] = '\0';
	if (rewrite_check("tls_srv_features", name != NULL ? name : "localhost", addr != NULL ? addr : "",
			  &arena, &v) >= 0 &&
	    v != NULL) {
		int end = 0;
		while (v[end] != NULL)
			end++;
		tok_cat(v, 0, end, text, sizeof text, ' ');
	}
	sm_arena_free(&arena);
	/* the cf's "no features" answer is an empty quoted string */
	if (strcmp(text, "\"\"") == 0)
		text[0] = '\0';
	if (tls_loglevel() > 9) {
		log_line(LOG_INFO, NULL, "tls_srv_features=%s, relay=%s", text[0] ? text : "(null)",
			 macro_get('_') != NULL ? macro_get('_') : "localhost");
		if (text[0] == '\0')
			log_line(LOG_INFO, NULL, "tls_srv_features=empty, stat=0, relay=%s",
				 macro_get('_') != NULL ? macro_get('_') : "localhost");
	}
	struct tls_features f;
	const char *bad = NULL;
	const char *err = text[0] ? tls_features_parse(text, &f, &bad) : NULL;
	struct tls_conn *t = NULL;
	if (err != NULL) {
		if (tls_loglevel() > 7) {
			if (bad != NULL)
				log_line(LOG_WARNING, NULL, "tls_srv_features=%s, opt=%s, relay=%s", err, bad, relay);
			else
				log_line(LOG_WARNING, NULL, "tls_srv_features=%s, relay=%s", err, relay);
		}
	} else {
		bool request = !tls_srv_option('V') && !(s->hidden & SRV_NO_CERTREQ);
		t = tls_new(TLS_SERVER, s->conn->in_fd, s->conn->out_fd, request, text[0] ? &f : NULL,
			    "tls_srv_features", relay);
	}
	sm_free(relay);
	return t;
}

/*
 * The handshake of t on the session's descriptors; on success the byte
 * stream goes through TLS, input read before it (plain text a client
 * pipelined after STARTTLS) is dropped, as RFC 3207 asks.  False when it
 * failed (logged; the session cannot go on).
 */
static bool start_tls(struct smtpd *s, struct tls_conn *t)
{
	const char *relay = macro_get('_') != NULL ? macro_get('_') : "localhost";
	if (!tls_start(t, starttls_timeout(), relay)) {
		tls_clear_macros("SOFTWARE");
		return false;
	}
	s->tls = t;
	s->io.in_start = s->io.in_end = 0;
	s->io.layer = t;
	s->io.read_fn = layer_read;
	s->io.write_fn = layer_write;
	s->io.pending_fn = layer_pending;
	tls_set_macros(t);
	tls_log_conn(t, relay);
	/* AUTH learns the layer's strength (SSF_EXTERNAL), and the
	 * certificate's subject (AUTH_EXTERNAL, what EXTERNAL authenticates
	 * as) only when the certificate was verified: an unverified one
	 * proves nothing */
	if (s->sasl != NULL) {
		const char *verify = macro_get(macro_id("verify", 6, true));
		const char *subject = macro_get(macro_id("cert_subject", 12, true));
		bool proven = verify != NULL && strcmp(verify, "OK") == 0 && subject != NULL &&
			      *subject != '\0';
		saslsrv_external(s, (unsigned)tls_cipher_bits(t), proven ? subject : NULL);
	}
	return true;
}

/*
 * After the handshake: tls_client on "${verify} $| STARTTLS"; a refusal
 * is not said now (the client is not waiting for a reply) but becomes
 * the answer to every later command, as in 8.17.
 */
static void check_tls_client(struct smtpd *s)
{
	size_t before = s->io.out.len;
	sm_free(s->last_told);
	s->last_told = NULL;
	const char *verify = macro_get(macro_id("verify", 6, true));
	enum smtpd_rs_result r = smtpd_rscheck(s, "tls_client", verify != NULL ? verify : "",
					       "STARTTLS", NULL);
	/* the reply the ruleset's error wrote is taken back */
	if (s->io.out.len > before)
		s->io.out.len = before;
	if (r != RS_REJECT)
		return;
	sm_free(s->refusal);
	s->refusal = sm_strdup(s->last_told != NULL && s->last_told[0] >= '4' && s->last_told[0] <= '5'
				       ? s->last_told
				       : "503 5.7.0 Authentication required.");
	s->nullserver = s->refusal;
}

/* What RFC 3207 says the client must give again: HELO/EHLO and the transaction. */
static void forget_state(struct smtpd *s)
{
	smtpd_reset_transaction(s);
	s->ret_seen = false;
	sm_free(s->helo);
	s->helo = NULL;
	s->esmtp = false;
}

void smtpd_cmd_starttls(struct smtpd *s, const char *arg)
{
	if (*arg != '\0') {
		smtpd_reply(s, "501 5.5.2 Syntax error (no parameters allowed)");
		return;
	}
	if (!may_offer(s)) {
		smtpd_reply(s, "503 5.5.0 TLS not available");
		return;
	}
	if (s->tls != NULL || !tls_ready(TLS_SERVER)) {
		smtpd_reply(s, "454 4.3.3 TLS not available after start");
		return;
	}
	if (s->e != NULL && s->e->sender != NULL) {
		smtpd_reply(s, "503 5.5.0 TLS not permitted during a mail transaction");
		return;
	}
	struct tls_conn *t = new_tls(s);
	if (t == NULL) {
		smtpd_reply(s, "454 4.3.3 TLS currently not available");
		return;
	}
	smtpd_reply(s, "220 2.0.0 Ready to start TLS");
	if (!smtpd_io_flush(&s->io)) {
		tls_free(t);
		s->quit = true;
		return;
	}
	if (!start_tls(s, t)) {
		/* nothing more can be said on this connection */
		s->quit = true;
		s->io.failed = true;
		return;
	}
	forget_state(s);
	check_tls_client(s);
}

bool smtpd_tls_smtps_start(struct smtpd *s)
{
	if (!tls_ready(TLS_SERVER)) {
		/* an SMTPS port without a certificate: nothing can be said */
		if (tls_loglevel() > 5)
			log_line(LOG_WARNING, NULL, "STARTTLS=server, error: SMTPS without TLS, relay=%.100s",
				 macro_get('_') != NULL ? macro_get('_') : "localhost");
		return false;
	}
	struct tls_conn *t = new_tls(s);
	if (t == NULL || !start_tls(s, t))
		return false;
	check_tls_client(s);
	return true;
}

void smtpd_tls_end(struct smtpd *s)
{
	if (s->tls == NULL)
		return;
	smtpd_io_flush(&s->io);
	if (s->io.failed)
		tls_free(s->tls);
	else
		tls_close(s->tls);
	s->tls = NULL;
	/* nothing more goes over the connection */
	s->io.failed = true;
	sm_free(s->refusal);
	s->refusal = NULL;
}
