/*
 * fuzz_token.c: tok_scan() on arbitrary bytes, with every table.
 *
 * The first byte chooses the delimiter, the operator set and whether
 * comments are stripped; the rest is the text.  Besides the sanitizers,
 * the invariants of a token vector are checked: at most MAXATOM tokens,
 * NULL-terminated, every token inside the buffer, no token longer than
 * MAXNAME, the end pointer inside the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "token.h"

#define MAX_INPUT 8192

static const char *OperatorSets[] = {NULL, ".:%@!^/[]+", "", ".:@[]", "=$#"};
static const char *CurOps;

static const char *ops(void)
{
	return CurOps;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* error messages go to standard output: keep them out of the log */
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	return 0;
}

static void check(const struct tokens *t, int n, const char *in, const char *endp)
{
	if (n < -1 || n > MAXATOM)
		abort();
	if (n == -1) {
		if (t->n != 0 || t->v[0] != NULL)
			abort();
		return;
	}
	if (t->n != n || t->v[n] != NULL)
		abort();
	for (int i = 0; i < n; i++) {
		const char *w = t->v[i];
		if (w < t->buf || w >= t->buf + sizeof t->buf)
			abort();
		size_t len = strnlen(w, (size_t)(t->buf + sizeof t->buf - w));
		if (w + len >= t->buf + sizeof t->buf || len > MAXNAME)
			abort();
	}
	if (endp < in || endp > in + strlen(in))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > MAX_INPUT)
		return 0;
	unsigned mode = data[0];
	char *in = malloc(size);
	if (in == NULL)
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';

	static const int delims[] = {'\0', ',', ' ', '\t', '>', ';', '"', '\\'};
	int delim = delims[mode & 7];
	CurOps = OperatorSets[(mode >> 3) % (sizeof OperatorSets / sizeof OperatorSets[0])];
	TokOperatorSource = (mode & 0x40) ? NULL : ops;
	tok_operators_changed();
	tok_set_comments((mode & 0x80) != 0);

	static struct tokens t;
	static const enum tok_table tables[] = {TOK_ADDR, TOK_TEST, TOK_RULE, TOK_PLAIN};
	struct sm_buf b;
	sm_buf_init(&b);
	for (unsigned i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		const char *endp = NULL;
		int n = tok_scan(in, delim, tables[i], &t, &endp);
		check(&t, n, in, endp);
		if (n > 0) {
			/* printing and joining must cope with whatever came out */
			sm_buf_reset(&b);
			tok_print_list(&b, t.v);
			char joined[MAXLINE];
			size_t len = tok_join(t.v, 0, n - 1, joined, sizeof joined, i == 3 ? ' ' : '\0');
			if (len >= sizeof joined || strlen(joined) != len)
				abort();
			for (int k = 0; k < n; k++)
				(void)tok_is_atom(t.v[k]);
		}
		/* scanning what follows the delimiter, as address lists do */
		if (n >= 0 && endp != NULL && *endp != '\0') {
			const char *rest = endp + 1;
			n = tok_scan(rest, delim, tables[i], &t, &endp);
			check(&t, n, rest, endp);
		}
	}
	sm_buf_free(&b);
	free(in);
	return 0;
}
