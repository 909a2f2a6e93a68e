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

/* A copy of v in e's arena (NULL stays NULL). */
static char *adup(struct envelope *e, const char *v)
{
	return v != NULL ? sm_arena_strdup(e->arena, v) : NULL;
}

struct envelope *envelope_copy_message(const struct envelope *e)
{
	struct envelope *c = envelope_new();
	c->ctime = e->ctime;
	c->sender = sm_arena_strdup(c->arena, e->sender);
	c->sender_full = adup(c, e->sender_full);
	c->envid = adup(c, e->envid);
	c->body_type = adup(c, e->body_type);
	c->auth_param = adup(c, e->auth_param);
	c->qgroup = adup(c, e->qgroup);
	c->dsn_ret = e->dsn_ret;
	c->priority = e->priority;
	c->body_size = e->body_size;
	c->qf_hdr_size = e->qf_hdr_size;
	c->hop_count = e->hop_count;
	c->flags = e->flags;
	/* a quarantined message stays quarantined in each of its copies
	 * (an owner split must not release it), and what this version does
	 * not know of the qf goes on as read */
	c->quarantine = adup(c, e->quarantine);
	c->status_msg = adup(c, e->status_msg);
	c->qf_flags = adup(c, e->qf_flags);
	if (e->nqf_other > 0) {
		c->qf_other = sm_arena_alloc(c->arena, e->nqf_other * sizeof *c->qf_other);
		for (size_t i = 0; i < e->nqf_other; i++)
			c->qf_other[i] = adup(c, e->qf_other[i]);
		c->nqf_other = e->nqf_other;
	}
	for (const struct header *h = e->headers; h != NULL; h = h->next) {
		struct header *ch = envelope_add_header(c, h->name, h->value);
		ch->cond = adup(c, h->cond);
		ch->flags = h->flags;
	}
	for (size_t i = 0; i < e->nmacros; i++)
		envelope_set_macro(c, e->macros[2 * i], e->macros[2 * i + 1]);
	return c;
}

struct recipient *envelope_copy_rcpt(struct envelope *e, const struct recipient *r)
{
	struct recipient *c = envelope_add_rcpt(e, r->address, r->flags);
	c->orcpt = adup(e, r->orcpt);
	c->final_rcpt = adup(e, r->final_rcpt);
	c->ctladdr = adup(e, r->ctladdr);
	c->status = adup(e, r->status);
	c->diag = adup(e, r->diag);
	c->mta = adup(e, r->mta);
	c->status_time = r->status_time;
	c->qf_flags = adup(e, r->qf_flags);
	c->owner = adup(e, r->owner);
	c->smtp_reply = adup(e, r->smtp_reply);
	c->check_transcript = adup(e, r->check_transcript);
	c->check_exit = r->check_exit;
	return c;
}
