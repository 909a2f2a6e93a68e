/*
 * class.c: class membership.
 *
 * Each distinct word (case folded) has one entry listing the classes that
 * hold it.  Membership tests are a hash lookup; listing a class sorts its
 * words the way sendmail's symbol table walks them (by bucket, then by
 * first insertion), so "$=X" in test mode prints the same order.
 */
#include "class.h"

#include <stdlib.h>
#include <string.h>

#define STABSIZE 2003

struct class_word {
	char *word;
	unsigned bucket;
	unsigned long seq;
	int *cls;
	size_t ncls, capcls;
};

static struct sm_hash Words; /* folded word -> struct class_word */
static unsigned long NextSeq;
static size_t *MaxLen;       /* class id -> longest word, for matching */
static size_t NMaxLen;

size_t class_max_len(int cls)
{
	return cls >= 0 && (size_t)cls < NMaxLen ? MaxLen[cls] : 0;
}

unsigned stab_bucket(const char *name, int type)
{
	unsigned h = (unsigned)type;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = ((h << 1) ^ (unsigned)sm_lower(*p)) % STABSIZE;
	return h;
}

static struct class_word *lookup(const char *word, size_t len)
{
	if (Words.nslots == 0)
		return NULL;
	return sm_hash_getn(&Words, word, len);
}

void class_add(int cls, const char *word)
{
	if (Words.nslots == 0)
		sm_hash_init(&Words, true);
	size_t len = strlen(word);
	struct class_word *w = lookup(word, len);
	if (w == NULL) {
		w = sm_calloc(1, sizeof *w);
		w->word = sm_strdup(word);
		w->bucket = stab_bucket(word, ST_CLASS);
		w->seq = NextSeq++;
		sm_hash_put(&Words, word, w);
	}
	for (size_t i = 0; i < w->ncls; i++)
		if (w->cls[i] == cls)
			return;
	if (cls >= 0) {
		if ((size_t)cls >= NMaxLen) {
			size_t n = NMaxLen ? NMaxLen : 512;
			while (n <= (size_t)cls)
				n *= 2;
			MaxLen = sm_realloc(MaxLen, n * sizeof *MaxLen);
			memset(MaxLen + NMaxLen, 0, (n - NMaxLen) * sizeof *MaxLen);
			NMaxLen = n;
		}
		if (len > MaxLen[cls])
			MaxLen[cls] = len;
	}
	if (w->ncls == w->capcls) {
		w->capcls = w->capcls ? w->capcls * 2 : 2;
		w->cls = sm_realloc(w->cls, w->capcls * sizeof *w->cls);
	}
	w->cls[w->ncls++] = cls;
}

bool class_has(int cls, const char *word, size_t len)
{
	struct class_word *w = lookup(word, len);
	if (w == NULL)
		return false;
	for (size_t i = 0; i < w->ncls; i++)
		if (w->cls[i] == cls)
			return true;
	return false;
}

void class_remove(int cls, const char *word)
{
	struct class_word *w = lookup(word, strlen(word));
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->ncls; i++) {
		if (w->cls[i] == cls) {
			w->cls[i] = w->cls[--w->ncls];
			return;
		}
	}
}

static int by_stab_order(const void *a, const void *b)
{
	const struct class_word *x = *(struct class_word *const *)a;
	const struct class_word *y = *(struct class_word *const *)b;
	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void class_foreach(int cls, void (*fn)(const char *word, void *arg), void *arg)
{
	size_t n = 0, pos = 0;
	struct class_word **list = sm_malloc((Words.count + 1) * sizeof *list);
	struct sm_hash_entry *e;
	while ((e = sm_hash_next(&Words, &pos)) != NULL) {
		struct class_word *w = e->value;
		for (size_t i = 0; i < w->ncls; i++) {
			if (w->cls[i] == cls) {
				list[n++] = w;
				break;
			}
		}
	}
	qsort(list, n, sizeof *list, by_stab_order);
	for (size_t i = 0; i < n; i++)
		fn(list[i]->word, arg);
	sm_free(list);
}

static void free_word(void *p)
{
	struct class_word *w = p;
	sm_free(w->word);
	sm_free(w->cls);
	sm_free(w);
}

void class_free_all(void)
{
	sm_hash_free(&Words, free_word);
	sm_free(MaxLen);
	MaxLen = NULL;
	NMaxLen = 0;
}
