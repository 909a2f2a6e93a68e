/*
 * deliver_batch.c: which recipients of a message go out together in one
 * SMTP transaction (deliver.c's main loop hands each group to
 * deliver_remote.c).
 *
 * A group is the first recipient the main loop sends through a [IPC]
 * mailer to a host, plus every later recipient that resolves to the same
 * mailer and host and that the main loop would deliver (not queued up, not
 * a program, file or unknown F=w user, not refused by check_compat).
 *
 * Owns the index of the recipients by (mailer, host): it is built once,
 * at the first group, by parsing each later recipient once; each group
 * then takes the recipients of its bucket and empties it.  A message to N
 * recipients on H hosts costs N parses (it cost one pass over the
 * remaining recipients per host, H x N parses, before).
 */
#include "deliver.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "deliver_int.h"
#include "err.h"
#include "mailer.h"
#include "parseaddr.h"
#include "sm.h"

struct batch_entry {
	struct recipient *r;
	const char *user;  /* the SMTP recipient (arena of the envelope) */
	size_t next;       /* the next entry of the same bucket, or NONE */
	bool taken;        /* sent with a group */
};

struct batch_bucket {
	size_t head, tail; /* entries in recipient order, NONE when empty */
	size_t count;
};

#define NONE ((size_t)-1)

struct smtp_batches {
	struct batch_entry *ent; /* one per recipient, in envelope order */
	size_t n;
	bool indexed;
	struct sm_hash buckets;  /* "mailer\nhost" (case-insensitive) -> batch_bucket */
};

static char *bucket_key(const struct mailer *m, const char *host)
{
	/* the mailer by identity, as the grouping compares mailers */
	return sm_asprintf("%p\n%s", (const void *)m, host);
}

struct smtp_batches *smtp_batches_new(struct envelope *e)
{
	struct smtp_batches *b = sm_calloc(1, sizeof *b);
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
		b->n++;
	b->ent = sm_calloc(b->n > 0 ? b->n : 1, sizeof *b->ent);
	size_t i = 0;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next, i++) {
		b->ent[i].r = r;
		b->ent[i].next = NONE;
	}
	sm_hash_init(&b->buckets, true);
	return b;
}

static void free_bucket(void *p)
{
	sm_free(p);
}

void smtp_batches_free(struct smtp_batches *b)
{
	if (b == NULL)
		return;
	sm_hash_free(&b->buckets, free_bucket);
	sm_free(b->ent);
	sm_free(b);
}

bool smtp_batches_taken(const struct smtp_batches *b, size_t i)
{
	return i < b->n && b->ent[i].taken;
}

/*
 * The index: each recipient after first that could join an SMTP group,
 * parsed once, quietly (the main loop reports the errors of the others
 * when it comes to them).
 */
static void build_index(struct smtp_batches *b, struct envelope *e, size_t first)
{
	b->indexed = true;
	for (size_t i = first + 1; i < b->n; i++) {
		struct recipient *q = b->ent[i].r;
		if (q->flags & RCPT_DONE)
			continue;
		struct address a;
		const char *saved = err_set_address(NULL);
		int olderr = Errors;
		bool ok = parseaddr(q->address, &a, RF_ADDDOMAIN, '\0', NULL, false, e->arena) != NULL &&
			  a.state != QS_BADADDR;
		Errors = olderr;
		err_set_address(saved);
		if (!ok)
			continue;
		(void)deliver_localaddr(&a, e->arena);
		const struct mailer *m = a.mailer;
		if (m == NULL || a.state == QS_QUEUEUP)
			continue;
		/* what the main loop refuses on its own: unknown users, programs, files */
		const char *u = a.user != NULL ? a.user : "";
		if (u[0] == '|' || u[0] == '/' || u[0] == '"' ||
		    (mailer_has_flag(m, 'w') && getpwnam(u) == NULL))
			continue;
		char *key = bucket_key(m, a.host != NULL ? a.host : "localhost");
		struct batch_bucket *bk = sm_hash_get(&b->buckets, key);
		if (bk == NULL) {
			bk = sm_calloc(1, sizeof *bk);
			bk->head = bk->tail = NONE;
			(void)sm_hash_put(&b->buckets, key, bk);
		}
		sm_free(key);
		b->ent[i].user = a.user != NULL ? a.user : q->address;
		if (bk->tail == NONE)
			bk->head = i;
		else
			b->ent[bk->tail].next = i;
		bk->tail = i;
		bk->count++;
	}
}

size_t smtp_batch_collect(struct smtp_batches *b, struct envelope *e, size_t first,
			  const struct mailer *m, const char *host, const char *first_user,
			  struct recipient ***rsp, const char ***usersp)
{
	if (!b->indexed)
		build_index(b, e, first);
	char *key = bucket_key(m, host);
	struct batch_bucket *bk = sm_hash_get(&b->buckets, key);
	sm_free(key);
	size_t max = 1 + (bk != NULL ? bk->count : 0);
	struct recipient **rs = sm_calloc(max, sizeof *rs);
	const char **users = sm_calloc(max, sizeof *users);
	rs[0] = b->ent[first].r;
	users[0] = first_user;
	b->ent[first].taken = true;
	size_t n = 1;
	for (size_t i = bk != NULL ? bk->head : NONE; i != NONE; i = b->ent[i].next) {
		struct recipient *q = b->ent[i].r;
		/* those before first were the main loop's already */
		if (i <= first || b->ent[i].taken || (q->flags & RCPT_DONE))
			continue;
		/* the ones check_compat refuses are left to the main loop */
		if (deliver_compat_refuses(e, q))
			continue;
		b->ent[i].taken = true;
		rs[n] = q;
		users[n] = b->ent[i].user;
		n++;
	}
	/* every entry of the bucket has had its turn: the next group of this
	 * mailer and host (only a recipient refused here can lead one) starts
	 * empty, so no entry is looked at twice */
	if (bk != NULL) {
		bk->head = bk->tail = NONE;
		bk->count = 0;
	}
	*rsp = rs;
	*usersp = users;
	return n;
}
