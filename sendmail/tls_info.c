/*
 * tls_info.c: what a finished handshake tells the rest of sendmail (see
 * tls.h): the macros the rulesets and the Received: header use, with
 * sendmail 8.17's values and its +XX encoding of certificate names, and
 * the log lines 8.17 writes about a TLS connection.
 *
 * Owns the encoding (tls_xtextify) and the {verify} result of a
 * connection.
 */
#include "tls_int.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "log.h"
#include "macro.h"
#include "options.h"

/* the longest name kept, as 8.17's buffers */
#define CERT_NAME_MAX 256

char *tls_xtextify(const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	struct sm_buf b;
	sm_buf_init(&b);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c > '~' || c == '+' || strchr("<>()\"\\", c) != NULL) {
			char e[3] = {'+', hex[c >> 4], hex[c & 15]};
			sm_buf_put(&b, e, 3);
		} else
			sm_buf_putc(&b, (char)c);
	}
	char *r = sm_strdup(b.data != NULL ? b.data : "");
	sm_buf_free(&b);
	return r;
}

static void setm(const char *name, const char *value)
{
	macro_define(macro_id(name, strlen(name), true), value);
}

static const char *const TlsMacros[] = {
	"verify", "cert_subject", "cert_issuer", "cn_subject", "cn_issuer", "cert_md5",
	"cert_fp", "tls_version", "cipher", "cipher_bits", "alg_bits", NULL,
};

void tls_clear_macros(const char *verify)
{
	for (int i = 0; TlsMacros[i] != NULL; i++)
		setm(TlsMacros[i], NULL);
	setm("verify", verify);
}

const char *tls_verify_result(struct tls_conn *t)
{
	X509 *peer = SSL_get1_peer_certificate(t->ssl);
	const char *v;
	if (t->role == TLS_SERVER && !t->requested)
		v = "NOT";
	else if (peer == NULL)
		v = "NO";
	else
		v = SSL_get_verify_result(t->ssl) == X509_V_OK ? "OK" : "FAIL";
	if (peer != NULL)
		X509_free(peer);
	return v;
}

int tls_cipher_bits(struct tls_conn *t)
{
	int alg = 0;
	return SSL_CIPHER_get_bits(SSL_get_current_cipher(t->ssl), &alg);
}

/* A DN as X509_NAME_oneline gives it ("/C=US/O=Org/CN=x"), encoded. */
static char *dn_text(const X509_NAME *n)
{
	char buf[CERT_NAME_MAX];
	if (X509_NAME_oneline(n, buf, sizeof buf) == NULL)
		buf[0] = '\0';
	return tls_xtextify(buf, strlen(buf));
}

/* The CN of a DN, encoded, or 8.17's word for one that cannot be used. */
static char *cn_text(const X509_NAME *n)
{
	char buf[CERT_NAME_MAX];
	int len = X509_NAME_get_text_by_NID((X509_NAME *)n, NID_commonName, buf, sizeof buf);
	ERR_clear_error();
	if (len < 0)
		return sm_strdup("BadCertificateUnknown");
	if ((size_t)len >= sizeof buf - 1)
		return sm_strdup("BadCertificateTooLong");
	if (strlen(buf) != (size_t)len)
		return sm_strdup("BadCertificateContainsNULCN");
	return tls_xtextify(buf, (size_t)len);
}

/* The certificate's digest as "AB:CD:..." ({cert_md5}, {cert_fp}). */
static char *fingerprint(X509 *cert, const EVP_MD *md)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (md == NULL || X509_digest(cert, md, d, &n) != 1)
		return sm_strdup("");
	char *r = sm_calloc(1, n * 3 + 1);
	for (unsigned int i = 0; i < n; i++)
		snprintf(r + i * 3, 4, i + 1 < n ? "%02X:" : "%02X", d[i]);
	return r;
}

void tls_set_macros(struct tls_conn *t)
{
	tls_clear_macros(tls_verify_result(t));
	const SSL_CIPHER *c = SSL_get_current_cipher(t->ssl);
	setm("tls_version", SSL_get_version(t->ssl));
	setm("cipher", c != NULL ? SSL_CIPHER_get_name(c) : "");
	int alg = 0, bits = c != NULL ? SSL_CIPHER_get_bits(c, &alg) : 0;
	char num[16];
	snprintf(num, sizeof num, "%d", bits);
	setm("cipher_bits", num);
	snprintf(num, sizeof num, "%d", alg);
	setm("alg_bits", num);
	/* CertFingerprintAlgorithm set: {cert_fp} with it, else {cert_md5} */
	const char *fpalg = opt_value(OPT_CertFingerprintAlgorithm);
	bool use_fp = fpalg != NULL && *fpalg != '\0';
	const char *fpmacro = use_fp ? "cert_fp" : "cert_md5";
	X509 *peer = SSL_get1_peer_certificate(t->ssl);
	if (peer == NULL) {
		/* no certificate: its macros are there, empty */
		setm("cert_subject", "");
		setm("cert_issuer", "");
		setm("cn_subject", "");
		setm("cn_issuer", "");
		setm(fpmacro, "");
		return;
	}
	char *v = dn_text(X509_get_subject_name(peer));
	setm("cert_subject", v);
	sm_free(v);
	v = dn_text(X509_get_issuer_name(peer));
	setm("cert_issuer", v);
	sm_free(v);
	v = cn_text(X509_get_subject_name(peer));
	setm("cn_subject", v);
	sm_free(v);
	v = cn_text(X509_get_issuer_name(peer));
	setm("cn_issuer", v);
	sm_free(v);
	EVP_MD *md = EVP_MD_fetch(NULL, use_fp ? fpalg : "MD5", NULL);
	v = fingerprint(peer, md);
	if (md != NULL)
		EVP_MD_free(md);
	ERR_clear_error();
	setm(fpmacro, v);
	sm_free(v);
	X509_free(peer);
}

void tls_log_conn(struct tls_conn *t, const char *relay)
{
	const char *who = tls_role_name(t->role);
	const SSL_CIPHER *c = SSL_get_current_cipher(t->ssl);
	int alg = 0, bits = c != NULL ? SSL_CIPHER_get_bits(c, &alg) : 0;
	if (tls_loglevel() > 8)
		log_line(LOG_INFO, NULL,
			 "STARTTLS=%s, relay=%.100s, version=%.16s, verify=%.16s, cipher=%.64s, bits=%d/%d",
			 who, relay != NULL ? relay : "", SSL_get_version(t->ssl), tls_verify_result(t),
			 c != NULL ? SSL_CIPHER_get_name(c) : "", bits, alg);
	if (tls_loglevel() > 11) {
		X509 *peer = SSL_get1_peer_certificate(t->ssl);
		char *subj = peer != NULL ? dn_text(X509_get_subject_name(peer)) : sm_strdup("");
		char *iss = peer != NULL ? dn_text(X509_get_issuer_name(peer)) : sm_strdup("");
		long vr = SSL_get_verify_result(t->ssl);
		log_line(LOG_INFO, NULL, "STARTTLS=%s, cert-subject=%.256s, cert-issuer=%.256s, verifymsg=%s",
			 who, subj, iss, X509_verify_cert_error_string(vr));
		sm_free(subj);
		sm_free(iss);
		if (peer != NULL)
			X509_free(peer);
	}
}
