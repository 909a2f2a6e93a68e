/*
 * envelope.c: creating and filling the in-memory message (envelope.h).
 *
 * Owns nothing beyond each envelope's arena: every string and list node
 * of an envelope is allocated there and freed with it.
 */
#include "envelope.h"

#include <string.h>
#include <unistd.h>

struct envelope *envelope_new(void)
{
	struct envelope *e = sm_calloc(1, sizeof *e);
	e->arena = sm_calloc(1, sizeof *e->arena);
	sm_arena_init(e->arena, 4096);
	e->rcpts_tail = &e->rcpts;
	e->headers_tail = &e->headers;
	e->sender = sm_arena_strdup(e->arena, "");
	e->lock_fd = -1;
	return e;
}

void envelope_free(struct envelope *e)
{
	if (e == NULL)
		return;
	if (e->lock_fd >= 0)
		(void)close(e->lock_fd); /* releases the queue lock */
	sm_arena_free(e->arena);
	sm_free(e->arena);
	sm_free(e);
}

struct recipient *envelope_add_rcpt(struct envelope *e, const char *address, unsigned flags)
{
	struct recipient *r = sm_arena_alloc(e->arena, sizeof *r);
	memset(r, 0, sizeof *r);
	r->address = sm_arena_strdup(e->arena, address);
	r->flags = flags;
	*e->rcpts_tail = r;
	e->rcpts_tail = &r->next;
	return r;
}

struct header *envelope_add_header(struct envelope *e, const char *name, const char *value)
{
	struct header *h = sm_arena_alloc(e->arena, sizeof *h);
	memset(h, 0, sizeof *h);
	h->name = sm_arena_strdup(e->arena, name);
	h->value = sm_arena_strdup(e->arena, value);
	*e->headers_tail = h;
	e->headers_tail = &h->next;
	return h;
}

struct header *envelope_find_header(const struct envelope *e, const char *name)
{
	for (struct header *h = e->headers; h != NULL; h = h->next)
		if (sm_strcasecmp(h->name, name) == 0)
			return h;
	return NULL;
}

void envelope_set_macro(struct envelope *e, const char *name, const char *value)
{
	for (size_t i = 0; i < e->nmacros; i++) {
		if (strcmp(e->macros[2 * i], name) == 0) {
			e->macros[2 * i + 1] = sm_arena_strdup(e->arena, value);
			return;
		}
	}
	char **v = sm_arena_alloc(e->arena, 2 * (e->nmacros + 1) * sizeof *v);
	if (e->nmacros > 0)
		memcpy(v, e->macros, 2 * e->nmacros * sizeof *v);
	v[2 * e->nmacros] = sm_arena_strdup(e->arena, name);
	v[2 * e->nmacros + 1] = sm_arena_strdup(e->arena, value);
	e->macros = v;
	e->nmacros++;
}
