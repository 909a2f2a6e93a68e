/*
 * tls_ctx.c: the OpenSSL library and the two TLS contexts of a process
 * (see tls.h): the server's and the client's, each built once from the
 * options and kept.
 *
 * Owns the option parsing of the TLS options (file lists, TLSSrvOptions
 * letters, the SSL option words of ServerSSLOptions/ClientSSLOptions,
 * DHParameters) and the checks of the files as sendmail 8.17 makes them:
 * a key file others may read disables the role (unless DontBlameSendmail
 * GroupReadableKeyFile allows a group-readable one), logged only at high
 * log levels as 8.17 does.
 */
#include "tls_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/dh.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "options.h"
#include "safefile.h"

struct role_ctx {
	bool tried;
	bool ok;
	SSL_CTX *ctx;
};
static struct role_ctx Roles[2];

const char *tls_role_name(enum tls_role role)
{
	return role == TLS_SERVER ? "server" : "client";
}

int tls_loglevel(void)
{
	const char *v = opt_value(OPT_LogLevel);
	return v != NULL && *v != '\0' ? atoi(v) : 9;
}

SSL_CTX *tls_role_ctx(enum tls_role role)
{
	return Roles[role].ok ? Roles[role].ctx : NULL;
}

/* An option's value, NULL for unset or empty. */
static const char *optstr(enum option_id id)
{
	const char *v = opt_value(id);
	return v != NULL && *v != '\0' ? v : NULL;
}

/* The letters of TLSSrvOptions (blank- or comma-separated). */
bool tls_srv_option(char letter)
{
	const char *v = optstr(OPT_TLSSrvOptions);
	for (; v != NULL && *v; v++)
		if (*v == letter)
			return true;
	return false;
}

/*
 * A certificate or key file 8.17 would use: a regular file; a key file
 * neither group- nor world-readable (GroupReadableKeyFile allows the
 * group).  0 or an errno/E_SM_* code.
 */
static int check_file(const char *fn, bool key)
{
	/* the file itself (8.17 does not judge the directories above it) */
	struct stat st;
	if (stat(fn, &st) != 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return E_SM_REGONLY;
	if (key && (st.st_mode & S_IRGRP) && !DontBlame[DBS_GROUPREADABLEKEYFILE])
		return E_SM_GRFILE;
	if (key && (st.st_mode & S_IROTH))
		return E_SM_WRFILE;
	return 0;
}

/* Logs the OpenSSL error queue as 8.17 does ("STARTTLS=ROLE: error:..."), above LogLevel 9. */
void tls_log_errors(const char *who)
{
	unsigned long e;
	const char *file, *data;
	int line, flags;
	while ((e = ERR_get_error_all(&file, &line, NULL, &data, &flags)) != 0) {
		if (tls_loglevel() <= 9)
			continue;
		char buf[256];
		ERR_error_string_n(e, buf, sizeof buf);
		log_line(LOG_WARNING, NULL, "STARTTLS=%s: %s:%s:%d:%s", who, buf, file, line,
			 (flags & ERR_TXT_STRING) && data != NULL ? data : "");
	}
}

/* The SSL option words ServerSSLOptions/ClientSSLOptions know. */
static const struct {
	const char *name;
	uint64_t bits;
} SslOpts[] = {
	{"SSL_OP_ALL", SSL_OP_ALL},
	{"SSL_OP_NO_SSLv2", SSL_OP_NO_SSLv2},
	{"SSL_OP_NO_SSLv3", SSL_OP_NO_SSLv3},
	{"SSL_OP_NO_TLSv1", SSL_OP_NO_TLSv1},
	{"SSL_OP_NO_TLSv1_1", SSL_OP_NO_TLSv1_1},
	{"SSL_OP_NO_TLSv1_2", SSL_OP_NO_TLSv1_2},
	{"SSL_OP_NO_TLSv1_3", SSL_OP_NO_TLSv1_3},
	{"SSL_OP_NO_TICKET", SSL_OP_NO_TICKET},
	{"SSL_OP_NO_COMPRESSION", SSL_OP_NO_COMPRESSION},
	{"SSL_OP_CIPHER_SERVER_PREFERENCE", SSL_OP_CIPHER_SERVER_PREFERENCE},
	{"SSL_OP_NO_RENEGOTIATION", SSL_OP_NO_RENEGOTIATION},
	{"SSL_OP_TLSEXT_PADDING", SSL_OP_TLSEXT_PADDING},
	{"SSL_OP_LEGACY_SERVER_CONNECT", SSL_OP_LEGACY_SERVER_CONNECT},
	{"SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION", SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION},
	{"SSL_OP_NO_QUERY_MTU", SSL_OP_NO_QUERY_MTU},
	{"SSL_OP_PRIORITIZE_CHACHA", SSL_OP_PRIORITIZE_CHACHA},
	{"SSL_OP_ENABLE_MIDDLEBOX_COMPAT", SSL_OP_ENABLE_MIDDLEBOX_COMPAT},
	{"SSL_OP_IGNORE_UNEXPECTED_EOF", SSL_OP_IGNORE_UNEXPECTED_EOF},
};

/*
 * Applies an SSL options list ("SSL_OP_NO_TLSv1 -SSL_OP_ALL 0x4"): a word
 * or number sets the bits, with "-" before it clears them.  False on an
 * unknown word, copied to bad (the others are applied).
 */
bool tls_apply_ssl_options(SSL_CTX *ctx, SSL *ssl, const char *list, char *bad, size_t badsize)
{
	bool ok = true;
	const char *p = list;
	while (p != NULL && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		size_t n = strcspn(p, " \t,");
		char word[96];
		snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), p);
		p += n;
		char *w = word;
		bool clear = *w == '-';
		if (*w == '-' || *w == '+')
			w++;
		uint64_t bits = 0;
		bool known = false;
		if (*w >= '0' && *w <= '9') {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(w, &end, 0);
			known = errno == 0 && *end == '\0';
			bits = v;
		} else {
			for (size_t i = 0; i < sizeof SslOpts / sizeof SslOpts[0]; i++)
				if (strcmp(SslOpts[i].name, w) == 0) {
					bits = SslOpts[i].bits;
					known = true;
				}
		}
		if (!known) {
			if (ok && bad != NULL)
				snprintf(bad, badsize, "%s", w);
			ok = false;
			continue;
		}
		if (ssl != NULL) {
			if (clear)
				SSL_clear_options(ssl, bits);
			else
				SSL_set_options(ssl, bits);
		} else {
			if (clear)
				SSL_CTX_clear_options(ctx, bits);
			else
				SSL_CTX_set_options(ctx, bits);
		}
	}
	return ok;
}

/* Any certificate is taken: its verification's result is kept for {verify}. */
static int accept_any(int ok, X509_STORE_CTX *store)
{
	(void)ok;
	(void)store;
	return 1;
}

/*
 * The certificate/key pairs of a role ("cert1,cert2" and "key1,key2"),
 * each checked first; 0 pairs loaded is false unless none was given.
 */
static bool load_pairs(SSL_CTX *ctx, const char *certs, const char *keys, const char *who,
		       int *loaded)
{
	*loaded = 0;
	if (certs == NULL || keys == NULL)
		return true;
	char *cl = sm_strdup(certs), *kl = sm_strdup(keys);
	char *csave = NULL, *ksave = NULL;
	bool ok = true;
	for (char *c = strtok_r(cl, ",", &csave), *k = strtok_r(kl, ",", &ksave);
	     c != NULL && k != NULL; c = strtok_r(NULL, ",", &csave), k = strtok_r(NULL, ",", &ksave)) {
		int e = check_file(c, false);
		if (e == 0)
			e = check_file(k, true);
		if (e != 0) {
			/* 8.17 says so above LogLevel 7, but above 14 for a key
			 * others may read unless the other role uses the same
			 * key file (as measured) */
			const char *other = opt_value(strcmp(who, "server") == 0 ? OPT_ClientKeyFile
										   : OPT_ServerKeyFile);
			bool shared = other != NULL && strcmp(other, keys) == 0;
			bool readable = e == E_SM_GRFILE || e == E_SM_WRFILE;
			if (tls_loglevel() > (readable && !shared ? 14 : 7))
				log_line(LOG_WARNING, NULL, "STARTTLS=%s: file %s unsafe: %s", who,
					 check_file(c, false) != 0 ? c : k, sm_errstring(e));
			ok = false;
			break;
		}
		if (SSL_CTX_use_certificate_chain_file(ctx, c) != 1) {
			if (tls_loglevel() > 7)
				log_line(LOG_WARNING, NULL,
					 "STARTTLS=%s, error: SSL_CTX_use_certificate_file(%s) failed", who, c);
			tls_log_errors(who);
			ok = false;
			break;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, k, SSL_FILETYPE_PEM) != 1) {
			if (tls_loglevel() > 7)
				log_line(LOG_WARNING, NULL,
					 "STARTTLS=%s, error: SSL_CTX_use_PrivateKey_file(%s) failed", who, k);
			tls_log_errors(who);
			ok = false;
			break;
		}
		if (SSL_CTX_check_private_key(ctx) != 1) {
			if (tls_loglevel() > 7)
				log_line(LOG_WARNING, NULL,
					 "STARTTLS=%s, error: SSL_CTX_check_private_key failed(%s): %d", who, k, 0);
			tls_log_errors(who);
			ok = false;
			break;
		}
		(*loaded)++;
	}
	sm_free(cl);
	sm_free(kl);
	return ok;
}

/* DHParameters: none, i/5/1/2 (OpenSSL's built-in groups), or a PEM file. */
static bool set_dh(SSL_CTX *ctx, const char *who)
{
	const char *v = optstr(OPT_DHParameters);
	if (v != NULL && (strcmp(v, "none") == 0 || strcmp(v, "NONE") == 0))
		return true;
	if (v == NULL || v[0] != '/') {
		/* the library picks a group of fitting size, as 8.17's
		 * precomputed 2048-bit prime is for "i" */
		SSL_CTX_set_dh_auto(ctx, 1);
		if (tls_loglevel() > 13)
			log_line(LOG_INFO, NULL, "STARTTLS=%s, Diffie-Hellman init, key=2048 bit (%c)", who,
				 v != NULL && *v ? *v : 'I');
		return true;
	}
	BIO *b = BIO_new_file(v, "r");
	EVP_PKEY *dh = b != NULL ? PEM_read_bio_Parameters(b, NULL) : NULL;
	if (b != NULL)
		BIO_free(b);
	if (dh == NULL || SSL_CTX_set0_tmp_dh_pkey(ctx, dh) != 1) {
		if (dh != NULL)
			EVP_PKEY_free(dh);
		if (tls_loglevel() > 7)
			log_line(LOG_WARNING, NULL, "STARTTLS=%s, error: cannot read DH parameters(%s)", who, v);
		tls_log_errors(who);
		/* without DH the other key exchanges still work */
		return true;
	}
	if (tls_loglevel() > 13)
		log_line(LOG_INFO, NULL, "STARTTLS=%s, Diffie-Hellman init, key=%d bit (%c)", who,
			 EVP_PKEY_get_bits(dh), 'f');
	return true;
}

/* CACertFile, CACertPath, CRLFile, CRLPath into the context's store. */
static bool set_trust(SSL_CTX *ctx, enum tls_role role, const char *who)
{
	const char *cafile = optstr(OPT_CACertFile), *capath = optstr(OPT_CACertPath);
	if ((cafile != NULL || capath != NULL) &&
	    SSL_CTX_load_verify_locations(ctx, cafile, capath) != 1) {
		if (tls_loglevel() > 7)
			log_line(LOG_WARNING, NULL,
				 "STARTTLS=%s, error: load verify locs %s, %s failed: %d", who,
				 capath != NULL ? capath : "", cafile != NULL ? cafile : "", 0);
		tls_log_errors(who);
		/* no CA: certificates cannot be verified ({verify} FAIL), TLS still works */
	}
	if (role == TLS_SERVER && cafile != NULL) {
		/* the CAs the server names in its certificate request */
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cafile);
		if (names != NULL)
			SSL_CTX_set_client_CA_list(ctx, names);
		ERR_clear_error();
	}
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	const char *crl = optstr(OPT_CRLFile), *crlpath = optstr(OPT_CRLPath);
	if (crl == NULL && crlpath == NULL)
		return true;
	if (crl != NULL && access(crl, F_OK) == 0) {
		X509_LOOKUP *lu = X509_STORE_add_lookup(store, X509_LOOKUP_file());
		if (lu == NULL || X509_load_crl_file(lu, crl, X509_FILETYPE_PEM) <= 0) {
			/* an unusable CRLFile disables STARTTLS, as 8.17's option says */
			if (tls_loglevel() > 9)
				log_line(LOG_WARNING, NULL, "STARTTLS=%s, error: load CRLFile=%s failed", who, crl);
			tls_log_errors(who);
			return false;
		}
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	}
	if (crlpath != NULL) {
		X509_LOOKUP *lu = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
		if (lu == NULL || X509_LOOKUP_add_dir(lu, crlpath, X509_FILETYPE_PEM) != 1) {
			if (tls_loglevel() > 9)
				log_line(LOG_WARNING, NULL, "STARTTLS=%s, error: load CRLPath=%s failed", who,
					 crlpath);
			tls_log_errors(who);
			return false;
		}
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	}
	return true;
}

/* Builds the role's context; NULL when the role cannot do TLS. */
static SSL_CTX *build(enum tls_role role)
{
	const char *who = tls_role_name(role);
	bool server = role == TLS_SERVER;
	const char *certs = optstr(server ? OPT_ServerCertFile : OPT_ClientCertFile);
	const char *keys = optstr(server ? OPT_ServerKeyFile : OPT_ClientKeyFile);
	/* the server needs its certificate unless TLSSrvOptions says C */
	if (server && (certs == NULL || keys == NULL) && !tls_srv_option('C'))
		return NULL;
	/* 8.17's server wants both CA options (the files need not hold anything useful) */
	const char *cafile = optstr(OPT_CACertFile);
	if (server && (optstr(OPT_CACertPath) == NULL || cafile == NULL)) {
		if (tls_loglevel() > 12)
			log_line(LOG_INFO, NULL, "STARTTLS: %s missing",
				 optstr(OPT_CACertPath) == NULL ? "CACertPath" : "CACertFile");
		return NULL;
	}
	if (optstr(OPT_CRLFile) == NULL && optstr(OPT_CRLPath) == NULL && tls_loglevel() > 12)
		log_line(LOG_INFO, NULL, "STARTTLS: CRLFile missing");
	if (cafile != NULL) {
		int e = check_file(cafile, false);
		if (e != 0) {
			if (tls_loglevel() > 7)
				log_line(LOG_WARNING, NULL, "STARTTLS=%s: file %s unsafe: %s", who, cafile,
					 sm_errstring(e));
			if (server)
				return NULL;
		}
	}
	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) != 1)
		return NULL;
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (ctx == NULL) {
		tls_log_errors(who);
		return NULL;
	}
	/* 8.17's defaults: SSL_OP_ALL without padding (and no tickets for the client) */
	SSL_CTX_set_options(ctx, SSL_OP_ALL);
	SSL_CTX_clear_options(ctx, SSL_OP_TLSEXT_PADDING);
	if (!server)
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	const char *sslopts = optstr(server ? OPT_ServerSSLOptions : OPT_ClientSSLOptions);
	char bad[96];
	bool ok = tls_apply_ssl_options(ctx, NULL, sslopts, bad, sizeof bad);
	if (!ok && tls_loglevel() > 8)
		log_line(LOG_WARNING, NULL, "STARTTLS=%s, error: %sSSLOptions=%s, SSL_OP not found", who,
			 server ? "Server" : "Client", bad);
	int loaded = 0;
	if (ok)
		ok = load_pairs(ctx, certs, keys, who, &loaded);
	if (ok && server && loaded == 0 && !tls_srv_option('C'))
		ok = false;
	if (ok)
		ok = set_trust(ctx, role, who);
	const char *ciphers = optstr(OPT_CipherList);
	if (ok && ciphers != NULL && SSL_CTX_set_cipher_list(ctx, ciphers) != 1) {
		if (tls_loglevel() > 7)
			log_line(LOG_WARNING, NULL,
				 "STARTTLS=%s, error: SSL_CTX_set_cipher_list(%s) failed, list ignored", who,
				 ciphers);
		tls_log_errors(who);
	}
	const char *suites = optstr(OPT_CipherSuites);
	if (ok && suites != NULL && SSL_CTX_set_ciphersuites(ctx, suites) != 1) {
		if (tls_loglevel() > 7)
			log_line(LOG_WARNING, NULL,
				 "STARTTLS=%s, error: SSL_CTX_set_ciphersuites(%s) failed, suites ignored",
				 who, suites);
		tls_log_errors(who);
	}
	if (ok && server)
		ok = set_dh(ctx, who);
	if (ok && server) {
		/* a session ID context lets clients resume sessions */
		static const unsigned char sid[] = "sendmail";
		SSL_CTX_set_session_id_context(ctx, sid, sizeof sid - 1);
		/* a worker serves many sessions for a long time: OpenSSL's
		 * default of 20480 cached sessions (each with the client's
		 * certificate chain) would let clients grow it without bound in
		 * practice; resumption rarely meets the same worker anyway */
		SSL_CTX_sess_set_cache_size(ctx, 256);
	}
	if (!ok) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* the certificate request (server) and the check of the server's
	 * certificate (client): any certificate passes the handshake, its
	 * verification's result becomes {verify} */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (server ? SSL_VERIFY_CLIENT_ONCE : 0), accept_any);
	SSL_CTX_set_verify_depth(ctx, 100);
	if (tls_loglevel() > 12)
		log_line(LOG_INFO, NULL, "STARTTLS=%s, init=1", who);
	return ctx;
}

bool tls_ready(enum tls_role role)
{
	struct role_ctx *r = &Roles[role];
	if (!r->tried) {
		r->tried = true;
		r->ctx = build(role);
		r->ok = r->ctx != NULL;
		ERR_clear_error();
	}
	return r->ok;
}

void tls_free_contexts(void)
{
	for (int i = 0; i < 2; i++) {
		if (Roles[i].ctx != NULL)
			SSL_CTX_free(Roles[i].ctx);
		Roles[i].ctx = NULL;
		Roles[i].tried = Roles[i].ok = false;
	}
}
