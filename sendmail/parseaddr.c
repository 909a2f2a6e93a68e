/*
 * parseaddr.c: address parsing (ruleset 3 then 0 into a mailer triple),
 * rewriting for a mailer (remotename), address sanity checks, and the
 * test mode commands that show them.
 */
#include "parseaddr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "err.h"
#include "macro.h"
#include "mailer.h"
#include "map.h"
#include "meta.h"
#include "rewrite.h"
#include "rule.h"
#include "token.h"

struct mailer ErrorMailer = {.name = "*error*", .path = "ERROR", .maxrcpt = 100, .uid = -1, .gid = -1};

static unsigned TryFlags;

bool invalid_address(char *addr, bool isrcpt)
{
	char *start = addr;
	/* no "addr... " in front, except in an SMTP session (8.17's e_to is set there) */
	const char *saved = err_set_address(NULL);
	if (ErrReplySink != NULL)
		err_set_address(saved);
	bool r = false;
	bool bad = false;
	size_t len = 0;
	for (; *addr != '\0'; addr++) {
		if (meta_reserved((unsigned char)*addr)) {
			if (ExitStat == 0)
				ExitStat = EX_USAGE_;
			bad = true;
			*addr = '?';
		}
		if (++len > MAXNAME - 1) {
			char keep = *addr;
			*addr = '\0';
			/* SMTP: 8.17 names the address it has cut in front */
			if (ErrReplySink != NULL)
				err_set_address(start);
			usrerr("553 5.1.0 Address \"%s\" too long (%d bytes max)", start, MAXNAME - 1);
			*addr = keep;
			r = true;
			goto done;
		}
	}
	if (bad)
		usrerr("501 5.1.%d 8-bit character in mailbox address \"%s\"", isrcpt ? 3 : 7,
		       start);
	r = bad;
done:
	err_set_address(saved);
	return r;
}

/* Checks a parsed user part; sanitizes it in place. */
static bool has_ctrl_char(char *addr, bool isrcpt)
{
	bool quoted = false;
	const char *why = NULL;
	char *start = addr;
	size_t len = 0;
	for (; *addr != '\0'; addr++) {
		if (++len > MAXNAME - 1) {
			start[MAXNAME - 1] = '\0';
			usrerr("553 5.1.0 Address \"%s\" too long (%d bytes max)", start, MAXNAME - 1);
			return true;
		}
		unsigned char c = (unsigned char)*addr;
		if (!quoted && (c < 32 || c == 127)) {
			why = "non-printable character";
			*addr = '?';
			continue;
		}
		if (c == '"') {
			quoted = !quoted;
		} else if (c == '\\') {
			if (*++addr == '\0') {
				why = "trailing \\ character";
				*--addr = '?';
				break;
			}
		}
		if (meta_reserved((unsigned char)*addr)) {
			if (ExitStat == 0)
				ExitStat = EX_USAGE_;
			why = "8-bit character";
			*addr = '?';
		}
	}
	if (quoted)
		why = "unbalanced quote";
	if (why != NULL)
		usrerr("501 5.1.%d Syntax error in mailbox address \"%s\" (%s)", isrcpt ? 3 : 7,
		       start, why);
	return why != NULL;
}


static int count_tokens(char **v)
{
	int n = 0;
	while (v[n] != NULL)
		n++;
	return n;
}

static const struct {
	const char *name;
	int code;
} ErrorCodes[] = {
	{"usage", EX_USAGE_},	    {"nouser", EX_NOUSER_},	  {"nohost", EX_NOHOST_},
	{"unavailable", EX_UNAVAILABLE_}, {"software", EX_SOFTWARE_}, {"tempfail", EX_TEMPFAIL_},
	{"protocol", EX_PROTOCOL_}, {"config", EX_CONFIG_},	  {NULL, EX_UNAVAILABLE_},
};

static void setstat(int stat)
{
	if (ExitStat == EX_OK_ || ExitStat == EX_TEMPFAIL_)
		ExitStat = stat;
}

/* The exit status that a DSN status code "x.y.z" stands for. */
static int dsn_to_exitstat(const char *dsn)
{
	if (dsn[0] == '2')
		return EX_OK_;
	if (dsn[0] == '4')
		return EX_TEMPFAIL_;
	const char *p = dsn + 1;
	if (*p == '.')
		p++;
	int code2 = atoi(p);
	while (*p != '\0' && *p != '.')
		p++;
	if (*p != '\0')
		p++;
	int code3 = atoi(p);
	switch (code2) {
	case 0:
		return EX_UNAVAILABLE_;
	case 1:
		switch (code3) {
		case 0: return EX_DATAERR_;
		case 1: case 6: return EX_NOUSER_;
		case 2: case 8: return EX_NOHOST_;
		case 3: case 7: return EX_USAGE_;
		case 4: return EX_UNAVAILABLE_;
		case 5: return EX_CONFIG_;
		}
		break;
	case 2:
		switch (code3) {
		case 0: case 1: return EX_UNAVAILABLE_;
		case 2: return EX_CANTCREAT_;
		case 3: return EX_DATAERR_;
		case 4: return EX_SOFTWARE_;
		}
		break;
	case 3:
		switch (code3) {
		case 0: case 1: case 3: case 5: return EX_UNAVAILABLE_;
		case 2: return EX_CANTCREAT_;
		case 4: return EX_DATAERR_;
		}
		break;
	case 4:
		switch (code3) {
		case 0: return EX_UNAVAILABLE_;
		case 1: case 2: return EX_NOHOST_;
		case 3: return EX_TEMPFAIL_;
		case 4: case 6: return EX_PROTOCOL_;
		case 5: return EX_SOFTWARE_;
		case 7: return EX_UNAVAILABLE_;
		}
		break;
	case 5:
		switch (code3) {
		case 0: case 1: case 2: return EX_PROTOCOL_;
		case 3: case 4: return EX_DATAERR_;
		case 5: return EX_PROTOCOL_;
		}
		break;
	case 6:
		return EX_DATAERR_;
	case 7:
		switch (code3) {
		case 0: case 1: case 2: return EX_NOPERM_;
		case 3: return EX_UNAVAILABLE_;
		case 4: case 5: return EX_DATAERR_;
		}
		break;
	}
	return EX_UNAVAILABLE_;
}

static bool is_smtp_reply(const char *s)
{
	return (s[0] >= '2' && s[0] <= '5') && isdigit((unsigned char)s[1]) &&
	       isdigit((unsigned char)s[2]);
}

/* Length of an enhanced status code "x.y.z" at s ending in delim, or 0. */
static int enhanced_code_len(const char *s, int delim)
{
	const char *p = s;
	if (!(*p >= '2' && *p <= '5') || p[1] != '.')
		return 0;
	p += 2;
	int digits = 0;
	while (isdigit((unsigned char)*p) && digits < 4)
		p++, digits++;
	if (digits == 0 || *p != '.')
		return 0;
	p++;
	digits = 0;
	while (isdigit((unsigned char)*p) && digits < 4)
		p++, digits++;
	if (digits == 0 || *p != delim)
		return 0;
	return (int)(p - s);
}

/* Builds the triple from a workspace that ruleset 0 resolved. */
struct address *buildaddr(char **tv, struct address *a, unsigned flags, struct sm_arena *arena)
{
	char hbuf[MAXNAME + 1], ubuf[MAXNAME + MAXATOM + 1];
	a->state = QS_OK;
	if (tv[0] == NULL || !meta_token_is(tv[0], META_CANONNET)) {
		syserr("554 5.3.5 buildaddr: no mailer in parsed address");
		goto badaddr;
	}
	const char *mname = tv[1] ? tv[1] : "";
	int i = 2;
	int hostp = -1;
	if (tv[1] != NULL && tv[i] != NULL && meta_token_is(tv[i], META_CANONHOST))
		hostp = ++i;
	while (tv[i] != NULL && !meta_token_is(tv[i], META_CANONUSER))
		i++;
	if (tv[i] == NULL) {
		syserr("554 5.3.5 buildaddr: no user");
		goto badaddr;
	}
	if (hostp == i)
		hostp = -1;
	else if (hostp >= 0)
		tok_cat(tv, hostp, i, hbuf, sizeof hbuf, '\0');
	int user = i + 1;
	tok_cat(tv, user, count_tokens(tv), ubuf, sizeof ubuf, ' ');

	if (sm_strcasecmp(mname, "error") == 0) {
		a->mailer = &ErrorMailer;
		a->user = sm_arena_strdup(arena, ubuf);
		bool tempfail = false;
		if (hostp >= 0) {
			a->host = sm_arena_strdup(arena, hbuf);
			if (strchr(hbuf, '.') != NULL) {
				a->status = a->host;
				setstat(dsn_to_exitstat(hbuf));
			} else if (isdigit((unsigned char)hbuf[0])) {
				setstat(atoi(hbuf));
			} else {
				int k = 0;
				while (ErrorCodes[k].name != NULL &&
				       sm_strcasecmp(ErrorCodes[k].name, hbuf) != 0)
					k++;
				setstat(ErrorCodes[k].code);
			}
		} else {
			a->host = NULL;
			setstat(EX_UNAVAILABLE_);
		}
		strip_quotes(ubuf);
		if (is_smtp_reply(ubuf) && (ubuf[3] == '\0' || ubuf[3] == ' ')) {
			int off = enhanced_code_len(ubuf + 4, ' ');
			if (off > 0)
				usrerr("%s", ubuf);
			else if (hostp >= 0 && enhanced_code_len(hbuf, '\0') > 0)
				usrerr("%.3s %s %s", ubuf, hbuf, ubuf + 4);
			else
				usrerr("%s", ubuf);
			if (ubuf[0] == '4')
				tempfail = true;
		} else {
			usrerr("553 5.3.0 %s", ubuf);
		}
		a->state = tempfail ? QS_QUEUEUP : QS_BADADDR;
		return a;
	}

	struct mailer *m = NULL;
	for (int k = 0; k < NMailers; k++) {
		if (sm_strcasecmp(Mailers[k]->name, mname) == 0) {
			m = Mailers[k];
			break;
		}
	}
	if (m == NULL) {
		syserr("554 5.3.5 buildaddr: unknown mailer %s", mname);
		goto badaddr;
	}
	a->mailer = m;
	if (hostp < 0) {
		if (!mailer_has_flag(m, 'l')) {
			syserr("554 5.3.5 buildaddr: no host");
			goto badaddr;
		}
		a->host = NULL;
	} else {
		a->host = sm_arena_strdup(arena, hbuf);
	}

	const char *p = ubuf;
	if (mailer_has_flag(m, '@') && *p == '@') {
		p++;
		user++;
	}
	if (*p == '"')
		p++;
	if (*p == '|' && mailer_has_flag(m, '|')) {
		a->mailer = m = mailer_find("prog");
	} else if (*p == '/' && mailer_has_flag(m, '/')) {
		a->mailer = m = mailer_find("*file*");
	} else if (*p == ':' && mailer_has_flag(m, ':')) {
		char inc[sizeof ubuf];
		sm_strlcpy(inc, ubuf, sizeof inc);
		strip_quotes(inc);
		if (sm_strncasecmp(inc, ":include:", 9) == 0) {
			a->mailer = mailer_find("*include*");
			a->user = sm_arena_strdup(arena, inc + 9);
			return a;
		}
	}
	if (m == NULL) {
		syserr("554 5.3.5 buildaddr: unknown mailer %s", mname);
		goto badaddr;
	}

	/* rewrite the user part for the recipient mailer */
	macro_set_value(CurMacros, 'h', a->host);
	char **uv = tv + user - 1;
	uv[0] = tv[user - 1];
	int maxatom = MAXATOM - (user - 1);
	if (ConfigLevel >= 10 || !(flags & (RF_SENDERADDR | RF_HEADERADDR))) {
		(void)rewrite(tv + user, maxatom, 2, 0, arena);
		if (m->re_rwset > 0)
			(void)rewrite(tv + user, maxatom, m->re_rwset, 0, arena);
	}
	(void)rewrite(tv + user, maxatom, 4, 0, arena);
	tok_cat(tv, user, count_tokens(tv), ubuf, sizeof ubuf, '\0');
	a->user = sm_arena_strdup(arena, ubuf);
	if (a->host != NULL && !mailer_has_flag(m, 'h'))
		sm_lowercase(a->host);
	if (!mailer_has_flag(m, 'u'))
		sm_lowercase(a->user);
	return a;

badaddr:
	a->state = QS_BADADDR;
	a->mailer = &ErrorMailer;
	return a;
}

struct address *parseaddr(const char *addr, struct address *a, unsigned flags, int delim,
			  const char **delimp, bool isrcpt, struct sm_arena *arena)
{
	memset(a, 0, sizeof *a);
	struct tokens *t = sm_malloc(sizeof *t);
	const char *end = NULL;
	const char *saved = err_set_address(addr);
	int n = tok_scan(addr, delim, TOK_ADDR, t, &end);
	if (delimp != NULL)
		*delimp = end;
	if (n <= 0) {
		err_set_address(saved);
		sm_free(t);
		return NULL;
	}
	size_t len = end ? (size_t)(end - addr) : strlen(addr);
	char *copy = sm_arena_strndup(arena, addr, len);
	if (invalid_address(copy, isrcpt)) {
		err_set_address(saved);
		sm_free(t);
		return NULL;
	}
	a->paddr = copy;
	/* the tokens must outlive t */
	char **v = sm_arena_alloc(arena, (MAXATOM + 1) * sizeof *v);
	for (int i = 0; i <= n; i++)
		v[i] = t->v[i] ? sm_arena_strdup(arena, t->v[i]) : NULL;
	sm_free(t);

	bool queueup = false;
	if (rewrite(v, MAXATOM, 3, 0, arena) == EX_TEMPFAIL_)
		queueup = true;
	if (rewrite(v, MAXATOM, 0, 0, arena) == EX_TEMPFAIL_)
		queueup = true;
	buildaddr(v, a, flags, arena);
	/* the user part is checked without the address in front of messages */
	err_set_address(NULL);
	if (a->user != NULL && has_ctrl_char(a->user, isrcpt))
		a->state = QS_BADADDR;
	if (queueup && a->state == QS_OK)
		a->state = QS_QUEUEUP;
	err_set_address(saved);
	return a;
}

const char *remotename(const char *name, const struct mailer *m, unsigned flags, int *rstat,
		       struct sm_arena *arena)
{
	int rwset;
	if (flags & RF_SENDERADDR)
		rwset = (flags & RF_HEADERADDR) ? m->sh_rwset : m->se_rwset;
	else
		rwset = (flags & RF_HEADERADDR) ? m->rh_rwset : m->re_rwset;
	if (rwset < 0)
		return name;

	const char *fancy;
	char gmac[3] = {(char)META_MACRO, 'g', '\0'};
	if ((flags & RF_CANONICAL) || mailer_has_flag(m, 'c'))
		fancy = gmac;
	else
		fancy = crackaddr(name, arena);

	struct tokens *t = sm_malloc(sizeof *t);
	int n = tok_scan(name, '\0', TOK_ADDR, t, NULL);
	if (n <= 0) {
		/* an address too long to scan comes back cut to MAXNAME bytes */
		bool cut = t->too_long;
		sm_free(t);
		return cut ? sm_arena_strndup(arena, name, strnlen(name, MAXNAME)) : name;
	}
	char **v = sm_arena_alloc(arena, (MAXATOM + 1) * sizeof *v);
	for (int i = 0; i <= n; i++)
		v[i] = t->v[i] ? sm_arena_strdup(arena, t->v[i]) : NULL;
	sm_free(t);

	if (rewrite(v, MAXATOM, 3, 0, arena) == EX_TEMPFAIL_)
		*rstat = EX_TEMPFAIL_;
	if (flags & RF_SENDERADDR) {
		if (rewrite(v, MAXATOM, 1, 0, arena) == EX_TEMPFAIL_)
			*rstat = EX_TEMPFAIL_;
	} else {
		if (rewrite(v, MAXATOM, 2, 0, arena) == EX_TEMPFAIL_)
			*rstat = EX_TEMPFAIL_;
	}
	if (rwset > 0 && rewrite(v, MAXATOM, rwset, 0, arena) == EX_TEMPFAIL_)
		*rstat = EX_TEMPFAIL_;
	if (rewrite(v, MAXATOM, 4, 0, arena) == EX_TEMPFAIL_)
		*rstat = EX_TEMPFAIL_;

	/* sendmail keeps at most MAXNAME - 2 bytes of the rewritten address */
	char lbuf[MAXNAME - 1];
	tok_cat(v, 0, count_tokens(v), lbuf, sizeof lbuf, '\0');
	const char *oldg = macro_get('g');
	char *saveg = oldg ? sm_strdup(oldg) : NULL;
	macro_set_value(CurMacros, 'g', lbuf);
	struct sm_buf b;
	sm_buf_init(&b);
	if ((flags & RF_CANONICAL) && lbuf[0] == '@') {
		char angle[8] = {'<', (char)META_MACRO, 'g', '>', '\0'};
		macro_expand(angle, &b);
	} else {
		macro_expand(fancy, &b);
	}
	macro_set_value(CurMacros, 'g', saveg);
	sm_free(saveg);
	/* and at most MAXNAME bytes once the comments are put back */
	const char *expanded = b.data ? b.data : "";
	char *res = sm_arena_strndup(arena, expanded, strnlen(expanded, MAXNAME));
	sm_buf_free(&b);
	return res;
}

void testmode_tryflags(char *args)
{
	while (isspace((unsigned char)*args))
		args++;
	if (*args == '\0') {
		message("Usage: /tryflags [Hh|Ee][Ss|Rr]");
		return;
	}
	for (; *args != '\0'; args++) {
		switch (*args) {
		case 'H': case 'h': TryFlags |= RF_HEADERADDR; break;
		case 'E': case 'e': TryFlags &= ~RF_HEADERADDR; break;
		case 'S': case 's': TryFlags |= RF_SENDERADDR; break;
		case 'R': case 'r': TryFlags &= ~RF_SENDERADDR; break;
		}
	}
}

static const char *kind_header(void)
{
	return (TryFlags & RF_HEADERADDR) ? "header" : "envelope";
}

static const char *kind_sender(void)
{
	return (TryFlags & RF_SENDERADDR) ? "sender" : "recipient";
}

void testmode_try(char *args, struct sm_arena *arena)
{
	while (isspace((unsigned char)*args))
		args++;
	char *mname = args;
	while (*args != '\0' && !isspace((unsigned char)*args))
		args++;
	if (*args != '\0')
		*args++ = '\0';
	while (isspace((unsigned char)*args))
		args++;
	if (*mname == '\0' || *args == '\0') {
		message("Usage: /try mailer address");
		return;
	}
	struct mailer *m = mailer_find(mname);
	if (m == NULL) {
		message("Unknown mailer %s", mname);
		return;
	}
	printf("Trying %s %s address %s for mailer %s\n", kind_header(), kind_sender(), args,
	       mname);
	int rcode = EX_OK_;
	const char *r = remotename(args, m, TryFlags, &rcode, arena);
	printf("Rcode = %d, addr = %s\n", rcode, r == NULL ? "<NULL>" : r);
}

void testmode_parse(char *args, struct sm_arena *arena)
{
	while (isspace((unsigned char)*args))
		args++;
	if (*args == '\0') {
		message("Usage: /parse address");
		return;
	}
	const char *cracked = crackaddr(args, arena);
	struct sm_buf b;
	sm_buf_init(&b);
	sm_buf_puts(&b, "Cracked address = ");
	tok_print_word(&b, cracked);
	sm_buf_printf(&b, "\nParsing %s %s address\n", kind_header(), kind_sender());
	fputs(b.data, stdout);
	sm_buf_free(&b);
	struct address a;
	if (parseaddr(args, &a, TryFlags, '\0', NULL, true, arena) == NULL)
		printf("Cannot parse\n");
	else if (a.host != NULL && a.host[0] != '\0')
		printf("mailer %s, host %s, user %s\n", a.mailer->name, a.host, a.user);
	else
		printf("mailer %s, user %s\n", a.mailer->name, a.user ? a.user : "");
}

const char *addr_unbracket(const char *addr, size_t *len)
{
	size_t l = strlen(addr);
	if (l >= 2 && addr[0] == '<' && addr[l - 1] == '>') {
		*len = l - 2;
		return addr + 1;
	}
	*len = l;
	return addr;
}
