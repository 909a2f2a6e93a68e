/*
 * class.h: classes of words ($=X, $~X, C and F lines).
 *
 * Class names share the id space of macro names (macro.h).  Words compare
 * without regard to ASCII case; a word keeps the spelling it was first
 * added with.
 */
#ifndef CLASS_H
#define CLASS_H

#include <stdbool.h>
#include <stddef.h>

#include "sm.h"

void class_add(int cls, const char *word);
bool class_has(int cls, const char *word, size_t len);
void class_remove(int cls, const char *word);
/* Calls fn for every word of cls in sendmail's listing order. */
void class_foreach(int cls, void (*fn)(const char *word, void *arg), void *arg);
void class_free_all(void);
/* The length of the longest word ever added to a class. */
size_t class_max_len(int cls);

/* sendmail's symbol table bucket for a name; decides listing orders. */
unsigned stab_bucket(const char *name, int type);
enum { ST_CLASS = 1, ST_MAILER = 3, ST_MAP = 6, ST_RULESET = 10 };

#endif
