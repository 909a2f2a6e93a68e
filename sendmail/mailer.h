/*
 * mailer.h: mailer definitions (M lines) and the built-in mailers.
 */
#ifndef MAILER_H
#define MAILER_H

#include <stdbool.h>

#define MAXMAILERS 25
#define SMTP_LINE_LIMIT 990 /* L= that F=L implies (RFC 821's 1000 with room) */

struct mailer {
	char *name;
	int number;
	char *path;             /* P= */
	char **argv;            /* A=, translated text per argument */
	char flags[128];        /* F= */
	int se_rwset, sh_rwset; /* S=envelope/header */
	int re_rwset, rh_rwset; /* R= */
	long maxsize;           /* M= */
	int maxrcpt;            /* r= */
	int maxmsgs;            /* m= */
	int linelimit;          /* L= */
	int nice;               /* N= */
	char *eol;              /* E= */
	char *execdir;          /* D= */
	char *rootdir;          /* /= */
	char *charset;          /* C= */
	char *mtatype, *addrtype, *diagtype; /* T= */
	char *qgrp;             /* Q= */
	long wait;              /* W= */
	int uid, gid;           /* U= */
};

extern struct mailer *Mailers[MAXMAILERS];
extern int NMailers;

/* Defines or redefines a mailer from the text after "M". */
void mailer_define(const char *line);
/* Installs prog, *file* and *include* as sendmail does before reading. */
void mailers_init_builtin(void);
struct mailer *mailer_find(const char *name);
/* One "=M" line. */
struct sm_buf;
void mailer_print(const struct mailer *m, struct sm_buf *out);
/* Applies level-dependent defaults once the configuration is read. */
void mailers_finish(int config_level);
void mailers_free_all(void);

static inline bool mailer_has_flag(const struct mailer *m, int f)
{
	return f >= 0 && f < 128 && m->flags[f];
}

#endif
