/*
 * rule.h: rulesets and compiled rewriting rules.
 *
 * A rule is compiled once, when the configuration is read: its left hand
 * side becomes an array of match items (literal words are interned, classes
 * are ids), its right hand side an array of output items.  The original
 * tokens are kept for printing (=S in test mode).
 */
#ifndef RULE_H
#define RULE_H

#include <stdbool.h>

#include "token.h"

#define MAXRWSETS 200       /* ruleset numbers 0..199 */
#define MAXMATCH 9          /* $1..$9 */
#define MAX_RULE_RECURSION 50
#define MAX_RULE_LOOP 100

enum lhs_kind {
	LHS_WORD,   /* a literal token (also $# $@ $: $| as tokens) */
	LHS_ZERO,   /* $@: matches no tokens, wherever it stands */
	LHS_ZANY,   /* $* */
	LHS_ANY,    /* $+ */
	LHS_ONE,    /* $- */
	LHS_CLASS,  /* $=X */
	LHS_NCLASS, /* $~X */
	LHS_DMACRO, /* $&x: the tokens that spell the macro's value when the rule runs */
};

struct lhs_item {
	unsigned char kind;
	int cls;
	const char *word;
};

enum rhs_kind {
	RHS_WORD,   /* copied as it is */
	RHS_REPL,   /* $n */
	RHS_DMACRO, /* $&x: the macro's value, tokenized */
};

struct rhs_item {
	unsigned char kind;
	int arg; /* n of $n, macro id of $&x */
	const char *word;
};

struct rule {
	struct lhs_item *lhs;
	int nlhs;
	struct rhs_item *rhs;
	int nrhs;
	char **lhs_text; /* tokens as read, for printing */
	char **rhs_text;
	struct rule *next;
};

struct ruleset {
	char *name; /* NULL for a plain number */
	int number;
	struct rule *first, *last;
};

/* The ruleset of a number, or NULL. */
struct ruleset *ruleset_get(int number);
/*
 * Looks up a ruleset by name or number.  With create, an unknown name gets
 * the next free number (counting down from 199, as sendmail does).
 * Returns the number or -1.
 */
int ruleset_lookup(const char *name, bool create);
/*
 * Finds a ruleset named in test mode: a number below 100 (digits first,
 * the rest ignored) or a name (letters, digits, '_' from its start);
 * reports bad numbers and names.  Returns the number or -1.
 */
int ruleset_find(const char *p);
/* Parses the argument of an S line ("name", "N", "name=N"); -1 on error. */
int ruleset_define(const char *spec);
/* The name shown in traces: the name, or the number. */
const char *ruleset_display_name(int number);

/* Compiles and appends a rule given its LHS and RHS text (translated). */
void rule_add(int ruleset, const char *lhs, const char *rhs);
/* Prints the rules of a ruleset as test mode's =S does. */
struct sm_buf;
void ruleset_print(int number, struct sm_buf *out);
void rules_free_all(void);

#endif
