/*
 * testmode.c: address test mode (-bt).
 *
 * Each input line is a command: "rulesets address" runs the rulesets (a
 * comma separated list) over each address of a comma separated list, and
 * the lines starting with '.', '=', '-', '$', '/' and '?' are the other
 * commands.  Output matches sendmail 8.17 byte for byte: a "> " prompt
 * before each read, the traces of the rewriting engine, and the replies.
 */
#include "testmode.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "class.h"
#include "err.h"
#include "hostenv.h"
#include "macro.h"
#include "mailer.h"
#include "map.h"
#include "parseaddr.h"
#include "resolve.h"
#include "rewrite.h"
#include "rule.h"
#include "sm.h"
#include "token.h"

static struct sm_arena Arena;

static void out(const char *s)
{
	fputs(s, stdout);
}

static void print_word_line(const char *word, void *arg)
{
	(void)arg;
	struct sm_buf b;
	sm_buf_init(&b);
	tok_print_word(&b, word);
	sm_buf_putc(&b, '\n');
	out(b.data);
	sm_buf_free(&b);
}

/* Drops the blanks at the end of s, but not at or before keep. */
static void strip_trailing(char *s, const char *keep)
{
	char *e = s + strlen(s);
	while (e > s && e - 1 > keep && isspace((unsigned char)e[-1]))
		*--e = '\0';
}

/* Class words are listed as they are stored, not in token notation. */
static void print_raw_line(const char *word, void *arg)
{
	(void)arg;
	printf("%s\n", word);
}

static void cmd_dot(char *line)
{
	if (line[1] == '\0') {
		message("Usage: .[DC]macro value(s)");
		return;
	}
	if (line[1] != 'D' && line[1] != 'C') {
		message("Unknown \".\" command %s", line);
		return;
	}
	if (line[1] == 'C' && line[2] == '\0')
		return;
	const char *endp;
	int id = macro_parse_name(line + 2, &endp);
	if (id == MACRO_NONE)
		return;
	if (line[1] == 'D') {
		/* trailing blanks go, down to the value's first byte */
		strip_trailing((char *)endp, endp);
		struct sm_buf t;
		sm_buf_init(&t);
		macro_translate(endp, &t);
		macro_define(id, t.data ? t.data : "");
		sm_buf_free(&t);
	} else {
		char *copy = sm_strdup(endp);
		char *save = NULL;
		for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
			class_add(id, w);
		sm_free(copy);
	}
}

/* "Undefined ruleset" with the name as typed, bytes as they are. */
static void print_undefined(const char *name)
{
	message("Undefined ruleset %s", name);
}

static void cmd_equals(char *line)
{
	if (line[1] == 'S') {
		int rs = ruleset_find(line + 2);
		if (rs < 0) {
			print_undefined(line + 2);
			return;
		}
		struct sm_buf b;
		sm_buf_init(&b);
		ruleset_print(rs, &b);
		if (b.data != NULL)
			out(b.data);
		sm_buf_free(&b);
	} else if (line[1] == 'M') {
		struct sm_buf b;
		sm_buf_init(&b);
		for (int i = 0; i < NMailers; i++)
			mailer_print(Mailers[i], &b);
		if (b.data != NULL)
			out(b.data);
		sm_buf_free(&b);
	} else if (line[1] == '\0') {
		message("Usage: =Sruleset or =M");
	} else {
		message("Unknown \"=\" command %s", line);
	}
}

/* "-d..." sets debug flags: accepted, no debugging output is promised. */
static void cmd_debug(const char *line)
{
	if (line[1] == '\0')
		message("Usage: -d{debug arguments}");
	else if (line[1] != 'd')
		message("Unknown \"-\" command %s", line);
}

static void cmd_dollar(char *line)
{
	const char *endp;
	if (line[1] == '=') {
		int id = macro_parse_name(line + 2, &endp);
		if (id != MACRO_NONE)
			class_foreach(id, print_raw_line, NULL);
		return;
	}
	int id = macro_parse_name(line + 1, &endp);
	if (id == MACRO_NONE)
		return;
	const char *v = macro_get(id);
	if (v == NULL) {
		out("Undefined\n");
		return;
	}
	print_word_line(v, NULL);
}

static char *next_word(char **pp)
{
	char *p = *pp;
	while (*p != '\0' && isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		*pp = p;
		return NULL;
	}
	char *w = p;
	while (*p != '\0' && !isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	return w;
}

static void cmd_map(char *args)
{
	char *name = next_word(&args);
	if (name == NULL) {
		message("Usage: /map mapname key");
		return;
	}
	/* the key is the rest after one blank, blanks included */
	char *key = args;
	while (*args != '\0' && isspace((unsigned char)*args))
		args++;
	if (*args == '\0') {
		message("No key specified");
		return;
	}
	struct map *m = map_find(name);
	if (m == NULL) {
		message("Map named \"%s\" not found", name);
		return;
	}
	if (!(m->flags & MF_VALID) || (!(m->flags & MF_OPEN) && !map_open(m))) {
		message("Map named \"%s\" not open", name);
		return;
	}
	int stat = EX_OK_;
	char *v = NULL;
	char *argv[2] = {key, NULL};
	/* the prefix first: messages of the lookup come after it */
	printf("map_lookup: %s (%s) ", name, key);
	fflush(stdout);
	if (m->flags & MF_OPENBOGUS)
		stat = EX_TEMPFAIL_;
	else
		v = m->cls->lookup(m, key, argv, &stat);
	if (v == NULL)
		printf("no match (%d)\n", stat);
	else
		printf("returns %s (%d)\n", v, stat);
}

/* The argument of /mx and /canon: the rest of the line without surrounding blanks. */
static char *rest_of_line(char *args)
{
	while (*args != '\0' && isspace((unsigned char)*args))
		args++;
	size_t n = strlen(args);
	while (n > 0 && isspace((unsigned char)args[n - 1]))
		args[--n] = '\0';
	return *args == '\0' ? NULL : args;
}

static void cmd_mx(char *args)
{
	char *host = rest_of_line(args);
	if (host == NULL) {
		message("Usage: /mx address");
		return;
	}
	char *mx[MAXMXHOSTS];
	unsigned short pref[MAXMXHOSTS];
	int rcode = 0;
	int n = getmxrr(host, mx, pref, MAXMXHOSTS, false, &rcode);
	if (n == NULLMX) {
		printf("getmxrr(%s) returns null MX (See RFC7505)\n", host);
		return;
	}
	printf("getmxrr(%s) returns %d value(s):\n", host, n);
	for (int i = 0; i < n; i++) {
		printf("\t%s\n", mx[i]);
		sm_free(mx[i]);
	}
}

static void cmd_canon(char *args)
{
	char *host = rest_of_line(args);
	if (host == NULL) {
		message("Usage: /canon address");
		return;
	}
	if (strlen(host) >= MAXNAME) {
		message("Name too long");
		return;
	}
	char buf[MAXNAME + 1];
	sm_strlcpy(buf, host, sizeof buf);
	int st = 0;
	(void)getcanonname(buf, sizeof buf, false, &st);
	printf("getcanonname(%s) returns %s\n", host, buf);
}

static void cmd_slash(char *line)
{
	strip_trailing(line, line);
	char *p = line + 1;
	char *cmd = isspace((unsigned char)*p) ? NULL : next_word(&p);
	if (cmd == NULL) {
		message("Usage: /[canon|map|mx|parse|try|tryflags]");
		return;
	}
	if (strcmp(cmd, "quit") == 0) {
		fflush(stdout);
		exit(ExitStat);
	} else if (strcmp(cmd, "mx") == 0) {
		cmd_mx(p);
	} else if (strcmp(cmd, "canon") == 0) {
		cmd_canon(p);
	} else if (strcmp(cmd, "map") == 0) {
		cmd_map(p);
	} else if (strcmp(cmd, "tryflags") == 0) {
		testmode_tryflags(p);
	} else if (strcmp(cmd, "try") == 0) {
		testmode_try(p, &Arena);
	} else if (strcmp(cmd, "parse") == 0) {
		testmode_parse(p, &Arena);
	} else {
		message("Unknown \"/\" command %s", line);
	}
}

static void run_rulesets(char *line)
{
	char *p = line;
	while (*p != '\0' && !isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		message("No address!");
		return;
	}
	*p++ = '\0';
	char *rulesets = line;
	/* the address starts right after the one blank that ends the rulesets */
	if (invalid_address(p, true))
		return;
	struct tokens *t = sm_malloc(sizeof *t);
	const char *addr = p;
	for (;;) {
		const char *delim = NULL;
		int n = tok_scan(addr, ',', TOK_TEST, t, &delim);
		if (n < 0)
			break;
		if (n > 0) {
			for (const char *q = rulesets; *q != '\0';) {
				int rs = ruleset_find(q);
				if (rs < 0) {
					print_undefined(q);
					break;
				}
				int st = rewrite(t->v, MAXATOM, rs, 0, &Arena);
				if (st != EX_OK_)
					printf("== Ruleset %s (%d) status %d\n", q, rs, st);
				q = strchr(q, ',');
				if (q == NULL)
					break;
				q++;
			}
		}
		if (delim == NULL || *delim == '\0')
			break;
		addr = delim + 1;
	}
	sm_free(t);
}

int testmode_run(FILE *in)
{
	char line[MAXLINE];
	sm_arena_init(&Arena, 16384);
	RewriteTrace = true;
	out("ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\n");
	out("Enter <ruleset> <address>\n");
	for (;;) {
		out("> ");
		fflush(stdout);
		if (fgets(line, sizeof line, in) == NULL)
			break;
		char *nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		char *p = line;
		while (*p != '\0' && isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		sm_arena_reset(&Arena);
		switch (*p) {
		case '.': cmd_dot(p); break;
		case '=': cmd_equals(p); break;
		case '-': cmd_debug(p); break;
		case '$': cmd_dollar(p); break;
		case '/': cmd_slash(p); break;
		case '?':
			message("Sendmail %s -- HELP not implemented", SENDMAIL_VERSION);
			break;
		default: run_rulesets(p); break;
		}
		fflush(stdout);
	}
	fflush(stdout);
	sm_arena_free(&Arena);
	return ExitStat;
}
