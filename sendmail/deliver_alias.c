/*
 * deliver_alias.c: the recipients of a message expanded before delivery
 * (see deliver.h, deliver_expand).
 *
 * Owns what submission and delivery do with alias_expand() (alias.c):
 * which recipients are expanded (those not done and not expanded before),
 * what becomes of an expanded one (it is done: only the addresses it
 * stands for are delivered and queued, those with the qf "A" flag so a
 * queue run does not expand them again), and the owner- rule (what a
 * list with an owner-LIST alias stands for is marked with the sender it
 * goes out with: the owner's one address, else owner-LIST; submission
 * splits those off into a clone envelope, as 8.17 does), and the readdressing of local recipients by ruleset 5
 * (localaddr) for mailers with F=5 (deliver_localaddr).
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#include "alias.h"
#include "deliver.h"
#include "err.h"
#include "macro.h"
#include "mailer.h"
#include "meta.h"
#include "parseaddr.h"
#include "rewrite.h"
#include "token.h"

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
	int tempfail = 0;
	for (size_t i = 0; i < k; i++) {
		struct recipient *r = todo[i];
		struct recipient *after = r->next;
		struct alias_result res;
		if (alias_expand(e, r, 0, &res) < 0)
			tempfail++;
		const char *owner = res.owner != NULL ? owner_sender(e, res.owner) : NULL;
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
				if (q->owner == NULL && owner != NULL)
					q->owner = sm_arena_strdup(e->arena, owner);
			}
		}
	}
	sm_free(todo);
	alias_close_all();
	return tempfail;
}


bool deliver_localaddr(struct address *a, struct sm_arena *arena)
{
	if (a->mailer == NULL || a->user == NULL || !mailer_has_flag(a->mailer, '5') ||
	    a->user[0] == '|' || a->user[0] == '/' || a->user[0] == '"')
		return false;
	struct tokens *t = sm_malloc(sizeof *t);
	const char *saved = err_set_address(NULL);
	int olderr = Errors;
	int n = tok_scan(a->user, '\0', TOK_ADDR, t, NULL);
	if (n <= 0) {
		Errors = olderr;
		err_set_address(saved);
		sm_free(t);
		return false;
	}
	char **v = sm_arena_alloc(arena, (MAXATOM + 1) * sizeof *v);
	for (int i = 0; i <= n; i++)
		v[i] = t->v[i] != NULL ? sm_arena_strdup(arena, t->v[i]) : NULL;
	sm_free(t);
	(void)rewrite(v, MAXATOM, 5, 0, arena);
	err_set_address(saved);
	/* only a new mailer triple readdresses; $#error and the like keep the address */
	if (!meta_token_is(v[0], META_CANONNET) || v[1] == NULL || sm_strcasecmp(v[1], "error") == 0)
		return false;
	struct mailer *m = mailer_find(v[1]);
	if (m == NULL)
		return false;
	int i = 2, hostp = -1;
	if (meta_token_is(v[i], META_CANONHOST))
		hostp = ++i;
	while (v[i] != NULL && !meta_token_is(v[i], META_CANONUSER))
		i++;
	if (v[i] == NULL)
		return false;
	char hbuf[MAXNAME + 1], ubuf[MAXNAME + MAXATOM + 1];
	hbuf[0] = '\0';
	if (hostp >= 0 && hostp < i)
		tok_cat(v, hostp, i, hbuf, sizeof hbuf, '\0');
	else if (!mailer_has_flag(m, 'l'))
		return false;
	/* the user part as the new mailer wants it: rulesets 2, R= and 4 */
	int user = i + 1;
	macro_set_value(CurMacros, 'h', hbuf);
	(void)rewrite(v + user, MAXATOM - user, 2, 0, arena);
	if (m->re_rwset > 0)
		(void)rewrite(v + user, MAXATOM - user, m->re_rwset, 0, arena);
	(void)rewrite(v + user, MAXATOM - user, 4, 0, arena);
	int end = user;
	while (v[end] != NULL)
		end++;
	tok_cat(v, user, end, ubuf, sizeof ubuf, '\0');
	Errors = olderr;
	a->mailer = m;
	a->host = hbuf[0] != '\0' ? sm_arena_strdup(arena, hbuf) : NULL;
	a->user = sm_arena_strdup(arena, ubuf);
	if (a->host != NULL && !mailer_has_flag(m, 'h'))
		sm_lowercase(a->host);
	if (!mailer_has_flag(m, 'u'))
		sm_lowercase(a->user);
	return true;
}
