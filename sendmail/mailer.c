/*
 * mailer.c: M lines.
 *
 * A mailer is kept in the slot of its first definition; a later M line of
 * the same name replaces it in place.  prog, *file* and *include* exist
 * before the configuration is read, so they are mailers 0, 1 and 2.
 */
#include "mailer.h"

#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "err.h"
#include "meta.h"
#include "rule.h"
#include "sm.h"
#include "token.h"

struct mailer *Mailers[MAXMAILERS];
int NMailers;

/* Parses a field value: quotes removed, \r \n \f \b escapes, ends at delim. */
static char *munch(const char *p, const char **endp, int delim)
{
	struct sm_buf b;
	sm_buf_init(&b);
	bool bslash = false, quoted = false;
	for (; *p != '\0'; p++) {
		if (bslash) {
			bslash = false;
			switch (*p) {
			case 'r': sm_buf_putc(&b, '\r'); break;
			case 'n': sm_buf_putc(&b, '\n'); break;
			case 'f': sm_buf_putc(&b, '\f'); break;
			case 'b': sm_buf_putc(&b, '\b'); break;
			default: sm_buf_putc(&b, *p); break;
			}
			continue;
		}
		if (*p == '\\')
			bslash = true;
		else if (*p == '"')
			quoted = !quoted;
		else if (quoted || *p != delim)
			sm_buf_putc(&b, *p);
		else
			break;
	}
	if (endp != NULL)
		*endp = p;
	return sm_buf_steal(&b);
}

char *conf_munch(const char *p, const char **endp, int delim)
{
	return munch(p, endp, delim);
}

static void free_argv(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		sm_free(*p);
	sm_free(v);
}

static void mailer_free(struct mailer *m)
{
	if (m == NULL)
		return;
	sm_free(m->name);
	sm_free(m->path);
	free_argv(m->argv);
	sm_free(m->eol);
	sm_free(m->execdir);
	sm_free(m->rootdir);
	sm_free(m->charset);
	sm_free(m->mtatype);
	sm_free(m->addrtype);
	sm_free(m->diagtype);
	sm_free(m->qgrp);
	sm_free(m);
}

static char **split_argv(const char *s)
{
	size_t n = 0, cap = 8;
	char **v = sm_malloc(cap * sizeof *v);
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		const char *start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (n + 2 > cap) {
			cap *= 2;
			v = sm_realloc(v, cap * sizeof *v);
		}
		v[n++] = sm_strndup(start, (size_t)(p - start));
	}
	v[n] = NULL;
	return v;
}

static void set_rwsets(const char *value, int *env, int *hdr)
{
	char *copy = sm_strdup(value);
	char *slash = strchr(copy, '/');
	if (slash != NULL)
		*slash++ = '\0';
	char *a = sm_trim(copy);
	*env = *a ? ruleset_lookup(a, true) : 0;
	if (*env < 0)
		*env = 0;
	if (slash != NULL) {
		char *b = sm_trim(slash);
		*hdr = *b ? ruleset_lookup(b, true) : 0;
		if (*hdr < 0)
			*hdr = 0;
	} else {
		*hdr = *env;
	}
	sm_free(copy);
}

static bool set_user(struct mailer *m, const char *value)
{
	char *copy = sm_strdup(value);
	char *colon = strchr(copy, ':');
	if (colon != NULL)
		*colon++ = '\0';
	bool ok = true;
	if (*copy == '\0') {
		syserr("mailer %s: null user name", m->name);
		ok = false;
	} else if (isdigit((unsigned char)*copy)) {
		m->uid = atoi(copy);
	} else {
		struct passwd *pw = getpwnam(copy);
		if (pw == NULL) {
			syserr("readcf: mailer U= flag: unknown user %s", copy);
			ok = false;
		} else {
			m->uid = (int)pw->pw_uid;
			if (colon == NULL)
				m->gid = (int)pw->pw_gid;
		}
	}
	if (ok && colon != NULL) {
		if (*colon == '\0') {
			syserr("mailer %s: null group name", m->name);
		} else if (isdigit((unsigned char)*colon)) {
			m->gid = atoi(colon);
		} else {
			struct group *gr = getgrnam(colon);
			if (gr == NULL)
				syserr("readcf: mailer U= flag: unknown group %s", colon);
			else
				m->gid = (int)gr->gr_gid;
		}
	}
	sm_free(copy);
	return ok;
}

static long parse_interval(const char *s)
{
	long total = 0;
	while (*s != '\0') {
		long n = strtol(s, (char **)&s, 10);
		switch (*s) {
		case 'w': n *= 7 * 24 * 3600; s++; break;
		case 'd': n *= 24 * 3600; s++; break;
		case 'h': n *= 3600; s++; break;
		case 'm': n *= 60; s++; break;
		case 's': s++; break;
		default:
			if (*s != '\0')
				s++;
			break;
		}
		total += n;
	}
	return total;
}

static void install(struct mailer *m)
{
	for (int i = 0; i < NMailers; i++) {
		if (strcmp(Mailers[i]->name, m->name) == 0) {
			m->number = i;
			mailer_free(Mailers[i]);
			Mailers[i] = m;
			return;
		}
	}
	if (NMailers >= MAXMAILERS) {
		syserr("too many mailers defined (%d max)", MAXMAILERS);
		mailer_free(m);
		return;
	}
	m->number = NMailers;
	Mailers[NMailers++] = m;
}


void mailer_define(const char *line)
{
	const char *p = line;
	while (*p != '\0' && *p != ',' && !sm_isspace((unsigned char)*p))
		p++;
	if (p == line) {
		syserr("name required for mailer");
		return;
	}
	struct mailer *m = sm_calloc(1, sizeof *m);
	m->name = sm_strndup(line, (size_t)(p - line));
	m->maxrcpt = 100;
	m->uid = m->gid = -1;
	bool ok = true;
	bool have_types = false;

	while (*p != '\0') {
		while (*p == ',' || sm_isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		int fcode = (unsigned char)*p;
		while (*p != '\0' && *p != '=' && *p != ',')
			p++;
		if (*p++ != '=') {
			syserr("mailer %s: `=' expected", m->name);
			mailer_free(m);
			return;
		}
		while (sm_isspace((unsigned char)*p))
			p++;
		const char *end;
		char *v = munch(p, &end, ',');
		p = end;
		switch (fcode) {
		case 'P':
			sm_free(m->path);
			m->path = v;
			v = NULL;
			if (strcmp(m->path, "[TCP]") == 0) {
				syserr("M%s: P=[TCP] must be replaced by P=[IPC]", m->name);
				ok = false;
			}
			break;
		case 'F':
			for (char *f = v; *f; f++)
				if ((unsigned char)*f < 128)
					m->flags[(unsigned char)*f] = 1;
			break;
		case 'E':
			if (*v == '\0') {
				syserr("mailer %s: null end-of-line string", m->name);
			} else {
				sm_free(m->eol);
				m->eol = v;
				v = NULL;
			}
			break;
		case 'S':
			set_rwsets(v, &m->se_rwset, &m->sh_rwset);
			break;
		case 'R':
			set_rwsets(v, &m->re_rwset, &m->rh_rwset);
			break;
		case 'A':
			free_argv(m->argv);
			m->argv = split_argv(v);
			break;
		case 'M': m->maxsize = atol(v); break;
		case 'm': m->maxmsgs = atoi(v); break;
		case 'r': m->maxrcpt = atoi(v); break;
		case 'L': m->linelimit = atoi(v); break;
		case 'N': m->nice = atoi(v); break;
		case 'W': m->wait = parse_interval(v); break;
		case 'D':
			if (*v == '\0')
				syserr("mailer %s: null working directory", m->name);
			sm_free(m->execdir);
			m->execdir = v;
			v = NULL;
			break;
		case '/':
			if (*v == '\0')
				syserr("mailer %s: null root directory", m->name);
			sm_free(m->rootdir);
			m->rootdir = v;
			v = NULL;
			break;
		case 'C':
			if (*v == '\0') {
				syserr("mailer %s: null charset", m->name);
			} else {
				sm_free(m->charset);
				m->charset = v;
				v = NULL;
			}
			break;
		case 'T': {
			char *a = v, *b = strchr(a, '/'), *c = NULL;
			if (b != NULL) {
				*b++ = '\0';
				c = strchr(b, '/');
				if (c != NULL)
					*c++ = '\0';
			}
			sm_free(m->mtatype);
			sm_free(m->addrtype);
			sm_free(m->diagtype);
			m->mtatype = *a ? sm_strdup(a) : NULL;
			m->addrtype = b && *b ? sm_strdup(b) : NULL;
			m->diagtype = c && *c ? sm_strdup(c) : NULL;
			have_types = true;
			break;
		}
		case 'U':
			set_user(m, v);
			break;
		case 'Q':
			if (*v == '\0') {
				syserr("mailer %s: null queue", m->name);
			} else if (!qgroup_exists(v)) {
				syserr("mailer %s: unknown queue %s", m->name, v);
			} else {
				sm_free(m->qgrp);
				m->qgrp = v;
				v = NULL;
			}
			break;
		default:
			syserr("M%s: unknown mailer equate %c=", m->name, fcode);
			break;
		}
		sm_free(v);
	}

	if (ok && m->path == NULL) {
		syserr("M%s: P= argument required", m->name);
		ok = false;
	}
	if (ok && m->argv == NULL) {
		syserr("M%s: A= argument required", m->name);
		ok = false;
	}
	if (ok && strcmp(m->path, "[IPC]") == 0) {
		int argc = 0;
		while (m->argv[argc] != NULL)
			argc++;
		if (argc < 2 || (strcmp(m->argv[0], "TCP") != 0 && argc < 2)) {
			syserr("M%s: too few parameters for %s mailer", m->name, m->path);
			ok = false;
		} else if (strcmp(m->argv[0], "TCP") != 0 && strcmp(m->argv[0], "FILE") != 0) {
			syserr("M%s: Warning: first argument in %s mailer must be %s", m->name,
			       m->path, "TCP or FILE");
		}
	} else if (ok && strcmp(m->path, "[FILE]") == 0) {
		int argc = 0;
		while (m->argv[argc] != NULL)
			argc++;
		if (argc != 2) {
			syserr("M%s: too %s parameters for [FILE] mailer", m->name,
			       argc < 2 ? "few" : "many");
			ok = false;
		} else if (strcmp(m->argv[0], "FILE") != 0) {
			syserr("M%s: first argument in [FILE] mailer must be FILE", m->name);
			ok = false;
		}
	}
	if (!ok) {
		mailer_free(m);
		return;
	}
	if (mailer_has_flag(m, 'L')) {
		/* the old F=L: 7 bits and lines of SMTP's length, unless L= says otherwise */
		m->flags['7'] = 1;
		if (m->linelimit == 0)
			m->linelimit = SMTP_LINE_LIMIT;
	}
	if (m->eol == NULL) {
		/* a mailer given the user ($u) on its command line is no SMTP peer */
		bool local = false;
		char dollar_u[3] = {(char)META_MACRO, 'u', '\0'};
		for (char **a = m->argv; *a != NULL; a++)
			if (strstr(*a, dollar_u) != NULL)
				local = true;
		m->eol = sm_strdup(local ? "\n" : "\r\n");
	}
	if (have_types || strcmp(m->path, "[IPC]") == 0) {
		if (m->mtatype == NULL)
			m->mtatype = sm_strdup("dns");
		if (m->addrtype == NULL)
			m->addrtype = sm_strdup("rfc822");
		if (m->diagtype == NULL)
			m->diagtype = sm_strdup("smtp");
	}
	install(m);
}

void mailers_init_builtin(void)
{
	mailer_define("prog, P=/bin/sh, F=lsoDq9u, E=\\n, T=X-Unix/X-Unix/X-Unix, A=sh -c \201u");
	mailer_define("*file*, P=[FILE], F=lsDFMPEouq9, E=\\n, T=X-Unix/X-Unix/X-Unix, A=FILE \201u");
	mailer_define("*include*, P=/dev/null, F=su, E=\\n, A=INCLUDE \201u");
}

struct mailer *mailer_find(const char *name)
{
	for (int i = 0; i < NMailers; i++)
		if (sm_strcasecmp(Mailers[i]->name, name) == 0)
			return Mailers[i];
	return NULL;
}

void mailers_finish(int config_level)
{
	/* before level 6 the local mailer is assumed to have A w 5 : | / @ */
	struct mailer *m = mailer_find("local");
	if (m != NULL && config_level < 6) {
		const char *f = "Aw5:|/@";
		for (; *f; f++)
			m->flags[(unsigned char)*f] = 1;
	}
}

void mailer_print(const struct mailer *m, struct sm_buf *out)
{
	sm_buf_printf(out, "mailer %d (%s): P=%s S=", m->number, m->name, m->path);
	sm_buf_printf(out, "%s/", ruleset_display_name(m->se_rwset));
	sm_buf_printf(out, "%s R=", ruleset_display_name(m->sh_rwset));
	sm_buf_printf(out, "%s/", ruleset_display_name(m->re_rwset));
	sm_buf_printf(out, "%s ", ruleset_display_name(m->rh_rwset));
	sm_buf_printf(out, "M=%ld U=%d:%d F=", m->maxsize, m->uid, m->gid);
	for (int c = 0; c < 128; c++)
		if (m->flags[c])
			sm_buf_putc(out, c);
	sm_buf_printf(out, " L=%d E=", m->linelimit);
	tok_print_word(out, m->eol);
	if (m->charset != NULL)
		sm_buf_printf(out, " C=%s", m->charset);
	sm_buf_printf(out, " T=%s/%s/%s", m->mtatype ? m->mtatype : "<undefined>",
		      m->addrtype ? m->addrtype : "<undefined>",
		      m->diagtype ? m->diagtype : "<undefined>");
	sm_buf_printf(out, " r=%d", m->maxrcpt);
	if (m->argv != NULL) {
		sm_buf_puts(out, " A=");
		for (char **a = m->argv; *a != NULL; a++) {
			if (a != m->argv)
				sm_buf_putc(out, ' ');
			tok_print_word(out, *a);
		}
	}
	sm_buf_putc(out, '\n');
}

void mailers_free_all(void)
{
	for (int i = 0; i < NMailers; i++)
		mailer_free(Mailers[i]);
	NMailers = 0;
}
