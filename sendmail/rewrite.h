/*
 * rewrite.h: the rewriting engine that runs rulesets over token vectors.
 */
#ifndef REWRITE_H
#define REWRITE_H

#include <stdbool.h>

#include "sm.h"

/* Print "name input:" and "name returns:" lines as test mode does. */
extern bool RewriteTrace;
/* The blank substitution character (BlankSub option), used to join atoms. */
extern int SpaceSub;
/* True while delivery is deferred (-odd): maps with -D are not consulted. */
extern bool RewriteDeferMode;

/*
 * Rewrites the NULL-terminated vector pvp (room for maxatom tokens) with
 * ruleset rs.  New token text is allocated from arena.  Returns EX_OK or
 * the worst status met (EX_TEMPFAIL from maps, EX_CONFIG, EX_DATAERR).
 */
int rewrite(char **pvp, int maxatom, int rs, int reclevel, struct sm_arena *arena);

/* Joins tokens [from, to) like sendmail's cataddr: sep between atoms. */
size_t tok_cat(char *const *v, int from, int to, char *dst, size_t size, int sep);
/*
 * Runs the check ruleset called name (check_mail, check_compat,
 * greet_pause ...) on the tokens of p1, or with p2 on "p1 $| p2", as the
 * server and delivery ask them.  Returns -1 when the configuration has no
 * such ruleset or the input does not scan or is too long, else rewrite()'s
 * status; *out gets the result vector (in arena), or NULL.
 */
int rewrite_check(const char *name, const char *p1, const char *p2, struct sm_arena *arena,
		  char ***out);

#endif
