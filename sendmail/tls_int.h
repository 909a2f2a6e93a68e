/*
 * tls_int.h: what the TLS modules share (tls_ctx.c: the contexts,
 * tls.c: handshakes and I/O, tls_info.c: macros and log lines); the
 * interface to the rest of sendmail is tls.h.
 */
#ifndef TLS_INT_H
#define TLS_INT_H

#include <openssl/ssl.h>

#include "sm.h"
#include "tls.h"

struct tls_conn {
	SSL *ssl;
	enum tls_role role;
	int rfd, wfd;
	bool requested;     /* the server asked for a client certificate */
	/* descriptor flags before tls_start made them non-blocking, put back
	 * when t goes: -bs's standard input and output are shared with the
	 * process that started it (-1: nothing to put back) */
	int rfl, wfl;
};

/* "server" or "client", as in "STARTTLS=server". */
const char *tls_role_name(enum tls_role role);
/* The role's context once tls_ready() said yes, else NULL. */
SSL_CTX *tls_role_ctx(enum tls_role role);
/* Logs and empties OpenSSL's error queue (above LogLevel 9). */
void tls_log_errors(const char *who);
/* ServerSSLOptions-style list; false on an unknown word (copied to bad). */
bool tls_apply_ssl_options(SSL_CTX *ctx, SSL *ssl, const char *list, char *bad, size_t badsize);

#endif
