/*
 * conf.c: reads sendmail.cf line by line and hands each line to its owner.
 *
 * Before interpretation every line is folded with its continuation lines
 * (those starting with a space or tab), loses its "# comment" tail (from
 * level 3 on; "$#" and "\#" are kept) and has its "$" syntax translated to
 * meta bytes.  Rules and classes are expanded against the macros defined
 * so far, as sendmail does, so a macro must be defined before the rules
 * that use it with "$x".
 */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "class.h"
#include "err.h"
#include "macro.h"
#include "mailer.h"
#include "map.h"
#include "meta.h"
#include "options.h"
#include "rule.h"
#include "safefile.h"
#include "sm.h"
#include "token.h"

int ConfigLevel;
char *VendorCode;
struct hdr_def *HeaderDefs;
struct precedence Precedences[64];
int NPrecedences;
char **TrustedUsers;
int NTrustedUsers;
struct named_spec *QueueGroups;
struct named_spec *MailFilters;
char **EnvDefs;
int NEnvDefs;

#define MAXPRIORITIES (int)(sizeof Precedences / sizeof Precedences[0])
#define CF_MAXLINE 8192


static const char *CfName;
static int LineNo;
static int CurRuleset = -1;

/* Reads one logical line (with continuation lines) into b; false at EOF. */
static bool read_folded(FILE *f, struct sm_buf *b)
{
	static int pending = EOF;
	int c;
	sm_buf_reset(b);
	if (pending == EOF) {
		c = getc(f);
		if (c == EOF)
			return false;
	} else {
		c = pending;
		pending = EOF;
	}
	for (;;) {
		LineNo++;
		while (c != EOF && c != '\n') {
			if (b->len < CF_MAXLINE)
				sm_buf_putc(b, c);
			c = getc(f);
		}
		while (b->len > 0 && (b->data[b->len - 1] == '\r' || b->data[b->len - 1] == ' ' ||
				      b->data[b->len - 1] == '\t'))
			b->data[--b->len] = '\0';
		if (c == EOF)
			break;
		c = getc(f);
		if (c != ' ' && c != '\t') {
			pending = c;
			break;
		}
		sm_buf_putc(b, '\n');
	}
	if (b->data == NULL)
		sm_buf_puts(b, "");
	return true;
}

/* Drops "# comment" tails; "$#" and "\#" survive (the backslash goes). */
static void strip_comments(struct sm_buf *b)
{
	char *s = b->data;
	size_t n = b->len;
	for (size_t i = 1; i < n; i++) {
		if (s[i] == '$' && i + 1 < n) {
			i++;
			continue;
		}
		if (s[i] != '#')
			continue;
		if (s[i - 1] == '\\') {
			memmove(s + i - 1, s + i, n - i + 1);
			n--;
			continue;
		}
		size_t start = i;
		while (start > 0 && sm_isspace((unsigned char)s[start - 1]) && s[start - 1] != '\n')
			start--;
		char *nl = memchr(s + i, '\n', n - i);
		size_t rest = nl ? (size_t)(s + n - nl) : 0;
		if (nl)
			memmove(s + start, nl, rest + 1);
		else
			s[start] = '\0';
		n = start + rest;
		i = start;
		if (i > 0)
			i--;
	}
	b->len = strlen(s);
}

static void do_rule(char *line)
{
	if (CurRuleset < 0) {
		syserr("missing valid ruleset for \"%s\"", line);
		return;
	}
	char *p = line + 1;
	while (*p != '\0' && *p != '\t')
		p++;
	if (*p == '\0') {
		syserr("invalid rewrite line \"%s\" (tab expected)", line);
		return;
	}
	*p++ = '\0';
	while (*p == '\t')
		p++;
	char *rhs = p;
	while (*p != '\0' && *p != '\t')
		p++;
	*p = '\0';

	struct sm_buf lx, rx;
	sm_buf_init(&lx);
	sm_buf_init(&rx);
	macro_expand(line + 1, &lx);
	macro_expand(rhs, &rx);
	rule_add(CurRuleset, lx.data ? lx.data : "", rx.data ? rx.data : "");
	sm_buf_free(&lx);
	sm_buf_free(&rx);
}

static void do_define(char *line)
{
	const char *endp;
	int id = macro_parse_name(line + 1, &endp);
	if (id == MACRO_NONE)
		return;
	char *v = conf_munch(endp, NULL, '\0');
	macro_define(id, v);
	sm_free(v);
}

static void do_class(char *line)
{
	const char *endp;
	int id = macro_parse_name(line + 1, &endp);
	if (id == MACRO_NONE)
		return;
	struct sm_buf x;
	sm_buf_init(&x);
	macro_expand(endp, &x);
	char *p = x.data ? x.data : "";
	while (*p != '\0') {
		while (sm_isspace((unsigned char)*p))
			p++;
		char *w = p;
		while (*p != '\0' && !sm_isspace((unsigned char)*p))
			p++;
		char save = *p;
		*p = '\0';
		if (*w != '\0')
			class_add(id, w);
		*p = save;
	}
	sm_buf_free(&x);
}

void fileclass(int cls, const char *spec, const char *fmt, bool optional)
{
	while (sm_isspace((unsigned char)*spec))
		spec++;
	if (*spec == '\0') {
		syserr("fileclass: missing file name");
		return;
	}
	FILE *f;
	bool is_pipe = spec[0] == '|';
	if (is_pipe) {
		f = popen(spec + 1, "r");
	} else {
		int err = safefile_check(spec, SFF_REGONLY | SFF_CLASSFILE, S_IRUSR, NULL);
		if (err != 0) {
			if (!optional) {
				if (err == ENOENT)
					syserr_errno(err, "fileclass: cannot open '%s'", spec);
				else
					syserr_errno(err, "fileclass: cannot open '%s'", spec);
			}
			return;
		}
		f = fopen(spec, "r");
	}
	if (f == NULL) {
		if (!optional)
			syserr_errno(errno, "fileclass: cannot open '%s'", spec);
		return;
	}
	char buf[MAXLINE];
	while (fgets(buf, sizeof buf, f) != NULL) {
		char *nl = strchr(buf, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (buf[0] == '#')
			continue;
		char word[MAXLINE];
		char *p = buf;
		if (fmt == NULL || *fmt == '\0')
			fmt = "%s";
		{
			if (sscanf(buf, fmt, word) != 1)
				continue;
			p = word;
		}
		while (*p != '\0') {
			while (sm_isspace((unsigned char)*p))
				p++;
			char *w = p;
			while (*p != '\0' && !sm_isspace((unsigned char)*p))
				p++;
			char save = *p;
			*p = '\0';
			if (*w != '\0')
				class_add(cls, w);
			*p = save;
		}
	}
	if (is_pipe)
		pclose(f);
	else
		fclose(f);
}

static void do_fileclass(char *line)
{
	const char *endp;
	int id = macro_parse_name(line + 1, &endp);
	if (id == MACRO_NONE)
		return;
	struct sm_buf x;
	sm_buf_init(&x);
	macro_expand(endp, &x);
	char *p = x.data ? x.data : "";
	bool optional = false;
	while (sm_isspace((unsigned char)*p))
		p++;
	if (p[0] == '-' && p[1] == 'o' && (p[2] == '\0' || sm_isspace((unsigned char)p[2]))) {
		optional = true;
		p += 2;
		while (sm_isspace((unsigned char)*p))
			p++;
	}
	char *file = p;
	char *fmt = NULL;
	if (*p != '|') {
		while (*p != '\0' && !sm_isspace((unsigned char)*p))
			p++;
		if (*p != '\0') {
			*p++ = '\0';
			while (sm_isspace((unsigned char)*p))
				p++;
			if (*p != '\0')
				fmt = p;
		}
	}
	fileclass(id, file, fmt, optional);
	sm_buf_free(&x);
}

static void do_header(char *line)
{
	char *p = line + 1;
	struct hdr_def *h = sm_calloc(1, sizeof *h);
	h->macro = -1;
	if (*p == '?') {
		p++;
		if ((unsigned char)*p == META_MACRO) {
			const char *endp;
			h->macro = macro_scan_name(p + 1, &endp);
			p = (char *)endp;
		} else {
			while (*p != '\0' && *p != '?') {
				if ((unsigned char)*p < 128)
					h->flags[(unsigned char)*p] = 1;
				p++;
			}
		}
		if (*p == '?')
			p++;
	}
	char *colon = strchr(p, ':');
	if (colon == NULL) {
		syserr("header syntax error, line \"%s\"", line + 1);
		sm_free(h);
		return;
	}
	char *name = p;
	char *e = colon;
	while (e > name && sm_isspace((unsigned char)e[-1]))
		e--;
	h->name = sm_strndup(name, (size_t)(e - name));
	p = colon + 1;
	while (sm_isspace((unsigned char)*p))
		p++;
	h->value = sm_strdup(p);
	h->next = HeaderDefs;
	HeaderDefs = h;
}

static void do_precedence(char *line)
{
	char *p = line + 1;
	char *eq = strchr(p, '=');
	if (eq == NULL) {
		syserr("unknown configuration line \"%s\"", line);
		return;
	}
	*eq = '\0';
	if (NPrecedences >= MAXPRIORITIES) {
		syserr("too many %c lines, %d max", 'P', MAXPRIORITIES);
		return;
	}
	for (int i = 0; i < NPrecedences; i++) {
		if (sm_strcasecmp(Precedences[i].name, p) == 0) {
			Precedences[i].value = atoi(eq + 1);
			return;
		}
	}
	Precedences[NPrecedences].name = sm_strdup(p);
	Precedences[NPrecedences].value = atoi(eq + 1);
	NPrecedences++;
}

bool conf_trusted_user(const char *user)
{
	for (int i = 0; user != NULL && i < NTrustedUsers; i++)
		if (strcmp(TrustedUsers[i], user) == 0)
			return true;
	return false;
}

static void do_trusted(char *line)
{
	char *save = NULL;
	for (char *w = strtok_r(line + 1, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		TrustedUsers = sm_realloc(TrustedUsers, (size_t)(NTrustedUsers + 1) * sizeof *TrustedUsers);
		TrustedUsers[NTrustedUsers++] = sm_strdup(w);
		class_add('t', w);
	}
}

/*
 * Q and X lines: "Xname, F=v, G=v ..." where only the first letter of a
 * field name counts.  valid lists the field letters of the line type.
 */
/*
 * Q and X lines: a name, then "L=value" equates separated by commas.  The
 * name starts right after the line letter (a blank there leaves it empty);
 * a queue group may have an empty name, a mail filter may not.
 */
static void add_named(struct named_spec **list, char *line, const char *what, char kind,
		      const char *valid, const char *unknown_fmt)
{
	char *p = line + 1;
	char *name = p;
	while (*p != '\0' && *p != ',' && !sm_isspace((unsigned char)*p))
		p++;
	if (p == name && kind == 'X') {
		syserr("name required for %s", what);
		return;
	}
	if (kind == 'Q' && opt_value(OPT_QueueDirectory) == NULL) {
		syserr("QueueDir must be defined before queue groups");
		return;
	}
	struct named_spec *s = sm_calloc(1, sizeof *s);
	s->name = sm_strndup(name, (size_t)(p - name));
	s->spec = sm_strdup(p);
	bool have_socket = false, bad = false, runner_flag = false;
	long runners = 0;
	while (*p == ',' || sm_isspace((unsigned char)*p))
		p++;
	while (*p != '\0') {
		int fcode = (unsigned char)*p;
		while (*p != '\0' && *p != '=' && *p != ',')
			p++;
		if (*p++ != '=') {
			if (kind == 'Q')
				syserr("queue %s: `=' expected", s->name);
			else
				syserr("%c%s: `=' expected", kind, s->name);
			bad = true;
			break;
		}
		while (sm_isspace((unsigned char)*p))
			p++;
		const char *end;
		char *v = conf_munch(p, &end, ',');
		p = (char *)end;
		if (*p == ',')
			p++;
		while (sm_isspace((unsigned char)*p))
			p++;
		if (strchr(valid, fcode) == NULL)
			syserr(unknown_fmt, s->name, fcode);
		else if (fcode == 'S' && kind == 'X' && *v != '\0')
			have_socket = true;
		else if (fcode == 'R' && kind == 'Q')
			runners = strtol(v, NULL, 10);
		else if (fcode == 'F' && kind == 'Q')
			runner_flag = strchr(v, 'f') != NULL;
		sm_free(v);
	}
	if (kind == 'X' && !have_socket && !bad)
		syserr("X%s: empty or missing socket information", s->name);
	if (kind == 'Q' && runners > 1 && !runner_flag)
		printf("Warning: Q=%s: R=%ld: multiple queue runners specified\n"
		       "\tbut flag 'f' is not set\n", s->name, runners);
	struct named_spec **tail = list;
	while (*tail != NULL)
		tail = &(*tail)->next;
	*tail = s;
}

bool qgroup_exists(const char *name)
{
	if (strcmp(name, "mqueue") == 0)
		return true;
	for (struct named_spec *q = QueueGroups; q != NULL; q = q->next)
		if (strcmp(q->name, name) == 0)
			return true;
	return false;
}

static void do_version(char *line)
{
	char *p = line + 1;
	char *end;
	long level = strtol(p, &end, 10);
	if (end == p || (*end != '\0' && *end != '/' && !sm_isspace((unsigned char)*end))) {
		syserr("invalid argument to V line: \"%.20s\"", p);
		return;
	}
	ConfigLevel = (int)level;
	tok_set_comments(ConfigLevel < 9);
	tok_operators_changed();
	if (*end == '/') {
		char *v = end + 1;
		static const char *const vendors[] = {"Berkeley", "Sun", "HP", "IBM", "Sendmail",
						      "Sequent", "Debian", NULL};
		bool known = false;
		for (int i = 0; vendors[i] != NULL; i++)
			if (sm_strcasecmp(v, vendors[i]) == 0)
				known = true;
		if (!known) {
			syserr("invalid V line vendor code: \"%s\"", v);
			return;
		}
		sm_free(VendorCode);
		VendorCode = sm_strdup(v);
	}
}

/* E lines: "name=value", or "name" to pass our own value on. */
static void do_env(char *line)
{
	char *p = line + 1;
	char *entry;
	if (strchr(p, '=') != NULL) {
		entry = sm_strdup(p);
	} else {
		const char *v = getenv(p);
		entry = sm_asprintf("%s=%s", p, v ? v : "");
	}
	EnvDefs = sm_realloc(EnvDefs, (size_t)(NEnvDefs + 2) * sizeof *EnvDefs);
	EnvDefs[NEnvDefs++] = entry;
	EnvDefs[NEnvDefs] = NULL;
}

static void interpret(struct sm_buf *raw)
{
	char *line = raw->data;
	if (line[0] == '\0' || line[0] == '#')
		return;
	if (ConfigLevel >= 3)
		strip_comments(raw);
	struct sm_buf t;
	sm_buf_init(&t);
	macro_translate(raw->data, &t);
	line = t.data ? t.data : "";
	if (line[0] == '\0') {
		sm_buf_free(&t);
		return;
	}

	switch (line[0]) {
	case 'R':
		do_rule(line);
		break;
	case 'S': {
		struct sm_buf x;
		sm_buf_init(&x);
		macro_expand(line + 1, &x);
		CurRuleset = ruleset_define(sm_trim(x.data ? x.data : ""));
		sm_buf_free(&x);
		break;
	}
	case 'D':
		do_define(line);
		break;
	case 'C':
		do_class(line);
		break;
	case 'F':
		do_fileclass(line);
		break;
	case 'M':
		mailer_define(line + 1);
		break;
	case 'H':
		do_header(line);
		break;
	case 'O':
		option_line(line + 1, true);
		break;
	case 'P':
		do_precedence(line);
		break;
	case 'T':
		do_trusted(line);
		break;
	case 'V':
		do_version(line);
		break;
	case 'K': {
		struct sm_buf x;
		sm_buf_init(&x);
		macro_expand(line + 1, &x);
		map_declare(x.data ? x.data : "");
		sm_buf_free(&x);
		break;
	}
	case 'E':
		do_env(line);
		break;
	case 'Q':
		add_named(&QueueGroups, line, "queue", 'Q', "FNIPRJr",
			  "Q%s: unknown queue equate %c=");
		break;
	case 'X':
		add_named(&MailFilters, line, "mail filter", 'X', "SFT",
			  "X%s: unknown filter equate %c=");
		break;
	default:
		syserr("unknown configuration line \"%s\"", line);
		break;
	}
	sm_buf_free(&t);
}

static const char *operator_source(void)
{
	const char *v = opt_value(OPT_OperatorChars);
	if (v != NULL)
		return v;
	if (ConfigLevel < 7)
		return macro_get('o');
	return NULL;
}

bool readcf(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		int e = errno;
		err_set_cf_position(path, 0);
		syserr_errno(e, "cannot open");
		err_set_cf_position(NULL, 0);
		return false;
	}
	TokOperatorSource = operator_source;
	tok_set_comments(ConfigLevel < 9);
	CfName = path;
	LineNo = 0;
	CurRuleset = -1;
	struct sm_buf b;
	sm_buf_init(&b);
	while (read_folded(f, &b)) {
		err_set_cf_position(CfName, LineNo);
		interpret(&b);
	}
	err_set_cf_position(NULL, 0);
	sm_buf_free(&b);
	fclose(f);
	mailers_finish(ConfigLevel);
	return true;
}

void conf_free_all(void)
{
	for (struct hdr_def *h = HeaderDefs, *n; h != NULL; h = n) {
		n = h->next;
		sm_free(h->name);
		sm_free(h->value);
		sm_free(h);
	}
	HeaderDefs = NULL;
	for (int i = 0; i < NPrecedences; i++)
		sm_free(Precedences[i].name);
	NPrecedences = 0;
	for (int i = 0; i < NTrustedUsers; i++)
		sm_free(TrustedUsers[i]);
	sm_free(TrustedUsers);
	TrustedUsers = NULL;
	NTrustedUsers = 0;
	struct named_spec *lists[2] = {QueueGroups, MailFilters};
	for (int k = 0; k < 2; k++) {
		for (struct named_spec *s = lists[k], *n; s != NULL; s = n) {
			n = s->next;
			sm_free(s->name);
			sm_free(s->spec);
			sm_free(s);
		}
	}
	QueueGroups = MailFilters = NULL;
	sm_free(VendorCode);
	VendorCode = NULL;
	for (int i = 0; i < NEnvDefs; i++)
		sm_free(EnvDefs[i]);
	sm_free(EnvDefs);
	EnvDefs = NULL;
	NEnvDefs = 0;
}
