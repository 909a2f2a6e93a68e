/*
 * fuzz_smtp.c: SMTP sessions as hostile input: each input is what a
 * client says, line by line, to one session of the server (smtpd_session)
 * on a socket pair, with a configuration built by our cf tree (relaying
 * rules, check_* rulesets, delay_checks) and the queue in a private
 * directory (on /dev/shm when it exists).
 *
 * A client thread plays the input as a polite client does: each line
 * waits for the server's reply (so EHLO is not refused as pipelining),
 * except the lines of a message after 354, which go out at once.  Lines
 * the server does not answer cost a short wait.  Messages are only
 * queued (DeliveryMode queueonly); VERB and ETRN, which would deliver or
 * start queue runs, are turned off by PrivacyOptions.  The queue is
 * emptied after each input.
 *
 * Run from the top of the source tree (t_fuzz_smoke does): the
 * configuration is made with m4 from cf/ at start-up.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "err.h"
#include "log.h"
#include "macro.h"
#include "mailer.h"
#include "map.h"
#include "sm.h"
#include "smtpd.h"

#include "fuzz_dir.h"

#define MAX_SESSION 8192
#define REPLY_WAIT_MS 30

static const char *Dir;
static char QueueDir[sizeof FuzzDir + 16];
/* FUZZ_SMTP_TRACE set: the server's replies go to standard error */
static bool Trace;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Makes the configuration with m4 from our cf tree and reads it. */
static void make_config(void)
{
	char path[600], cmd[1400];
	snprintf(path, sizeof path, "%s/switch", Dir);
	fuzz_write_file(path, "hosts files\naliases files\n");
	snprintf(path, sizeof path, "%s/hosts", Dir);
	fuzz_write_file(path, "127.0.0.1 localhost\n127.0.0.2 client.example.org\n"
			 "192.0.2.1 mx.example.net\n");
	snprintf(path, sizeof path, "%s/aliases", Dir);
	fuzz_write_file(path, "postmaster: root\nlist: a, b@example.net\n");
	snprintf(path, sizeof path, "%s/fuzz.mc", Dir);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		abort();
	fprintf(f,
		"divert(-1)\ndivert(0)dnl\n"
		"include(`cf/m4/cf.m4')dnl\n"
		"OSTYPE(`linux')dnl\n"
		"define(`confDOMAIN_NAME', `mail.example.com')dnl\n"
		"define(`QUEUE_DIR', `%s')dnl\n"
		"define(`ALIAS_FILE', `text:%s/aliases')dnl\n"
		"define(`confSERVICE_SWITCH_FILE', `%s/switch')dnl\n"
		"define(`confHOSTS_FILE', `%s/hosts')dnl\n"
		"define(`confDELIVERY_MODE', `queueonly')dnl\n"
		"define(`confPRIVACY_FLAGS', `authwarnings,noverb,noetrn,needmailhelo')dnl\n"
		"define(`confMAX_MESSAGE_SIZE', `4000')dnl\n"
		"define(`confMAX_RCPTS_PER_MESSAGE', `5')dnl\n"
		"define(`confBAD_RCPT_THROTTLE', `3')dnl\n"
		"define(`confTO_COMMAND', `5s')dnl\n"
		"define(`confTO_DATABLOCK', `5s')dnl\n"
		"define(`confDONT_PROBE_INTERFACES', `True')dnl\n"
		"define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')dnl\n"
		"define(`LOCAL_MAILER_PATH', `/bin/true')dnl\n"
		"FEATURE(`nocanonify')dnl\n"
		"FEATURE(`delay_checks')dnl\n"
		"RELAY_DOMAIN(`example.net')dnl\n"
		"MAILER(`local')dnl\nMAILER(`smtp')dnl\n",
		QueueDir, Dir, Dir, Dir);
	if (fclose(f) != 0)
		abort();
	snprintf(cmd, sizeof cmd, "m4 %s/fuzz.mc > %s/fuzz.cf", Dir, Dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "fuzz_smtp: m4 failed (run from the top of the source tree)\n");
		abort();
	}
	snprintf(path, sizeof path, "%s/fuzz.cf", Dir);
	if (!readcf(path))
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	/* a session the client leaves early writes into a closed socket */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		abort();
	Dir = fuzz_dir_make("fuzzsmtp");
	snprintf(QueueDir, sizeof QueueDir, "%s/queue", Dir);
	if (mkdir(QueueDir, 0700) != 0)
		abort();
	char logpath[600];
	snprintf(logpath, sizeof logpath, "%s/log", Dir);
	log_set_file(logpath);
	map_classes_init();
	macro_define_operators();
	mailers_init_builtin();
	make_config();
	Trace = getenv("FUZZ_SMTP_TRACE") != NULL;
	return 0;
}

struct client {
	int fd;
	const uint8_t *data;
	size_t size;
};

/*
 * Reads replies until a last reply line ("NNN text", not "NNN-") has come
 * or nothing more comes within the wait; returns the first three bytes
 * of that last line in code (or "" when none came).
 */
static void wait_reply(int fd, char code[4])
{
	char buf[4096];
	char line[8];
	size_t ll = 0;
	code[0] = '\0';
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, REPLY_WAIT_MS) <= 0)
			return;
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			return;
		if (Trace)
			(void)sm_write_all(2, buf, (size_t)n);
		bool last = false;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				if (ll >= 4 && line[3] == ' ') {
					memcpy(code, line, 3);
					code[3] = '\0';
					last = true;
				}
				ll = 0;
			} else if (ll < sizeof line) {
				line[ll++] = buf[i];
			}
		}
		if (last)
			return;
	}
}

static void *client_run(void *arg)
{
	struct client *c = arg;
	char code[4];
	wait_reply(c->fd, code);
	bool in_data = false;
	size_t i = 0;
	while (i < c->size) {
		size_t j = i;
		while (j < c->size && c->data[j] != '\n')
			j++;
		size_t end = j < c->size ? j + 1 : j;
		if (sm_write_all(c->fd, c->data + i, end - i) != 0)
			break;
		bool dot = end - i >= 2 && c->data[i] == '.' &&
			   (c->data[i + 1] == '\n' || (c->data[i + 1] == '\r' && end - i == 3));
		if (!in_data || dot) {
			wait_reply(c->fd, code);
			in_data = strcmp(code, "354") == 0;
		}
		i = end;
	}
	(void)shutdown(c->fd, SHUT_WR);
	char buf[4096];
	for (int k = 0; k < 1000; k++) {
		struct pollfd p = {c->fd, POLLIN, 0};
		if (poll(&p, 1, 2000) <= 0 || read(c->fd, buf, sizeof buf) <= 0)
			break;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_SESSION)
		return 0;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
	struct smtpd_conn conn;
	memset(&conn, 0, sizeof conn);
	conn.in_fd = conn.out_fd = sv[0];
	struct sockaddr_in *peer = (struct sockaddr_in *)&conn.peer;
	peer->sin_family = AF_INET;
	peer->sin_port = htons(40000);
	peer->sin_addr.s_addr = htonl(0x7f000002);
	conn.peer_len = sizeof *peer;
	struct sockaddr_in *local = (struct sockaddr_in *)&conn.local;
	local->sin_family = AF_INET;
	local->sin_port = htons(2525);
	local->sin_addr.s_addr = htonl(0x7f000001);
	conn.local_len = sizeof *local;
	conn.daemon_name = "MTA";
	conn.daemon_flags = "";
	conn.daemon_mode = true;
	struct client cl = {sv[1], data, size};
	pthread_t th;
	if (pthread_create(&th, NULL, client_run, &cl) != 0)
		abort();
	ExitStat = 0;
	(void)smtpd_session(&conn);
	(void)shutdown(sv[0], SHUT_RDWR);
	(void)pthread_join(th, NULL);
	(void)close(sv[0]);
	(void)close(sv[1]);
	fuzz_dir_empty(QueueDir);
	return 0;
}
