/*
 * alias.c: alias_expand() (see alias.h): a recipient through the alias
 * maps, :include: files and .forward files into the recipients it stands
 * for, with loop detection, a depth limit and owner- lists.
 *
 * Owns the splitting of address lists, the insertion of recipients into
 * an envelope (right after the one they replace, as sendmail orders them),
 * the duplicate check (by mailer, host and user) and the reading of
 * include files.  The alias databases are aliasfile.c's, .forward files
 * forward.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "envelope.h"
#include "err.h"
#include "mailer.h"
#include "options.h"
#include "parseaddr.h"
#include "priv.h"
#include "safefile.h"

#define MAX_CHAIN 64

/* State of one alias_expand() call. */
struct xctx {
	struct envelope *e;
	struct alias_result *res;
	struct sm_hash seen; /* "mailer\1host\1user" of every recipient */
	int maxdepth;
	int total;           /* recipients added, against ALIAS_MAX_RCPTS */
	bool tempfail;
	unsigned flags;      /* ALIAS_* */
	const char *inc_file; /* the include file being read, for messages */
	int inc_line;
	uid_t inc_uid;        /* its owner */
	const char *inc_addr; /* the address it was named by (":include:path", the user) */
	struct recipient *chain[MAX_CHAIN]; /* the aliases being expanded, by depth */
};
static struct xctx *Ctx;

static int expand_one(struct recipient *r, int depth);

/* The duplicate key of a parsed address (arena). */
static char *addr_key(const struct address *a, struct sm_arena *arena)
{
	struct sm_buf b;
	sm_buf_init(&b);
	sm_buf_printf(&b, "%s\1%s\1%s", a->mailer ? a->mailer->name : "", a->host ? a->host : "",
		      a->user ? a->user : "");
	sm_lowercase(b.data);
	char *k = sm_arena_strdup(arena, b.data);
	sm_buf_free(&b);
	return k;
}

/*
 * The duplicate key of q's address, "" when it does not parse.  Parsed
 * once per recipient: alias_expand() looks at every recipient of the
 * envelope for each one it expands, which with a parse each time cost
 * N x N parses (and arena memory) for a message to N recipients.
 */
static const char *recipient_dupkey(struct envelope *e, struct recipient *q)
{
	if (q->dupkey == NULL) {
		struct address a;
		if (parseaddr(q->address, &a, 0, '\0', NULL, true, e->arena) != NULL &&
		    a.state == QS_OK)
			q->dupkey = addr_key(&a, e->arena);
		else
			q->dupkey = "";
	}
	return q->dupkey;
}

static void fail(struct recipient *r, const char *status, const char *diag)
{
	struct sm_arena *ar = Ctx->e->arena;
	r->flags |= RCPT_BADADDR | RCPT_DONE | RCPT_FAILED_EXPANDING;
	r->status = sm_arena_strdup(ar, status);
	r->diag = sm_arena_strdup(ar, diag);
	Ctx->res->failed++;
}

/* Fails r and reports it at once (errors found while expanding). */
static void fail_now(struct recipient *r, const char *status, const char *diag, bool prefix)
{
	fail(r, status, diag);
	r->flags |= RCPT_REPORTED | (prefix ? 0 : RCPT_TOLD_BARE);
	const char *saved = err_set_address(prefix ? r->address : NULL);
	usrerr("%s", diag);
	err_set_address(saved);
}

/*
 * A program or file r named in a .forward or :include: file, while this
 * process runs as RunAsUser (it cannot become the file's owner to run or
 * write it): refused unless RunAsUser owns the file or DontBlameSendmail
 * has NonRootSafeAddr, with 8.17's words and status.  True when refused.
 */
static bool unsafe_for(struct recipient *r, const char *what)
{
	if (Ctx->inc_file == NULL || !priv_runas_active() || Ctx->inc_uid == geteuid() ||
	    DontBlame[DBS_NONROOTSAFEADDR])
		return false;
	char *diag = sm_asprintf("550 Unsafe for mailing to %s", what);
	fail(r, "5.7.1", diag);
	sm_free(diag);
	r->flags |= RCPT_REPORTED;
	err_set_cf_position(Ctx->inc_file, Ctx->inc_line);
	const char *saved = err_set_address(r->address);
	usrerr("550 5.7.1 Address %s is unsafe for mailing to %s", Ctx->inc_addr, what);
	err_set_address(saved);
	err_set_cf_position(NULL, 0);
	return true;
}

static struct recipient *insert_after(struct recipient *after, const char *addr, unsigned flags)
{
	struct envelope *e = Ctx->e;
	struct recipient *n = sm_arena_alloc(e->arena, sizeof *n);
	memset(n, 0, sizeof *n);
	n->address = sm_arena_strdup(e->arena, addr);
	n->flags = flags;
	n->next = after->next;
	after->next = n;
	if (e->rcpts_tail == &after->next)
		e->rcpts_tail = &n->next;
	return n;
}

/*
 * The next address of a comma-separated list at *pp into out (blanks
 * around it dropped); commas inside quotes, comments or angle brackets do
 * not separate.  false at the end of the list.
 */
static bool next_address(const char **pp, char *out, size_t size)
{
	const char *p = *pp;
	while (*p == ',' || sm_isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return false;
	const char *start = p;
	int paren = 0, angle = 0;
	bool quote = false;
	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (quote) {
			if (*p == '"')
				quote = false;
			continue;
		}
		if (*p == '"')
			quote = true;
		else if (*p == '(')
			paren++;
		else if (*p == ')' && paren > 0)
			paren--;
		else if (*p == '<')
			angle++;
		else if (*p == '>' && angle > 0)
			angle--;
		else if (*p == ',' && paren == 0 && angle == 0)
			break;
	}
	size_t len = (size_t)(p - start);
	while (len > 0 && sm_isspace((unsigned char)start[len - 1]))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(out, start, len);
	out[len] = '\0';
	*pp = p;
	return true;
}

/* True if q is one of the aliases whose expansion is in progress. */
static bool in_chain(const void *q, int depth)
{
	for (int i = 0; i < depth && i < MAX_CHAIN; i++)
		if (Ctx->chain[i] == q)
			return true;
	return false;
}

int alias_add_list(struct envelope *e, struct recipient *r, const char *list, int depth,
		   const char *ctladdr, unsigned extra)
{
	(void)e;
	char *one = sm_malloc(ALIAS_LINE_MAX);
	const char *p = list;
	int added = 0;
	while (next_address(&p, one, ALIAS_LINE_MAX)) {
		if (Ctx->total >= ALIAS_MAX_RCPTS) {
			usrerr("552 5.5.3 Too many recipients");
			break;
		}
		unsigned flags = extra;
		const char *addr = one;
		if (*addr == '\\') {
			/* "\user": delivered as it is, never aliased again */
			addr++;
			flags |= RCPT_NOALIAS;
		}
		struct address a;
		struct sm_arena *ar = Ctx->e->arena;
		char *key = NULL;
		if (parseaddr(addr, &a, 0, '\0', NULL, true, ar) != NULL && a.state == QS_OK) {
			key = addr_key(&a, ar);
			void *prev = sm_hash_get(&Ctx->seen, key);
			if (prev != NULL && prev != r) {
				if (!in_chain(prev, depth))
					continue; /* already a recipient */
				struct recipient *l = insert_after(r, addr, flags);
				fail_now(l, "5.4.6", "554 5.4.6 aliasing/forwarding loop broken", false);
				continue;
			}
			if (prev == r) {
				/* an alias to itself: r is delivered as the plain user */
				r->flags = (r->flags & ~RCPT_ALIAS_DONE) | RCPT_NOALIAS;
				continue;
			}
		}
		struct recipient *n = insert_after(r, addr, flags);
		if (key != NULL)
			(void)sm_hash_put(&Ctx->seen, key, n);
		if (ctladdr != NULL)
			n->ctladdr = sm_arena_strdup(ar, ctladdr);
		Ctx->total++;
		Ctx->res->added++;
		added++;
		(void)expand_one(n, depth);
	}
	sm_free(one);
	return added;
}

/* The uid and gid of DefaultUser ("user:group", numbers or names; 1:1). */
static void default_user(uid_t *uid, gid_t *gid)
{
	*uid = 1;
	*gid = 1;
	const char *v = opt_value(OPT_DefaultUser);
	if (v == NULL || *v == '\0')
		return;
	char *copy = sm_strdup(v);
	char *colon = strchr(copy, ':');
	if (colon != NULL)
		*colon++ = '\0';
	struct passwd *pw = getpwnam(copy);
	if (pw != NULL) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else if (*copy >= '0' && *copy <= '9') {
		*uid = (uid_t)strtoul(copy, NULL, 10);
	}
	if (colon != NULL && *colon >= '0' && *colon <= '9')
		*gid = (gid_t)strtoul(colon, NULL, 10);
	sm_free(copy);
}

/* May uid:gid reach and read path?  0 or EACCES (root reads everything). */
static int readable_as(const char *path, uid_t uid, gid_t gid)
{
	if (uid == 0)
		return 0;
	char *copy = sm_strdup(path);
	int err = 0;
	for (char *p = copy + 1; err == 0; p++) {
		bool last = (*p == '\0');
		if (*p != '/' && !last)
			continue;
		char c = *p;
		*p = '\0';
		struct stat st;
		if (stat(copy, &st) == 0) {
			mode_t need = last ? S_IROTH : S_IXOTH;
			if (st.st_uid == uid)
				need = last ? S_IRUSR : S_IXUSR;
			else if (st.st_gid == gid)
				need = last ? S_IRGRP : S_IXGRP;
			if (!(st.st_mode & need))
				err = EACCES;
		}
		*p = c;
		if (last)
			break;
	}
	sm_free(copy);
	return err;
}

int alias_include(struct envelope *e, struct recipient *r, const char *path, int depth,
		  const char *ctladdr, bool forward)
{
	struct stat st;
	int err = 0;
	if (path[0] == '/') {
		/* sendmail reads it as its controlling user, or DefaultUser */
		uid_t uid;
		gid_t gid;
		default_user(&uid, &gid);
		if (ctladdr != NULL) {
			const char *c1 = strchr(ctladdr, ':');
			if (c1 != NULL) {
				uid = (uid_t)strtoul(c1 + 1, NULL, 10);
				const char *c2 = strchr(c1 + 1, ':');
				gid = c2 ? (gid_t)strtoul(c2 + 1, NULL, 10) : gid;
			}
		}
		err = readable_as(path, uid, gid);
	}
	if (err == 0)
		err = safefile_check(path, SFF_REGONLY, S_IRUSR, &st);
	if (err == 0 && !forward) {
		if ((st.st_mode & S_IWGRP) && !DontBlame[DBS_GROUPWRITABLEINCLUDEFILE] &&
		    !DontBlame[DBS_GROUPWRITABLEINCLUDEFILESAFE])
			err = E_SM_GWFILE;
		else if ((st.st_mode & S_IWOTH) && !DontBlame[DBS_WORLDWRITABLEINCLUDEFILE])
			err = E_SM_WWFILE;
	}
	FILE *fp = NULL;
	if (err == 0 && (fp = fopen(path, "r")) == NULL)
		err = errno;
	if (err != 0) {
		if (forward)
			return -1;
		/* 5.2.4, as sendmail reports a list it cannot expand */
		char *d = sm_asprintf("550 5.2.4 Cannot open %s: %s", path, sm_errstring(err));
		fail_now(r, "5.2.4", d, true);
		sm_free(d);
		return 0;
	}
	if (ctladdr == NULL && !forward && st.st_uid != 0) {
		struct passwd *pw = getpwuid(st.st_uid);
		char *c = sm_asprintf("%s:%ld:%ld", pw ? pw->pw_name : "", (long)st.st_uid,
				      (long)st.st_gid);
		ctladdr = sm_arena_strdup(e->arena, c);
		sm_free(c);
	}
	char *line = sm_malloc(ALIAS_LINE_MAX);
	int added = 0;
	const char *saved_file = Ctx->inc_file, *saved_addr = Ctx->inc_addr;
	int saved_line = Ctx->inc_line;
	uid_t saved_uid = Ctx->inc_uid;
	Ctx->inc_file = path;
	Ctx->inc_line = 0;
	Ctx->inc_uid = st.st_uid;
	Ctx->inc_addr = r->address;
	unsigned extra = forward ? RCPT_FORWARDED : 0;
	while (fgets(line, ALIAS_LINE_MAX, fp) != NULL) {
		Ctx->inc_line++;
		size_t n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (n == ALIAS_LINE_MAX - 1) {
			/* an over-long line is dropped whole */
			int c;
			while ((c = getc(fp)) != EOF && c != '\n')
				;
			continue;
		}
		char *s = line;
		while (sm_isspace((unsigned char)*s))
			s++;
		if (*s == '#' || *s == '\0')
			continue;
		added += alias_add_list(e, r, s, depth, ctladdr, extra);
	}
	sm_free(line);
	Ctx->inc_file = saved_file;
	Ctx->inc_line = saved_line;
	Ctx->inc_uid = saved_uid;
	Ctx->inc_addr = saved_addr;
	if (fclose(fp) != 0) {
		/* nothing to do: the file was only read */
	}
	r->flags |= RCPT_ALIAS_DONE;
	return added;
}

static int expand_one(struct recipient *r, int depth)
{
	if (r->flags & (RCPT_ALIAS_DONE | RCPT_DONE))
		return 0;
	struct sm_arena *ar = Ctx->e->arena;
	if (sm_strncasecmp(r->address, ":include:", 9) == 0) {
		if (r->flags & RCPT_PRIMARY) {
			fail_now(r, "5.7.1", "550 5.7.1 Cannot mail directly to :include:s", true);
			return 0;
		}
		if (depth >= Ctx->maxdepth) {
			fail_now(r, "5.4.6", "554 5.4.6 aliasing/forwarding loop broken", false);
			return 0;
		}
		const char *path = r->address + 9;
		while (*path == ' ' || *path == '\t')
			path++;
		Ctx->chain[depth] = r;
		return alias_include(Ctx->e, r, path, depth + 1, r->ctladdr, false);
	}
	struct address a;
	if (parseaddr(r->address, &a, 0, '\0', NULL, true, ar) == NULL) {
		fail(r, "5.1.3", "Bad address syntax");
		return 0;
	}
	if (a.state == QS_QUEUEUP) {
		r->flags |= RCPT_QUEUED;
		return 0;
	}
	if (a.state != QS_OK || a.mailer == &ErrorMailer) {
		fail(r, a.status ? a.status : "5.1.1", a.user ? a.user : "Bad address");
		return 0;
	}
	const char *mname = a.mailer->name;
	if (strcmp(mname, "*include*") == 0) {
		if (depth >= Ctx->maxdepth) {
			fail_now(r, "5.4.6", "554 5.4.6 aliasing/forwarding loop broken", false);
			return 0;
		}
		Ctx->chain[depth] = r;
		return alias_include(Ctx->e, r, a.user, depth + 1, r->ctladdr, false);
	}
	if (strcmp(mname, "prog") == 0) {
		if (!unsafe_for(r, "programs"))
			r->flags |= RCPT_PROGRAM;
		return 0;
	}
	if (strcmp(mname, "*file*") == 0) {
		if (!unsafe_for(r, "files"))
			r->flags |= RCPT_FILE;
		return 0;
	}
	if (mailer_has_flag(a.mailer, 'A') && !(r->flags & RCPT_NOALIAS)) {
		char *val = NULL;
		int found = alias_lookup(a.user, &val);
		if (found < 0) {
			r->flags |= RCPT_QUEUED;
			Ctx->tempfail = true;
			return 0;
		}
		if (found > 0) {
			if (depth >= Ctx->maxdepth) {
				sm_free(val);
				fail_now(r, "5.4.6", "554 5.4.6 aliasing/forwarding loop broken", false);
				return 0;
			}
			r->flags |= RCPT_ALIAS_DONE;
			Ctx->chain[depth] = r;
			if (depth == 0 && Ctx->res->owner == NULL) {
				char *oname = sm_asprintf("owner-%s", a.user);
				char *oval = NULL;
				if (alias_lookup(oname, &oval) > 0)
					Ctx->res->owner = sm_arena_strdup(ar, oname);
				sm_free(oval);
				sm_free(oname);
			}
			(void)sm_hash_put(&Ctx->seen, addr_key(&a, ar), r);
			int n = alias_add_list(Ctx->e, r, val, depth + 1, r->ctladdr, 0);
			sm_free(val);
			if (r->flags & RCPT_ALIAS_DONE)
				return n;
		}
	}
	if (!mailer_has_flag(a.mailer, 'w'))
		return 0;
	/* a local user: it must exist; its .forward may send the mail on */
	char *user = sm_arena_strdup(ar, a.user);
	char *plus = strchr(user, '+');
	if (plus != NULL && plus != user)
		*plus = '\0';
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		if (Ctx->inc_file != NULL) {
			/* found while reading an include file: told at once, with its line */
			err_set_cf_position(Ctx->inc_file, Ctx->inc_line);
			fail_now(r, "5.1.1", "550 5.1.1 User unknown", true);
			err_set_cf_position(NULL, 0);
		} else {
			fail(r, "5.1.1", "550 5.1.1 User unknown");
		}
		return 0;
	}
	if (!(r->flags & RCPT_NOALIAS) && !(Ctx->flags & ALIAS_VERIFY) &&
	    depth < Ctx->maxdepth) {
		Ctx->chain[depth] = r;
		(void)sm_hash_put(&Ctx->seen, addr_key(&a, ar), r);
		int f = forward_expand(Ctx->e, r, user, depth + 1);
		if (f > 0)
			return 0;
	}
	r->flags |= RCPT_LOCAL;
	return 0;
}

int alias_expand(struct envelope *e, struct recipient *r, unsigned flags,
		 struct alias_result *res)
{
	struct alias_result dummy;
	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof *res);
	struct xctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.e = e;
	ctx.res = res;
	ctx.maxdepth = ALIAS_MAX_DEPTH;
	ctx.flags = flags;
	const char *md = opt_value(OPT_MaxAliasRecursion);
	if (md != NULL && *md != '\0')
		ctx.maxdepth = atoi(md);
	if (ctx.maxdepth < 1 || ctx.maxdepth >= MAX_CHAIN)
		ctx.maxdepth = ctx.maxdepth < 1 ? 1 : MAX_CHAIN - 1;
	sm_hash_init(&ctx.seen, false);
	/* the recipients the envelope has already count as duplicates */
	for (struct recipient *q = e->rcpts; q != NULL; q = q->next) {
		if (q == r || (q->flags & RCPT_DUPLICATE))
			continue;
		const char *k = recipient_dupkey(e, q);
		if (k[0] != '\0')
			(void)sm_hash_put(&ctx.seen, k, q);
	}
	struct xctx *saved = Ctx;
	Ctx = &ctx;
	struct address a;
	if (!(r->flags & (RCPT_ALIAS_DONE | RCPT_DONE)) &&
	    parseaddr(r->address, &a, 0, '\0', NULL, true, e->arena) != NULL && a.state == QS_OK &&
	    sm_hash_get(&ctx.seen, addr_key(&a, e->arena)) != NULL)
		r->flags |= RCPT_ALIAS_DONE | RCPT_DUPLICATE; /* already a recipient */
	else
		(void)expand_one(r, 0);
	Ctx = saved;
	sm_hash_free(&ctx.seen, NULL);
	return ctx.tempfail ? -1 : 0;
}
