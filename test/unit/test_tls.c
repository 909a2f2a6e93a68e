/*
 * test_tls.c: the TLS core (sendmail/tls*.c): the +XX encoding of
 * certificate names, the contexts built from the options (a key others
 * may read refused), and a handshake between the server and the client
 * role over a socket pair (the client in a child process) with the
 * macros it gives; a peer that sends garbage fails the handshake within
 * its time limit.  Certificates are made with the openssl command.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "options.h"
#include "sm.h"
#include "tls.h"
#include "unit.h"

static const char *mval(const char *name)
{
	const char *v = macro_get(macro_id(name, strlen(name), true));
	return v != NULL ? v : "(unset)";
}

static bool make_certs(const char *d)
{
	char *cmd = sm_asprintf(
		"cd %s && { openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
		"-subj '/O=Unit CA/CN=Unit Root' && "
		"openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj '/CN=srv.example' && "
		"openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 2 && "
		"openssl req -newkey rsa:2048 -nodes -keyout clt.key -out clt.csr -subj '/O=A\"B <x>/CN=clt one' && "
		"openssl x509 -req -in clt.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out clt.crt -days 2 && "
		"chmod 600 *.key; } >/dev/null 2>&1",
		d);
	int rc = system(cmd);
	sm_free(cmd);
	return rc == 0;
}

static void test_xtext(void)
{
	char *s = tls_xtextify("/O=A B+C/CN=<x>\"y\")(\\;,=", 24);
	CHECK_STR("xtext", s, "/O=A+20B+2BC/CN=+3Cx+3E+22y+22+29+28+5C;,=");
	sm_free(s);
	s = tls_xtextify("\xe9\x01", 2);
	CHECK_STR("xtext-8bit", s, "+E9+01");
	sm_free(s);
}

void unit_run(void)
{
	test_xtext();
	const char *d = unit_tmpdir();
	if (!make_certs(d)) {
		printf("SKIP test_tls handshake: no openssl command\n");
		return;
	}
	char *p;
	/* a group-readable key: no server context */
	p = sm_asprintf("%s/srv.crt", d);
	option_set("ServerCertFile", p, true);
	sm_free(p);
	/* the server wants both CA options */
	p = sm_asprintf("%s/ca.crt", d);
	option_set("CACertFile", p, true);
	sm_free(p);
	option_set("CACertPath", d, true);
	p = sm_asprintf("%s/srv.key", d);
	option_set("ServerKeyFile", p, true);
	chmod(p, 0640);
	CHECK("group-readable-key-refused", !tls_ready(TLS_SERVER));
	tls_free_contexts();
	DontBlame[DBS_GROUPREADABLEKEYFILE] = true;
	CHECK("group-readable-key-allowed", tls_ready(TLS_SERVER));
	tls_free_contexts();
	DontBlame[DBS_GROUPREADABLEKEYFILE] = false;
	chmod(p, 0604);
	CHECK("world-readable-key-refused", !tls_ready(TLS_SERVER));
	tls_free_contexts();
	chmod(p, 0600);
	sm_free(p);
	p = sm_asprintf("%s/clt.crt", d);
	option_set("ClientCertFile", p, true);
	sm_free(p);
	p = sm_asprintf("%s/clt.key", d);
	option_set("ClientKeyFile", p, true);
	sm_free(p);
	option_set("CACertPath", "", true);
	CHECK("no-capath-refused", !tls_ready(TLS_SERVER));
	tls_free_contexts();
	option_set("CACertPath", d, true);
	CHECK("server-ready", tls_ready(TLS_SERVER));
	CHECK("client-ready", tls_ready(TLS_CLIENT));

	/* a handshake: the client in a child, both verify the other */
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		struct tls_conn *t = tls_handshake(TLS_CLIENT, sv[1], sv[1], 10, "srv", true);
		int rc = 1;
		if (t != NULL) {
			tls_set_macros(t);
			char buf[16];
			bool to;
			rc = strcmp(mval("verify"), "OK") != 0 ? 2 : 0;
			if (rc == 0 && tls_write(t, "ping", 4, 0) != 4)
				rc = 3;
			if (rc == 0 && (tls_read(t, buf, sizeof buf, sm_now_ms() + 5000, &to) != 4 ||
					memcmp(buf, "pong", 4) != 0))
				rc = 4;
			tls_close(t);
		}
		tls_free_contexts();
		_exit(rc);
	}
	close(sv[1]);
	struct tls_conn *t = tls_handshake(TLS_SERVER, sv[0], sv[0], 10, "clt [unix]", true);
	CHECK("server-handshake", t != NULL);
	if (t != NULL) {
		tls_set_macros(t);
		CHECK_STR("verify", mval("verify"), "OK");
		CHECK_STR("cert_subject", mval("cert_subject"), "/O=A+22B+20+3Cx+3E/CN=clt+20one");
		CHECK_STR("cert_issuer", mval("cert_issuer"), "/O=Unit+20CA/CN=Unit+20Root");
		CHECK_STR("cn_subject", mval("cn_subject"), "clt+20one");
		CHECK_STR("cn_issuer", mval("cn_issuer"), "Unit+20Root");
		CHECK_INT("cert_md5-length", strlen(mval("cert_md5")), 47);
		CHECK_STR("tls_version", mval("tls_version"), "TLSv1.3");
		CHECK_STR("cipher_bits", mval("cipher_bits"), "256");
		char buf[16];
		bool to;
		CHECK_INT("read", tls_read(t, buf, sizeof buf, sm_now_ms() + 5000, &to), 4);
		CHECK_INT("write", tls_write(t, "pong", 4, 0), 4);
		CHECK_INT("read-eof", tls_read(t, buf, sizeof buf, sm_now_ms() + 5000, &to), 0);
		tls_close(t);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK_INT("client-exit", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
	close(sv[0]);

	/* garbage instead of a ClientHello: fails at once; silence: the time limit */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	CHECK("garbage-write", write(sv[1], "EHLO x\r\n\r\n", 10) == 10);
	t = tls_handshake(TLS_SERVER, sv[0], sv[0], 10, "garbage", true);
	CHECK("garbage-refused", t == NULL);
	close(sv[0]);
	close(sv[1]);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	long long start = sm_now_ms();
	t = tls_handshake(TLS_SERVER, sv[0], sv[0], 1, "silent", true);
	long long took = sm_now_ms() - start;
	CHECK("silent-timeout", t == NULL && took >= 900 && took < 5000);
	close(sv[0]);
	close(sv[1]);
	tls_clear_macros(NULL);
	tls_free_contexts();
	options_free();
}
