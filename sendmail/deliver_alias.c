/*
 * deliver_alias.c: the recipients of a message expanded before delivery
 * (see deliver.h, deliver_expand).
 *
 * Owns what submission and delivery do with alias_expand() (alias.c):
 * which recipients are expanded (those not done and not expanded before),
 * what becomes of an expanded one (it is done: only the addresses it
 * stands for are delivered and queued, those with the qf "A" flag so a
 * queue run does not expand them again), and the owner- rule (the
 * envelope sender becomes the owner of a list when the list is all the
 * message goes to).
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#include "alias.h"
#include "deliver.h"
#include "parseaddr.h"

/* The envelope sender for a list with an owner: its one address, or owner-NAME. */
static const char *owner_sender(struct envelope *e, const char *owner)
{
	char *val = NULL;
	const char *s = owner;
	if (alias_lookup(owner, &val) > 0 && val != NULL) {
		char *p = val;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strlen(p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n'))
			n--;
		if (n > 0 && memchr(p, ',', n) == NULL)
			s = sm_arena_strndup(e->arena, p, n);
	}
	sm_free(val);
	return s;
}

/* The controlling user of programs and files of a list: "LIST:uid:0:LIST" (DefaultUser). */
static char *default_ctl(struct envelope *e, const struct recipient *list)
{
	long uid = 1;
	const char *du = opt_value(OPT_DefaultUser);
	if (du != NULL && *du != '\0') {
		struct passwd *pw = NULL;
		char *name = sm_strdup(du);
		char *c = strchr(name, ':');
		if (c != NULL)
			*c = '\0';
		if (*name >= '0' && *name <= '9')
			uid = strtol(name, NULL, 10);
		else if ((pw = getpwnam(name)) != NULL)
			uid = (long)pw->pw_uid;
		sm_free(name);
	}
	char *v = sm_asprintf("%s:%ld:0:%s", list->address, uid, list->address);
	char *r = sm_arena_strdup(e->arena, v);
	sm_free(v);
	return r;
}

int deliver_expand(struct envelope *e)
{
	size_t n = 0;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
		n++;
	if (n == 0)
		return 0;
	/* the recipients to expand, taken before expansion adds others */
	struct recipient **todo = sm_calloc(n, sizeof *todo);
	size_t k = 0;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
		if (!(r->flags & (RCPT_DONE | RCPT_ALIAS_DONE)))
			todo[k++] = r;
	int tempfail = 0, lists = 0, others = 0;
	const char *owner = NULL;
	for (size_t i = 0; i < k; i++) {
		struct recipient *r = todo[i];
		struct recipient *after = r->next;
		struct alias_result res;
		if (alias_expand(e, r, 0, &res) < 0)
			tempfail++;
		if (res.owner != NULL) {
			lists++;
			owner = res.owner;
		} else if (!(r->flags & RCPT_DUPLICATE)) {
			others++;
		}
		/* what expansion added sits between r and after */
		for (struct recipient *q = r; q != after && q != NULL; q = q->next) {
			if (q->flags & RCPT_ALIAS_DONE) {
				/* expanded (or a duplicate): nothing to deliver for it */
				q->flags |= RCPT_DONE;
			} else if (q != r) {
				q->flags |= RCPT_ALIAS_DONE;
				if (q->final_rcpt == NULL && r->final_rcpt != NULL)
					q->final_rcpt = r->final_rcpt;
				if (q->ctladdr == NULL && (q->flags & (RCPT_PROGRAM | RCPT_FILE)))
					q->ctladdr = default_ctl(e, r);
			}
		}
	}
	sm_free(todo);
	alias_close_all();
	if (owner != NULL && lists == 1 && others == 0)
		e->sender = sm_arena_strdup(e->arena, owner_sender(e, owner));
	return tempfail;
}
