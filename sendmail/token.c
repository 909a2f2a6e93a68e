/*
 * token.c: the address tokenizer and token printing.
 *
 * The scanner keeps sendmail's observable behaviour: operator characters are
 * tokens of their own, quoted strings and backslash escapes stay inside one
 * token, control characters vanish, unbalanced quotes, comments and angle
 * brackets are reported and closed at the end, and an address longer than
 * 255 bytes or holding bytes of the operator range (0x80-0x9f) is refused.
 */
#include "token.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "meta.h"
#include "sm.h"

enum char_class {
	CC_ATOM,
	CC_OPER,  /* a token by itself */
	CC_ONE,   /* operator byte that takes the next byte (or {name}) along */
	CC_SPACE, /* separates tokens, dropped */
	CC_QUOTE,
};

static char OperatorChars[256];
static bool OperatorsKnown;
static bool StripComments;
const char *(*TokOperatorSource)(void);

void tok_operators_changed(void)
{
	OperatorsKnown = false;
}

static void load_operators(void)
{
	const char *ops = TokOperatorSource ? TokOperatorSource() : NULL;
	if (ops == NULL)
		ops = ".:%@!/[]+";
	memset(OperatorChars, 0, sizeof OperatorChars);
	for (const unsigned char *p = (const unsigned char *)ops; *p; p++)
		OperatorChars[*p] = 1;
	OperatorsKnown = true;
}

void tok_set_comments(bool strip)
{
	StripComments = strip;
}

static enum char_class classify(int c, enum tok_table table)
{
	switch (c) {
	case ' ': case '\t': case '\n': case '\r': case '\v': case '\f':
		return CC_SPACE;
	case '"':
		return CC_QUOTE;
	case '<': case '>': case ',': case ';': case '(': case ')':
		return CC_OPER;
	}
	if (table == TOK_RULE && meta_reserved(c)) {
		switch (c) {
		case META_MACRO: case META_DMACRO: case META_MATCHCLASS:
		case META_MATCHNCLASS: case META_MATCHREPL:
			return CC_ONE;
		}
		return CC_OPER;
	}
	if (!OperatorsKnown)
		load_operators();
	if (OperatorChars[c])
		return CC_OPER;
	return CC_ATOM;
}

bool tok_is_atom(const char *tok)
{
	int c = (unsigned char)tok[0];
	if (c == '\0' || c == '\\')
		return c == '\\';
	return classify(c, TOK_RULE) == CC_ATOM && !meta_reserved(c);
}

enum scan_state { ST_OPR, ST_ATM, ST_QST, ST_SPC };

struct scan {
	struct tokens *out;
	char *q;      /* next free byte of out->buf */
	char *qlimit; /* last usable byte */
	char *tok;    /* start of the token being built, or NULL */
	bool overflow;
	bool toomany;
	bool toolong;
};

static void tok_end(struct scan *s)
{
	if (s->tok == NULL)
		return;
	if (s->q >= s->qlimit) {
		s->overflow = true;
		return;
	}
	*s->q++ = '\0';
	if (s->out->n >= MAXATOM)
		s->toomany = true;
	else if (s->q - s->tok - 1 > MAXNAME)
		s->toolong = true;
	else
		s->out->v[s->out->n++] = s->tok;
	s->tok = NULL;
}

static void tok_put(struct scan *s, int c)
{
	if (s->tok == NULL)
		s->tok = s->q;
	if (s->q >= s->qlimit) {
		s->overflow = true;
		return;
	}
	*s->q++ = (char)c;
}

int tok_scan(const char *addr, int delim, enum tok_table table, struct tokens *out,
	     const char **endp)
{
	out->n = 0;
	out->v[0] = NULL;
	if (endp != NULL)
		*endp = addr;

	const char *saved_addr = err_set_address(addr);
	bool report = table != TOK_RULE;
	bool strip = table == TOK_ADDR || StripComments;
	struct scan s = {out, out->buf, out->buf + sizeof out->buf - 5, NULL, false, false, false};
	enum scan_state state = ST_OPR;
	bool bslash = false;
	int cmnt = 0, angle = 0;
	const char *p = addr;

	for (;;) {
		int c = (unsigned char)*p;
		bool at_delim = c != '\0' && c == delim && state != ST_QST && !bslash &&
				!(strip && cmnt > 0);
		if (c == '\0' || at_delim) {
			/* Close what the address left open, one thing at a time. */
			if (!report)
				break;
			if (state == ST_QST) {
				usrerr("653 Unbalanced '\"'");
				tok_put(&s, '"');
				tok_end(&s);
				state = ST_OPR;
				continue;
			}
			if (strip && cmnt > 0) {
				usrerr("653 Unbalanced '('");
				cmnt = 0;
				tok_end(&s);
				state = ST_SPC;
				continue;
			}
			if (angle > 0) {
				usrerr("653 Unbalanced '<'");
				angle--;
				tok_end(&s);
				tok_put(&s, '>');
				tok_end(&s);
				state = ST_OPR;
				continue;
			}
			break;
		}
		p++;

		if (bslash) {
			bslash = false;
			if (strip && cmnt > 0)
				continue;
			if (c == delim && state != ST_QST) {
				p--;
				break;
			}
			if (state != ST_QST && state != ST_ATM) {
				tok_end(&s);
				state = ST_ATM;
			}
			if (c != '!' || state == ST_QST)
				tok_put(&s, '\\');
			tok_put(&s, c);
			continue;
		}
		if (c == '\\') {
			bslash = true;
			continue;
		}
		if (state == ST_QST) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				continue;
			tok_put(&s, c);
			if (c == '"') {
				tok_end(&s);
				state = ST_OPR;
			}
			continue;
		}
		if (strip && (c == '(' || c == ')' || cmnt > 0)) {
			if (c == '(') {
				cmnt++;
			} else if (c == ')') {
				if (cmnt <= 0) {
					if (report)
						usrerr("653 Unbalanced ')'");
				} else {
					cmnt--;
					tok_end(&s);
					state = ST_SPC;
				}
			}
			continue;
		}
		if (c == '<') {
			angle++;
		} else if (c == '>') {
			if (angle <= 0) {
				if (report)
					usrerr("653 Unbalanced '>'");
				continue;
			}
			angle--;
		}

		switch (classify(c, table)) {
		case CC_SPACE:
			tok_end(&s);
			state = ST_SPC;
			break;
		case CC_QUOTE:
			tok_end(&s);
			tok_put(&s, c);
			state = ST_QST;
			break;
		case CC_OPER:
			tok_end(&s);
			tok_put(&s, c);
			tok_end(&s);
			state = ST_OPR;
			break;
		case CC_ONE:
			tok_end(&s);
			tok_put(&s, c);
			if (*p == '{') {
				while (*p != '\0' && *p != '}')
					tok_put(&s, (unsigned char)*p++);
				if (*p == '}')
					tok_put(&s, (unsigned char)*p++);
			} else if (*p != '\0') {
				tok_put(&s, (unsigned char)*p++);
			}
			tok_end(&s);
			state = ST_OPR;
			break;
		case CC_ATOM:
			if (state != ST_ATM) {
				tok_end(&s);
				state = ST_ATM;
			}
			tok_put(&s, c);
			break;
		}
		if (s.overflow || s.toomany || s.toolong)
			break;
	}
	tok_end(&s);
	if (endp != NULL)
		*endp = p;
	err_set_address(saved_addr);
	out->v[out->n] = NULL;
	if (s.toomany) {
		usrerr("553 5.1.0 prescan: too many tokens");
		out->n = 0;
		out->v[0] = NULL;
		return -1;
	}
	if (s.toolong) {
		usrerr("553 5.1.0 prescan: token too long");
		out->n = 0;
		out->v[0] = NULL;
		return -1;
	}
	if (s.overflow) {
		usrerr("553 5.1.1 Address too long");
		out->n = 0;
		out->v[0] = NULL;
		return -1;
	}
	return out->n;
}

void tok_print_word(struct sm_buf *b, const char *tok)
{
	for (const unsigned char *p = (const unsigned char *)tok; *p; p++) {
		/* printable ASCII runs are copied as they are */
		const unsigned char *q = p;
		while (*q >= 0x20 && *q < 0x7f)
			q++;
		if (q != p) {
			sm_buf_put(b, p, (size_t)(q - p));
			p = q - 1;
			continue;
		}
		int c = *p;
		if (c >= 0x80) {
			int letter = meta_letter(c);
			if (c == META_MACRO || c == META_MATCHREPL) {
				sm_buf_putc(b, '$');
				continue;
			}
			if (letter != 0) {
				sm_buf_putc(b, '$');
				sm_buf_putc(b, letter);
				continue;
			}
			sm_buf_puts(b, "M-");
			c &= 0x7f;
		}
		if (c == '\n' || c == '\r' || c == '\t') {
			sm_buf_putc(b, '\\');
			sm_buf_putc(b, c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		} else if (c < 0x20 || c == 0x7f) {
			/* other control characters are not shown */
		} else {
			sm_buf_putc(b, c);
		}
	}
}

void tok_print_list(struct sm_buf *b, char *const *v)
{
	for (; *v != NULL; v++) {
		sm_buf_putc(b, ' ');
		tok_print_word(b, *v);
	}
}

size_t tok_join(char *const *v, int from, int to, char *dst, size_t size, int sep)
{
	size_t n = 0;
	if (size == 0)
		return 0;
	for (int i = from; i <= to && v[i] != NULL; i++) {
		if (i > from && sep != '\0' && n + 1 < size)
			dst[n++] = (char)sep;
		for (const char *p = v[i]; *p && n + 1 < size; p++)
			dst[n++] = *p;
	}
	dst[n] = '\0';
	return n;
}
