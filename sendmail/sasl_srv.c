/*
 * sasl_srv.c: SMTP AUTH on the server side with Cyrus SASL 2 (see
 * sasl_srv.h), as sendmail 8.17 does it.
 *
 * Owns the process's SASL library state (initialised once, application
 * name "Sendmail"), the session's SASL connection (made again after a
 * failed or aborted exchange), the list of mechanisms offered (those of
 * AuthMechanisms the library offers for the connection's security
 * properties, in AuthMechanisms' order), the AUTH dialogue with its
 * replies and log lines, the bad-login throttle, the {auth_type},
 * {auth_authen}, {auth_ssf} and {auth_author} macros and the AUTH=
 * parameter of MAIL with the trust_auth ruleset.
 */
#include "sasl_srv.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <sasl/sasl.h>
#include <sasl/saslutil.h>

#include "log.h"
#include "macro.h"
#include "meta.h"
#include "options.h"
#include "rewrite.h"
#include "rule.h"
#include "sasl_layer.h"
#include "smtpd_int.h"
#include "timeconv.h"

/* the input buffer size 8.17 gives the library (ssp.maxbufsize) */
#define SASL_MAXBUF 8192
/* AUTH commands before the throttle: from the 12th on each one waits,
 * 1 s, then twice as long each time, at most AUTH_MAX_DELAY */
#define AUTH_THROTTLE 12
#define AUTH_MAX_DELAY 60
/* default AuthMechanisms (8.17's) */
#define AUTH_DEFAULT_MECHS "EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5"

struct saslsrv {
	/* AUTH is not offered (srv_features A, M=A, no usable library):
	 * 503 to AUTH; AUTH= of MAIL is still handled, as in 8.17 */
	bool off;
	sasl_conn_t *conn;
	char *mechs;              /* offered mechanisms, blank-separated ("" for none) */
	char *ehlo;               /* "AUTH " mechs */
	char local[INET6_ADDRSTRLEN + 8];  /* "addr;port", "" when unknown */
	char remote[INET6_ADDRSTRLEN + 8];
	unsigned ext_ssf;         /* the external layer's (TLS) strength */
	bool layer;               /* a SASL security layer is on the stream */
	char *ext_authid;         /* and the identity it proves */
	bool seclayer_required;   /* srv_features c: as AuthOptions p */
	bool auth_required;       /* srv_features l, DaemonPortOptions M=a */
	bool authenticated;
	int nauth;                /* AUTH commands so far */
	bool param_seen;          /* MAIL gave AUTH= (see saslsrv_mail_param) */
	int delay;                /* the throttle's next wait, seconds */
};

/* 0: not tried, 1: usable, -1: the library would not start */
static int LibState;

/* The library's own messages: 8.17 keeps them out of the log at its usual levels. */
static int log_cb(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)level;
	(void)msg;
	return SASL_OK;
}

/* Any authentication id may ask for any authorization id: whether the
 * AUTH= parameter is believed is trust_auth's question (at MAIL). */
static int proxy_cb(sasl_conn_t *conn, void *ctx, const char *requested, unsigned rlen,
		    const char *authid, unsigned alen, const char *realm, unsigned urlen,
		    struct propctx *props)
{
	(void)ctx;
	(void)requested;
	(void)rlen;
	(void)alen;
	(void)realm;
	(void)urlen;
	(void)props;
	return conn != NULL && authid != NULL ? SASL_OK : SASL_FAIL;
}

static sasl_callback_t Callbacks[] = {
	{SASL_CB_LOG, (int (*)(void))(void (*)(void))log_cb, NULL},
	{SASL_CB_PROXY_POLICY, (int (*)(void))(void (*)(void))proxy_cb, NULL},
	{SASL_CB_LIST_END, NULL, NULL},
};

bool saslsrv_process_init(void)
{
	if (LibState == 0) {
		int r = sasl_server_init(Callbacks, "Sendmail");
		LibState = r == SASL_OK ? 1 : -1;
		if (r != SASL_OK)
			log_line(LOG_WARNING, NULL, "AUTH warning: sasl_server_init failed=%d", r);
	}
	return LibState > 0;
}

/* "addr;port" for the library, "" when the address is not an IP one. */
static void ipport(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t size)
{
	buf[0] = '\0';
	char a[INET6_ADDRSTRLEN];
	if (len == 0)
		return;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		if (inet_ntop(AF_INET, &in->sin_addr, a, sizeof a) != NULL)
			snprintf(buf, size, "%s;%u", a, ntohs(in->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		if (inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a) != NULL)
			snprintf(buf, size, "%s;%u", a, ntohs(in6->sin6_port));
	}
}

/* AuthOptions' server letters as SASL_SEC_* flags (A and unknown letters: none). */
static unsigned sec_flags(const char *opts)
{
	unsigned f = 0;
	for (const char *p = opts != NULL ? opts : ""; *p; p++) {
		switch (*p) {
		case 'a': f |= SASL_SEC_NOACTIVE; break;
		case 'c': f |= SASL_SEC_PASS_CREDENTIALS; break;
		case 'd': f |= SASL_SEC_NODICTIONARY; break;
		case 'f': f |= SASL_SEC_FORWARD_SECRECY; break;
		case 'm': f |= SASL_SEC_MUTUAL_AUTH; break;
		case 'p': f |= SASL_SEC_NOPLAINTEXT; break;
		case 'y': f |= SASL_SEC_NOANONYMOUS; break;
		default: break;
		}
	}
	return f;
}

static bool set_props(struct saslsrv *a);

/* A new SASL connection with the session's addresses and properties. */
static bool new_conn(struct saslsrv *a)
{
	if (a->conn != NULL)
		sasl_dispose(&a->conn);
	/* the server's name is the realm (AuthRealm, else $j); no user realm,
	 * so the library names users without "@realm", as 8.17 gets them */
	const char *realm = opt_value(OPT_AuthRealm);
	char *j = realm != NULL && *realm != '\0' ? sm_strdup(realm) : macro_expand_id('j');
	int r = sasl_server_new("smtp", j, NULL, a->local[0] != '\0' ? a->local : NULL,
				a->remote[0] != '\0' ? a->remote : NULL, NULL, 0, &a->conn);
	sm_free(j);
	if (r != SASL_OK) {
		a->conn = NULL;
		return false;
	}
	/* a connection without all its properties (AuthOptions p and y
	 * among them) must not be used: it goes */
	if (!set_props(a)) {
		sasl_dispose(&a->conn);
		a->conn = NULL;
		return false;
	}
	return true;
}

/* The security properties and the external layer of a->conn. */
static bool set_props(struct saslsrv *a)
{
	sasl_security_properties_t ssp;
	memset(&ssp, 0, sizeof ssp);
	const char *mb = opt_value(OPT_AuthMaxBits);
	long maxbits = mb != NULL && *mb != '\0' ? atol(mb) : INT_MAX;
	ssp.max_ssf = maxbits >= 0 ? (sasl_ssf_t)maxbits : 0;
	ssp.maxbufsize = SASL_MAXBUF;
	ssp.security_flags = sec_flags(opt_value(OPT_AuthOptions));
	if (a->seclayer_required)
		ssp.security_flags |= SASL_SEC_NOPLAINTEXT;
	if (sasl_setprop(a->conn, SASL_SEC_PROPS, &ssp) != SASL_OK)
		return false;
	if (a->ext_ssf > 0) {
		sasl_ssf_t ext = a->ext_ssf;
		if (sasl_setprop(a->conn, SASL_SSF_EXTERNAL, &ext) != SASL_OK)
			return false;
		if (a->ext_authid != NULL &&
		    sasl_setprop(a->conn, SASL_AUTH_EXTERNAL, a->ext_authid) != SASL_OK)
			return false;
	}
	return true;
}

/* word (of length n) is one of the blank-separated words of list, case ignored */
static bool in_list(const char *list, const char *word, size_t n)
{
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t l = strcspn(p, " \t,");
		if (l == n && l > 0 && sm_strncasecmp(p, word, n) == 0)
			return true;
		p += l;
	}
	return false;
}

/*
 * The offered list: AuthMechanisms in its order, keeping what the
 * library lists for the connection now.
 */
static void make_mechs(struct saslsrv *a)
{
	sm_free(a->mechs);
	sm_free(a->ehlo);
	a->mechs = NULL;
	a->ehlo = NULL;
	const char *lib = NULL;
	unsigned len = 0;
	int count = 0;
	if (a->conn == NULL ||
	    sasl_listmech(a->conn, NULL, "", " ", "", &lib, &len, &count) != SASL_OK || lib == NULL)
		lib = "";
	const char *want = opt_value(OPT_AuthMechanisms);
	if (want == NULL)
		want = AUTH_DEFAULT_MECHS;
	/* what AuthMechanisms names only, as 8.17 intersects the two: an
	 * EXTERNAL it does not name is not offered after STARTTLS either */
	char *wanted = sm_strdup(want);
	struct sm_buf b;
	sm_buf_init(&b);
	for (const char *p = wanted; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t l = strcspn(p, " \t,");
		if (l > 0 && in_list(lib, p, l) && !in_list(b.data != NULL ? b.data : "", p, l)) {
			if (b.len > 0)
				sm_buf_putc(&b, ' ');
			for (size_t i = 0; i < l; i++)
				sm_buf_putc(&b, (char)sm_upper((unsigned char)p[i]));
		}
		p += l;
	}
	sm_free(wanted);
	a->mechs = sm_strdup(b.data != NULL ? b.data : "");
	if (b.len > 0)
		a->ehlo = sm_asprintf("AUTH %s", a->mechs);
	sm_buf_free(&b);
}

/* the letter (or doubled upper-case letter) among ${daemon_flags}' words */
static bool daemon_flag(const struct smtpd *s, const char *word)
{
	const char *f = s->conn->daemon_flags;
	return f != NULL && in_list(f, word, strlen(word));
}

struct saslsrv *saslsrv_session_new(struct smtpd *s)
{
	struct saslsrv *a = sm_calloc(1, sizeof *a);
	a->delay = 1;
	a->off = (s->hidden & SRV_NO_AUTH) || daemon_flag(s, "AA") || !saslsrv_process_init();
	if (a->off)
		return a;
	ipport(&s->conn->local, s->conn->local_len, a->local, sizeof a->local);
	ipport(&s->conn->peer, s->conn->peer_len, a->remote, sizeof a->remote);
	a->seclayer_required = (s->hidden & SRV_SECLAYER) != 0;
	a->auth_required = (s->hidden & SRV_REQUIRE_AUTH) != 0 || daemon_flag(s, "a");
	if (!new_conn(a)) {
		if (a->conn != NULL)
			sasl_dispose(&a->conn);
		a->off = true;
		return a;
	}
	make_mechs(a);
	return a;
}

void saslsrv_session_free(struct saslsrv *a)
{
	if (a == NULL)
		return;
	if (a->conn != NULL)
		sasl_dispose(&a->conn);
	sm_free(a->mechs);
	sm_free(a->ehlo);
	sm_free(a->ext_authid);
	sm_free(a);
}

bool saslsrv_layer_active(const struct smtpd *s)
{
	return s->sasl != NULL && s->sasl->layer;
}

void saslsrv_external(struct smtpd *s, unsigned ssf, const char *authid)
{
	struct saslsrv *a = s->sasl;
	if (a == NULL || a->off || a->authenticated)
		return;
	a->ext_ssf = ssf;
	sm_free(a->ext_authid);
	a->ext_authid = authid != NULL ? sm_strdup(authid) : NULL;
	(void)new_conn(a);
	make_mechs(a);
}

const char *saslsrv_ehlo_keyword(struct smtpd *s)
{
	return s->sasl != NULL ? s->sasl->ehlo : NULL;
}

bool saslsrv_authenticated(const struct smtpd *s)
{
	return s->sasl != NULL && s->sasl->authenticated;
}

bool saslsrv_mail_refused(struct smtpd *s)
{
	if (s->sasl == NULL || !s->sasl->auth_required || s->sasl->authenticated)
		return false;
	smtpd_reply(s, "530 5.7.0 Authentication required");
	return true;
}

/*
 * text with the characters 8.17 encodes in the {auth_*} macros as +HH:
 * outside printable ASCII, '+', '=', and the ones the cf's rulesets would
 * take for syntax.
 */
static char *xtextify(const char *text)
{
	struct sm_buf b;
	sm_buf_init(&b);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f || strchr("+=<>\"()\\", *p) != NULL)
			sm_buf_printf(&b, "+%02X", *p);
		else
			sm_buf_putc(&b, (char)*p);
	}
	char *r = sm_strdup(b.data != NULL ? b.data : "");
	sm_buf_free(&b);
	return r;
}

/* xtext: printable ASCII but '+' and '=', and "+HH" (8.17 takes lower-case hex here) */
static bool valid_xtext(const char *p)
{
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '+') {
			for (int i = 1; i <= 2; i++)
				if (!isxdigit((unsigned char)p[i]))
					return false;
			p += 2;
		} else if (c < '!' || c > '~' || c == '=') {
			return false;
		}
	}
	return true;
}

static const char *relay(void)
{
	const char *r = macro_get('_');
	return r != NULL ? r : "localhost";
}

/*
 * Waits secs seconds, or less when the client has closed its side: the
 * wait is for a client that goes on trying, and one that is gone would
 * only keep the session process.
 */
static void wait_unless_gone(int fd, int secs)
{
	long long deadline = sm_now_ms() + (long long)secs * 1000;
	for (;;) {
		long long left = deadline - sm_now_ms();
		if (left <= 0)
			return;
		struct pollfd p = {.fd = fd, .events = POLLRDHUP};
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != 0)
			return;
	}
}

/*
 * The bad-login throttle: from the AUTH_THROTTLE-th AUTH command of a
 * session on, each waits before it is answered, twice as long as the one
 * before (at most AUTH_MAX_DELAY seconds); the first is logged as an attack.
 */
static void throttle(struct smtpd *s, struct saslsrv *a)
{
	if (++a->nauth < AUTH_THROTTLE)
		return;
	if (a->nauth == AUTH_THROTTLE) {
		char *who = macro_expand_id('_');
		log_line(LOG_NOTICE, smtpd_log_id(s), "%s: possible SMTP attack: command=AUTH, count=%d",
			 who, a->nauth);
		sm_free(who);
	}
	smtpd_io_flush(&s->io);
	wait_unless_gone(s->conn->in_fd, a->delay);
	a->delay = a->delay * 2 > AUTH_MAX_DELAY ? AUTH_MAX_DELAY : a->delay * 2;
}

/* Base64 of n bytes (malloc'ed). */
static char *b64(const char *data, unsigned n)
{
	unsigned size = (n + 2) / 3 * 4 + 1;
	char *out = sm_malloc(size);
	unsigned olen = 0;
	if (sasl_encode64(data, n, out, size, &olen) != SASL_OK)
		olen = 0;
	out[olen] = '\0';
	return out;
}

/* Decodes base64 text into a malloc'ed buffer; the library's result code. */
static int unb64(const char *text, char **out, unsigned *outlen)
{
	size_t tl = strlen(text);
	unsigned size = (unsigned)(tl / 4 * 3 + 4);
	*out = sm_malloc(size);
	*outlen = 0;
	int r = sasl_decode64(text, (unsigned)tl, *out, size, outlen);
	if (r != SASL_OK) {
		sm_free(*out);
		*out = NULL;
	}
	return r;
}

/* Timeout.auth in seconds (10 minutes by default). */
static int auth_timeout(void)
{
	const char *v = opt_timeout("auth");
	long t = v != NULL && *v != '\0' ? time_convert(v, strlen(v), 'm') : 0;
	return t > 0 && t < 86400 * 30 ? (int)t : 600;
}

/*
 * The user a failure's log line names, from the client's first data of
 * the exchange, as 8.17 takes it: LOGIN's user name, PLAIN's
 * authentication id (the whole text when it has no NUL); none for the
 * other mechanisms.
 */
static char *client_user(const char *mech, const char *data, unsigned len)
{
	if (data == NULL)
		return sm_strdup("");
	if (sm_strcasecmp(mech, "LOGIN") == 0)
		return sm_strndup(data, strnlen(data, len));
	if (sm_strcasecmp(mech, "PLAIN") == 0) {
		const char *nul = memchr(data, '\0', len);
		if (nul == NULL)
			return sm_strndup(data, len);
		const char *id = nul + 1;
		size_t rest = len - (size_t)(id - data);
		return sm_strndup(id, strnlen(id, rest));
	}
	return sm_strdup("");
}

/* The exchange failed: 535, the log line, a fresh connection for the next try. */
static void failed(struct smtpd *s, struct saslsrv *a, const char *mech, int result,
		   const char *user)
{
	smtpd_reply(s, "535 5.7.0 authentication failed");
	const char *d = sasl_errdetail(a->conn);
	log_line(LOG_WARNING, smtpd_log_id(s), "AUTH failure (%s): %s (%d) %s, user=%.64s, relay=%s",
		 mech, sasl_errstring(result, NULL, NULL), result, d != NULL ? d : "",
		 user != NULL ? user : "", relay());
	(void)new_conn(a);
}

/* The exchange succeeded: the macros, the log line, 235, the security layer. */
static void succeeded(struct smtpd *s, struct saslsrv *a, const char *mech)
{
	const void *v = NULL;
	const char *user = NULL;
	if (sasl_getprop(a->conn, SASL_AUTHUSER, &v) == SASL_OK && v != NULL)
		user = v;
	if (user == NULL && sasl_getprop(a->conn, SASL_USERNAME, &v) == SASL_OK && v != NULL)
		user = v;
	unsigned ssf = 0;
	if (sasl_getprop(a->conn, SASL_SSF, &v) == SASL_OK && v != NULL)
		ssf = *(const sasl_ssf_t *)v;
	char *ux = xtextify(user != NULL ? user : "");
	char bits[16];
	snprintf(bits, sizeof bits, "%u", ssf);
	smtpd_setmacro("auth_type", mech);
	smtpd_setmacro("auth_authen", ux);
	smtpd_setmacro("auth_ssf", bits);
	a->authenticated = true;
	s->proto = "ESMTPA";
	smtpd_setmacro("r", smtpd_protocol(s)); /* ESMTPSA under TLS */
	log_line(LOG_INFO, NULL, "AUTH=server, relay=%s, authid=%s, mech=%s, bits=%u", relay(), ux,
		 mech, ssf);
	sm_free(ux);
	smtpd_reply(s, "235 2.0.0 OK Authenticated");
	if (ssf > 0) {
		/* the reply goes out as it was; what follows goes through the layer */
		if (!smtpd_io_flush(&s->io) || !sasl_layer_push(&s->io, a->conn))
			s->quit = true;
		else
			a->layer = true;
	}
}

/*
 * Reads the client's next response; NULL when the session is over (end
 * of input, a time-out).
 */
static const char *response(struct smtpd *s)
{
	bool bare_cr;
	int ending;
	/* a longer line is cut as 8.17 cuts it: the rest is the next line */
	int r = smtpd_io_getdata(&s->io, &s->line, SMTPD_MAX_INPLINE, auth_timeout(), &ending,
				 &bare_cr);
	if (r < 0 && s->io.timed_out) {
		char *j = macro_expand_id('j');
		smtpd_reply(s, "421 4.4.1 %s Lost input channel from %s", j, relay());
		sm_free(j);
		log_line(LOG_NOTICE, NULL, "timeout waiting for input during server cmd read");
	}
	if (r <= 0) {
		s->quit = true;
		return NULL;
	}
	/* a CR of a line ended by a bare LF is no part of the response */
	char *l = s->line.data != NULL ? s->line.data : (char *)"";
	size_t n = strlen(l);
	while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
		l[--n] = '\0';
	return l;
}

void saslsrv_cmd_auth(struct smtpd *s, char *arg)
{
	struct saslsrv *a = s->sasl;
	if (a == NULL || a->off) {
		/* srv_features A, DaemonPortOptions M=A, no SASL library */
		smtpd_reply(s, "503 5.3.3 AUTH not available");
		return;
	}
	throttle(s, a);
	if (a->authenticated) {
		smtpd_reply(s, "503 5.5.0 Already Authenticated");
		return;
	}
	if (s->e != NULL) {
		smtpd_reply(s, "503 5.5.0 AUTH not permitted during a mail transaction");
		return;
	}
	if (*arg == '\0') {
		smtpd_reply(s, "501 5.5.2 AUTH mechanism must be specified");
		return;
	}
	size_t ml = strcspn(arg, " \t");
	char *initial = arg + ml;
	if (*initial != '\0')
		*initial++ = '\0';
	while (*initial == ' ' || *initial == '\t')
		initial++;
	char mech[64];
	if (ml >= sizeof mech || a->conn == NULL || !in_list(a->mechs, arg, ml)) {
		smtpd_reply(s, "504 5.3.3 AUTH mechanism %.*s not available", 200, arg);
		return;
	}
	/* {auth_type} and the log lines name it as the client wrote it (8.17) */
	memcpy(mech, arg, ml + 1);
	char *in = NULL;
	unsigned inlen = 0;
	bool have_in = *initial != '\0';
	if (have_in && strcmp(initial, "=") != 0) {
		int r = unb64(initial, &in, &inlen);
		if (r != SASL_OK) {
			log_line(LOG_WARNING, smtpd_log_id(s), "AUTH decode64 error [%d for \"%s\"], relay=%s",
				 r, initial, relay());
			smtpd_reply(s, "501 5.5.4 cannot BASE64 decode '%s'", initial);
			return;
		}
	}
	const char *out = NULL;
	unsigned outlen = 0;
	char *user = have_in ? client_user(mech, in != NULL ? in : "", inlen) : NULL;
	int result = sasl_server_start(a->conn, mech, have_in ? (in != NULL ? in : "") : NULL,
				       inlen, &out, &outlen);
	sm_free(in);
	while (result == SASL_CONTINUE) {
		char *chal = b64(out != NULL ? out : "", out != NULL ? outlen : 0);
		smtpd_reply(s, "334 %s", chal);
		sm_free(chal);
		const char *line = response(s);
		if (line == NULL) {
			(void)new_conn(a);
			sm_free(user);
			return;
		}
		if (strcmp(line, "*") == 0) {
			smtpd_reply(s, "501 5.0.0 AUTH aborted");
			(void)new_conn(a);
			sm_free(user);
			return;
		}
		char *resp = NULL;
		unsigned rlen = 0;
		if (unb64(line, &resp, &rlen) != SASL_OK) {
			smtpd_reply(s, "501 5.5.4 cannot decode AUTH parameter %s", line);
			(void)new_conn(a);
			sm_free(user);
			return;
		}
		if (user == NULL)
			user = client_user(mech, resp, rlen);
		out = NULL;
		outlen = 0;
		result = sasl_server_step(a->conn, resp, rlen, &out, &outlen);
		sm_free(resp);
	}
	if (result == SASL_OK)
		succeeded(s, a, mech);
	else
		failed(s, a, mech, result, user);
	sm_free(user);
}

void saslsrv_forget_param(struct smtpd *s)
{
	if (s->sasl != NULL)
		s->sasl->param_seen = false;
}

bool saslsrv_mail_param(struct smtpd *s, const char *value)
{
	if (s->sasl == NULL)
		return true;
	if (value == NULL) {
		smtpd_reply(s, "501 5.5.2 AUTH= requires a value");
		return false;
	}
	if (s->sasl->param_seen) {
		smtpd_reply(s, "501 5.5.0 Duplicate AUTH parameter");
		return false;
	}
	if (!valid_xtext(value)) {
		smtpd_reply(s, "501 5.5.4 Syntax error in AUTH parameter value");
		return false;
	}
	s->sasl->param_seen = true;
	smtpd_setmacro("auth_author", value);
	if (strcmp(value, "<>") == 0) {
		s->e->auth_param = sm_arena_strdup(s->e->arena, "<>");
		return true;
	}
	/* believed only when trust_auth ran to its end without $#error, as
	 * 8.17 (any other outcome, a value the ruleset cannot even tokenise
	 * among them, passes "<>" on instead) */
	struct sm_arena arena;
	sm_arena_init(&arena, 4096);
	char **v = NULL;
	int rs = ruleset_lookup("trust_auth", false);
	bool none = rs < 0 || ruleset_get(rs) == NULL; /* no ruleset: believed, as 8.17 */
	bool trusted = none || (rewrite_check("trust_auth", value, NULL, &arena, &v) == EX_OK_ &&
		       !(v != NULL && v[0] != NULL && meta_token_is(v[0], META_CANONNET) &&
			 v[1] != NULL && sm_strcasecmp(v[1], "error") == 0));
	sm_arena_free(&arena);
	s->e->auth_param = sm_arena_strdup(s->e->arena, trusted ? value : "<>");
	return true;
}
