/*
 * smrsh.h: shared declarations of smrsh, sendmail's restricted shell.
 *
 * smrsh_main.c checks a command line as 8.17's smrsh does; smrsh_run.c
 * splits it into words and runs it without any shell.
 */
#ifndef SMRSH_H
#define SMRSH_H

#include <stddef.h>

#ifndef SMRSH_CMDDIR
#define SMRSH_CMDDIR "/etc/mail/smrsh"
#endif
#ifndef SMRSH_PATH
#define SMRSH_PATH "/usr/bin:/bin"
#endif

/* One command of the line: text between "||"/"&&" separators. */
struct smrsh_seg {
	const char *start;
	size_t len;
	int op; /* what precedes it: 0 (first), '|' for ||, '&' for && */
	const char *name; /* the checked program name, path stripped */
	size_t namelen;
	int builtin;      /* 'e' echo, 'x' exit, 0 a program */
	int exec;         /* an "exec" came before the name */
};

/* Runs the checked segments; never returns. */
void smrsh_run(const char *prog, const struct smrsh_seg *segs, int nsegs)
	__attribute__((noreturn));

#endif
