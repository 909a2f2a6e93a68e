/*
 * tls.h: STARTTLS with OpenSSL 3, shared by the SMTP server (smtpd_tls.c)
 * and the SMTP client.
 *
 * A process has one TLS context per role (server, client), built once
 * from the options (ServerCertFile, ServerKeyFile, ClientCertFile,
 * ClientKeyFile, CACertFile, CACertPath, CRLFile, CRLPath, DHParameters,
 * CipherList, CipherSuites, ServerSSLOptions, ClientSSLOptions,
 * TLSSrvOptions, CertFingerprintAlgorithm) and kept for every later
 * connection: build it before root is given up, since key files are
 * usually readable by root only.  A connection's handshake gives a
 * struct tls_conn, through which its bytes then go (tls_read/tls_write)
 * until tls_close.  After the handshake tls_set_macros defines the
 * macros the rulesets see ({verify}, {cert_subject}, ...) and
 * tls_log_conn writes the "STARTTLS=server, relay=..." line.
 *
 * Usage (a client, say):
 *     if (tls_ready(TLS_CLIENT)) {                  // context from the options
 *         struct tls_conn *t = tls_handshake(TLS_CLIENT, fd, fd, secs, relay, true);
 *         if (t == NULL) ... tls_set_failed_macros("SOFTWARE") ...
 *         tls_set_macros(t); tls_log_conn(t, relay);
 *         ... tls_read(t, ...), tls_write(t, ...) ...
 *         tls_close(t);
 *     }
 */
#ifndef TLS_H
#define TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum tls_role { TLS_SERVER = 0, TLS_CLIENT = 1 };

/*
 * Builds the role's context from the options if that has not been tried
 * yet in this process (the result of the first try is kept: a session
 * never reloads certificates).  True when the role can do TLS: for the
 * server a usable certificate and key (unless TLSSrvOptions has C), for
 * the client always when the library works (its certificate is
 * optional).  Unusable files (a key others may read, a missing CRLFile)
 * disable the role as 8.17 does, logged at its log levels.
 */
bool tls_ready(enum tls_role role);

/* A letter of TLSSrvOptions is set ('V': ask no client certificate). */
bool tls_srv_option(char letter);

/* Forgets both contexts (at exit, or before the options are read again). */
void tls_free_contexts(void);

struct tls_conn;

/*
 * What the tls_srv_features / tls_clt_features rulesets may set for one
 * connection ("CipherList=HIGH; Options=SSL_OP_NO_TLSv1_3"); NULL: the
 * context's setting.
 */
struct tls_features {
	const char *cipher_list;  /* CipherList= */
	const char *options;      /* Options=: ServerSSLOptions words, added */
	const char *cert_file;    /* CertFile= and KeyFile=: both or neither */
	const char *key_file;
	const char *flags;        /* Flags=: R (require a CRL), c/C (TLSFallbacktoClear), d */
};
/*
 * Parses a features ruleset's result (keys case-insensitive, pairs
 * separated by ";") into f, pointing into text (which is cut up).  NULL
 * when it is fine, else 8.17's word for the log line
 * ("unknown_option", *bad then the key; "only_one_of_CertFile/KeyFile_specified").
 */
const char *tls_features_parse(char *text, struct tls_features *f, const char **bad);

/*
 * A new connection of the role over rfd/wfd with the features applied
 * (f may be NULL), before any byte is exchanged; NULL when a feature
 * cannot be used (logged as 8.17: "STARTTLS=server, error:
 * SSL_set_cipher_list(x) failed", "RSNAME=word, error=SSL_OP not found,
 * relay=...").  rsname names the features ruleset for the log.
 */
struct tls_conn *tls_new(enum tls_role role, int rfd, int wfd, bool request_cert,
			 const struct tls_features *f, const char *rsname, const char *relay);
/*
 * The handshake of t within timeout_s seconds (0: no limit); true when
 * done.  On failure (logged as tls_handshake) t is freed.
 */
bool tls_start(struct tls_conn *t, int timeout_s, const char *relay);

/*
 * tls_new without features, then tls_start: the TLS handshake over
 * rfd/wfd (the same socket, or -bs's standard input and output) as the
 * role says, within timeout_s seconds (0: no
 * limit).  request_cert: the server asks the client for a certificate
 * (off for TLSSrvOptions V or srv_features V); ignored for the client.
 * relay ("name [addr]") is for the log lines.  The descriptors are made
 * non-blocking.  Returns NULL when the handshake failed (logged as 8.17
 * logs it); the connection is then unusable.
 */
struct tls_conn *tls_handshake(enum tls_role role, int rfd, int wfd, int timeout_s,
			       const char *relay, bool request_cert);

/*
 * Reads up to n bytes; waits until deadline (sm_now_ms() units, 0: for
 * ever).  Returns the bytes read, 0 at the end of the peer's data, -1 on
 * error or timeout (*timed_out tells which; timed_out may be NULL).
 */
ssize_t tls_read(struct tls_conn *t, void *buf, size_t n, long long deadline, bool *timed_out);
/* Writes all n bytes (until deadline, 0: for ever); n, or -1 on error. */
ssize_t tls_write(struct tls_conn *t, const void *buf, size_t n, long long deadline);
/* Decrypted input is waiting (a read would not block). */
bool tls_pending(struct tls_conn *t);

/*
 * Defines the TLS macros of the connection in the current macro set:
 * {verify} {cert_subject} {cert_issuer} {cn_subject} {cn_issuer}
 * {cert_md5} (or {cert_fp} with CertFingerprintAlgorithm) {tls_version}
 * {cipher} {cipher_bits} {alg_bits}, with 8.17's values and encoding.
 */
void tls_set_macros(struct tls_conn *t);
/* Clears them all and sets {verify} to the given value ("SOFTWARE" after
 * a failed handshake, NULL to leave it undefined). */
void tls_clear_macros(const char *verify);
/* The value {verify} got ("OK", "NO", "FAIL", "NOT"). */
const char *tls_verify_result(struct tls_conn *t);
/* The effective bits of the cipher (what {cipher_bits} says). */
int tls_cipher_bits(struct tls_conn *t);
/*
 * The lines 8.17 logs after a handshake: "STARTTLS=server|client,
 * relay=..., version=..., verify=..., cipher=..., bits=N/M" (LogLevel
 * over 8) and the certificate's subject and issuer (over 11).
 */
void tls_log_conn(struct tls_conn *t, const char *relay);

/* Sends the closing alert (bounded wait) and frees the connection. */
void tls_close(struct tls_conn *t);
/* Frees it without a word to the peer (after an error, or in a child). */
void tls_free(struct tls_conn *t);

/* LogLevel as a number (9 when unset), for the TLS lines' thresholds. */
int tls_loglevel(void);

/*
 * sendmail's encoding of a certificate's names for macros and access
 * keys: bytes outside '!'..'~' and the characters + < > ( ) " \ as +XX
 * (upper-case hex; the set as measured against 8.17).  Returns a
 * malloc'ed string.
 */
char *tls_xtextify(const char *s, size_t len);

#endif
