/*
 * smtpc_auth.c: SMTP AUTH of our client with Cyrus SASL 2 (see smtpc.h),
 * as sendmail 8.17 authenticates to a server that offers AUTH.
 *
 * Owns: the SASL client library's start (once a process), the callbacks
 * that hand it the credentials of smtpc_authinfo.c, the mechanisms tried
 * (the M: item or AuthMechanisms, among those the server offers), the
 * AUTH command and its 334 challenges (bounded: a hostile server gets "*"
 * after MAX_STEPS rounds or a challenge that does not decode), the
 * outcome 8.17 gives each reply (235 authenticated, 4xx deferral, else on
 * without AUTH), its log lines, and handing a negotiated security layer to
 * smtpc_sasl_layer.c (followed by EHLO again, as 8.17 does).
 */
#include "smtpc.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include <sasl/sasl.h>
#include <sasl/saslutil.h>

#include "log.h"
#include "macro.h"
#include "options.h"

#define MAX_STEPS 32      /* 334 rounds before we give up on a server */
#define MAX_OUTBUF 8192   /* the largest security layer packet we take (8.17's) */
#define DEFAULT_MECHS "EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5"

static int InitState; /* 0 not tried, 1 ready, -1 failed */

/* LogLevel (9 unless set). */
static int log_level(void)
{
	const char *v = opt_value(OPT_LogLevel);
	return v != NULL && *v != '\0' ? atoi(v) : 9;
}

static int sasl_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	if (msg == NULL)
		return SASL_BADPARAM;
	int ll = log_level();
	if ((level <= SASL_LOG_FAIL && ll > 8) || (level == SASL_LOG_WARN && ll > 11) ||
	    (level == SASL_LOG_NOTE && ll > 13))
		log_line(level <= SASL_LOG_FAIL ? LOG_WARNING : LOG_INFO, "", "%s", msg);
	return SASL_OK;
}

static sasl_callback_t GlobalCallbacks[] = {
	{SASL_CB_LOG, (int (*)(void))(void (*)(void))sasl_log, NULL},
	{SASL_CB_LIST_END, NULL, NULL},
};

bool smtpc_auth_param_needs_auth(void)
{
	const char *v = opt_value(OPT_AuthOptions);
	return v != NULL && strchr(v, 'A') != NULL;
}

/* What the callbacks of one connection answer from. */
struct auth_ctx {
	struct smtpc_authinfo ai;
	char *realm;            /* R:, else $j */
	sasl_secret_t *secret;  /* the password as the library takes it */
	sasl_callback_t cb[5];
};

static void auth_ctx_free(void *p)
{
	struct auth_ctx *ax = p;
	if (ax == NULL)
		return;
	smtpc_authinfo_free(&ax->ai);
	sm_free(ax->realm);
	if (ax->secret != NULL) {
		memset(ax->secret->data, 0, ax->secret->len);
		sm_free(ax->secret);
	}
	sm_free(ax);
}

static int get_simple(void *ctx, int id, const char **result, unsigned *len)
{
	struct auth_ctx *ax = ctx;
	if (result == NULL)
		return SASL_BADPARAM;
	switch (id) {
	case SASL_CB_USER: *result = ax->ai.user; break;
	case SASL_CB_AUTHNAME: *result = ax->ai.authid; break;
	case SASL_CB_LANGUAGE: *result = NULL; break;
	default: return SASL_BADPARAM;
	}
	if (len != NULL)
		*len = *result != NULL ? (unsigned)strlen(*result) : 0;
	return SASL_OK;
}

static int get_secret(sasl_conn_t *conn, void *ctx, int id, sasl_secret_t **psecret)
{
	(void)conn;
	struct auth_ctx *ax = ctx;
	if (id != SASL_CB_PASS || psecret == NULL)
		return SASL_BADPARAM;
	if (ax->secret == NULL) {
		size_t n = strlen(ax->ai.pass);
		ax->secret = sm_malloc(sizeof *ax->secret + n + 1);
		ax->secret->len = n;
		memcpy(ax->secret->data, ax->ai.pass, n + 1);
	}
	*psecret = ax->secret;
	return SASL_OK;
}

static int get_realm(void *ctx, int id, const char **avail, const char **result)
{
	(void)avail;
	struct auth_ctx *ax = ctx;
	if (id != SASL_CB_GETREALM || result == NULL)
		return SASL_BADPARAM;
	*result = ax->realm;
	return SASL_OK;
}

static void sasl_end(void)
{
	(void)sasl_client_done();
}

/* The library, started once in a process; false when it cannot be. */
static bool sasl_ready(void)
{
	if (InitState == 0) {
		int rc = sasl_client_init(GlobalCallbacks);
		InitState = rc == SASL_OK ? 1 : -1;
		/* the plugins and what they hold go at exit (a leak checker sees them otherwise) */
		if (rc == SASL_OK)
			(void)atexit(sasl_end);
		if (rc != SASL_OK)
			log_line(LOG_WARNING, "", "AUTH=client, sasl_client_init failed=%d", rc);
	}
	return InitState == 1;
}

/* Is word (len bytes) one of the blank-separated words of list? */
static bool in_list(const char *word, size_t len, const char *list)
{
	while (list != NULL && *list != '\0') {
		list += strspn(list, " \t,");
		size_t l = strcspn(list, " \t,");
		if (l == len && l > 0 && sm_strncasecmp(word, list, l) == 0)
			return true;
		list += l;
	}
	return false;
}

/* The mechanisms of want that the server offers, blank-separated (sm_free). */
static char *common_mechs(const char *want, const char *offered)
{
	struct sm_buf b;
	sm_buf_init(&b);
	while (want != NULL && *want != '\0') {
		want += strspn(want, " \t,");
		size_t l = strcspn(want, " \t,");
		if (l > 0 && in_list(want, l, offered) && !in_list(want, l, b.data)) {
			if (b.len > 0)
				sm_buf_putc(&b, ' ');
			sm_buf_put(&b, want, l);
		}
		want += l;
	}
	return sm_buf_steal(&b);
}

/* "a.b.c.d;port" of a socket's end, as SASL wants it, into buf; false when unknown. */
static bool ip_port(int fd, bool local, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if ((local ? getsockname(fd, (struct sockaddr *)&ss, &sl)
		   : getpeername(fd, (struct sockaddr *)&ss, &sl)) < 0)
		return false;
	char a[INET6_ADDRSTRLEN];
	unsigned port;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;
		if (inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a) == NULL)
			return false;
		port = ntohs(s4->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;
		if (inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a) == NULL)
			return false;
		port = ntohs(s6->sin6_port);
	} else {
		return false;
	}
	return snprintf(buf, size, "%s;%u", a, port) < (int)size;
}

/* Sends data base64-encoded as one line ("" for none); false when it could not be. */
static bool send_b64(struct smtpc_conn *c, const char *prefix, const char *data, unsigned len)
{
	unsigned room = (len + 2) / 3 * 4 + 1, outl = 0;
	char *enc = sm_malloc(room);
	enc[0] = '\0';
	if (len > 0 && sasl_encode64(data, len, enc, room, &outl) != SASL_OK) {
		sm_free(enc);
		return false;
	}
	char *line = sm_asprintf("%s%s", prefix, enc);
	bool ok = smtpc_send(c, line);
	memset(line, 0, strlen(line));
	memset(enc, 0, room);
	sm_free(line);
	sm_free(enc);
	return ok;
}

/* "*": the client gives the exchange up; the server's reply to it is read. */
static void cancel(struct smtpc_conn *c, int tmo)
{
	if (smtpc_send(c, "*"))
		(void)smtpc_reply(c, tmo);
}

static void set_secprops(sasl_conn_t *conn, const struct smtpc_conn *c)
{
	sasl_security_properties_t sp;
	memset(&sp, 0, sizeof sp);
	const char *mb = opt_value(OPT_AuthMaxBits);
	long maxbits = mb != NULL && *mb != '\0' ? strtol(mb, NULL, 10) : INT_MAX;
	/* as 8.17: no flags of AuthOptions for the client, only the strength */
	sp.min_ssf = 0;
	sp.max_ssf = maxbits < 0 ? 0 : (sasl_ssf_t)maxbits;
	sp.maxbufsize = MAX_OUTBUF;
	(void)sasl_setprop(conn, SASL_SEC_PROPS, &sp);
	if (c->ext_ssf > 0) {
		sasl_ssf_t ext = c->ext_ssf;
		(void)sasl_setprop(conn, SASL_SSF_EXTERNAL, &ext);
	}
}

/*
 * The exchange once the command is sent: 334 challenges answered until a
 * final reply.  Its code (235, 4xx, 5xx ...), 0 when we gave up (after
 * "*"), -1 when the connection broke.
 */
static int exchange(struct smtpc_conn *c, sasl_conn_t *conn, int tmo)
{
	for (int step = 0;; step++) {
		int code = smtpc_reply(c, tmo);
		if (code != 334)
			return code;
		if (step >= MAX_STEPS) {
			cancel(c, tmo);
			return c->broken ? -1 : 0;
		}
		const char *line = smtpc_last_line(c);
		const char *b64 = strlen(line) > 4 ? line + 4 : "";
		/* a reply line is at most 4096 bytes: its decoded text fits */
		char in[4096];
		unsigned inlen = 0;
		/*
		 * a challenge that does not decode (or was cut at our reply
		 * limit) is taken as empty, as 8.17 goes on with it: a mechanism
		 * that needs it fails its step below, LOGIN answers anyway
		 */
		if (sasl_decode64(b64, (unsigned)strlen(b64), in, sizeof in, &inlen) != SASL_OK)
			inlen = 0;
		const char *out = NULL;
		unsigned outlen = 0;
		int rc = sasl_client_step(conn, in, inlen, NULL, &out, &outlen);
		if (rc != SASL_OK && rc != SASL_CONTINUE) {
			cancel(c, tmo);
			return c->broken ? -1 : 0;
		}
		if (!send_b64(c, "", out, out != NULL ? outlen : 0))
			return -1;
	}
}

/*
 * A temporary failure: 8.17 gives the connection up (QUIT) and defers the
 * recipients, with the server's reply (reply, sm_free'd) when there was one.
 */
static void temp_failure(struct smtpc_conn *c, struct smtpc_result *r, char *reply)
{
	if (log_level() > 8)
		log_line(LOG_INFO, "", "AUTH=client, relay=%s, temporary failure, connection abort",
			 c->host);
	if (smtpc_send(c, "QUIT"))
		(void)smtpc_reply(c, smtpc_timeout("quit", 120));
	c->broken = true;
	/* "Closing connection" is told after the deferral, as 8.17 tells it */
	c->quiet_close = true;
	smtpc_result_set(r, EX_TEMPFAIL_, "4.3.0", sm_strdup("Deferred: Temporary AUTH failure"),
			 reply);
}

/*
 * A SASL client connection for c with ax's callbacks, started with the
 * mechanisms mechs: sasl_client_start's result, *conn set (NULL when it
 * could not even be made), the first response and the mechanism chosen.
 */
static int begin(struct smtpc_conn *c, struct auth_ctx *ax, const char *mechs, sasl_conn_t **conn,
		 const char **out, unsigned *outlen, const char **mech)
{
	sasl_callback_t *cb = ax->cb;
	cb[0] = (sasl_callback_t){SASL_CB_USER, (int (*)(void))(void (*)(void))get_simple, ax};
	cb[1] = (sasl_callback_t){SASL_CB_AUTHNAME, (int (*)(void))(void (*)(void))get_simple, ax};
	cb[2] = (sasl_callback_t){SASL_CB_PASS, (int (*)(void))(void (*)(void))get_secret, ax};
	cb[3] = (sasl_callback_t){SASL_CB_GETREALM, (int (*)(void))(void (*)(void))get_realm, ax};
	cb[4] = (sasl_callback_t){SASL_CB_LIST_END, NULL, NULL};
	*conn = NULL;
	if (*mechs == '\0')
		return SASL_NOMECH;
	/* the addresses with their ports, which DIGEST-MD5's layer uses */
	char lip[INET6_ADDRSTRLEN + 8], rip[INET6_ADDRSTRLEN + 8];
	bool have_ip = ip_port(c->fd, true, lip, sizeof lip) && ip_port(c->fd, false, rip, sizeof rip);
	int rc = sasl_client_new("smtp", c->host, have_ip ? lip : NULL, have_ip ? rip : NULL, cb, 0,
				 conn);
	if (rc != SASL_OK)
		return rc;
	set_secprops(*conn, c);
	return sasl_client_start(*conn, mechs, NULL, out, outlen, mech);
}

/*
 * What the final reply of the exchange (code) makes of the connection,
 * as 8.17 has it; false with *r set when the recipients are deferred.
 * Takes conn and ax over (into the security layer, or freed).
 */
static bool outcome(struct smtpc_conn *c, struct smtpc_result *r, int code, sasl_conn_t *conn,
		    struct auth_ctx *ax, const char *mech)
{
	bool go_on = true;
	if (code == 235) {
		const void *v = NULL;
		unsigned ssf = sasl_getprop(conn, SASL_SSF, &v) == SASL_OK && v != NULL
				       ? *(const sasl_ssf_t *)v
				       : 0;
		if (log_level() > 9)
			log_line(LOG_INFO, "", "AUTH=client, relay=%s, mech=%s, bits=%u", c->host, mech,
				 ssf);
		c->authenticated = true;
		if (ssf > 0) {
			/* the layer keeps the SASL connection; the server is greeted anew through it */
			smtpc_sasl_layer_push(c, conn, ax, auth_ctx_free);
			conn = NULL;
			ax = NULL;
			if (smtpc_ehlo(c) != 250) {
				go_on = false;
				smtpc_result_set(r, EX_TEMPFAIL_, "4.4.2",
						 sm_asprintf("Deferred: Connection reset by %s", c->host),
						 NULL);
				c->broken = true;
			}
		}
	} else if (code >= 400 && code < 500) {
		temp_failure(c, r, sm_strdup(smtpc_last_line(c)));
		go_on = false;
	} else if (code < 0) {
		smtpc_result_set(r, EX_TEMPFAIL_, "4.4.2",
				 sm_asprintf("Deferred: Connection reset by %s", c->host), NULL);
		go_on = false;
	}
	/* 5xx, or given up: on without AUTH, as 8.17 goes on */
	if (conn != NULL)
		sasl_dispose(&conn);
	auth_ctx_free(ax);
	return go_on;
}

bool smtpc_auth(struct smtpc_conn *c, struct smtpc_result *r)
{
	if (!(c->ext & SMTPC_AUTH) || c->authenticated || c->broken || !sasl_ready())
		return true;
	struct auth_ctx *ax = sm_calloc(1, sizeof *ax);
	int got = smtpc_authinfo_get(c, &ax->ai);
	if (got == -2) {
		auth_ctx_free(ax);
		temp_failure(c, r, NULL);
		return false;
	}
	if (got <= 0) {
		/* nothing to authenticate with: 8.17 says so with an empty mech= */
		if (got < 0 && log_level() > 8)
			log_line(LOG_WARNING, "", "AUTH=client, relay=%s [%s], authinfo failed", c->host,
				 c->addr);
		if (log_level() > 9)
			log_line(LOG_INFO, "", "AUTH=client, relay=%s, mech=, bits=0", c->host);
		auth_ctx_free(ax);
		return true;
	}
	ax->realm = ax->ai.realm != NULL ? sm_strdup(ax->ai.realm) : macro_expand_id('j');
	const char *want = ax->ai.mechs;
	if (want == NULL)
		want = opt_value(OPT_AuthMechanisms);
	if (want == NULL || *want == '\0')
		want = DEFAULT_MECHS;
	char *mechs = common_mechs(want, c->auth_mechs);
	if (mechs == NULL)
		mechs = sm_strdup("");
	sasl_conn_t *conn;
	const char *out = NULL, *mech = NULL;
	unsigned outlen = 0;
	int rc = begin(c, ax, mechs, &conn, &out, &outlen, &mech);
	if (rc == SASL_NOMECH) {
		/* no mechanism both sides have: 8.17 takes it for a temporary failure */
		if (log_level() > 8)
			log_line(LOG_WARNING, macro_get('i') != NULL ? macro_get('i') : "",
				 "AUTH=client, available mechanisms=%s do not fulfill requirements", mechs);
		temp_failure(c, r, NULL);
	}
	sm_free(mechs);
	if (rc != SASL_OK && rc != SASL_CONTINUE) {
		/* (other failures of the library: on without AUTH) */
		if (conn != NULL)
			sasl_dispose(&conn);
		auth_ctx_free(ax);
		return rc != SASL_NOMECH;
	}
	char *used = sm_strdup(mech);
	char *prefix = sm_asprintf("AUTH %s%s", used, out != NULL && outlen > 0 ? " " : "");
	int code = send_b64(c, prefix, out, out != NULL ? outlen : 0)
			   ? exchange(c, conn, smtpc_timeout("auth", 600))
			   : -1;
	sm_free(prefix);
	bool go_on = outcome(c, r, code, conn, ax, used);
	sm_free(used);
	return go_on;
}
