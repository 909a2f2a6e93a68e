/*
 * sm_mem.c: checked allocation and arenas.
 *
 * Running out of memory is not something a mail transfer agent can recover
 * from in the middle of an envelope; like sendmail we report it and exit
 * with EX_OSERR (a temporary failure for whoever called us), so no caller
 * has to test for NULL.
 */
#include "sm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sm_out_of_memory(size_t n)
{
	fprintf(stderr, "Out of memory (%zu bytes)\n", n);
	exit(EX_OSERR_);
}

void *sm_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		sm_out_of_memory(n);
	return p;
}

void *sm_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		sm_out_of_memory(n * size);
	return p;
}

void *sm_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		sm_out_of_memory(n);
	return q;
}

char *sm_strdup(const char *s)
{
	return sm_strndup(s, strlen(s));
}

char *sm_strndup(const char *s, size_t n)
{
	char *p = sm_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void sm_free(void *p)
{
	free(p);
}

struct sm_arena_block {
	struct sm_arena_block *next;
	size_t size;
	size_t used;
	_Alignas(max_align_t) unsigned char data[];
};

void sm_arena_init(struct sm_arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 4096;
}

void *sm_arena_alloc(struct sm_arena *a, size_t n)
{
	const size_t align = _Alignof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	struct sm_arena_block *b = a->head;
	if (b == NULL || b->size - b->used < n) {
		size_t size = n > a->block_size ? n : a->block_size;
		b = sm_malloc(sizeof *b + size);
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

char *sm_arena_strndup(struct sm_arena *a, const char *s, size_t n)
{
	char *p = sm_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *sm_arena_strdup(struct sm_arena *a, const char *s)
{
	return sm_arena_strndup(a, s, strlen(s));
}

void sm_arena_reset(struct sm_arena *a)
{
	struct sm_arena_block *b = a->head;
	if (b == NULL)
		return;
	/* Keep the oldest block (the last in the chain); free the rest. */
	while (b->next != NULL) {
		struct sm_arena_block *next = b->next;
		free(b);
		b = next;
	}
	b->used = 0;
	a->head = b;
}

void sm_arena_free(struct sm_arena *a)
{
	struct sm_arena_block *b = a->head;
	while (b != NULL) {
		struct sm_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}
