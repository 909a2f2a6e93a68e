/*
 * tls.c: one TLS connection (see tls.h): the handshake within a time
 * limit, reading and writing with deadlines, the closing alert.
 *
 * Owns struct tls_conn.  The descriptors are switched to non-blocking
 * mode so that every wait is a poll() with a deadline: a peer that sends
 * half a record, or garbage instead of a handshake, costs at most the
 * time limit.  Failed handshakes are logged with 8.17's words
 * ("STARTTLS=server, error: accept failed=...").
 */
#include "tls_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <syslog.h>

#include <sys/socket.h>

#include <openssl/err.h>

#include "log.h"

/* poll()'s wait until deadline; deadline 0 waits for ever. 1 ready, 0 timed out, -1 error. */
static int wait_io(int fd, short events, long long deadline)
{
	if (deadline <= 0)
		deadline = sm_now_ms() + 365LL * 86400 * 1000;
	return sm_wait_fd(fd, events, deadline);
}

/* Makes fd non-blocking; its flags before, or -1 when they were so already. */
static int set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (fl & O_NONBLOCK))
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 ? fl : -1;
}

static void restore_flags(struct tls_conn *t)
{
	if (t->rfl >= 0)
		(void)fcntl(t->rfd, F_SETFL, t->rfl);
	if (t->wfl >= 0 && t->wfd != t->rfd)
		(void)fcntl(t->wfd, F_SETFL, t->wfl);
	t->rfl = t->wfl = -1;
}

/*
 * Waits for what OpenSSL asked for after a call that returned ret.
 * 1: try again; 0: deadline met; -1: a final error (*err gets
 * SSL_get_error's value).
 */
static int want(struct tls_conn *t, int ret, long long deadline, int *err)
{
	*err = SSL_get_error(t->ssl, ret);
	int w;
	switch (*err) {
	case SSL_ERROR_WANT_READ:
		w = wait_io(t->rfd, POLLIN, deadline);
		break;
	case SSL_ERROR_WANT_WRITE:
		w = wait_io(t->wfd, POLLOUT, deadline);
		break;
	default:
		return -1;
	}
	return w > 0 ? 1 : w == 0 ? 0 : -1;
}

const char *tls_features_parse(char *text, struct tls_features *f, const char **bad)
{
	memset(f, 0, sizeof *f);
	*bad = NULL;
	char *save = NULL;
	for (char *pair = strtok_r(text, ";", &save); pair != NULL; pair = strtok_r(NULL, ";", &save)) {
		while (*pair == ' ' || *pair == '\t')
			pair++;
		if (*pair == '\0')
			continue;
		char *eq = strchr(pair, '=');
		char *val = eq != NULL ? eq + 1 : pair + strlen(pair);
		char *kend = eq != NULL ? eq : val;
		while (kend > pair && (kend[-1] == ' ' || kend[-1] == '\t'))
			kend--;
		*kend = '\0';
		while (*val == ' ' || *val == '\t')
			val++;
		size_t vl = strlen(val);
		while (vl > 0 && (val[vl - 1] == ' ' || val[vl - 1] == '\t'))
			val[--vl] = '\0';
		if (sm_strcasecmp(pair, "CipherList") == 0)
			f->cipher_list = val;
		else if (sm_strcasecmp(pair, "Options") == 0)
			f->options = val;
		else if (sm_strcasecmp(pair, "CertFile") == 0)
			f->cert_file = val;
		else if (sm_strcasecmp(pair, "KeyFile") == 0)
			f->key_file = val;
		else if (sm_strcasecmp(pair, "Flags") == 0)
			f->flags = val;
		else {
			*bad = pair;
			return "unknown_option";
		}
	}
	if ((f->cert_file == NULL) != (f->key_file == NULL))
		return "only_one_of_CertFile/KeyFile_specified";
	return NULL;
}

/* The features on a new connection; false (logged) when one cannot be used. */
static bool apply_features(struct tls_conn *t, const struct tls_features *f, const char *rsname,
			   const char *relay)
{
	const char *who = tls_role_name(t->role);
	if (f->options != NULL) {
		char bad[96];
		if (!tls_apply_ssl_options(NULL, t->ssl, f->options, bad, sizeof bad)) {
			if (tls_loglevel() > 8)
				log_line(LOG_WARNING, NULL, "%s=%s, error=SSL_OP not found, relay=%s",
					 rsname, bad, relay != NULL ? relay : "");
			return false;
		}
	}
	if (f->cipher_list != NULL && SSL_set_cipher_list(t->ssl, f->cipher_list) != 1) {
		if (tls_loglevel() > 7)
			log_line(LOG_WARNING, NULL, "STARTTLS=%s, error: SSL_set_cipher_list(%s) failed",
				 who, f->cipher_list);
		tls_log_errors(who);
		return false;
	}
	if (f->cert_file != NULL &&
	    (SSL_use_certificate_chain_file(t->ssl, f->cert_file) != 1 ||
	     SSL_use_PrivateKey_file(t->ssl, f->key_file, SSL_FILETYPE_PEM) != 1 ||
	     SSL_check_private_key(t->ssl) != 1)) {
		if (tls_loglevel() > 7)
			log_line(LOG_WARNING, NULL, "STARTTLS=%s, error: load cert/key %s/%s failed", who,
				 f->cert_file, f->key_file);
		tls_log_errors(who);
		return false;
	}
	if (f->flags != NULL && strchr(f->flags, 'R') != NULL) {
		/* a CRL for every certificate checked: none found is a failure */
		X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);
		X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	}
	return true;
}

struct tls_conn *tls_new(enum tls_role role, int rfd, int wfd, bool request_cert,
			 const struct tls_features *f, const char *rsname, const char *relay)
{
	const char *who = tls_role_name(role);
	SSL_CTX *ctx = tls_role_ctx(role);
	if (ctx == NULL)
		return NULL;
	struct tls_conn *t = sm_calloc(1, sizeof *t);
	t->role = role;
	t->rfd = rfd;
	t->wfd = wfd;
	t->rfl = t->wfl = -1;
	t->requested = role == TLS_SERVER && request_cert;
	ERR_clear_error();
	t->ssl = SSL_new(ctx);
	if (t->ssl == NULL || SSL_set_rfd(t->ssl, rfd) != 1 || SSL_set_wfd(t->ssl, wfd) != 1) {
		if (tls_loglevel() > 5)
			log_line(LOG_WARNING, NULL, "STARTTLS=%s, error: SSL_new or SSL_set_fd failed", who);
		tls_log_errors(who);
		tls_free(t);
		return NULL;
	}
	if (role == TLS_SERVER && !request_cert)
		SSL_set_verify(t->ssl, SSL_VERIFY_NONE, NULL);
	if (f != NULL && !apply_features(t, f, rsname != NULL ? rsname : "tls_features", relay)) {
		tls_free(t);
		return NULL;
	}
	return t;
}

bool tls_start(struct tls_conn *t, int timeout_s, const char *relay)
{
	const char *who = tls_role_name(t->role);
	/* TLS writes small records of its own (the handshake's last flight,
	 * TLS 1.3's session tickets) right before a reply: with Nagle's
	 * algorithm the reply would wait for the peer's delayed ACK, 40 ms
	 * per command (not a socket, e.g. -bs on pipes: no matter) */
	int one = 1;
	(void)setsockopt(t->wfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	t->rfl = set_nonblocking(t->rfd);
	t->wfl = t->wfd != t->rfd ? set_nonblocking(t->wfd) : -1;
	long long deadline = timeout_s > 0 ? sm_now_ms() + (long long)timeout_s * 1000 : 0;
	for (;;) {
		errno = 0;
		ERR_clear_error();
		int r = t->role == TLS_SERVER ? SSL_accept(t->ssl) : SSL_connect(t->ssl);
		if (r == 1)
			return true;
		int saved_errno = errno, err;
		int w = want(t, r, deadline, &err);
		if (w == 1)
			continue;
		/* 8.17's line: the call's result, the library's reason, the
		 * SSL error, errno; retry 0 when the time ran out */
		if (tls_loglevel() > 5) {
			unsigned long e = ERR_peek_error();
			const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
			/* the client's line names no relay (as 8.17's) */
			log_line(LOG_WARNING, NULL,
				 "STARTTLS=%s, error: %s failed=%d, reason=%s, SSL_error=%d, errno=%d, retry=%d%s%.100s",
				 who, t->role == TLS_SERVER ? "accept" : "connect",
				 w == 0 && t->role == TLS_SERVER ? 1 : r, reason != NULL ? reason : "unknown", err,
				 w == 0 && t->role == TLS_SERVER ? 0 : saved_errno,
				 w == 0 ? 0 : -1, t->role == TLS_SERVER ? ", relay=" : "",
				 t->role == TLS_SERVER && relay != NULL ? relay : "");
		}
		tls_log_errors(who);
		tls_free(t);
		return false;
	}
}

struct tls_conn *tls_handshake(enum tls_role role, int rfd, int wfd, int timeout_s,
			       const char *relay, bool request_cert)
{
	struct tls_conn *t = tls_new(role, rfd, wfd, request_cert, NULL, NULL, relay);
	if (t == NULL || !tls_start(t, timeout_s, relay))
		return NULL;
	return t;
}

ssize_t tls_read(struct tls_conn *t, void *buf, size_t n, long long deadline, bool *timed_out)
{
	if (timed_out != NULL)
		*timed_out = false;
	if (n == 0)
		return 0;
	for (;;) {
		size_t got = 0;
		ERR_clear_error();
		int r = SSL_read_ex(t->ssl, buf, n, &got);
		if (r == 1)
			return (ssize_t)got;
		int err;
		int w = want(t, 0, deadline, &err);
		if (w == 1)
			continue;
		if (w == 0) {
			if (timed_out != NULL)
				*timed_out = true;
			return -1;
		}
		/* the peer's closing alert, or its end of the connection
		 * without one (many clients just close): the end of input */
		if (err == SSL_ERROR_ZERO_RETURN)
			return 0;
		if (err == SSL_ERROR_SYSCALL && errno == 0)
			return 0;
		if (err == SSL_ERROR_SSL &&
		    ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			return 0;
		}
		if (tls_loglevel() > 9)
			log_line(LOG_WARNING, NULL, "STARTTLS: read error=%d, errno=%d", err, errno);
		tls_log_errors(tls_role_name(t->role));
		return -1;
	}
}

ssize_t tls_write(struct tls_conn *t, const void *buf, size_t n, long long deadline)
{
	size_t done = 0;
	while (done < n) {
		size_t put = 0;
		ERR_clear_error();
		int r = SSL_write_ex(t->ssl, (const char *)buf + done, n - done, &put);
		if (r == 1) {
			done += put;
			continue;
		}
		int err;
		int w = want(t, 0, deadline, &err);
		if (w == 1)
			continue;
		if (w < 0 && tls_loglevel() > 9)
			log_line(LOG_WARNING, NULL, "STARTTLS: write error=%d, errno=%d", err, errno);
		tls_log_errors(tls_role_name(t->role));
		return -1;
	}
	return (ssize_t)n;
}

bool tls_pending(struct tls_conn *t)
{
	return SSL_pending(t->ssl) > 0;
}

void tls_close(struct tls_conn *t)
{
	if (t == NULL)
		return;
	if (t->ssl != NULL) {
		/* the closing alert; the peer's answer is not waited for */
		ERR_clear_error();
		int r = SSL_shutdown(t->ssl);
		if (r < 0) {
			int err;
			if (want(t, r, sm_now_ms() + 1000, &err) == 1)
				(void)SSL_shutdown(t->ssl);
		}
		ERR_clear_error();
	}
	tls_free(t);
}

void tls_free(struct tls_conn *t)
{
	if (t == NULL)
		return;
	if (t->ssl != NULL)
		SSL_free(t->ssl);
	restore_flags(t);
	sm_free(t);
}
