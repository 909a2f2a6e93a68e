/*
 * rule.c: ruleset registry, rule compilation and printing.
 *
 * Rulesets are numbered 0..199; a named ruleset gets a number counting down
 * from 199 unless its S line says "name=N".  Compilation turns the tokens of
 * each side into match and output items once, so running a rule never has
 * to look at "$" syntax again.
 */
#include "rule.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class.h"
#include "err.h"
#include "macro.h"
#include "map.h"
#include "meta.h"
#include "sm.h"

/* $@ arguments of one lookup: %1 to %9 */
#define MAX_LOOKUP_ARGS (MAX_MAP_ARGS)

static struct ruleset *RuleSets[MAXRWSETS];
static struct sm_hash RuleSetNames; /* name -> number + 1 */
static int NextRuleSetNo = MAXRWSETS - 1;

struct ruleset *ruleset_get(int number)
{
	if (number < 0 || number >= MAXRWSETS)
		return NULL;
	return RuleSets[number];
}

static struct ruleset *ruleset_slot(int number)
{
	if (RuleSets[number] == NULL) {
		RuleSets[number] = sm_calloc(1, sizeof(struct ruleset));
		RuleSets[number]->number = number;
	}
	return RuleSets[number];
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool valid_name(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static void name_ruleset(const char *name, int number)
{
	if (RuleSetNames.nslots == 0)
		sm_hash_init(&RuleSetNames, false);
	sm_hash_put(&RuleSetNames, name, (void *)(intptr_t)(number + 1));
	struct ruleset *rs = ruleset_slot(number);
	if (rs->name == NULL)
		rs->name = sm_strdup(name);
}

int ruleset_lookup(const char *name, bool create)
{
	if (all_digits(name)) {
		long n = strtol(name, NULL, 10);
		if (n < 0 || n >= MAXRWSETS)
			return -1;
		return (int)n;
	}
	if (RuleSetNames.nslots != 0) {
		void *v = sm_hash_get(&RuleSetNames, name);
		if (v != NULL)
			return (int)(intptr_t)v - 1;
	}
	if (!create || !valid_name(name))
		return -1;
	while (NextRuleSetNo >= 0 && RuleSets[NextRuleSetNo] != NULL)
		NextRuleSetNo--;
	if (NextRuleSetNo < 0) {
		syserr("%s: too many named rulesets (%d max)", name, MAXRWSETS / 2);
		return -1;
	}
	int n = NextRuleSetNo--;
	name_ruleset(name, n);
	return n;
}

int ruleset_find(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	if (isdigit((unsigned char)*p)) {
		errno = 0;
		int n = (int)strtol(p, NULL, 10); /* an overflow shows as -1, as in sendmail */
		if (n >= MAXRWSETS / 2 || n < 0) {
			if (errno != 0)
				syserr_errno(errno, "bad ruleset %d (%d max)", n, MAXRWSETS / 2);
			else
				syserr("bad ruleset %d (%d max)", n, MAXRWSETS / 2);
			return -1;
		}
		return n;
	}
	if (!isalpha((unsigned char)*p)) {
		syserr("invalid ruleset name: \"%.20s\"", p);
		return -1;
	}
	const char *e = p;
	while (isalnum((unsigned char)*e) || *e == '_')
		e++;
	if (RuleSetNames.nslots == 0)
		return -1;
	void *v = sm_hash_getn(&RuleSetNames, p, (size_t)(e - p));
	return v != NULL ? (int)(intptr_t)v - 1 : -1;
}

int ruleset_define(const char *spec)
{
	char name[MAXNAME];
	const char *eq = strchr(spec, '=');
	size_t len = eq ? (size_t)(eq - spec) : strlen(spec);
	if (len >= sizeof name)
		len = sizeof name - 1;
	memcpy(name, spec, len);
	name[len] = '\0';
	char *n = sm_trim(name);

	if (all_digits(n)) {
		long num = strtol(n, NULL, 10);
		if (num >= MAXRWSETS) {
			syserr("bad ruleset %ld (%d max)", num, MAXRWSETS - 1);
			return -1;
		}
		ruleset_slot((int)num);
		return (int)num;
	}
	if (!valid_name(n)) {
		syserr("invalid ruleset name: \"%s\"", spec);
		return -1;
	}
	if (eq != NULL) {
		const char *numtext = eq + 1;
		while (*numtext == ' ' || *numtext == '\t')
			numtext++;
		if (!all_digits(numtext)) {
			syserr("invalid ruleset name: \"%s\"", spec);
			return -1;
		}
		long num = strtol(numtext, NULL, 10);
		if (num >= MAXRWSETS) {
			syserr("bad ruleset %ld (%d max)", num, MAXRWSETS - 1);
			return -1;
		}
		int old = ruleset_lookup(n, false);
		if (old >= 0 && old != num) {
			syserr("%s: ruleset changed value (old %d, new %ld)", n, old, num);
		}
		name_ruleset(n, (int)num);
		return (int)num;
	}
	return ruleset_lookup(n, true);
}

const char *ruleset_display_name(int number)
{
	static char buf[16];
	struct ruleset *rs = ruleset_get(number);
	if (rs != NULL && rs->name != NULL)
		return rs->name;
	snprintf(buf, sizeof buf, "%d", number);
	return buf;
}

static char **copy_tokens(const struct tokens *t)
{
	char **v = sm_malloc((size_t)(t->n + 1) * sizeof *v);
	for (int i = 0; i < t->n; i++)
		v[i] = sm_strdup(t->v[i]);
	v[t->n] = NULL;
	return v;
}


void rule_add(int number, const char *lhs, const char *rhs)
{
	struct ruleset *rs = ruleset_slot(number);
	struct rule *r = sm_calloc(1, sizeof *r);
	struct tokens *t = sm_malloc(sizeof *t);
	int nvars = 0;

	tok_scan(lhs, '\0', TOK_RULE, t, NULL);
	if (t->n == 0)
		syserr("R line: null LHS");
	for (int i = 0; i < t->n; i++) {
		static const struct {
			int code;
			const char *name;
		} bad[] = {{META_MATCHREPL, "$1-$9"}, {META_CANONUSER, "$:"}, {META_CALLSUBR, "$>"},
			   {META_CONDIF, "$?"},      {META_CONDFI, "$."},     {META_HOSTBEGIN, "$["},
			   {META_HOSTEND, "$]"},     {META_LOOKUPBEGIN, "$("}, {META_LOOKUPEND, "$)"}};
		int c = (unsigned char)t->v[i][0];
		for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++)
			if (c == bad[k].code)
				syserr("Inappropriate use of %s on LHS", bad[k].name);
	}
	int wild = 0;
	for (int i = 0; i < t->n; i++) {
		int c = (unsigned char)t->v[i][0];
		if (c == META_MATCHZANY || c == META_MATCHANY || c == META_MATCHONE ||
		    c == META_MATCHCLASS || c == META_MATCHNCLASS)
			wild++;
	}
	if (wild > MAXMATCH) {
		syserr("R line: too many wildcards");
		t->n = 0;
		t->v[0] = NULL;
	}
	r->lhs_text = copy_tokens(t);
	r->nlhs = t->n;
	r->lhs = sm_calloc((size_t)t->n + 1, sizeof *r->lhs);
	for (int i = 0; i < t->n; i++) {
		const char *w = r->lhs_text[i];
		struct lhs_item *it = &r->lhs[i];
		int c = (unsigned char)w[0];
		const char *endp;
		it->word = w;
		it->kind = LHS_WORD;
		if (meta_token_is(w, META_MATCHZANY))
			it->kind = LHS_ZANY;
		else if (meta_token_is(w, META_MATCHANY))
			it->kind = LHS_ANY;
		else if (meta_token_is(w, META_MATCHONE))
			it->kind = LHS_ONE;
		else if (meta_token_is(w, META_CANONHOST))
			it->kind = LHS_ZERO;
		else if ((c == META_MATCHCLASS || c == META_MATCHNCLASS) && w[1] != '\0') {
			it->kind = c == META_MATCHCLASS ? LHS_CLASS : LHS_NCLASS;
			it->cls = macro_scan_name(w + 1, &endp);
		} else if (c == META_DMACRO && w[1] != '\0') {
			/* no $n of its own: a fixed text, known only at run time */
			it->kind = LHS_DMACRO;
			it->cls = macro_scan_name(w + 1, &endp);
		}
		if (it->kind != LHS_WORD && it->kind != LHS_ZERO && it->kind != LHS_DMACRO)
			nvars++;
	}

	tok_scan(rhs, '\0', TOK_RULE, t, NULL);
	int inlookup = 0, nargs = 0;
	for (int i = 0; i < t->n; i++) {
		int c = (unsigned char)t->v[i][0];
		if (t->v[i][1] != '\0')
			continue;
		if (c == META_LOOKUPBEGIN || c == META_HOSTBEGIN) {
			if (inlookup)
				syserr("cannot nest map lookups");
			inlookup = c;
			nargs = 0;
		} else if (c == META_LOOKUPEND || c == META_HOSTEND) {
			inlookup = 0;
		} else if (c == META_CANONHOST && inlookup) {
			if (++nargs >= MAX_LOOKUP_ARGS)
				syserr("too many arguments for map lookup");
		}
	}
	if (inlookup)
		syserr("missing map closing token");
	r->rhs_text = copy_tokens(t);
	r->nrhs = t->n;
	r->rhs = sm_calloc((size_t)t->n + 1, sizeof *r->rhs);
	for (int i = 0; i < t->n; i++) {
		const char *w = r->rhs_text[i];
		struct rhs_item *it = &r->rhs[i];
		int c = (unsigned char)w[0];
		const char *endp;
		it->word = w;
		it->kind = RHS_WORD;
		if (c == META_MATCHREPL && w[1] >= '0' && w[1] <= '9' && w[2] == '\0') {
			int n = w[1] - '0';
			if (n < 1 || n > nvars)
				syserr("replacement $%c out of bounds", w[1]);
			else {
				it->kind = RHS_REPL;
				it->arg = n;
			}
		} else if (c == META_DMACRO && w[1] != '\0') {
			it->kind = RHS_DMACRO;
			it->arg = macro_scan_name(w + 1, &endp);
		} else if (c == META_MATCHZANY || c == META_MATCHANY || c == META_MATCHONE ||
			   c == META_MATCHCLASS || c == META_MATCHNCLASS) {
			syserr("Inappropriate use of $%c on RHS", meta_letter(c));
		}
	}
	sm_free(t);

	if (rs->last == NULL)
		rs->first = r;
	else
		rs->last->next = r;
	rs->last = r;
}

void ruleset_print(int number, struct sm_buf *out)
{
	struct ruleset *rs = ruleset_get(number);
	if (rs == NULL)
		return;
	for (struct rule *r = rs->first; r != NULL; r = r->next) {
		sm_buf_putc(out, 'R');
		for (char **v = r->lhs_text; *v != NULL; v++) {
			tok_print_word(out, *v);
			sm_buf_putc(out, ' ');
		}
		sm_buf_puts(out, "\t\t");
		for (char **v = r->rhs_text; *v != NULL; v++) {
			tok_print_word(out, *v);
			sm_buf_putc(out, ' ');
		}
		sm_buf_putc(out, '\n');
	}
}

static void free_text(char **v)
{
	for (char **p = v; *p != NULL; p++)
		sm_free(*p);
	sm_free(v);
}

void rules_free_all(void)
{
	for (int i = 0; i < MAXRWSETS; i++) {
		struct ruleset *rs = RuleSets[i];
		if (rs == NULL)
			continue;
		for (struct rule *r = rs->first, *next; r != NULL; r = next) {
			next = r->next;
			free_text(r->lhs_text);
			free_text(r->rhs_text);
			sm_free(r->lhs);
			sm_free(r->rhs);
			sm_free(r);
		}
		sm_free(rs->name);
		sm_free(rs);
		RuleSets[i] = NULL;
	}
	sm_hash_free(&RuleSetNames, NULL);
	NextRuleSetNo = MAXRWSETS - 1;
}
