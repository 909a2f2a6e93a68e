/*
 * fuzz_rewrite.c: the matcher and the rewriting engine on arbitrary
 * addresses, with a fixed configuration read once.
 *
 * The first byte of an input chooses the ruleset (and a few switches), the
 * rest up to the first NUL is the address; what follows the NUL, if any,
 * becomes the value of the macro $M that a deferred $&M inserts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "class.h"
#include "conf.h"
#include "macro.h"
#include "map.h"
#include "meta.h"
#include "options.h"
#include "rewrite.h"
#include "rule.h"
#include "sm.h"
#include "token.h"

#define MAX_INPUT 4096

static const char MapText[] =
	"alice:ALICE-%1-%0\n"
	"bob:bob.value\n"
	"multi:x y z\n"
	"loop:$>1 loop\n"
	"many:a b c d e f g h i j k l m n o p q r s t u v w x y z\n"
	"pct:%%%1%2%3%4%5%6%7%8%9%\n";

static const char CfText[] =
	"V10\n"
	"O DontBlameSendmail=TrustStickyBit\n"
	"O OperatorChars=.:%@!^/[]+\n"
	"CXfoo bar baz.qux\n"
	"Cw example.com mail.example.com [127.0.0.1]\n"
	"DMmacval\n"
	"Kkv text -z: -v1 @KV@\n"
	"Kkva text -z: -v1 -a.found -T.tmp @KV@\n"
	"Karith arith\n"
	"Kdq dequote\n"
	"Kre regex -s1,2 ^([a-z]+)@(.*)$\n"
	"Kseq sequence kv kva\n"
	"Karpa arpa\n"
	"Kmac macro\n"
	"Knull null\n"
	"S0\n"
	"R$* < $* > $*\t$: $2\n"
	"R$+ @ $=w\t$# local $: $1\n"
	"R$+ @ $+\t$# smtp $@ $2 $: $1 < @ $2 >\n"
	"R$+\t$# local $: $1\n"
	"S1\n"
	"R$* @ $*\t$@ $2 < $1 >\n"
	"S2\n"
	"R$+ @ $+ . $+\t$@ $3 / $2 / $1\n"
	"S3\n"
	"R$@\t$@ < @ >\n"
	"R$* < $* < $* > $* > $*\t$2 < $3 > $4\n"
	"R$* < $* > $*\t$2\n"
	"R@ $+ , $+\t@ $1 : $2\n"
	"R@ $+ : $+\t$@ <@ $1> : $2\n"
	"R$+ % $+\t$1 @ $2\n"
	"R$- ! $+\t$@ $2 < @ $1 . UUCP >\n"
	"R$+ @ $+\t$: $1 < @ $2 >\n"
	"R$* < @ $* $=w > $*\t$@ $1 < @ $2 $3 . > $4\n"
	"S4\n"
	"R$=X $*\t$@ class $1 : $2\n"
	"R$~X $*\t$@ notclass $1 : $2\n"
	"R$*\t$@ none\n"
	"S5\n"
	"R$* a\t$@ ends-with-a\n"
	"R$*\t$: none $1\n"
	"R$* none $*\t$: again $1 $2\n"
	"S6\n"
	"R$+\t$# local $@ host $: $1\n"
	"S7\n"
	"R$*\t$: $>8 $1 $>9 $1\n"
	"S8\n"
	"R$*\t$: eight ( $1 )\n"
	"S9\n"
	"R$*\t$: nine ( $1 )\n"
	"S10\n"
	"R$*\t$: $>11 $1 done\n"
	"S11\n"
	"S12\n"
	"R$*\t$: $>12 x $1\n"
	"S13\n"
	"R$* x\t$1 x\n"
	"S14\n"
	"R$*\t$: $(kv $1 $@ arg1 $@ arg2 $: nomatch $)\n"
	"S15\n"
	"R$*\t$: $(kv $1 $)\n"
	"S16\n"
	"R$- $- $-\t$: $(arith $1 $@ $2 $@ $3 $)\n"
	"S17\n"
	"R$* $@\t$@ atend $1\n"
	"S18\n"
	"R$* . $* . $*\t$@ $1 | $2 | $3\n"
	"S19\n"
	"R$+\t$: $1 $1 $1 $1 $1 $1 $1 $1 $1 $1\n"
	"R$+\t$: $1 $1 $1 $1 $1 $1 $1 $1 $1 $1\n"
	"S20\n"
	"R$*\t$: $&M - $1 - $&M\n"
	"S21\n"
	"R$* $=X $*\t$@ pre $1 cls $2 post $3\n"
	"S22\n"
	"R$* a $* b $*\t$@ [ $1 ] [ $2 ] [ $3 ]\n"
	"S23\n"
	"R$- . $- . $-\t$@ three $1 $2 $3\n"
	"S24\n"
	"R$*\t$: $(dq $1 $) $(re $1 $: nore $)\n"
	"S25\n"
	"R$*\t$: $(seq $1 $) $(arpa $1 $: noarpa $)\n"
	"S26\n"
	"R$+ $+\t$: $(mac {fz} $@ $2 $) $&{fz}\n"
	"S27\n"
	"R$*\t$: $(kva $1 $@ $1 $@ $1 $)\n"
	"R$* . found\t$: $>3 $1\n"
	"S28\n"
	"R$* $* $* $* $* $* $* $* $*\t$@ $9 $8 $7 $6 $5 $4 $3 $2 $1\n"
	"S29\n"
	"R$*\t$: $(null $1 $: $1 $1 $)\n";

#define NSETS 30

static struct sm_arena Arena;
static int MacroM;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* KNOWN BUG (sendmail/map_regex.c): regex maps leak when freed (see fuzz_cf.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:regex_parse\n";
}

static int memfile(const char *name, const char *text, char *path, size_t size)
{
	int fd = memfd_create(name, 0);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	snprintf(path, size, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	map_classes_init();
	macro_define_operators();
	char kvpath[64], cfpath[64];
	(void)memfile("kv", MapText, kvpath, sizeof kvpath);
	struct sm_buf cf;
	sm_buf_init(&cf);
	for (const char *p = CfText; *p;) {
		const char *at = strstr(p, "@KV@");
		if (at == NULL) {
			sm_buf_puts(&cf, p);
			break;
		}
		sm_buf_put(&cf, p, (size_t)(at - p));
		sm_buf_puts(&cf, kvpath);
		p = at + 4;
	}
	(void)memfile("cf", cf.data, cfpath, sizeof cfpath);
	sm_buf_free(&cf);
	if (!readcf(cfpath))
		abort();
	sm_arena_init(&Arena, 16384);
	MacroM = 'M';
	return 0;
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
	size_t alen = strlen(in);
	/* bytes after the first NUL: the value of $M */
	if (alen + 1 < size - 1)
		macro_define(MacroM, in + alen + 1);
	else
		macro_define(MacroM, "macval");

	int rs = (int)(mode % NSETS);
	SpaceSub = (mode & 0x80) ? '.' : ' ';
	RewriteDeferMode = (mode & 0x40) != 0;

	struct tokens *t = malloc(sizeof *t);
	char **pv = malloc((MAXATOM + 2) * sizeof *pv);
	if (t == NULL || pv == NULL) {
		free(t);
		free(pv);
		free(in);
		return 0;
	}
	sm_arena_reset(&Arena);
	int n = tok_scan(in, '\0', TOK_TEST, t, NULL);
	if (n >= 0) {
		for (int i = 0; i < n; i++)
			pv[i] = t->v[i];
		pv[n] = NULL;
		int st = rewrite(pv, MAXATOM, rs, 0, &Arena);
		(void)st;
		/* the result must still be a proper vector */
		int k = 0;
		while (k <= MAXATOM && pv[k] != NULL)
			k++;
		if (k > MAXATOM)
			abort();
		char joined[MAXLINE];
		(void)tok_cat(pv, 0, k, joined, sizeof joined, '\0');
		/* and running the canonification again on it must work too */
		if (rs != 3)
			(void)rewrite(pv, MAXATOM, 3, 0, &Arena);
	}
	free(pv);
	free(t);
	free(in);
	return 0;
}
