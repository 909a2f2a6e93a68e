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
 * The input of a check ruleset: the tokens of p1, and with p2 a "$|" and
 * the tokens of p2, in arena (MAXATOM + 1 slots, so the ruleset may grow
 * it).  NULL when the text does not scan or is too long.
 */
char **rewrite_check_input(const char *p1, const char *p2, struct sm_arena *arena);

#endif
