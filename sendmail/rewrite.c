/*
 * rewrite.c: applies rulesets to token vectors.
 *
 * For each rule in order: match the left hand side (leftmost, shortest
 * first, with backtracking), build the new workspace from the right hand
 * side, resolve $[ $] and $( $) lookups, then run the $> subroutine calls
 * from the rightmost to the leftmost.  A rule applies again until it stops
 * matching, unless its right hand side starts with $: (go on to the next
 * rule) or $@ (return); a workspace starting with $# returns too.
 *
 * The hot path does no allocation: workspaces are per-recursion-level
 * arrays of pointers, matched words are compared in place, and only text
 * that did not exist before (macro values, map results) goes to the
 * caller's arena.
 */
#include "rewrite.h"

#include <stdio.h>
#include <string.h>

#include "class.h"
#include "err.h"
#include "macro.h"
#include "map.h"
#include "meta.h"
#include "rule.h"
#include "token.h"

bool RewriteTrace;
int SpaceSub = ' ';
bool RewriteDeferMode;

/* One workspace per recursion level. */
static char *Work[MAX_RULE_RECURSION + 2][MAXATOM + 1];
static char *Scratch[MAX_RULE_RECURSION + 2][MAXATOM + 1];

static void trace(const char *what, int rs, char **pvp)
{
	static struct sm_buf b;
	sm_buf_reset(&b);
	const char *name = ruleset_display_name(rs);
	size_t nlen = strnlen(name, 16);
	sm_buf_put(&b, name, nlen);
	sm_buf_put(&b, "                ", 16 - nlen);
	sm_buf_putc(&b, ' ');
	sm_buf_puts(&b, what);
	sm_buf_putc(&b, ':');
	tok_print_list(&b, pvp);
	sm_buf_putc(&b, '\n');
	fwrite(b.data, 1, b.len, stdout);
}

size_t tok_cat(char *const *v, int from, int to, char *dst, size_t size, int sep)
{
	size_t n = 0;
	bool prev_atom = false;
	if (size == 0)
		return 0;
	if (sep == '\0')
		sep = SpaceSub;
	for (int i = from; i < to && v[i] != NULL; i++) {
		bool atom = tok_is_atom(v[i]);
		if (prev_atom && atom && sep != '\0' && n + 1 < size)
			dst[n++] = (char)sep;
		for (const char *p = v[i]; *p && n + 1 < size; p++)
			dst[n++] = *p;
		prev_atom = atom;
	}
	dst[n] = '\0';
	return n;
}

static bool word_eq(const char *a, const char *b)
{
	if (sm_lower((unsigned char)a[0]) != sm_lower((unsigned char)b[0]))
		return false;
	return sm_strcasecmp(a, b) == 0;
}

/*
 * Smallest class match of at least minlen tokens starting at pos, or 0.
 * The phrase grows one token at a time and stops once it is longer than
 * any word of the class.
 */
static int class_span(int cls, char **av, int n, int pos, int minlen)
{
	char buf[MAXLINE];
	size_t blen = 0;
	size_t maxlen = class_max_len(cls);
	bool prev_atom = false;
	for (int len = 1; pos + len <= n; len++) {
		const char *t = av[pos + len - 1];
		bool atom = tok_is_atom(t);
		if (prev_atom && atom && blen + 1 < sizeof buf)
			buf[blen++] = (char)SpaceSub;
		prev_atom = atom;
		for (; *t != '\0' && blen + 1 < sizeof buf; t++)
			buf[blen++] = *t;
		buf[blen] = '\0';
		if (blen > maxlen)
			return 0;
		if (len >= minlen && class_has(cls, buf, blen))
			return len;
	}
	return 0;
}

/*
 * $&x on a LHS (trust_auth's $&{auth_authen}): the tokens from pos on
 * whose texts, put together, are the macro's value (case ignored); their
 * number, 0 for an unset or empty macro, -1 when they do not spell it.
 */
static int dmacro_span(int id, char **av, int n, int pos)
{
	const char *v = macro_get(id);
	int l = 0;
	if (v == NULL)
		return 0;
	while (*v != '\0') {
		if (pos + l >= n)
			return -1;
		size_t tl = strlen(av[pos + l]);
		if (tl == 0 || sm_strncasecmp(v, av[pos + l], tl) != 0)
			return -1;
		v += tl;
		l++;
	}
	return l;
}

/*
 * Matches rule r against av[0..n).  On success fills start/len of every
 * LHS item.
 */
static bool match(const struct rule *r, char **av, int n, int *start, int *len)
{
	int i = 0, pos = 0;
	const struct lhs_item *lhs = r->lhs;

	for (;;) {
		if (i == r->nlhs) {
			if (pos == n)
				return true;
			goto backtrack;
		}
		{
			const struct lhs_item *it = &lhs[i];
			start[i] = pos;
			switch (it->kind) {
			case LHS_WORD:
				if (pos < n && word_eq(av[pos], it->word)) {
					len[i] = 1;
					break;
				}
				goto backtrack;
			case LHS_ZERO:
			case LHS_ZANY:
				len[i] = 0;
				break;
			case LHS_ANY:
			case LHS_ONE:
				if (pos < n) {
					len[i] = 1;
					break;
				}
				goto backtrack;
			case LHS_NCLASS:
				if (pos < n && !class_has(it->cls, av[pos], strlen(av[pos]))) {
					len[i] = 1;
					break;
				}
				goto backtrack;
			case LHS_DMACRO: {
				int l = dmacro_span(it->cls, av, n, pos);
				if (l >= 0) {
					len[i] = l;
					break;
				}
				goto backtrack;
			}
			case LHS_CLASS: {
				int l = pos < n ? class_span(it->cls, av, n, pos, 1) : 0;
				if (l > 0) {
					len[i] = l;
					break;
				}
				goto backtrack;
			}
			}
			pos += len[i];
			i++;
			continue;
		}
	backtrack:
		for (;;) {
			if (--i < 0)
				return false;
			const struct lhs_item *it = &lhs[i];
			if (it->kind == LHS_ZANY || it->kind == LHS_ANY) {
				if (start[i] + len[i] < n) {
					len[i]++;
					pos = start[i] + len[i];
					i++;
					break;
				}
			} else if (it->kind == LHS_CLASS) {
				int l = class_span(it->cls, av, n, start[i], len[i] + 1);
				if (l > 0) {
					len[i] = l;
					pos = start[i] + l;
					i++;
					break;
				}
			}
		}
	}
}

static int count(char **v)
{
	int n = 0;
	while (v[n] != NULL)
		n++;
	return n;
}


/* Tokenizes text into the arena and appends the tokens at out[*np]. */
static bool push_scanned(const char *text, char **out, int *np, int maxatom,
			 struct sm_arena *arena, bool *toolong)
{
	/* never re-entered: tokenizing calls no rulesets */
	static struct tokens scanbuf;
	struct tokens *t = &scanbuf;
	int n = tok_scan(text, '\0', TOK_PLAIN, t, NULL);
	/* text that is all comment or blanks is an error too */
	if (n < 0 || (n == 0 && *text != '\0'))
		return false;
	for (int i = 0; i < n; i++) {
		if (*np >= maxatom) {
			*toolong = true;
			break;
		}
		out[(*np)++] = sm_arena_strdup(arena, t->v[i]);
	}
	return true;
}

/*
 * Resolves $[ host $] and $( map key $@ arg $: default $) in pv, in place.
 */
static int do_lookups(char **pv, int maxatom, int level, struct sm_arena *arena)
{
	int status = EX_OK_;
	char **out = Scratch[level];
	int n = count(pv);

	for (int i = 0; i < n; i++) {
		int c = (unsigned char)pv[i][0];
		if ((c != META_HOSTBEGIN && c != META_LOOKUPBEGIN) || pv[i][1] != '\0')
			continue;
		int endtok = c == META_HOSTBEGIN ? META_HOSTEND : META_LOOKUPEND;
		int j = i + 1;
		const char *mapname = "host";
		if (c == META_LOOKUPBEGIN) {
			if (j >= n)
				break;
			mapname = pv[j++];
		}
		/*
		 * The key runs up to the first $@ or $:.  Every $@ starts an
		 * argument, every $: a default (the last one counts); each
		 * part ends at the next $@, $: or the closing token.
		 */
		int k = j;
		while (k < n && !meta_token_is(pv[k], endtok) &&
		       !meta_token_is(pv[k], META_CANONHOST) && !meta_token_is(pv[k], META_CANONUSER))
			k++;
		int key_to = k;
		int arg_from[MAX_MAP_ARGS], arg_to[MAX_MAP_ARGS];
		int nseg = 0, def_from = -1, def_to = -1;
		while (k < n && !meta_token_is(pv[k], endtok)) {
			bool host = meta_token_is(pv[k], META_CANONHOST);
			int from = ++k;
			while (k < n && !meta_token_is(pv[k], endtok) &&
			       !meta_token_is(pv[k], META_CANONHOST) &&
			       !meta_token_is(pv[k], META_CANONUSER))
				k++;
			if (!host) {
				def_from = from;
				def_to = k;
			} else if (nseg < MAX_MAP_ARGS - 1) {
				arg_from[nseg] = from;
				arg_to[nseg] = k;
				nseg++;
			}
		}

		char keybuf[MAXLINE];
		char argbufs[MAX_MAP_ARGS][MAXNAME + 1];
		char *args[MAX_MAP_ARGS + 1];
		struct map *m = map_find(mapname);
		/* the key's words are joined with the map's -S character */
		tok_cat(pv, j, key_to, keybuf, sizeof keybuf,
			m != NULL && m->spacesub != 0 ? m->spacesub : SpaceSub);
		args[0] = keybuf;
		int nargs = 1;
		for (int s = 0; s < nseg; s++) {
			tok_cat(pv, arg_from[s], arg_to[s], argbufs[s], sizeof argbufs[s], SpaceSub);
			args[nargs++] = argbufs[s];
		}
		args[nargs] = NULL;

		int stat = EX_OK_;
		char *value = NULL;
		if (m == NULL) {
			syserr("554 5.3.0 rewrite: map %s not found", mapname);
		} else {
			value = map_lookup_value(m, keybuf, args, &stat);
			/* -t keeps the status out of it, but -T still marks the key */
			if (stat == EX_TEMPFAIL_) {
				if (!(m->flags & MF_NODEFER))
					status = EX_TEMPFAIL_;
				if (value == NULL && m->tapp != NULL)
					value = sm_asprintf("%s%s", keybuf, m->tapp);
			}
		}

		int no = 0;
		bool toolong = false;
		if (value != NULL) {
			if (!push_scanned(value, out, &no, maxatom, arena, &toolong)) {
				sm_free(value);
				return EX_DATAERR_;
			}
			sm_free(value);
		} else if (def_from >= 0) {
			for (int t = def_from; t < def_to && no < maxatom; t++)
				out[no++] = pv[t];
		} else {
			for (int t = j; t < key_to && no < maxatom; t++)
				out[no++] = pv[t];
		}
		int after = k < n ? k + 1 : n; /* first token after the end bracket */
		int tail = n - after;
		if (i + no + tail > maxatom || toolong) {
			syserr("554 5.3.0 rewrite: expansion too long");
			return EX_DATAERR_;
		}
		memmove(pv + i + no, pv + after, (size_t)tail * sizeof *pv);
		memcpy(pv + i, out, (size_t)no * sizeof *pv);
		n = i + no + tail;
		pv[n] = NULL;
		i += no - 1;
	}
	return status;
}

#define MAX_SUBR 16

static int call_subroutines(char **pv, int maxatom, int reclevel, struct sm_arena *arena)
{
	int subr[MAX_SUBR], where[MAX_SUBR];
	int nsubr = 0;
	int status = EX_OK_;

	for (int j = 0; pv[j] != NULL; j++) {
		if (!meta_token_is(pv[j], META_CALLSUBR) || pv[j + 1] == NULL)
			continue;
		char name[MAXNAME + 1];
		const char *src = pv[j + 1];
		size_t k = 0;
		for (; *src && k < sizeof name - 1; src++)
			if (*src != '"')
				name[k++] = *src;
		name[k] = '\0';
		int rs = ruleset_lookup(name, false);
		struct ruleset *r = rs >= 0 ? ruleset_get(rs) : NULL;
		if (rs < 0 || (r == NULL && ruleset_lookup(name, false) < 0)) {
			syserr("554 5.3.5 Unknown ruleset %s", name);
			return EX_CONFIG_;
		}
		if (r == NULL || r->first == NULL) {
			/*
			 * Calling an empty ruleset changes nothing: the call is
			 * dropped, and (as in sendmail) the token that moves into
			 * its place is not looked at again.
			 */
			int m = j;
			while (pv[m + 2] != NULL) {
				pv[m] = pv[m + 2];
				m++;
			}
			pv[m] = NULL;
			continue;
		}
		if (nsubr + 1 >= MAX_SUBR) {
			syserr("554 5.3.0 Too many subroutine calls (%d max)", MAX_SUBR);
			return EX_CONFIG_;
		}
		subr[nsubr] = rs;
		where[nsubr] = j;
		nsubr++;
	}
	for (; nsubr > 0; nsubr--) {
		char **avp = pv + where[nsubr - 1];
		int m = 2;
		for (; avp[m] != NULL; m++)
			avp[m - 2] = avp[m];
		avp[m - 2] = NULL;
		int st = rewrite(avp, maxatom - where[nsubr - 1], subr[nsubr - 1], reclevel, arena);
		/* a failure other than a temporary one leaves the other calls undone */
		if (st != EX_OK_ && st != EX_TEMPFAIL_)
			return st;
		if (status == EX_OK_ || st == EX_TEMPFAIL_)
			status = st;
	}
	return status;
}

int rewrite(char **pvp, int maxatom, int rs, int reclevel, struct sm_arena *arena)
{
	if (pvp == NULL)
		return EX_USAGE_;
	if (RewriteTrace)
		trace("  input", rs, pvp);
	if (reclevel++ > MAX_RULE_RECURSION) {
		syserr("rewrite: excessive recursion (max %d), ruleset %s", MAX_RULE_RECURSION,
		       ruleset_display_name(rs));
		return EX_CONFIG_;
	}

	struct ruleset *set = ruleset_get(rs);
	int status = EX_OK_;
	int level = reclevel;
	char **npvp = Work[level];
	static int start[MAXATOM + 1], len[MAXATOM + 1];
	int ruleno = 1, loopcount = 0;

	for (struct rule *r = set ? set->first : NULL; r != NULL;) {
		/* a workspace that names a mailer is final */
		if (pvp[0] != NULL && meta_token_is(pvp[0], META_CANONNET))
			break;
		int n = count(pvp);
		if (!match(r, pvp, n, start, len)) {
			r = r->next;
			ruleno++;
			loopcount = 0;
			continue;
		}
		/* bindings of $1..$9 */
		int bstart[MAXMATCH + 1], blen[MAXMATCH + 1], nb = 0;
		for (int i = 0; i < r->nlhs && nb < MAXMATCH; i++) {
			int k = r->lhs[i].kind;
			if (k != LHS_WORD && k != LHS_ZERO && k != LHS_DMACRO) {
				nb++;
				bstart[nb] = start[i];
				blen[nb] = len[i];
			}
		}

		int first = 0;
		bool stop = false;
		struct rule *next = r;
		if (r->nrhs > 0 && meta_token_is(r->rhs[0].word, META_CANONUSER)) {
			first = 1;
			next = r->next;
			ruleno++;
			loopcount = 0;
		} else if (r->nrhs > 0 && meta_token_is(r->rhs[0].word, META_CANONHOST)) {
			first = 1;
			stop = true;
		}

		int nn = 0;
		bool toolong = false;
		for (int i = first; i < r->nrhs && !toolong; i++) {
			const struct rhs_item *it = &r->rhs[i];
			switch (it->kind) {
			case RHS_WORD:
				if (nn >= maxatom)
					toolong = true;
				else
					npvp[nn++] = (char *)it->word;
				break;
			case RHS_REPL:
				if (it->arg <= nb) {
					for (int t = 0; t < blen[it->arg]; t++) {
						if (nn >= maxatom) {
							toolong = true;
							break;
						}
						npvp[nn++] = pvp[bstart[it->arg] + t];
					}
				}
				break;
			case RHS_DMACRO: {
				const char *v = macro_get(it->arg);
				if (v == NULL || *v == '\0')
					break;
				npvp[nn] = NULL;
				if (!push_scanned(v, npvp, &nn, maxatom, arena, &toolong))
					return EX_DATAERR_;
				break;
			}
			}
		}
		if (toolong) {
			syserr("554 5.3.0 rewrite: expansion too long");
			return EX_DATAERR_;
		}
		npvp[nn] = NULL;

		int st = do_lookups(npvp, maxatom, level, arena);
		if (st == EX_DATAERR_)
			return st;
		if (st != EX_OK_ && status == EX_OK_)
			status = st;
		st = call_subroutines(npvp, maxatom, reclevel, arena);
		if (st != EX_OK_ && (status == EX_OK_ || st == EX_TEMPFAIL_))
			status = st;

		nn = count(npvp);
		if (nn > maxatom) {
			syserr("554 5.3.0 rewrite: expansion too long");
			return EX_DATAERR_;
		}
		memcpy(pvp, npvp, (size_t)(nn + 1) * sizeof *pvp);

		if (stop)
			break;
		if (next == r && ++loopcount >= MAX_RULE_LOOP) {
			syserr("554 5.3.5 Infinite loop in ruleset %s, rule %d",
			       ruleset_display_name(rs), ruleno);
			break;
		}
		r = next;
	}
	if (RewriteTrace)
		trace("returns", rs, pvp);
	return status;
}

/* Appends the tokens of text to v (n tokens so far); the new count or -1. */
static int add_tokens(char **v, int n, const char *text, struct sm_arena *arena)
{
	struct tokens *t = sm_malloc(sizeof *t);
	/* the caller's own parse reports bad addresses, not this one */
	bool quiet = ErrQuiet;
	ErrQuiet = true;
	int k = tok_scan(text, '\0', TOK_PLAIN, t, NULL);
	ErrQuiet = quiet;
	if (k < 0 || n + k >= MAXATOM) {
		sm_free(t);
		return -1;
	}
	for (int i = 0; i < k; i++)
		v[n++] = sm_arena_strdup(arena, t->v[i]);
	v[n] = NULL;
	sm_free(t);
	return n;
}

/* The input of a check ruleset in arena (MAXATOM + 1 slots); NULL when it does not scan. */
static char **check_input(const char *p1, const char *p2, struct sm_arena *arena)
{
	char **v = sm_arena_alloc(arena, (MAXATOM + 1) * sizeof *v);
	v[0] = NULL;
	int n = add_tokens(v, 0, p1 != NULL ? p1 : "", arena);
	if (n >= 0 && p2 != NULL) {
		char sep[2] = {(char)META_CONDELSE, '\0'};
		v[n++] = sm_arena_strdup(arena, sep);
		v[n] = NULL;
		n = add_tokens(v, n, p2, arena);
	}
	return n < 0 ? NULL : v;
}

int rewrite_check(const char *name, const char *p1, const char *p2, struct sm_arena *arena,
		  char ***out)
{
	*out = NULL;
	int rs = ruleset_lookup(name, false);
	if (rs < 0 || ruleset_get(rs) == NULL)
		return -1;
	char **v = check_input(p1, p2, arena);
	if (v == NULL)
		return -1;
	*out = v;
	return rewrite(v, MAXATOM, rs, 0, arena);
}
