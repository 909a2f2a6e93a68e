/*
 * main.c: the sendmail command: parses the command line (every flag of
 * sendmail 8.17, its messages and exit statuses for bad ones), reads the
 * configuration and runs the requested mode.  Invoked as mailq,
 * newaliases, hoststat or purgestat it acts as -bp, -bi, -bh or -bH.
 * Submission itself is submit.c; the queue flags are queue_cmd.c's.
 */
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "deliver.h"
#include "class.h"
#include "conf.h"
#include "daemon.h"
#include "err.h"
#include "hostenv.h"
#include "log.h"
#include "macro.h"
#include "mailer.h"
#include "map.h"
#include "hoststat.h"
#include "msp.h"
#include "options.h"
#include "priv.h"
#include "queue.h"
#include "rule.h"
#include "smtpd.h"
#include "submit.h"
#include "testmode.h"

#define DEFAULT_CF "/etc/mail/sendmail.cf"
#define SUBMIT_CF "/etc/mail/submit.cf"

static const char *Argv0 = "sendmail";

static void usage(void)
{
	exit(EX_USAGE_);
}

/*
 * getopt as sendmail's: its messages name the program as invoked.  Flags
 * taking a value take it attached or as the next argument; "q" takes an
 * optional attached value only.
 */
#define SM_OPTS "A:B:b:C:cd:D:e:EF:f:Gh:IiL:M:mN:nO:o:p:Q:q:R:r:sTtUV:vX:"
static int OptInd = 1, OptPos;
static char *OptArg;

static int sm_getopt(int argc, char **argv)
{
	OptArg = NULL;
	if (OptPos == 0) {
		if (OptInd >= argc || argv[OptInd][0] != '-' || argv[OptInd][1] == '\0')
			return -1;
		if (strcmp(argv[OptInd], "--") == 0) {
			OptInd++;
			return -1;
		}
		OptPos = 1;
	}
	int c = (unsigned char)argv[OptInd][OptPos++];
	const char *spec = c != ':' ? strchr(SM_OPTS, c) : NULL;
	bool last = argv[OptInd][OptPos] == '\0';
	if (spec == NULL) {
		fprintf(stderr, "%s: illegal option -- %c\n", Argv0, c);
		if (last) {
			OptInd++;
			OptPos = 0;
		}
		return '?';
	}
	if (spec[1] != ':') {
		if (last) {
			OptInd++;
			OptPos = 0;
		}
		return c;
	}
	if (!last) {
		OptArg = argv[OptInd] + OptPos;
	} else if (c == 'q') {
		OptArg = "";
	} else if (OptInd + 1 < argc) {
		OptArg = argv[++OptInd];
	} else {
		fprintf(stderr, "%s: option requires an argument -- %c\n", Argv0, c);
		OptInd++;
		OptPos = 0;
		return ':';
	}
	OptInd++;
	OptPos = 0;
	return c;
}

static void install_default_host_map(void)
{
	if (map_find("host") == NULL) {
		char spec[] = "host host -a. -D";
		map_declare(spec);
	}
}

int main(int argc, char **argv)
{
	Argv0 = argv[0];
	const char *cf = NULL;
	char mode = 'm';
	char alt = '\0'; /* -Ac or -Am */
	const char *prog = strrchr(argv[0], '/');
	prog = prog ? prog + 1 : argv[0];
	if (strcmp(prog, "mailq") == 0)
		mode = 'p';
	else if (strcmp(prog, "newaliases") == 0)
		mode = 'i';
	else if (strcmp(prog, "hoststat") == 0)
		mode = 'h';
	else if (strcmp(prog, "purgestat") == 0)
		mode = 'H';

	map_classes_init();
	mailers_init_builtin();
	hostenv_init();

	/* options given with -O/-o are applied after the configuration */
	char **late_opts = sm_calloc((size_t)argc + 1, sizeof *late_opts);
	int nlate = 0;
	int c;
	bool qflag = false, bad = false;
	const char *logtag = NULL, *dlog = NULL, *xlog = NULL;
	struct submit_opts so = {.hop_count = -1};
	while ((c = sm_getopt(argc, argv)) != -1) {
		switch (c) {
		case 'b':
			mode = OptArg[0];
			if (mode == '\0' || strchr("aDdHhimPpstv", mode) == NULL || OptArg[1] != '\0') {
				usrerr("Invalid operation mode %c", mode);
				exit(EX_USAGE_);
			}
			break;
		case 'A':
			if (strcmp(OptArg, "c") == 0)
				so.msp = true;
			else if (strcmp(OptArg, "m") != 0)
				bad = true;
			alt = OptArg[0];
			break;
		case 'B':
			so.body_type = OptArg;
			break;
		case 'C':
			cf = OptArg;
			so.cf_arg = OptArg;
			break;
		case 'd':
			break;
		case 'D':
			dlog = OptArg;
			break;
		case 'F':
			so.fullname = OptArg;
			break;
		case 'f':
		case 'r':
			if (so.from != NULL) {
				usrerr("More than one \"from\" person");
				exit(EX_USAGE_);
			}
			so.from = OptArg;
			break;
		case 'h': {
			char *end;
			long h = strtol(OptArg, &end, 10);
			if (*OptArg == '\0' || *end != '\0' || h < -1000000 || h > 1000000) {
				usrerr("Bad hop count (%s)", OptArg);
				exit(EX_USAGE_);
			}
			so.hop_count = h < 0 ? 0 : (int)h;
			break;
		}
		case 'i':
			so.ignore_dots = true;
			break;
		case 'I':
			mode = 'i';
			break;
		case 'L':
			logtag = OptArg;
			break;
		case 'N':
			so.notify = OptArg;
			break;
		case 'O':
			late_opts[nlate++] = sm_asprintf(" %s", OptArg);
			break;
		case 'o':
			if (OptArg[0] == 'i' && OptArg[1] == '\0')
				so.ignore_dots = true;
			late_opts[nlate++] = sm_strdup(OptArg);
			break;
		case 'q': /* queue flags: queue_cmd.c */
			qflag = true;
			if (queue_cmdline_q(OptArg) != 0)
				usage();
			break;
		case 'Q':
			break;
		case 'R':
			so.ret = OptArg;
			break;
		case 't':
			so.read_rcpts = true;
			break;
		case 'v':
			so.verbose = true;
			queue_cmdline_verbose();
			break;
		case 'V':
			so.envid = OptArg;
			break;
		case 'X':
			xlog = OptArg;
			break;
		case 'U':
			exit(EX_USAGE_);
		case 'c': case 'E': case 'e': case 'G': case 'M': case 'm': case 'n':
		case 'p': case 's': case 'T':
			/* accepted for compatibility; no effect here */
			break;
		default:
			bad = true;
			break;
		}
	}
	if (bad)
		usage();
	if (submit_check_opts(&so) != 0)
		exit(EX_USAGE_);

	/* no -C: submit.cf for -Ac, and for submissions (-bm, -bs, -t) when it exists */
	if (cf == NULL) {
		bool submission = (mode == 'm' && !qflag) || mode == 's' || so.read_rcpts;
		if (alt == 'c' || (alt != 'm' && submission && access(SUBMIT_CF, F_OK) == 0))
			cf = SUBMIT_CF;
		else
			cf = DEFAULT_CF;
	}
	/*
	 * ./Build install makes sendmail set-group-id smmsp (the client queue
	 * is group-writable).  A caller who names the configuration or a file
	 * to write (-C, -D, -X) gets no extra rights: they are given up here,
	 * before the file is read or opened (8.17 does so for -C).
	 */
	bool drop = so.cf_arg != NULL || dlog != NULL || xlog != NULL;
	if (getuid() != 0) {
		/* as 8.17: options other than a few harmless ones, and the
		 * modes that show what the group may read (-bt, -bh, -bv) */
		for (int i = 0; i < nlate && !drop; i++)
			drop = !option_is_safe(late_opts[i]);
		if (mode == 't' || mode == 'h' || mode == 'v')
			drop = true;
	}
	if (drop)
		priv_drop_setid();
	msp_set_cmdline(so.msp);
	if (!readcf(cf))
		exit(EX_OSFILE_);
	for (int i = 0; i < nlate; i++) {
		option_line(late_opts[i], false);
		sm_free(late_opts[i]);
	}
	sm_free(late_opts);
	/* 8.17 goes on in test mode only (exiting 70 at its end) */
	bool cf_error = !options_check_final();
	if (cf_error && mode != 't')
		exit(EX_SOFTWARE_);
	install_default_host_map();
	hostenv_after_config();
	if (ConfigLevel < 10)
		message("Warning: .cf file is out of date: sendmail %s supports version 10, .cf file is version %d",
			SENDMAIL_VERSION, ConfigLevel);
	{
		struct sm_buf jb;
		sm_buf_init(&jb);
		const char *j = macro_get('j');
		if (j != NULL)
			macro_expand(j, &jb);
		if (jb.data != NULL && strchr(jb.data, '.') == NULL)
			message("WARNING: local host name (%s) is not qualified; see cf/README: WHO AM I?",
				jb.data);
		sm_buf_free(&jb);
	}
	if (mailer_find("local") == NULL)
		syserr("No local mailer defined");

	log_open(logtag);
	if (dlog != NULL)
		log_set_file(dlog);
	if (xlog != NULL && !log_set_traffic(xlog))
		syserr("cannot open %s", xlog);
	if (mode == 'm')
		submit_cf_warnings(&so);

	/* modes a caller who is not root may not use */
	{
		struct queue_runner_opts qo;
		struct passwd *me = getpwuid(getuid());
		int prc = priv_check_mode(mode, qflag && queue_cmd_daemon_opts(&qo),
					  me != NULL && conf_trusted_user(me->pw_name));
		if (prc != 0)
			exit(prc);
	}
	/* RunAsUser: everything but the listening daemon runs as that user
	 * from here on (the daemon's children change in daemon*.c) */
	if (mode != 'd' && mode != 'D') {
		int err = priv_become_runas();
		/* an unknown user was reported with the cf: 8.17 stops there */
		if (err == EINVAL && mode != 't')
			exit(EX_SOFTWARE_);
		if (err != 0 && err != EINVAL) {
			fprintf(stderr, "sendmail: cannot become RunAsUser %s: %s\n",
				opt_value(OPT_RunAsUser), strerror(err));
			exit(EX_OSERR_);
		}
	}
	if (mode == 'v' && priv_caller_uid() != 0)
		printf("Notice: -bv may give misleading output for non-privileged user\n");
	int rc = EX_OK_;
	if (mode == 'm' && qflag && OptInd >= argc) {
		struct passwd *pw = getpwuid(priv_caller_uid());
		struct deliver_opts dopt = {.verbose = so.verbose, .queue_run = true,
					    .invoker = pw != NULL ? pw->pw_name : NULL};
		queue_set_deliver(submit_deliver_queued, &dopt);
		rc = queue_cmd_run(); /* -q, -qf, -q15m, -qp[time], -qG (queue_cmd.c) */
		maps_close_all();
		log_close();
		return rc;
	}
	switch (mode) {
	case 't':
		rc = testmode_run(stdin);
		if (cf_error && rc == EX_OK_)
			rc = EX_SOFTWARE_;
		break;
	case 'p': /* -bp, mailq */
	case 'P':
		rc = queue_cmd_list(mode);
		break;
	case 'i':
		rc = newaliases_run();
		break;
	case 'd': /* -bd: the SMTP daemon, detached; -bD in the foreground (daemon*.c) */
	case 'D': {
		struct passwd *pw = getpwuid(priv_caller_uid());
		struct deliver_opts dopt = {.queue_run = true,
					    .invoker = pw != NULL ? pw->pw_name : NULL};
		struct queue_runner_opts qo;
		bool periodic = queue_cmd_daemon_opts(&qo);
		rc = daemon_run(mode == 'D', periodic ? &qo : NULL, submit_deliver_queued, &dopt);
		queue_free_all();
		break;
	}
	case 'v':
		rc = verify_addresses(argv + OptInd);
		break;
	case 'h': /* -bh, hoststat */
		rc = hoststat_list();
		break;
	case 'H': /* -bH, purgestat */
		rc = hoststat_purge();
		break;
	case 'm':
		if (OptInd >= argc && !so.read_rcpts) {
			usrerr("Recipient names must be specified");
			rc = EX_USAGE_;
			break;
		}
		rc = submit_run(&so, argv + OptInd);
		break;
	case 's': {
		/* an SMTP session on standard input and output; the client is this host */
		struct smtpd_conn sc = {.in_fd = 0, .out_fd = 1, .daemon_flags = ""};
		sc.peer.ss_family = AF_UNSPEC;
		rc = smtpd_session(&sc);
		break;
	}
	default:
		fprintf(stderr, "sendmail: mode -b%c is not available yet\n", mode);
		rc = EX_UNAVAILABLE_;
		break;
	}
	maps_close_all();
	log_close();
	return rc;
}
