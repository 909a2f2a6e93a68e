/*
 * main.c: the sendmail command: parses the command line, reads the
 * configuration and runs the requested mode.  Invoked as mailq,
 * newaliases, hoststat or purgestat it acts as -bp, -bi, -bh or -bH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "class.h"
#include "conf.h"
#include "err.h"
#include "hostenv.h"
#include "macro.h"
#include "mailer.h"
#include "map.h"
#include "options.h"
#include "queue.h"
#include "rule.h"
#include "testmode.h"

#define DEFAULT_CF "/etc/mail/sendmail.cf"

static void usage(void)
{
	fprintf(stderr, "usage: sendmail [-C file] [-bt] [-O option=value] [-d flags]\n");
	exit(EX_USAGE_);
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
	const char *cf = DEFAULT_CF;
	char mode = 'm';
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
	opterr = 0;
	while ((c = getopt(argc, argv, "b:C:d:O:o:q::v")) != -1) {
		switch (c) {
		case 'b':
			mode = optarg[0];
			break;
		case 'C':
			cf = optarg;
			break;
		case 'd':
			break;
		case 'O':
			late_opts[nlate++] = sm_asprintf(" %s", optarg);
			break;
		case 'q': /* queue flags: queue_cmd.c */
			if (queue_cmdline_q(optarg) != 0)
				usage();
			break;
		case 'v':
			queue_cmdline_verbose();
			break;
		case 'o':
			late_opts[nlate++] = sm_strdup(optarg);
			break;
		default:
			usage();
		}
	}

	if (!readcf(cf))
		exit(EX_OSFILE_);
	for (int i = 0; i < nlate; i++) {
		option_line(late_opts[i], false);
		sm_free(late_opts[i]);
	}
	sm_free(late_opts);
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

	int rc = EX_OK_;
	switch (mode) {
	case 't':
		rc = testmode_run(stdin);
		break;
	case 'p': /* -bp, mailq */
	case 'P':
		rc = queue_cmd_list(mode);
		break;
	case 'i':
		rc = newaliases_run();
		break;
	case 'v':
		rc = verify_addresses(argv + optind);
		break;
	default:
		fprintf(stderr, "sendmail: mode -b%c is not available yet\n", mode);
		rc = EX_UNAVAILABLE_;
		break;
	}
	maps_close_all();
	return rc;
}
