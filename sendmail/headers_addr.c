/*
 * headers_addr.c: address headers (To:, Cc:, From:, Reply-To: ...) as
 * sendmail 8.17 writes them (see headers.h).
 *
 * Owns: which headers hold addresses (sender or recipient kind), the list
 * form they are written in ("Name:", the blanks that followed the colon
 * each as one space, the addresses with ", " between them, a line broken
 * before an address that would pass column 78 (or the mailer's line limit
 * less 2 when that is smaller), continuation lines
 * indented by eight spaces), the rewriting of each address for a mailer
 * (remotename: rulesets 3, 1 or 2, the mailer's header ruleset, 4, with
 * comments and phrase kept by crackaddr), and the quoting of full names.
 */
#include <string.h>

#include "err.h"
#include "headers.h"
#include "mailer.h"
#include "options.h"
#include "parseaddr.h"
#include "sm.h"

/* the column an address may not pass without starting a new line */
#define FOLD_COLUMN 78
#define FOLD_INDENT "        "

int headers_addr_kind(const char *name)
{
	static const char *const from[] = {
		"From", "Sender", "Reply-To", "Errors-To", "Resent-From", "Resent-Sender",
		"Resent-Reply-To", "Disposition-Notification-To", NULL};
	static const char *const rcpt[] = {
		"To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc", "Apparently-To", NULL};
	for (int i = 0; from[i] != NULL; i++)
		if (sm_strcasecmp(name, from[i]) == 0)
			return HDR_ADDR_FROM;
	for (int i = 0; rcpt[i] != NULL; i++)
		if (sm_strcasecmp(name, rcpt[i]) == 0)
			return HDR_ADDR_RCPT;
	return 0;
}

void headers_commaize(const char *name, const char *value, const struct mailer *m, bool from,
		      struct sm_buf *out, struct sm_arena *arena)
{
	size_t start = out->len;
	sm_buf_puts(out, name);
	sm_buf_putc(out, ':');
	const char *p = value != NULL ? value : "";
	/* each blank (or line break) after the colon is kept as one space */
	while (*p != '\0' && sm_isspace((unsigned char)*p)) {
		sm_buf_putc(out, ' ');
		p++;
	}
	size_t col = out->len - start;
	/* a mailer with a line limit below 80 gets the lines 2 shorter than it */
	size_t fold = FOLD_COLUMN;
	if (m != NULL && m->linelimit > 0 && m->linelimit - 2 < FOLD_COLUMN)
		fold = m->linelimit > 2 ? (size_t)(m->linelimit - 2) : 0;
	char **v;
	int n = headers_split_addresses(p, &v, arena);
	for (int i = 0; i < n; i++) {
		for (char *q = v[i]; *q != '\0'; q++)
			if (*q == '\n' || *q == '\t' || *q == '\r')
				*q = ' ';
		const char *txt = v[i];
		if (m != NULL) {
			/* as in 8.17, a header address that does not scan is not reported */
			int rstat = 0, olderr = Errors;
			bool oldquiet = ErrQuiet;
			ErrQuiet = true;
			unsigned fl = RF_HEADERADDR | RF_ADDDOMAIN | (from ? RF_SENDERADDR : 0u);
			txt = remotename(v[i], m, fl, &rstat, arena);
			ErrQuiet = oldquiet;
			Errors = olderr;
			if (txt == NULL)
				txt = v[i];
		}
		size_t l = strlen(txt);
		if (i > 0) {
			sm_buf_putc(out, ',');
			col++;
			if (col + 1 + l > fold) {
				sm_buf_putc(out, '\n');
				sm_buf_puts(out, FOLD_INDENT);
				col = sizeof FOLD_INDENT - 1;
			} else {
				sm_buf_putc(out, ' ');
				col++;
			}
		}
		sm_buf_puts(out, txt);
		col += l;
	}
}

void headers_normalize(struct envelope *e)
{
	for (struct header *h = e->headers; h != NULL; h = h->next) {
		int kind = headers_addr_kind(h->name);
		if (kind == 0 || (h->flags & H_DEFAULT))
			continue;
		struct sm_buf b;
		sm_buf_init(&b);
		headers_commaize(h->name, h->value, NULL, kind == HDR_ADDR_FROM, &b, e->arena);
		h->value = sm_arena_strdup(e->arena, b.data + strlen(h->name) + 1);
		sm_buf_free(&b);
	}
}

/* True when c must be quoted in a full name (MustQuoteChars and the specials). */
static bool special(int c)
{
	if (c != '\0' && strchr("@,;:[]", c) != NULL)
		return true;
	const char *extra = opt_value(OPT_MustQuoteChars);
	if (extra == NULL)
		extra = "'.";
	return c != '\0' && strchr(extra, c) != NULL;
}

char *headers_quote_fullname(const char *name, struct sm_arena *arena)
{
	bool quote = false, inq = false;
	int cmt = 0;
	for (const char *p = name; *p != '\0' && !quote; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\\') {
			if (p[1] == '\0')
				quote = true;
			else
				p++;
		} else if (inq) {
			if (c == '"')
				inq = false;
		} else if (c == '"' && cmt == 0) {
			inq = true;
		} else if (c == '(') {
			cmt++;
		} else if (c == ')') {
			if (--cmt < 0)
				quote = true;
		} else if (cmt == 0 && special(c)) {
			quote = true;
		}
	}
	if (inq || cmt != 0)
		quote = true;
	if (!quote)
		return sm_arena_strdup(arena, name);
	struct sm_buf b;
	sm_buf_init(&b);
	sm_buf_putc(&b, '"');
	for (const char *p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			sm_buf_putc(&b, '\\');
		sm_buf_putc(&b, *p);
	}
	sm_buf_putc(&b, '"');
	char *r = sm_arena_strdup(arena, b.data);
	sm_buf_free(&b);
	return r;
}
