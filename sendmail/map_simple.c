/*
 * map_simple.c: the small map classes that need no external service:
 * null, dequote, stab, macro, arith, arpa, syslog, user, program,
 * sequence and switch.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "err.h"
#include "macro.h"
#include "log.h"
#include "map.h"
#include "options.h"
#include "switchfile.h"
#include "token.h"

/* ---- null ---- */

static char *null_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)m, (void)key, (void)args;
	*stat = EX_NOTFOUND;
	return NULL;
}

const struct map_class NullMapClass = {
	"null", MCF_ALIASOK | MCF_OPTFILE, map_parse_args, NULL, null_lookup, NULL, NULL,
};

/* ---- dequote ---- */

static bool dequote_parse(struct map *m, char *p)
{
	m->flags |= MF_KEEPQUOTES;
	for (;;) {
		while (sm_isspace((unsigned char)*p))
			p++;
		if (*p != '-')
			break;
		switch (*++p) {
		case 'a':
			sm_free(m->app);
			m->app = sm_strndup(p + 1, strcspn(p + 1, " \t"));
			break;
		case 'D':
			m->flags |= MF_DEFER;
			break;
		case 'S':
		case 's':
			/* both name the character blanks become; none by default */
			m->spacesub = (unsigned char)p[1];
			m->dq_spacesub = (unsigned char)p[1];
			break;
		}
		while (*p != '\0' && !sm_isspace((unsigned char)*p))
			p++;
	}
	return true;
}

static char *dequote_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)args, (void)stat;
	char buf[MAXLINE];
	char *q = buf;
	int angle = 0, cmnt = 0, spaces = 0, quotes = 0;
	bool quoted = false, bslash = false;
	for (const char *p = key; *p != '\0' && q < buf + sizeof buf - 1; p++) {
		int c = (unsigned char)*p;
		if (bslash) {
			bslash = false;
			*q++ = (char)c;
			continue;
		}
		if (c == ' ' && m->dq_spacesub != '\0')
			c = m->dq_spacesub;
		switch (c) {
		case '\\': bslash = true; break;
		case '(': cmnt++; break;
		case ')':
			if (cmnt-- <= 0)
				return NULL;
			break;
		case ' ':
		case '\t':
			spaces++;
			break;
		}
		if (cmnt > 0) {
			*q++ = (char)c;
			continue;
		}
		switch (c) {
		case '"':
			quoted = !quoted;
			quotes++;
			continue;
		case '<':
			angle++;
			break;
		case '>':
			if (angle-- <= 0)
				return NULL;
			break;
		}
		*q++ = (char)c;
	}
	*q = '\0';
	/* a key without quotes has nothing to dequote: no match */
	if (angle != 0 || cmnt != 0 || bslash || quoted || spaces != 0 || quotes == 0)
		return NULL;
	return map_rewrite(m, buf, strlen(buf), NULL);
}

const struct map_class DequoteMapClass = {
	"dequote", MCF_OPTFILE, dequote_parse, NULL, dequote_lookup, NULL, NULL,
};

/* ---- stab: the alias entries kept in memory ---- */

static char *stab_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)m, (void)key, (void)args;
	*stat = EX_NOTFOUND;
	return NULL;
}

const struct map_class StabMapClass = {
	"stab", MCF_ALIASOK | MCF_ALIASONLY, map_parse_args, NULL, stab_lookup,
	NULL, NULL,
};

/* ---- macro: sets or clears a macro, answers "" ---- */

static char *macro_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)m, (void)stat;
	const char *endp;
	int id = macro_scan_name(key, &endp);
	if (id == MACRO_NONE)
		return NULL;
	const char *value = args != NULL && args[0] != NULL ? args[1] : NULL;
	macro_set_value(CurMacros, id, value);
	return "";
}

const struct map_class MacroMapClass = {
	"macro", MCF_OPTFILE, map_parse_args, NULL, macro_lookup, NULL, NULL,
};

/* ---- arith ---- */

/* Operands are read as strtol(..., 0) reads them: "0x10" is 16, "10x" 10, "a" 0. */
static bool parse_long(const char *s, long *v)
{
	if (s == NULL)
		return false;
	*v = strtol(s, NULL, 0);
	return true;
}

static char *arith_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)m;
	/* sendmail's result buffer holds 15 characters: longer results are cut */
	static char buf[16];
	long a, b;
	if (args == NULL || args[0] == NULL || args[1] == NULL || args[2] == NULL ||
	    !parse_long(args[1], &a) || !parse_long(args[2], &b) || strlen(key) != 1) {
		*stat = EX_CONFIG_;
		return NULL;
	}
	long r;
	switch (key[0]) {
	/* results wrap around as two's complement arithmetic does */
	case '+': r = (long)((unsigned long)a + (unsigned long)b); break;
	case '-': r = (long)((unsigned long)a - (unsigned long)b); break;
	case '*': r = (long)((unsigned long)a * (unsigned long)b); break;
	case '/':
		if (b == 0) {
			*stat = EX_CONFIG_;
			return NULL;
		}
		r = b == -1 ? (long)(0UL - (unsigned long)a) : a / b;
		break;
	case '%':
		if (b == 0) {
			*stat = EX_CONFIG_;
			return NULL;
		}
		r = b == -1 ? 0 : a % b;
		break;
	case '|': r = a | b; break;
	case '&': r = a & b; break;
	case 'l':
		return a < b ? "TRUE" : "FALSE";
	case '=':
		return a == b ? "TRUE" : "FALSE";
	case 'r':
		if (a > b) {
			*stat = EX_CONFIG_;
			return NULL;
		}
		r = a + (long)(random() % (b - a + 1));
		break;
	default:
		*stat = EX_CONFIG_;
		return NULL;
	}
	snprintf(buf, sizeof buf, "%ld", r);
	return buf;
}

const struct map_class ArithMapClass = {
	"arith", MCF_OPTFILE, map_parse_args, NULL, arith_lookup, NULL, NULL,
};

/* ---- arpa: the reverse lookup name of an address ---- */

static char *arpa_lookup(struct map *m, const char *key, char **args, int *stat)
{
	static char buf[128];
	struct in_addr a4;
	struct in6_addr a6;
	const char *k = key;
	if (sm_strncasecmp(k, "IPv6:", 5) == 0 && inet_pton(AF_INET6, k + 5, &a6) == 1) {
		char *p = buf;
		for (int i = 15; i >= 0; i--) {
			p += sprintf(p, "%x.%x", a6.s6_addr[i] & 0xf, a6.s6_addr[i] >> 4);
			if (i > 0)
				*p++ = '.';
		}
		*p = '\0';
	} else if (inet_pton(AF_INET, k, &a4) == 1) {
		const unsigned char *b = (const unsigned char *)&a4.s_addr;
		snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[3], b[2], b[1], b[0]);
	} else {
		*stat = EX_DATAERR_;
		return NULL;
	}
	return map_rewrite(m, buf, strlen(buf), args);
}

const struct map_class ArpaMapClass = {
	"arpa", MCF_OPTFILE, map_parse_args, NULL, arpa_lookup, NULL, NULL,
};

/* ---- syslog: logs the key, answers "" ---- */

static bool syslog_parse(struct map *m, char *p)
{
	m->syslog_level = LOG_NOTICE;
	for (;;) {
		while (sm_isspace((unsigned char)*p))
			p++;
		if (*p != '-')
			break;
		p++;
		if (*p == 'D') {
			m->flags |= MF_DEFER;
		} else if (*p == 'S') {
			m->spacesub = (unsigned char)p[1];
		} else if (*p == 'L') {
			static const struct {
				const char *n;
				int v;
			} lv[] = {{"EMERG", LOG_EMERG}, {"ALERT", LOG_ALERT}, {"CRIT", LOG_CRIT},
				  {"ERR", LOG_ERR},     {"WARNING", LOG_WARNING}, {"NOTICE", LOG_NOTICE},
				  {"INFO", LOG_INFO},   {"DEBUG", LOG_DEBUG}};
			const char *v = p + 1;
			while (sm_isspace((unsigned char)*v))
				v++;
			if (isdigit((unsigned char)*v))
				m->syslog_level = atoi(v);
			else {
				if (sm_strncasecmp(v, "LOG_", 4) == 0)
					v += 4;
				for (unsigned i = 0; i < sizeof lv / sizeof lv[0]; i++)
					if (sm_strncasecmp(v, lv[i].n, strlen(lv[i].n)) == 0)
						m->syslog_level = lv[i].v;
			}
		}
		while (*p != '\0' && !sm_isspace((unsigned char)*p))
			p++;
	}
	return true;
}

static char *syslog_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)args, (void)stat;
	/* through log_line, so that -D's copy of the log has it too */
	log_line(m->syslog_level, NULL, "%s", key);
	return "";
}

const struct map_class SyslogMapClass = {
	"syslog", MCF_OPTFILE, syslog_parse, NULL, syslog_lookup, NULL, NULL,
};

/* ---- user: the password database ---- */

static bool user_parse(struct map *m, char *args)
{
	if (!map_parse_args(m, args))
		return false;
	m->valcolno = 0;
	return true;
}

/* The -v column is checked when the map is first used, as sendmail does. */
static bool user_open(struct map *m, int mode)
{
	(void)mode;
	static const char *const fields[] = {"name", "passwd", "uid", "gid", "gecos",
					     "dir", "shell", NULL};
	if (m->valcol == NULL || m->valcol[0] == '\0')
		return true;
	for (int i = 0; fields[i] != NULL; i++) {
		if (sm_strcasecmp(m->valcol, fields[i]) == 0) {
			m->valcolno = i + 1;
			return true;
		}
	}
	syserr("User map %s: unknown column name %s", m->name, m->valcol);
	return false;
}

static char *user_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)args;
	/* user names are looked up in lower case whatever -f says */
	char lower[MAXLINE];
	sm_strlcpy(lower, key, sizeof lower);
	sm_lowercase(lower);
	struct passwd *pw = getpwnam(lower);
	if (pw == NULL) {
		*stat = EX_NOUSER_;
		return NULL;
	}
	if (m->flags & MF_MATCHONLY)
		return map_rewrite(m, lower, strlen(lower), NULL);
	char buf[64];
	const char *v;
	switch (m->valcolno) {
	case 0:
	case 1: v = pw->pw_name; break;
	case 2: v = pw->pw_passwd; break;
	case 3: snprintf(buf, sizeof buf, "%u", (unsigned)pw->pw_uid); v = buf; break;
	case 4: snprintf(buf, sizeof buf, "%u", (unsigned)pw->pw_gid); v = buf; break;
	case 5: v = pw->pw_gecos; break;
	case 6: v = pw->pw_dir; break;
	case 7: v = pw->pw_shell; break;
	default: v = pw->pw_name; break;
	}
	return map_rewrite(m, v, strlen(v), NULL);
}

const struct map_class UserMapClass = {
	"user", MCF_OPTFILE, user_parse, user_open, user_lookup, NULL, NULL,
};

/* ---- program: the first line a program prints for the key ---- */

static bool program_parse(struct map *m, char *args)
{
	return map_parse_args(m, args);
}

static char *program_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)args;
	static char line[MAXLINE];
	if (m->file[0] != '/') {
		/* sendmail only runs programs named by absolute path */
		*stat = EX_CONFIG_;
		return NULL;
	}
	int fds[2];
	if (pipe(fds) < 0) {
		*stat = EX_OSERR_;
		return NULL;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		*stat = EX_OSERR_;
		return NULL;
	}
	if (pid == 0) {
		char *argv[64];
		int n = 0;
		argv[n++] = m->file;
		char *extra = m->rebuild ? sm_strdup(m->rebuild) : NULL;
		char *save = NULL;
		for (char *w = extra ? strtok_r(extra, " \t", &save) : NULL; w && n < 62;
		     w = strtok_r(NULL, " \t", &save))
			argv[n++] = w;
		argv[n++] = (char *)key;
		argv[n] = NULL;
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(m->file, argv);
		_exit(EX_OSFILE_);
	}
	close(fds[1]);
	size_t len = 0;
	ssize_t r;
	while (len < sizeof line - 1 && (r = read(fds[0], line + len, sizeof line - 1 - len)) > 0)
		len += (size_t)r;
	line[len] = '\0';
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	line[strcspn(line, "\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len == 0) {
		*stat = WIFEXITED(status) && WEXITSTATUS(status) != 0 ? WEXITSTATUS(status)
								      : EX_NOTFOUND;
		return NULL;
	}
	if (m->flags & MF_MATCHONLY)
		return map_rewrite(m, key, strlen(key), NULL);
	return map_rewrite(m, line, strlen(line), NULL);
}

const struct map_class ProgramMapClass = {
	"program", 0, program_parse, NULL, program_lookup, NULL, NULL,
};

/* ---- sequence and switch ---- */

static bool sequence_parse(struct map *m, char *p)
{
	for (;;) {
		while (sm_isspace((unsigned char)*p) || *p == ',')
			p++;
		if (*p == '\0')
			break;
		char *name = p;
		while (*p != '\0' && !sm_isspace((unsigned char)*p) && *p != ',')
			p++;
		char save = *p;
		*p = '\0';
		struct map *mem = map_find(name);
		if (mem == NULL) {
			syserr("Sequence map %s: unknown member map %s", m->name, name);
		} else if (m->nstack >= MAXMAPSTACK) {
			syserr("Sequence map %s: too many member maps (%d max)", m->name, MAXMAPSTACK);
			*p = save;
			return false;
		} else {
			m->stack[m->nstack++] = mem;
		}
		*p = save;
	}
	return true;
}

static char *sequence_lookup(struct map *m, const char *key, char **args, int *stat)
{
	bool tempfail = false;
	for (int i = 0; i < m->nstack; i++) {
		struct map *mem = m->stack[i];
		if (!(mem->flags & MF_OPEN) && !map_open(mem))
			continue;
		int st = EX_OK_;
		if (mem->flags & MF_OPENBOGUS) {
			tempfail = true;
			continue;
		}
		char *v = mem->cls->lookup(mem, key, args, &st);
		if (v != NULL)
			return v;
		if (st == EX_TEMPFAIL_)
			tempfail = true;
	}
	*stat = tempfail ? EX_TEMPFAIL_ : EX_NOTFOUND;
	return NULL;
}

const struct map_class SequenceMapClass = {
	"sequence", MCF_ALIASOK | MCF_OPTFILE, sequence_parse, NULL, sequence_lookup, NULL, NULL,
};

static bool switch_parse(struct map *m, char *p)
{
	while (sm_isspace((unsigned char)*p))
		p++;
	char *service = p;
	while (*p != '\0' && !sm_isspace((unsigned char)*p))
		p++;
	*p = '\0';
	if (*service == '\0') {
		syserr("Switch map %s: no service name", m->name);
		return false;
	}
	sm_free(m->file);
	m->file = sm_strdup(service);
	return true;
}

/*
 * The members are the maps named "mapname.type" for each source the
 * service switch lists; they are looked for when the map is first used,
 * so K lines after the switch map's own still count.
 */
static bool switch_open(struct map *m, int mode)
{
	(void)mode;
	const char *types[MAXMAPSTACK];
	int n = switch_lookup(m->file, types, MAXMAPSTACK);
	if (n <= 0)
		return false; /* a service the switch does not know */
	m->nstack = 0;
	for (int i = 0; i < n; i++) {
		char *name = sm_asprintf("%s.%s", m->name, types[i]);
		struct map *mem = map_find(name);
		if (mem == NULL)
			syserr("Switch map %s: unknown member map %s", m->name, name);
		else if (m->nstack < MAXMAPSTACK)
			m->stack[m->nstack++] = mem;
		sm_free(name);
	}
	return true;
}

const struct map_class SwitchMapClass = {
	"switch", MCF_ALIASOK | MCF_OPTFILE, switch_parse, switch_open, sequence_lookup, NULL, NULL,
};
