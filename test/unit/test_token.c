/*
 * test_token.c: the tokenizer (tok_scan) and token printing.
 *
 * Expected results were taken from sendmail 8.17 in address test mode
 * (-bt), where "0 address" with an empty ruleset 0 shows the tokens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "meta.h"
#include "parseaddr.h"
#include "sm.h"
#include "token.h"
#include "unit.h"

static const char *Operators = ".:%@!^/[]+"; /* what the m4 configurations set */

static const char *ops(void)
{
	return Operators;
}

/* Scans in and joins the tokens with '|'; "ERROR" when tok_scan fails. */
static char Joined[PSBUFSIZE * 4];
static int LastN;
static const char *LastEnd;

static const char *scan_d(const char *in, int delim, enum tok_table table)
{
	struct tokens *t = sm_malloc(sizeof *t);
	LastN = tok_scan(in, delim, table, t, &LastEnd);
	if (LastN < 0) {
		sm_free(t);
		return "ERROR";
	}
	size_t n = 0;
	Joined[0] = '\0';
	for (int i = 0; i < t->n; i++) {
		if (i > 0)
			n += (size_t)snprintf(Joined + n, sizeof Joined - n, "|");
		n += (size_t)snprintf(Joined + n, sizeof Joined - n, "%s", t->v[i]);
	}
	bool terminated = t->v[t->n] == NULL;
	sm_free(t);
	if (!terminated)
		return "NOT-NULL-TERMINATED";
	return Joined;
}

static const char *scan(const char *in, enum tok_table table)
{
	return scan_d(in, '\0', table);
}

/* Scans with output captured; *msgs gets what was printed. */
static const char *scan_msg(const char *in, enum tok_table table, char **msgs)
{
	unit_capture_begin();
	const char *r = scan(in, table);
	*msgs = sm_strdup(unit_capture_end());
	return r;
}

static void test_operators(void)
{
	CHECK_STR("token.atoms_and_dots", scan("a.b@c.d", TOK_TEST), "a|.|b|@|c|.|d");
	CHECK_STR("token.operator_chars", scan("a%b!c/d=e^f[g]h+i", TOK_TEST),
		  "a|%|b|!|c|/|d=e|^|f|[|g|]|h|+|i");
	CHECK_STR("token.specials", scan("a:b;c<d>e", TOK_TEST), "a|:|b|;|c|<|d|>|e");
	CHECK_STR("token.comma", scan("a,b", TOK_TEST), "a|,|b");
	CHECK_STR("token.repeated_operators", scan("@@@", TOK_TEST), "@|@|@");
	CHECK_STR("token.dots", scan("a..b", TOK_TEST), "a|.|.|b");
	CHECK_STR("token.blanks", scan("a\tb  c", TOK_TEST), "a|b|c");
	CHECK_STR("token.vt_ff_are_blanks", scan("a\vb\fc", TOK_TEST), "a|b|c");
	CHECK_STR("token.leading_trailing_blanks", scan("  a  ", TOK_TEST), "a");
	CHECK_STR("token.dollar_hash_are_atoms", scan("a$b#c", TOK_TEST), "a$b#c");
	CHECK_STR("token.empty", scan("", TOK_TEST), "");
	CHECK_INT("token.empty_count", LastN, 0);
	CHECK_STR("token.blank_only", scan(" \t ", TOK_TEST), "");
	CHECK_INT("token.count", (scan("a.b", TOK_ADDR), LastN), 3);

	/* the operator set comes from the callback, read again when changed */
	Operators = ".@";
	tok_operators_changed();
	CHECK_STR("token.operators_changed", scan("a%b.c@d", TOK_TEST), "a%b|.|c|@|d");
	Operators = ".:%@!^/[]+";
	tok_operators_changed();
	CHECK_STR("token.operators_restored", scan("a%b", TOK_TEST), "a|%|b");

	/*
	 * Without OperatorChars (and at configuration level 7 or more)
	 * sendmail 8.17 uses ".:@[]": "0 a%b!c" shows "a%b!c" there.
	 */
	TokOperatorSource = NULL;
	tok_operators_changed();
	CHECK_STR("token.default_operators_brackets", scan("a[b]c:d", TOK_TEST), "a|[|b|]|c|:|d");
	CHECK_STR("token.default_operators", scan("a%b!c/d+e^f", TOK_TEST), "a%b!c/d+e^f");
	TokOperatorSource = ops;
	tok_operators_changed();
}

static void test_quotes(void)
{
	char *m;
	CHECK_STR("token.quoted", scan("\"quoted string\"@x", TOK_TEST), "\"quoted string\"|@|x");
	CHECK_STR("token.quoted_keeps_operators", scan("\"a,b@c.d\"", TOK_TEST), "\"a,b@c.d\"");
	CHECK_STR("token.quote_mid_atom", scan("a\"b\"c", TOK_TEST), "a|\"b\"|c");
	CHECK_STR("token.quote_with_blank", scan("a\"b c\"d e", TOK_TEST), "a|\"b c\"|d|e");
	CHECK_STR("token.empty_quotes", scan("\"\" x", TOK_TEST), "\"\"|x");
	CHECK_STR("token.escaped_quote_in_quotes", scan("\"a\\\"b\"", TOK_TEST), "\"a\\\"b\"");
	CHECK_STR("token.escaped_quote_in_atom", scan("a\\\"b", TOK_TEST), "a\\\"b");

	CHECK_STR("token.unbalanced_quote", scan_msg("\"unbalanced", TOK_TEST, &m), "\"unbalanced\"");
	CHECK_CONTAINS("token.unbalanced_quote_msg", m, "\"unbalanced... Unbalanced '\"'");
	sm_free(m);
	CHECK_STR("token.lone_quote", scan_msg("\"", TOK_TEST, &m), "\"\"");
	CHECK_CONTAINS("token.lone_quote_msg", m, "Unbalanced '\"'");
	sm_free(m);

	/*
	 * sendmail 8.17 turns "a\ (backslash at the end inside an open
	 * quote) into "a\"" and reports the unbalanced quote twice.
	 */
	CHECK_STR("token.quote_backslash_end", scan_msg("\"a\\", TOK_TEST, &m), "\"a\\\"\"");
	CHECK("token.quote_backslash_end_twice",
	      strstr(m, "Unbalanced") != NULL && strstr(strstr(m, "Unbalanced") + 1, "Unbalanced") != NULL);
	sm_free(m);

	/* quotes are not reported in rules */
	int before = Errors;
	CHECK_STR("token.rule_unbalanced_quote", scan_msg("\"abc", TOK_RULE, &m), "\"abc");
	CHECK_STR("token.rule_unbalanced_quote_silent", m, "");
	CHECK_INT("token.rule_unbalanced_no_error", Errors, before);
	sm_free(m);
}

static void test_backslashes(void)
{
	CHECK_STR("token.backslash_atom", scan("a\\b\\@c", TOK_TEST), "a\\b\\@c");
	/* "\!" is a plain '!' outside quotes: an operator */
	CHECK_STR("token.backslash_bang", scan("a\\!b", TOK_TEST), "a|!|b");
	CHECK_STR("token.backslash_bang_quoted", scan("\"a\\!b\"", TOK_TEST), "\"a\\!b\"");
	CHECK_STR("token.double_backslash", scan("a\\\\b", TOK_TEST), "a\\\\b");
	CHECK_STR("token.backslash_operator_starts_atom", scan("\\.a", TOK_TEST), "\\.a");
	CHECK_STR("token.backslash_blank", scan("a\\ b", TOK_TEST), "a\\ b");
	CHECK_STR("token.backslash_control", scan("a\\\001b", TOK_TEST), "a\\\001b");
	/* a backslash before the delimiter does not protect it */
	CHECK_STR("token.backslash_delim", scan_d("a\\,b", ',', TOK_TEST), "a");
	CHECK("token.backslash_delim_end", *LastEnd == ',');
	char *m;
	CHECK_STR("token.trailing_backslash", scan_msg("a\\", TOK_TEST, &m), "a");
	sm_free(m);
}

static void test_comments(void)
{
	char *m;
	/* addresses drop comments */
	CHECK_STR("token.addr_comments", scan("(comment) a@b (another)", TOK_ADDR), "a|@|b");
	CHECK_STR("token.addr_nested_comment", scan("a(nested (comment))b", TOK_ADDR), "a|b");
	CHECK_STR("token.addr_escaped_paren", scan("a(b\\)c)d", TOK_ADDR), "a|d");
	CHECK_STR("token.addr_quote_in_comment", scan("a(b\"c)d", TOK_ADDR), "a|d");
	CHECK_STR("token.addr_paren_in_quotes", scan("\"a(b)\"", TOK_ADDR), "\"a(b)\"");
	CHECK_STR("token.addr_unbalanced_open", scan_msg("a(unbalanced", TOK_ADDR, &m), "a");
	CHECK_CONTAINS("token.addr_unbalanced_open_msg", m, "a(unbalanced... Unbalanced '('");
	sm_free(m);
	CHECK_STR("token.addr_unbalanced_close", scan_msg("a)b", TOK_ADDR, &m), "ab");
	CHECK_CONTAINS("token.addr_unbalanced_close_msg", m, "a)b... Unbalanced ')'");
	sm_free(m);
	CHECK_STR("token.addr_comment_hides_delim", scan_d("(x,y) a,b", ',', TOK_ADDR), "a");
	CHECK_STR("token.addr_comment_hides_delim_rest", LastEnd, ",b");

	/* test mode keeps them from configuration level 9, drops them below */
	tok_set_comments(false);
	CHECK_STR("token.test_keeps_comments", scan("(comment) a@b", TOK_TEST),
		  "(|comment|)|a|@|b");
	CHECK_STR("token.test_comment_delim", scan_d("(x,y) a,b", ',', TOK_TEST), "(|x");
	tok_set_comments(true);
	CHECK_STR("token.test_strips_comments", scan("(comment) a@b", TOK_TEST), "a|@|b");
	tok_set_comments(false);
}

static void test_angles(void)
{
	char *m;
	CHECK_STR("token.angles", scan("<a@b>", TOK_TEST), "<|a|@|b|>");
	CHECK_STR("token.unbalanced_lt", scan_msg("<<a@b>", TOK_TEST, &m), "<|<|a|@|b|>|>");
	CHECK_CONTAINS("token.unbalanced_lt_msg", m, "<<a@b>... Unbalanced '<'");
	sm_free(m);
	CHECK_STR("token.unbalanced_lt_end", scan_msg("<a@b", TOK_TEST, &m), "<|a|@|b|>");
	sm_free(m);
	CHECK_STR("token.unbalanced_gt", scan_msg("a@b>", TOK_TEST, &m), "a|@|b");
	CHECK_CONTAINS("token.unbalanced_gt_msg", m, "a@b>... Unbalanced '>'");
	sm_free(m);
	/* the delimiter ends the address even inside angle brackets */
	CHECK_STR("token.angle_delim", scan_msg("<a,b>,c", TOK_TEST, &m), "<|a|,|b|>|,|c");
	sm_free(m);
	unit_capture_begin();
	CHECK_STR("token.angle_delim_real", scan_d("<a,b>,c", ',', TOK_TEST), "<|a|>");
	m = sm_strdup(unit_capture_end());
	CHECK_CONTAINS("token.angle_delim_msg", m, "Unbalanced '<'");
	sm_free(m);
	CHECK_STR("token.angle_delim_rest", LastEnd, ",b>,c");

	/*
	 * Rules keep an unmatched '>' as a token: "R$* >\t$1 >" is printed
	 * back by sendmail 8.17 (=S) as "R$* > \t\t$1 >".
	 */
	char rule[] = {(char)META_MATCHZANY, ' ', '>', '\0'};
	CHECK_STR("token.rule_unmatched_gt", scan(rule, TOK_RULE), "\x90|>");
	CHECK_STR("token.rule_unmatched_lt", scan("< x", TOK_RULE), "<|x");
}

static void test_delim(void)
{
	CHECK_STR("token.delim_first", scan_d("a:b;c,d", ',', TOK_TEST), "a|:|b|;|c");
	CHECK_STR("token.delim_rest", LastEnd, ",d");
	CHECK_STR("token.delim_quoted", scan_d("\"a,b\",c", ',', TOK_TEST), "\"a,b\"");
	CHECK_STR("token.delim_quoted_rest", LastEnd, ",c");
	CHECK_STR("token.delim_leading", scan_d(",a", ',', TOK_TEST), "");
	CHECK_INT("token.delim_leading_n", LastN, 0);
	CHECK_STR("token.delim_none", scan_d("a b", ',', TOK_TEST), "a|b");
	CHECK("token.delim_none_end", *LastEnd == '\0');
	CHECK_STR("token.no_delim_end", (scan("x.y", TOK_TEST), LastEnd), "");
}

static void test_bytes(void)
{
	/*
	 * Control characters stay in atoms (sendmail 8.17 passes "a^Ab" to
	 * a map as it is; test mode only hides them when printing).
	 */
	CHECK_STR("token.control_kept", scan("a\001b\177c", TOK_TEST), "a\001b\177c");
	CHECK_STR("token.escape_char", scan("a\033b", TOK_TEST), "a\033b");
	/* also inside quotes ("q^Aq" reaches a map lookup as "q\001q") */
	CHECK_STR("token.control_in_quotes", scan("\"q\001q\"", TOK_TEST), "\"q\001q\"");
	/*
	 * Byte 0xff is stored as 0x7f; in typed addresses it also starts a
	 * token of its own that takes the next byte along ("a\xffb" is "a"
	 * and "\x7fb", "a\xff\xffb" three tokens), elsewhere it is an atom byte.
	 */
	CHECK_STR("token.ff_typed", scan("a\xff" "b", TOK_TEST), "a|\x7f" "b");
	CHECK_STR("token.ff_typed_twice", scan("a\xff\xff" "b", TOK_TEST), "a|\x7f\x7f|b");
	CHECK_STR("token.ff_typed_blank", scan("a \xff b", TOK_TEST), "a|\x7f |b");
	CHECK_STR("token.ff_addr", scan("a\xff" "b", TOK_ADDR), "a\x7f" "b");
	CHECK_STR("token.tab_in_quotes", scan("\"a\tb\"", TOK_TEST), "\"a\tb\"");
	CHECK_STR("token.8bit_atom", scan("\xe9t\xe9@x", TOK_TEST), "\xe9t\xe9|@|x");
	CHECK_STR("token.8bit_high", scan("\xa0\xfe", TOK_ADDR), "\xa0\xfe");
	CHECK_STR("token.8bit_plain", scan("caf\xe9 ol\xe9", TOK_PLAIN), "caf\xe9|ol\xe9");

	/* in rules the operator bytes are tokens, some take a name along */
	char r1[] = {(char)META_MATCHANY, '@', (char)META_MATCHCLASS, 'w', '\0'};
	CHECK_STR("token.rule_meta", scan(r1, TOK_RULE), "\x91|@|\x93w");
	char r2[] = {(char)META_MATCHCLASS, '{', 'f', 'o', 'o', '}', 'x', '\0'};
	CHECK_STR("token.rule_meta_long_name", scan(r2, TOK_RULE), "\x93{foo}|x");
	char r3[] = {'a', (char)META_MATCHREPL, '1', 'b', '\0'};
	CHECK_STR("token.rule_repl", scan(r3, TOK_RULE), "a|\x95" "1|b");
	char r4[] = {(char)META_MATCHZANY, (char)META_MATCHZANY, '\0'};
	CHECK_STR("token.rule_adjacent_meta", scan(r4, TOK_RULE), "\x90|\x90");
	char r5[] = {(char)META_DMACRO, '{', 'x', '\0'};
	CHECK_STR("token.rule_unclosed_name", scan(r5, TOK_RULE), "\x82{x");
	char r6[] = {(char)META_MATCHCLASS, '\0'};
	CHECK_STR("token.rule_meta_at_end", scan(r6, TOK_RULE), "\x93");
	/* outside rules the operator byte range is part of atoms */
	CHECK_STR("token.meta_byte_in_plain", scan("a\x90z", TOK_PLAIN), "a\x90z");
}

static void test_limits(void)
{
	char *m;
	char buf[4096];

	/* a token of MAXNAME bytes is fine, a longer one is refused */
	memset(buf, 'x', MAXNAME);
	buf[MAXNAME] = '\0';
	const char *r = scan(buf, TOK_PLAIN);
	CHECK("token.maxname_ok", LastN == 1 && strlen(r) == MAXNAME);
	memset(buf, 'x', MAXNAME + 1);
	buf[MAXNAME + 1] = '\0';
	CHECK_STR("token.token_too_long", scan_msg(buf, TOK_ADDR, &m), "ERROR");
	CHECK_CONTAINS("token.token_too_long_msg", m, "prescan: token too long");
	sm_free(m);
	/* also inside quotes */
	buf[0] = '"';
	memset(buf + 1, 'y', 300);
	buf[301] = '"';
	buf[302] = '\0';
	CHECK_STR("token.quoted_too_long", scan_msg(buf, TOK_ADDR, &m), "ERROR");
	sm_free(m);

	/*
	 * An address gets PSBUFSIZE bytes of tokens (text and terminators):
	 * 620 one-byte tokens fit, 630 do not (sendmail 8.17: "Address too
	 * long" from 627 on), long before MAXATOM tokens.
	 */
	size_t n = 0;
	for (int i = 0; i < 620; i++)
		buf[n++] = '.';
	buf[n] = '\0';
	r = scan(buf, TOK_PLAIN);
	CHECK_INT("token.many_tokens_ok", LastN, 620);
	for (int i = 0; i < 10; i++)
		buf[n++] = '.';
	buf[n] = '\0';
	CHECK_STR("token.many_tokens_too_long", scan_msg(buf, TOK_ADDR, &m), "ERROR");
	CHECK_CONTAINS("token.many_tokens_too_long_msg", m, "Address too long");
	sm_free(m);
	/* rules have a larger buffer: MAXATOM tokens fit, one more does not */
	n = 0;
	for (int i = 0; i < MAXATOM; i++) {
		buf[n++] = '.';
		buf[n++] = ' ';
	}
	buf[n] = '\0';
	r = scan(buf, TOK_RULE);
	CHECK_INT("token.maxatom_rule_ok", LastN, MAXATOM);
	buf[n++] = '.';
	buf[n] = '\0';
	CHECK_STR("token.too_many_tokens", scan_msg(buf, TOK_RULE, &m), "ERROR");
	CHECK_CONTAINS("token.too_many_tokens_msg", m, "prescan: too many tokens");
	sm_free(m);

	/* more text than the token buffer holds */
	n = 0;
	for (int i = 0; i < 15; i++) {
		memset(buf + n, 'a' + i, 200);
		n += 200;
		buf[n++] = ' ';
	}
	buf[n] = '\0';
	CHECK_STR("token.address_too_long", scan_msg(buf, TOK_ADDR, &m), "ERROR");
	CHECK_CONTAINS("token.address_too_long_msg", m, "Address too long");
	sm_free(m);

	/* an error leaves an empty, terminated vector */
	struct tokens *t = sm_malloc(sizeof *t);
	unit_capture_begin();
	int rc = tok_scan(buf, '\0', TOK_ADDR, t, NULL);
	(void)unit_capture_end();
	CHECK("token.error_empty_vector", rc == -1 && t->n == 0 && t->v[0] == NULL);
	sm_free(t);

	/* rules are scanned with the same token limit, with messages */
	memset(buf, 'z', 600);
	buf[600] = '\0';
	CHECK_STR("token.rule_too_long", scan_msg(buf, TOK_RULE, &m), "ERROR");
	CHECK_CONTAINS("token.rule_too_long_msg", m, "prescan: token too long");
	sm_free(m);
}

static void test_print(void)
{
	struct sm_buf b;
	sm_buf_init(&b);
	char w1[] = {(char)META_MATCHZANY, '\0'};
	tok_print_word(&b, w1);
	CHECK_STR("token.print_meta", b.data, "$*");
	sm_buf_reset(&b);
	char w2[] = {(char)META_MATCHCLASS, 'w', '\0'};
	tok_print_word(&b, w2);
	CHECK_STR("token.print_class", b.data, "$=w");
	sm_buf_reset(&b);
	char w3[] = {(char)META_MATCHREPL, '1', '\0'};
	tok_print_word(&b, w3);
	CHECK_STR("token.print_repl", b.data, "$1");
	sm_buf_reset(&b);
	tok_print_word(&b, "\xe9t\xe9");
	CHECK_STR("token.print_8bit", b.data, "M-itM-i");
	sm_buf_reset(&b);
	tok_print_word(&b, "a\nb\tc\rd");
	CHECK_STR("token.print_escapes", b.data, "a\\nb\\tc\\rd");
	sm_buf_reset(&b);
	tok_print_word(&b, "a\001b");
	CHECK_STR("token.print_control_hidden", b.data, "ab");
	sm_buf_reset(&b);
	char *v[] = {"a", "@", "b", NULL};
	tok_print_list(&b, v);
	CHECK_STR("token.print_list", b.data, " a @ b");
	sm_buf_free(&b);

	char out[16];
	char *w[] = {"user", "@", "host", ".", "dom", NULL};
	size_t n = tok_join(w, 0, 4, out, sizeof out, '\0');
	CHECK_STR("token.join", out, "user@host.dom");
	CHECK_INT("token.join_len", n, 13);
	tok_join(w, 0, 4, out, 6, '\0');
	CHECK_STR("token.join_truncated", out, "user@");
	tok_join(w, 0, 2, out, sizeof out, ' ');
	CHECK_STR("token.join_sep", out, "user @ host");
	tok_join(w, 2, 2, out, sizeof out, '\0');
	CHECK_STR("token.join_one", out, "host");

	CHECK("token.is_atom", tok_is_atom("user") && tok_is_atom("\\x") && tok_is_atom("\xe9"));
	CHECK("token.is_not_atom", !tok_is_atom("@") && !tok_is_atom("\"q\"") && !tok_is_atom("") &&
					   !tok_is_atom("<") && !tok_is_atom(w1));
}

/*
 * Before an address reaches the tokenizer it is checked as a whole:
 * sendmail 8.17 refuses more than 255 bytes ("0 xxx..." in test mode
 * prints 'Address "xxx..." too long (255 bytes max)') and bytes of the
 * operator range ("8-bit character in mailbox address").
 */
static void test_address_gate(void)
{
	char buf[400];
	memset(buf, 'x', 255);
	buf[255] = '\0';
	unit_capture_begin();
	bool bad = invalid_address(buf, true);
	const char *m = unit_capture_end();
	CHECK("token.gate_255_ok", !bad);
	CHECK_STR("token.gate_255_quiet", m, "");
	CHECK_STR("token.gate_255_scans", (scan(buf, TOK_ADDR), LastN == 1 ? "one" : "other"), "one");

	memset(buf, 'x', 256);
	buf[256] = '\0';
	unit_capture_begin();
	bad = invalid_address(buf, true);
	char *msg = sm_strdup(unit_capture_end());
	CHECK("token.gate_256_refused", bad);
	char want[300];
	memset(want, 'x', 255);
	want[255] = '\0';
	char *wantmsg = sm_asprintf("Address \"%s\" too long (255 bytes max)", want);
	CHECK_CONTAINS("token.gate_256_msg", msg, wantmsg);
	CHECK_INT("token.gate_256_unchanged", strlen(buf), 256);
	sm_free(wantmsg);
	sm_free(msg);

	/* many short tokens within 255 bytes */
	size_t n = 0;
	for (int i = 0; i < 127; i++) {
		buf[n++] = 'a';
		buf[n++] = '.';
	}
	buf[n] = '\0';
	unit_capture_begin();
	bad = invalid_address(buf, true);
	(void)unit_capture_end();
	CHECK("token.gate_254_tokens_ok", !bad);
	scan(buf, TOK_ADDR);
	CHECK_INT("token.gate_254_tokens", LastN, 254);

	char eight[] = "a\x85" "b";
	int saved = ExitStat;
	unit_capture_begin();
	bad = invalid_address(eight, true);
	m = unit_capture_end();
	CHECK("token.gate_8bit_refused", bad);
	CHECK_CONTAINS("token.gate_8bit_msg", m, "8-bit character in mailbox address \"a?b\"");
	CHECK_STR("token.gate_8bit_replaced", eight, "a?b");
	ExitStat = saved;
	char high[] = "\xe9t\xe9@x";
	unit_capture_begin();
	bad = invalid_address(high, true);
	(void)unit_capture_end();
	CHECK("token.gate_latin1_ok", !bad);
}

void unit_run(void)
{
	TokOperatorSource = ops;
	tok_operators_changed();
	tok_set_comments(false);
	test_operators();
	test_quotes();
	test_backslashes();
	test_comments();
	test_angles();
	test_delim();
	test_bytes();
	test_limits();
	test_address_gate();
	test_print();
}
