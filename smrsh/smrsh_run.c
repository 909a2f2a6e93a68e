/*
 * smrsh_run.c: running a checked smrsh command line without a shell.
 *
 * Owns the word splitting that /bin/sh would do on what smrsh lets
 * through (blanks, '...' and "..." quotes, backslash escapes, '#'
 * comments, * ? [ patterns matched against file names), the builtins
 * "exec" (a prefix), "exit [n]" and "echo" (dash's escapes), "||"/"&&" chains with the
 * shell's short-circuit rules, and exec'ing each program from
 * SMRSH_CMDDIR directly with the environment PATH=SMRSH_PATH (and PWD).
 * The last command that runs replaces this process, as sh would.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sm.h"
#include "smrsh.h"

struct words {
	char **v;
	int n, cap;
};

static void words_add(struct words *w, char *s)
{
	if (w->n + 2 > w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->v = sm_realloc(w->v, (size_t)w->cap * sizeof *w->v);
	}
	w->v[w->n++] = s;
	w->v[w->n] = NULL;
}

static void words_free(struct words *w)
{
	for (int i = 0; i < w->n; i++)
		sm_free(w->v[i]);
	sm_free(w->v);
	w->v = NULL;
	w->n = w->cap = 0;
}

static void syntax(const char *what)
{
	fprintf(stderr, "/bin/sh: 1: Syntax error: %s\n", what);
	exit(2);
}

/* Adds one word, expanded against file names when it has a pattern. */
static void add_word(struct words *w, struct sm_buf *lit, struct sm_buf *pat, bool globbing)
{
	glob_t g;
	if (globbing && glob(pat->data, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			words_add(w, sm_strdup(g.gl_pathv[i]));
		globfree(&g);
	} else {
		words_add(w, sm_strdup(lit->data));
	}
	sm_buf_reset(lit);
	sm_buf_reset(pat);
}

/* Both the literal text and a glob pattern with quoted characters escaped. */
static void put(struct sm_buf *lit, struct sm_buf *pat, int c, bool quoted)
{
	sm_buf_putc(lit, c);
	if (quoted && strchr("*?[\\]", c) != NULL)
		sm_buf_putc(pat, '\\');
	sm_buf_putc(pat, c);
}

static void split(const char *s, size_t len, struct words *w)
{
	struct sm_buf lit, pat;
	sm_buf_init(&lit);
	sm_buf_init(&pat);
	bool inword = false, globbing = false;
	const char *end = s + len;
	for (const char *p = s; p < end; p++) {
		int c = (unsigned char)*p;
		if (c == ' ' || c == '\t') {
			if (inword)
				add_word(w, &lit, &pat, globbing);
			inword = globbing = false;
			continue;
		}
		if (c == '#' && !inword)
			break;
		inword = true;
		if (c == '\\') {
			if (p + 1 < end)
				put(&lit, &pat, (unsigned char)*++p, true);
			else
				put(&lit, &pat, '\\', true);
		} else if (c == '\'' || c == '"') {
			const char *q = p + 1;
			for (; q < end && *q != c; q++) {
				if (c == '"' && *q == '\\' && q + 1 < end && strchr("\\\"", q[1]) != NULL)
					q++;
				put(&lit, &pat, (unsigned char)*q, true);
			}
			if (q >= end)
				syntax("Unterminated quoted string");
			p = q;
		} else {
			if (strchr("*?[", c) != NULL)
				globbing = true;
			put(&lit, &pat, c, false);
		}
	}
	if (inword)
		add_word(w, &lit, &pat, globbing);
	sm_buf_free(&lit);
	sm_buf_free(&pat);
}

static int do_exit(const struct words *w, int status)
{
	if (w->n < 2)
		return status;
	const char *a = w->v[1];
	char *end;
	errno = 0;
	long v = strtol(a, &end, 10);
	if (*a < '0' || *a > '9' || *end != '\0' || errno != 0 || v > INT_MAX) {
		fprintf(stderr, "/bin/sh: 1: exit: Illegal number: %s\n", a);
		return 2;
	}
	return (int)(v & 0xff);
}

/* The shell's echo: -n first, backslash escapes as dash knows them. */
static void do_echo(char **argv)
{
	bool nl = true;
	if (argv[1] != NULL && strcmp(argv[1], "-n") == 0) {
		nl = false;
		argv++;
	}
	for (int i = 1; argv[i] != NULL; i++) {
		if (i > 1)
			putchar(' ');
		for (const char *p = argv[i]; *p != '\0'; p++) {
			if (*p != '\\' || p[1] == '\0') {
				putchar(*p);
				continue;
			}
			int c = *++p;
			const char *map = strchr("a\ab\bf\fn\nr\rt\tv\v\\\\", c);
			if (c == 'c') {
				fflush(stdout);
				exit(0);
			} else if (c == '0') {
				int v = 0;
				for (int k = 0; k < 3 && p[1] >= '0' && p[1] <= '7'; k++)
					v = v * 8 + (*++p - '0');
				putchar(v);
			} else if (map != NULL && (map - "a\ab\bf\fn\nr\rt\tv\v\\\\") % 2 == 0) {
				putchar(map[1]);
			} else {
				putchar('\\');
				putchar(c);
			}
		}
	}
	if (nl)
		putchar('\n');
}

static void exec_prog(const char *prog, const struct smrsh_seg *seg, char **argv)
{
	static char pathenv[] = "PATH=" SMRSH_PATH;
	char cwd[PATH_MAX];
	char *pwdenv = NULL;
	if (getcwd(cwd, sizeof cwd) != NULL)
		pwdenv = sm_asprintf("PWD=%s", cwd);
	char *envp[] = { pathenv, pwdenv, NULL };
	char *path;
	if (seg->builtin == 'e') {
		/* "exec echo": the shell finds echo on its PATH. */
		path = sm_strdup("/bin/echo");
		if (access("/usr/bin/echo", X_OK) == 0) {
			sm_free(path);
			path = sm_strdup("/usr/bin/echo");
		}
	} else {
		path = sm_asprintf("%s/%.*s", SMRSH_CMDDIR, (int)seg->namelen, seg->name);
	}
	execve(path, argv, envp);
	int e = errno;
	fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

void smrsh_run(const char *prog, const struct smrsh_seg *segs, int nsegs)
{
	int status = 0;
	for (int i = 0; i < nsegs; i++) {
		const struct smrsh_seg *seg = &segs[i];
		if ((seg->op == '&' && status != 0) || (seg->op == '|' && status == 0))
			continue;
		struct words w = { 0 };
		split(seg->start, seg->len, &w);
		char **argv = w.v;
		if (seg->exec && w.n > 0)
			argv++;
		if (argv == NULL || argv[0] == NULL) {
			words_free(&w);
			syntax("end of file unexpected");
		}
		if (seg->builtin == 'x' && seg->exec) {
			fprintf(stderr, "/bin/sh: 1: exec: exit: not found\n");
			exit(127);
		}
		if (seg->builtin == 'x') {
			struct words args = { .v = argv, .n = w.n - (int)(argv - w.v) };
			int rc = do_exit(&args, status);
			words_free(&w);
			exit(rc);
		}
		if (seg->builtin == 'e' && !seg->exec) {
			do_echo(argv);
			status = ferror(stdout) ? 1 : 0;
			words_free(&w);
			continue;
		}
		fflush(NULL);
		/* The last command replaces us, as sh does. */
		if (i == nsegs - 1)
			exec_prog(prog, seg, argv);
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
			exit(EX_OSERR_);
		}
		if (pid == 0)
			exec_prog(prog, seg, argv);
		int ws;
		while (waitpid(pid, &ws, 0) < 0) {
			if (errno != EINTR) {
				fprintf(stderr, "%s: wait: %s\n", prog, strerror(errno));
				exit(EX_OSERR_);
			}
		}
		status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
		words_free(&w);
	}
	if (fflush(stdout) != 0 && status == 0)
		status = 1;
	exit(status);
}
