/*
 * macro.h: macros ($x, ${name}) and the translation of "$" text.
 *
 * A macro is named by one character or by a {long name}; both share one
 * integer id space with the class names.  Values are kept in translated
 * form: the "$" operators of the text are meta bytes (meta.h), and a macro
 * reference inside a value is META_MACRO followed by the name ("x" or
 * "{long}"), so values can refer to other macros and are expanded when used.
 */
#ifndef MACRO_H
#define MACRO_H

#include <stdbool.h>
#include <stddef.h>

#include "sm.h"

#define MACRO_NONE (-1)

/* The id of a name given without braces; MACRO_NONE if unknown and !create. */
int macro_id(const char *name, size_t len, bool create);
/*
 * Parses a macro name at p: one character, or "{name}".  Returns the id
 * (creating it) and sets *endp past the name; MACRO_NONE on a bad name.
 */
int macro_parse_name(const char *p, const char **endp);
/* The same without complaints, for text already checked. */
int macro_scan_name(const char *p, const char **endp);
/* "x" or "{name}" for an id. */
const char *macro_name(int id);

/* A set of macro values: the global one and one per envelope. */
struct macro_set {
	char **val;
	size_t nval;
	struct macro_set *parent; /* looked up when a value is unset here */
};
extern struct macro_set GlobalMacros;
extern struct macro_set *CurMacros; /* the innermost set in use */

void macro_set_value(struct macro_set *ms, int id, const char *value);
const char *macro_get(int id);
static inline void macro_define(int id, const char *value)
{
	macro_set_value(&GlobalMacros, id, value);
}
void macro_set_free(struct macro_set *ms);
/* Makes dst's values a copy of src's (dst's own are freed; parent kept). */
void macro_set_copy(struct macro_set *dst, const struct macro_set *src);

/*
 * Expands the macros and conditionals of translated text s into out
 * (appending).  Deferred references ($&x) are left in place.
 */
void macro_expand(const char *s, struct sm_buf *out);
/* Translates the "$" syntax of configuration text into meta bytes. */
void macro_translate(const char *in, struct sm_buf *out);

/*
 * Defines the macros behind the rule operators ("$*", "$#", "$1" ...):
 * their values are the operator bytes (see macro_translate).  Done once at
 * start-up, before any configuration is read.
 */
void macro_define_operators(void);

/* The value of macro id, expanded, in a new string ("" when undefined). */
char *macro_expand_id(int id);

#endif
