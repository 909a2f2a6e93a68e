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
	CC_ONE,   /* takes the byte after it into its token */
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
		ops = ".:@[]";
	memset(OperatorChars, 0, sizeof OperatorChars);
	for (const unsigned char *p = (const unsigned char *)ops; *p; p++)
		OperatorChars[*p] = 1;
	OperatorsKnown = true;
}

void tok_set_comments(bool strip)
{
	StripComments = strip;
}

/* Whether parentheses enclose comments in this table. */
static bool has_comments(enum tok_table table)
{
	return table == TOK_ADDR || table == TOK_PLAIN || StripComments;
}

static enum char_class classify(int c, enum tok_table table)
{
	switch (c) {
	case ' ': case '\t': case '\n': case '\r': case '\v': case '\f':
		return CC_SPACE;
	case '"':
		return CC_QUOTE;
	case '(': case ')':
		return has_comments(table) ? CC_SPACE : CC_OPER;
	case '<': case '>': case ',': case ';':
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
	/* typed addresses: byte 0xff is kept apart from what precedes it */
	if (c == 0xff && table == TOK_TEST && !StripComments)
		return CC_ONE;
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

/*
 * Scanner states.  S_ATM: inside an atom; S_OPR: after an operator or a
 * closing quote (the next byte starts a new token); S_QST: inside quotes;
 * S_SPC: after blanks; S_ONE: after a byte that takes the next one along.
 */
enum scan_state { S_OPR, S_ATM, S_QST, S_SPC, S_ONE };

/* Where byte class cls leads from state st; *brk: end the token first; *keep: store it. */
static enum scan_state next_state(enum scan_state st, enum char_class cls, bool *brk, bool *keep)
{
	static const enum scan_state of_class[] = {
		[CC_ATOM] = S_ATM, [CC_OPER] = S_OPR, [CC_ONE] = S_ONE,
		[CC_SPACE] = S_SPC, [CC_QUOTE] = S_QST,
	};
	*brk = false;
	*keep = true;
	switch (st) {
	case S_QST:
		return cls == CC_QUOTE ? S_OPR : S_QST;
	case S_ONE:
		return S_OPR;
	case S_SPC:
		if (cls == CC_SPACE)
			*keep = false;
		return of_class[cls];
	case S_ATM:
		if (cls == CC_ATOM)
			return S_ATM;
		break;
	case S_OPR:
		break;
	}
	*brk = true;
	if (cls == CC_SPACE)
		*keep = false;
	return of_class[cls];
}

#define NOCHAR (-1)

struct scan {
	struct tokens *out;
	char *q;     /* next free byte of out->buf */
	char *limit; /* stores stop here: "Address too long" */
	bool failed;
};

static bool room(struct scan *s)
{
	if (s->q >= s->limit) {
		if (!s->failed)
			usrerr("553 5.1.1 Address too long");
		s->failed = true;
		s->out->too_long = true;
		return false;
	}
	return true;
}

/* Ends the token that starts at *tokp, if it has any bytes; the next starts after it. */
static bool close_token(struct scan *s, char **tokp)
{
	char *tok = *tokp;
	if (s->q == tok)
		return true;
	if (!room(s))
		return false;
	*s->q++ = '\0';
	*tokp = s->q;
	if (s->out->n >= MAXATOM) {
		usrerr("553 5.1.0 prescan: too many tokens");
		return false;
	}
	if (s->q - tok - 1 > MAXNAME) {
		usrerr("553 5.1.0 prescan: token too long");
		return false;
	}
	s->out->v[s->out->n++] = tok;
	return true;
}

int tok_scan(const char *addr, int delim, enum tok_table table, struct tokens *out,
	     const char **endp)
{
	out->n = 0;
	out->v[0] = NULL;
	out->too_long = false;
	if (endp != NULL)
		*endp = addr;

	const char *saved_addr = err_set_address(addr);
	bool rule = table == TOK_RULE;
	bool comments = has_comments(table);
	size_t bufsize = rule ? sizeof out->buf : PSBUFSIZE;
	struct scan s = {out, out->buf, out->buf + bufsize - 5, false};
	enum scan_state state = S_ATM;
	bool bslash = false, route = false;
	int cmnt = 0, angle = 0;
	int c = NOCHAR;
	const char *p = addr;

	do {
		char *tok = s.q;
		for (;;) {
			/* the byte read last time goes into the token now */
			if (c != NOCHAR && !bslash) {
				if (!room(&s))
					goto fail;
				if (c == 0xff && !rule)
					c = 0x7f;
				*s.q++ = (char)c;
			}
			c = (unsigned char)*p++;
			if (c == '\0') {
				/* close what is open, feeding the closer in as input */
				if (rule) {
					break;
				} else if (state == S_QST) {
					usrerr("553 Unbalanced '\"'");
					c = '"';
				} else if (cmnt > 0) {
					usrerr("553 Unbalanced '('");
					c = ')';
				} else if (angle > 0) {
					usrerr("553 Unbalanced '<'");
					c = '>';
				} else {
					break;
				}
				p--;
			} else if (c == delim && cmnt <= 0 && state != S_QST) {
				if (angle <= 0)
					break;
				if (delim == ',' && !route) {
					usrerr("553 Unbalanced '<'");
					c = '>';
					p--;
				}
			}

			if (bslash) {
				bslash = false;
				if (cmnt > 0) {
					c = NOCHAR;
					continue;
				}
				if (c != '!' || state == S_QST) {
					/* the escaped byte follows its backslash, whatever it is */
					if (!room(&s))
						goto fail;
					*s.q++ = '\\';
					continue;
				}
			}

			if (c == '\\') {
				bslash = true;
			} else if (state == S_QST) {
				/* kept as it is */
			} else if (comments && c == '(') {
				cmnt++;
				c = NOCHAR;
			} else if (comments && c == ')') {
				if (cmnt <= 0) {
					usrerr("553 Unbalanced ')'");
					c = NOCHAR;
				} else {
					cmnt--;
				}
			} else if (cmnt > 0) {
				c = NOCHAR;
			} else if (rule) {
				/* rules keep their angle brackets as they are */
			} else if (c == '<') {
				const char *look = p;
				angle++;
				while (sm_isspace((unsigned char)*look))
					look++;
				if (*look == '@')
					route = true;
			} else if (c == '>') {
				if (angle <= 0) {
					usrerr("553 Unbalanced '>'");
					c = NOCHAR;
				} else {
					angle--;
				}
				route = false;
			}
			if (c == NOCHAR)
				continue;
			if (c == delim && angle <= 0 && state != S_QST)
				break;

			enum char_class cls = classify(c, table);
			if (rule && cls == CC_ONE && state != S_QST) {
				/* "$=X", "${name}", "$1": one token in rules */
				if (!close_token(&s, &tok))
					goto fail;
				if (!room(&s))
					goto fail;
				*s.q++ = (char)c;
				c = NOCHAR;
				if (*p == '{') {
					while (*p != '\0' && *p != '}') {
						if (!room(&s))
							goto fail;
						*s.q++ = *p++;
					}
				}
				if (*p != '\0') {
					if (!room(&s))
						goto fail;
					*s.q++ = *p++;
				}
				if (!close_token(&s, &tok))
					goto fail;
				state = S_OPR;
				continue;
			}
			bool brk, keep;
			state = next_state(state, cls, &brk, &keep);
			if (!keep)
				c = NOCHAR;
			if (brk)
				break;
		}

		if (!close_token(&s, &tok))
			goto fail;
	} while (c != '\0' && (c != delim || angle > 0));

	if (endp != NULL)
		*endp = p - 1; /* the delimiter or the end */
	err_set_address(saved_addr);
	out->v[out->n] = NULL;
	return out->n;

fail:
	err_set_address(saved_addr);
	out->n = 0;
	out->v[0] = NULL;
	if (endp != NULL)
		*endp = p;
	return -1;
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
