/*
 * ms_cf.c: the part of sendmail.cf that mailstats reads.
 *
 * Owns the line scan that 8.17's mailstats does on its own (it does not run
 * the full configuration reader): "O StatusFile=value" (name without regard
 * to case, trailing blanks dropped), the one-letter "OSvalue", and the
 * name of every M line (up to a comma or white space, at most 20 bytes),
 * numbered after prog, *file* and *include*; a name seen before keeps its
 * number.  More than 25 names is an error.  As in 8.17, '#' ends every
 * line and lines are read in pieces of 2047 bytes (a longer line goes on
 * as a new line).
 */
#include "ms.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"

#define MS_LINELEN 2048
#define MS_NAMELEN 20

static bool ms_space(int c)
{
	return isspace((unsigned char)c) != 0;
}

/* The option value, without trailing white space. */
static char *ms_value(const char *p)
{
	size_t n = strlen(p);
	while (n > 0 && ms_space(p[n - 1]))
		n--;
	return sm_strndup(p, n);
}

static void ms_option(struct ms_cf *cf, const char *line)
{
	const char *p = NULL;
	static const char name[] = "StatusFile";
	if (line[1] == 'S') {
		p = line + 2;
	} else if (line[1] == ' ' && sm_strncasecmp(line + 2, name, sizeof name - 1) == 0) {
		p = line + 2 + sizeof name - 1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			return;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	if (p == NULL)
		return;
	sm_free(cf->statusfile);
	cf->statusfile = ms_value(p);
}

/* Returns false when there is no room for a new name. */
static bool ms_mailer(struct ms_cf *cf, const char *line)
{
	const char *p = line + 1;
	size_t n = 0;
	while (p[n] != '\0' && p[n] != ',' && !ms_space(p[n]) && n < MS_NAMELEN)
		n++;
	for (int i = 0; i < cf->nmailers; i++)
		if (strlen(cf->mailer[i]) == n && strncmp(cf->mailer[i], p, n) == 0)
			return true;
	if (cf->nmailers >= STATS_MAXMAILERS)
		return false;
	cf->mailer[cf->nmailers++] = sm_strndup(p, n);
	return true;
}

int ms_cf_read(const char *path, struct ms_cf *cf)
{
	static const char *const builtin[] = { "prog", "*file*", "*include*" };
	memset(cf, 0, sizeof *cf);
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		cf->mailer[cf->nmailers++] = sm_strdup(builtin[i]);
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		fprintf(stderr, "mailstats: %s: %s\n", path, strerror(errno));
		return EX_NOINPUT_;
	}
	char line[MS_LINELEN];
	int rc = 0;
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "#\n")] = '\0';
		if (line[0] == 'O')
			ms_option(cf, line);
		else if (line[0] == 'M' && !ms_mailer(cf, line)) {
			fprintf(stderr, "Too many mailers defined, %d max.\n",
				STATS_MAXMAILERS);
			rc = EX_SOFTWARE_;
			break;
		}
	}
	if (rc == 0 && ferror(fp)) {
		fprintf(stderr, "mailstats: %s: %s\n", path, strerror(errno));
		rc = EX_IOERR_;
	}
	if (fclose(fp) != 0 && rc == 0) {
		fprintf(stderr, "mailstats: %s: %s\n", path, strerror(errno));
		rc = EX_IOERR_;
	}
	return rc;
}

void ms_cf_free(struct ms_cf *cf)
{
	for (int i = 0; i < cf->nmailers; i++)
		sm_free(cf->mailer[i]);
	sm_free(cf->statusfile);
	memset(cf, 0, sizeof *cf);
}
