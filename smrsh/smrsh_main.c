/*
 * smrsh_main.c: smrsh, the restricted shell for sendmail's prog mailer.
 *
 * Owns the checks of "smrsh -c command" made before anything runs, with
 * 8.17's messages and exit codes: the usage, the length limit, the
 * forbidden characters (` < > ; $ ( ) CR LF, and a | or & that is not
 * part of || or &&), and, for every command of the line, that its name
 * (after an optional "exec") is the builtin "echo" or "exit" or, path
 * stripped, a file in SMRSH_CMDDIR that we may execute.  The commands are
 * checked left to right, each name before the rest of its text, so the
 * first problem is the one 8.17 reports.  Running is smrsh_run.c's.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "sm.h"
#include "smrsh.h"

#define SMRSH_MAXSEGS 512
#define SMRSH_MAXLEN 982   /* the longest line 8.17 takes */
#define SMRSH_MAXBUILT 997 /* and with 15 bytes more per program */

static bool blank(int c)
{
	return c == ' ' || c == '\t';
}

static void usage(const char *prog)
{
	fprintf(stderr, "Usage: %s -c command\n", prog);
	exit(EX_USAGE_);
}

static void refuse(const char *prog, const char *name, const char *why)
{
	fprintf(stderr, "%s: \"%s\" not available for sendmail programs%s\n", prog, name, why);
	syslog(LOG_CRIT, "uid %d: attempt to use \"%s\"%s", (int)getuid(), name, why);
	exit(EX_UNAVAILABLE_);
}

static void too_long(const char *prog, const char *cmd)
{
	fprintf(stderr, "%s: command too long: %s\n", prog, cmd);
	syslog(LOG_WARNING, "command too long: %.40s", cmd);
	exit(EX_UNAVAILABLE_);
}

/*
 * A forbidden character in [p, end), or 0.  8.17 compares only the low
 * seven bits of each byte, so 0xA9 counts as ')'; the byte is reported
 * as it is.
 */
static int bad_char(const char *cmd, const char *p, const char *end)
{
	for (; p < end && *p != '\0'; p++) {
		int c = *p & 0x7f;
		if (strchr("`<>;$()\r\n", c) != NULL)
			return (unsigned char)*p;
		if ((c == '|' || c == '&') && (p[1] & 0x7f) != c && (p == cmd || (p[-1] & 0x7f) != c))
			return (unsigned char)*p;
	}
	return 0;
}

/*
 * Checks the command named by [p, p+n): "echo" and "exit" are builtins,
 * anything else must be an executable file of SMRSH_CMDDIR once its path
 * is stripped.  Exits when it may not run; returns what the command adds
 * to the length 8.17 allows.
 */
static long check_name(const char *prog, const char *p, size_t n)
{
	char *word = sm_strndup(p, n);
	if (strcmp(word, "exit") == 0 || strcmp(word, "echo") == 0) {
		sm_free(word);
		return 0;
	}
	const char *base = strrchr(word, '/');
	base = base != NULL ? base + 1 : word;
	long cost = 15 - (long)(base - word);
	char path[PATH_MAX];
	int len = snprintf(path, sizeof path, "%s/%s", SMRSH_CMDDIR, base);
	struct stat sb;
	if (len < 0 || (size_t)len >= sizeof path)
		refuse(prog, base, " (filename too long)");
	if (stat(path, &sb) < 0)
		refuse(prog, base, " (stat failed)");
	if (!S_ISREG(sb.st_mode))
		refuse(prog, base, " (not a file)");
	if (access(path, X_OK) < 0)
		refuse(prog, base, "");
	sm_free(word);
	return cost;
}

int main(int argc, char **argv)
{
	const char *prog = argc > 0 && argv[0] != NULL ? argv[0] : "smrsh";
	openlog("smrsh", LOG_ODELAY | LOG_CONS, LOG_MAIL);
	if (argc != 3 || strcmp(argv[1], "-c") != 0 || argv[2][0] == '\0')
		usage(prog);
	const char *cmd = argv[2];
	size_t cmdlen = strlen(cmd);
	if (cmdlen > SMRSH_MAXLEN)
		too_long(prog, cmd);
	struct smrsh_seg segs[SMRSH_MAXSEGS];
	int nsegs = 0;
	long total = (long)cmdlen;
	/* Each command: a name, checked; then the text up to the next || or &&. */
	const char *p = cmd;
	int op = 0;
	for (;;) {
		while (blank(*p))
			p++;
		const char *start = p;
		struct smrsh_seg *seg = &segs[nsegs < SMRSH_MAXSEGS ? nsegs : 0];
		seg->exec = 0;
		if (strncmp(p, "exec", 4) == 0 && blank(p[4])) {
			seg->exec = 1;
			p += 4;
			while (blank(*p))
				p++;
		}
		size_t n = strcspn(p, " \t");
		total += check_name(prog, p, n);
		seg->name = p;
		seg->namelen = n;
		for (size_t i = 0; i < n; i++)
			if (p[i] == '/') {
				seg->name = p + i + 1;
				seg->namelen = n - i - 1;
			}
		seg->builtin = n == 4 && strncmp(p, "exit", 4) == 0 ? 'x' :
			       n == 4 && strncmp(p, "echo", 4) == 0 ? 'e' : 0;
		const char *q = p + n;
		const char *sep = NULL;
		for (; *q != '\0'; q++)
			if ((q[0] == '|' && q[1] == '|') || (q[0] == '&' && q[1] == '&')) {
				sep = q;
				break;
			}
		const char *end = sep != NULL ? sep : q;
		int c = bad_char(cmd, p + n, end);
		if (c != 0) {
			fprintf(stderr, "%s: cannot use %c in command\n", prog, c);
			syslog(LOG_CRIT, "uid %d: attempt to use %c in command: %s", (int)getuid(),
			       c, cmd);
			exit(EX_UNAVAILABLE_);
		}
		if (total > SMRSH_MAXBUILT || nsegs == SMRSH_MAXSEGS)
			too_long(prog, cmd);
		seg->start = start;
		seg->len = (size_t)(end - start);
		seg->op = op;
		nsegs++;
		if (sep == NULL)
			break;
		op = sep[0];
		p = sep + 2;
	}
	smrsh_run(prog, segs, nsegs);
}
