/*
 * ml_main.c: mail.local's command line and its one-shot mode.
 *
 * Owns the flags of 8.17's mail.local as Debian builds it (-7 -b -d -D
 * -f/-r -h -l -V), the spool directory choice (ML_SPOOL, or the
 * MAIL_LOCAL_SPOOL environment variable when we are not running set-id),
 * and "mail.local user ...": one message from standard input delivered to
 * every user, with the worst outcome as exit status.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ml.h"
#include "sm.h"

struct ml_opts MlOpts;

static void usage(void)
{
	fprintf(stderr, "mail.local: usage: mail.local [-7] [-b] [-d] [-l] [-f from|-r from] "
			"[-h filename] user ...\n");
	exit(EX_UNAVAILABLE_);
}

void ml_fail(struct ml_status *st, int ex, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->text, sizeof st->text, fmt, ap);
	va_end(ap);
	st->ex = ex;
	snprintf(st->reply, sizeof st->reply, "%s %s", code, st->text);
}

/* Which of two outcomes the exit status reports: a temporary failure wins. */
static int worse(int a, int b)
{
	if (a == EX_TEMPFAIL_ || b == EX_TEMPFAIL_)
		return EX_TEMPFAIL_;
	return b != 0 ? b : a;
}

static char *host_name(void)
{
	char buf[256];
	if (gethostname(buf, sizeof buf) < 0)
		return sm_strdup("localhost");
	buf[sizeof buf - 1] = '\0';
	return sm_strdup(buf);
}

int main(int argc, char **argv)
{
	const char *from = NULL;
	int c;
	openlog("mail.local", LOG_PID, LOG_MAIL);
	MlOpts.eightbit = true;
	MlOpts.spool = ML_SPOOL;
	const char *env = getenv(ML_SPOOL_ENV);
	if (env != NULL && *env == '/' && getuid() == geteuid() && getgid() == getegid())
		MlOpts.spool = env;
	while ((c = getopt(argc, argv, "7bdD:f:h:r:lV")) != -1) {
		switch (c) {
		case '7': MlOpts.eightbit = false; break;
		case 'b': MlOpts.bounce_quota = true; break;
		case 'd': break;
		case 'D':
			if (strcmp(optarg, "pw") != 0) {
				fprintf(stderr, "mail.local: Can not open mailbox database %s: "
						"Service unavailable\n", optarg);
				return EX_UNAVAILABLE_;
			}
			break;
		case 'f':
		case 'r':
			if (from != NULL) {
				fprintf(stderr, "mail.local: Multiple -f options\n");
				usage();
			}
			from = optarg;
			break;
		case 'h': MlOpts.homefile = optarg; break;
		case 'l': MlOpts.lmtp = true; break;
		case 'V': fprintf(stderr, "compiled with\n"); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	char *host = host_name();
	MlOpts.hostname = host;
	int rc = 0;
	if (MlOpts.lmtp) {
		if (argc > 0) {
			printf("421 Users should not be specified in command line if LMTP required\r\n");
			rc = EX_TEMPFAIL_;
		} else {
			rc = ml_lmtp();
		}
		sm_free(host);
		return rc;
	}
	if (argc == 0)
		usage();
	struct ml_status st = { 0 };
	FILE *msg = ml_read_message(stdin, from, false, &st);
	if (msg == NULL) {
		fprintf(stderr, "mail.local: %s\n", st.text);
		sm_free(host);
		return st.ex;
	}
	for (int i = 0; i < argc; i++) {
		struct ml_status one = { 0 };
		ml_deliver(msg, argv[i], &one);
		if (one.ex != 0) {
			fprintf(stderr, "mail.local: %s\n", one.text);
			rc = worse(rc, one.ex);
		}
	}
	if (fclose(msg) != 0 && rc == 0)
		rc = EX_IOERR_;
	sm_free(host);
	return rc;
}
