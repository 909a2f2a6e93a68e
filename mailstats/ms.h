/*
 * ms.h: shared declarations of the mailstats program.
 *
 * ms_cf.c reads the two things mailstats needs from a sendmail.cf (the
 * StatusFile option and the mailer names); ms_main.c does the rest.
 */
#ifndef MS_H
#define MS_H

#include "stats.h"

struct ms_cf {
	char *statusfile;                   /* NULL: none in the file */
	char *mailer[STATS_MAXMAILERS];     /* names by mailer number */
	int nmailers;
};

/* Reads cf; 0, or the exit status after printing why (sysexits). */
int ms_cf_read(const char *path, struct ms_cf *cf);
void ms_cf_free(struct ms_cf *cf);

#endif
