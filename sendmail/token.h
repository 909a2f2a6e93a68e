/*
 * token.h: the address tokenizer (sendmail's "prescan").
 *
 * An address or a rule is split into tokens: atoms, quoted strings, and one
 * token per operator character.  Which characters are operators depends on
 * the table in use: addresses use the OperatorChars option ($o) plus the
 * fixed specials, rules also know the "$" operator bytes.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define MAXATOM 1000   /* tokens in one address */
#define MAXNAME 256    /* bytes in one address or token */
#define MAXLINE 2048   /* bytes in one input or expanded line */
#define PSBUFSIZE (MAXNAME + MAXATOM)

enum tok_table {
	TOK_ADDR,  /* addresses to parse: comments in parentheses are dropped */
	TOK_TEST,  /* addresses typed in test mode: comments kept from level 9 */
	TOK_RULE,  /* the LHS and RHS of R lines */
	TOK_PLAIN, /* text from macros and maps: like TOK_TEST, no 8-bit check */
};

struct tokens {
	char *v[MAXATOM + 1]; /* NULL-terminated */
	int n;
	/*
	 * Set when "Address too long" stopped the scan: sendmail then cuts
	 * the caller's address to MAXNAME bytes, which callers that hand the
	 * address back on failure must copy.
	 */
	bool too_long;
	char buf[MAXLINE + MAXATOM]; /* rules; addresses get PSBUFSIZE of it */
};

/*
 * The operator characters are computed on first use from this callback
 * (the OperatorChars option, or $o for old configurations); call
 * tok_operators_changed() when its answer may have changed.
 */
extern const char *(*TokOperatorSource)(void);
void tok_operators_changed(void);
/* Whether TOK_TEST, TOK_RULE and TOK_PLAIN drop comments (levels below 9). */
void tok_set_comments(bool strip);

/*
 * Tokenizes addr up to the delimiter delim (outside quotes) or the end.
 * Returns the number of tokens, or -1 after reporting the error.  *endp,
 * if given, receives the position of the delimiter or of the end.
 */
int tok_scan(const char *addr, int delim, enum tok_table table, struct tokens *out,
	     const char **endp);

/* True if a token starts with an atom character (not an operator or quote). */
bool tok_is_atom(const char *tok);

/* Prints one token the way sendmail shows them ("$*", "M-x", "^A"). */
struct sm_buf;
void tok_print_word(struct sm_buf *b, const char *tok);
/* Prints " tok tok ..." (a space before each token). */
void tok_print_list(struct sm_buf *b, char *const *v);
/* Joins tokens into text without spaces between them. */
size_t tok_join(char *const *v, int from, int to, char *dst, size_t size, int sep);

#endif
