/*
 * sm_hash.c: open-addressing hash table keyed by strings.
 *
 * Keys are copied and owned by the table; values are the caller's.  With
 * nocase the keys compare and hash with ASCII case folding, the way sendmail
 * names maps, classes, mailers and macros.
 */
#include "sm.h"

#include <stdlib.h>
#include <string.h>

uint32_t sm_hash_bytes(const char *s, size_t n, bool nocase)
{
	/* FNV-1a */
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (nocase)
			c = (unsigned char)sm_lower(c);
		h ^= c;
		h *= 16777619u;
	}
	return h ? h : 1;
}

void sm_hash_init(struct sm_hash *h, bool nocase)
{
	h->slots = NULL;
	h->nslots = 0;
	h->count = 0;
	h->nocase = nocase;
}

void sm_hash_free(struct sm_hash *h, void (*free_value)(void *))
{
	for (size_t i = 0; i < h->nslots; i++) {
		if (h->slots[i].key != NULL) {
			if (free_value != NULL)
				free_value(h->slots[i].value);
			free(h->slots[i].key);
		}
	}
	free(h->slots);
	h->slots = NULL;
	h->nslots = h->count = 0;
}

static bool key_equal(const struct sm_hash *h, const struct sm_hash_entry *e,
		      const char *key, size_t len, uint32_t hash)
{
	if (e->hash != hash || e->keylen != len)
		return false;
	return h->nocase ? sm_strncasecmp(e->key, key, len) == 0 : memcmp(e->key, key, len) == 0;
}

static struct sm_hash_entry *find_slot(const struct sm_hash *h, const char *key, size_t len,
				       uint32_t hash)
{
	if (h->nslots == 0)
		return NULL;
	size_t mask = h->nslots - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct sm_hash_entry *e = &h->slots[i];
		if (e->key == NULL || key_equal(h, e, key, len, hash))
			return e;
	}
}

void *sm_hash_getn(const struct sm_hash *h, const char *key, size_t len)
{
	uint32_t hash = sm_hash_bytes(key, len, h->nocase);
	struct sm_hash_entry *e = find_slot(h, key, len, hash);
	return (e != NULL && e->key != NULL) ? e->value : NULL;
}

void *sm_hash_get(const struct sm_hash *h, const char *key)
{
	return sm_hash_getn(h, key, strlen(key));
}

static void grow(struct sm_hash *h)
{
	size_t old_n = h->nslots;
	struct sm_hash_entry *old = h->slots;
	h->nslots = old_n ? old_n * 2 : 16;
	h->slots = sm_calloc(h->nslots, sizeof *h->slots);
	for (size_t i = 0; i < old_n; i++) {
		if (old[i].key == NULL)
			continue;
		struct sm_hash_entry *e = find_slot(h, old[i].key, old[i].keylen, old[i].hash);
		*e = old[i];
	}
	free(old);
}

void *sm_hash_put(struct sm_hash *h, const char *key, void *value)
{
	if ((h->count + 1) * 4 > h->nslots * 3)
		grow(h);
	size_t len = strlen(key);
	uint32_t hash = sm_hash_bytes(key, len, h->nocase);
	struct sm_hash_entry *e = find_slot(h, key, len, hash);
	if (e->key != NULL) {
		void *old = e->value;
		e->value = value;
		return old;
	}
	e->key = sm_strndup(key, len);
	e->keylen = len;
	e->hash = hash;
	e->value = value;
	h->count++;
	return NULL;
}

bool sm_hash_del(struct sm_hash *h, const char *key)
{
	size_t len = strlen(key);
	uint32_t hash = sm_hash_bytes(key, len, h->nocase);
	struct sm_hash_entry *e = find_slot(h, key, len, hash);
	if (e == NULL || e->key == NULL)
		return false;
	free(e->key);
	e->key = NULL;
	h->count--;
	/* Re-insert the rest of the probe run so lookups stay correct. */
	size_t mask = h->nslots - 1;
	size_t i = (size_t)(e - h->slots);
	for (i = (i + 1) & mask; h->slots[i].key != NULL; i = (i + 1) & mask) {
		struct sm_hash_entry moved = h->slots[i];
		h->slots[i].key = NULL;
		struct sm_hash_entry *dst = find_slot(h, moved.key, moved.keylen, moved.hash);
		*dst = moved;
	}
	return true;
}

struct sm_hash_entry *sm_hash_next(const struct sm_hash *h, size_t *pos)
{
	while (*pos < h->nslots) {
		struct sm_hash_entry *e = &h->slots[(*pos)++];
		if (e->key != NULL)
			return e;
	}
	return NULL;
}
