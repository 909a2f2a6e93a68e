/*
 * fuzz_cf.c: readcf() on arbitrary configuration text, then a few rulesets
 * on fixed addresses, then everything freed for the next input.
 *
 * The text goes to a memory file read through /proc/self/fd.  What a
 * configuration could make the process do outside itself is kept out:
 * F lines that could run a program (a '|', or macros that could make one)
 * or hand a format to sscanf are dropped, and the map classes that run
 * programs, talk to the network or to syslog are replaced by inert ones.
 * Rulesets run only for configurations without subroutine calls: a rule
 * that loops (up to 100 times) calling its own ruleset (up to 50 levels
 * deep) takes exponential time, by design of the language (sendmail has the
 * same limits), which would only find slow inputs.  fuzz_rewrite.c covers
 * subroutine calls with a fixed configuration.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "class.h"
#include "conf.h"
#include "err.h"
#include "macro.h"
#include "mailer.h"
#include "map.h"
#include "meta.h"
#include "options.h"
#include "rewrite.h"
#include "rule.h"
#include "sm.h"
#include "switchfile.h"
#include "token.h"

#define MAX_INPUT 16384

static int MemFd = -1;
static char CfPath[64];
static struct sm_arena Arena;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * KNOWN BUG (sendmail/map_regex.c): regex_close() frees nothing, so every
 * regex map leaks its compiled pattern when maps are freed.
 * KNOWN BUG (sendmail/options.c set_timeouts): a Timeout value without a
 * name ("O Timeout=1m,2m", or two such lines) replaces the "*" entry of the
 * table without freeing the old value.
 * Both suppressed so that the fuzzer looks for other problems.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:regex_parse\nleak:set_timeouts\n";
}

/* ---- inert replacements for the classes with outside effects ---- */

static char *inert_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)m, (void)args;
	/* answer something that depends on the key, so rules see values */
	static char buf[64];
	if (key[0] == 't') {
		*stat = EX_TEMPFAIL_;
		return NULL;
	}
	if (key[0] == 'n' || key[0] == '\0') {
		*stat = EX_NOTFOUND;
		return NULL;
	}
	snprintf(buf, sizeof buf, "v.%.20s", key);
	return buf;
}

static bool inert_parse(struct map *m, char *args)
{
	return map_parse_args(m, args);
}

#define INERT(var, name) \
	static const struct map_class var = {name, MCF_OPTFILE, inert_parse, NULL, inert_lookup, NULL, NULL}
INERT(InertProgram, "program");
INERT(InertSocket, "socket");
INERT(InertSyslog, "syslog");
INERT(InertHost, "host");
INERT(InertBestmx, "bestmx");
INERT(InertDns, "dns");

static void setup(void)
{
	macro_define_operators();
	mailers_init_builtin();
	ConfigLevel = 0;
	SpaceSub = ' ';
	memset(DontBlame, 0, sizeof DontBlame);
	DontBlame[DBS_TRUSTSTICKYBIT] = true;
	tok_operators_changed();
	switch_reset();
}

static void teardown(void)
{
	maps_free_all();
	rules_free_all();
	class_free_all();
	mailers_free_all();
	conf_free_all();
	options_free();
	macro_set_free(&GlobalMacros);
	TokOperatorSource = NULL;
	tok_operators_changed();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	map_classes_init();
	map_register_class(&InertProgram);
	map_register_class(&InertSocket);
	map_register_class(&InertSyslog);
	map_register_class(&InertHost);
	map_register_class(&InertBestmx);
	map_register_class(&InertDns);
	MemFd = memfd_create("fuzz_cf", 0);
	if (MemFd < 0)
		abort();
	snprintf(CfPath, sizeof CfPath, "/proc/self/fd/%d", MemFd);
	sm_arena_init(&Arena, 16384);
	return 0;
}

/* True if name[0..len) (blanks trimmed) abbreviates one of the options that exit. */
static bool exiting_option(const uint8_t *name, size_t len)
{
	static const char *const exiting[] = {"DeliveryMode", "EightBitMode"};
	while (len > 0 && sm_isspace(name[len - 1]))
		len--;
	if (len == 0)
		return false;
	for (unsigned k = 0; k < sizeof exiting / sizeof exiting[0]; k++)
		if (len <= strlen(exiting[k]) && sm_strncasecmp((const char *)name, exiting[k], len) == 0)
			return true;
	return false;
}

/*
 * True if a logical line (with its continuation lines) may be kept.
 * Dropped: F lines that could run a program or pass a format to sscanf,
 * and O lines setting DeliveryMode or EightBitMode, whose bad values make
 * sendmail (and us) exit.
 */
static bool line_ok(const uint8_t *p, size_t n)
{
	if (n == 0)
		return true;
	if (p[0] == 'F') {
		for (size_t i = 0; i < n; i++)
			if (p[i] == '|' || p[i] == '$' || p[i] == '%' || p[i] >= 0x80)
				return false;
		return true;
	}
	if (p[0] == 'O') {
		if (n < 2)
			return true;
		if (p[1] != ' ')
			return p[1] != 'd' && p[1] != '8';
		size_t eq = 2, hash = 2;
		while (eq < n && p[eq] != '=')
			eq++;
		while (hash < n && p[hash] != '=' && p[hash] != '#' && p[hash] != '.')
			hash++;
		return !exiting_option(p + 2, eq - 2) && !exiting_option(p + 2, hash - 2);
	}
	return true;
}

/* Copies data without the lines line_ok() refuses; returns the length. */
static size_t filter(const uint8_t *data, size_t size, uint8_t *out)
{
	size_t o = 0, i = 0;
	while (i < size) {
		/* a logical line: up to a newline not followed by a blank */
		size_t j = i;
		for (;;) {
			while (j < size && data[j] != '\n')
				j++;
			if (j + 1 < size && (data[j + 1] == ' ' || data[j + 1] == '\t')) {
				j++;
				continue;
			}
			break;
		}
		size_t end = j < size ? j + 1 : j;
		if (line_ok(data + i, j - i)) {
			memcpy(out + o, data + i, end - i);
			o += end - i;
		}
		i = end;
	}
	return o;
}

static void run_rulesets(void)
{
	static const char *const addrs[] = {
		"user@example.com", "<a@b.example>", "\"quoted name\" <q@x.y>", "a!b!c",
		"@r1,@r2:u@h", "u%v@w", "local", "tmp@x", "",
	};
	static const char *const sets[] = {"3", "0", "4", "1", "2", "canonify", "parse", "final",
					   "check_rcpt", "Local_check_mail"};
	struct tokens *t = sm_malloc(sizeof *t);
	char **pv = sm_malloc((MAXATOM + 2) * sizeof *pv);
	for (unsigned a = 0; a < sizeof addrs / sizeof addrs[0]; a++) {
		for (unsigned s = 0; s < sizeof sets / sizeof sets[0]; s++) {
			int rs = ruleset_lookup(sets[s], false);
			if (rs < 0 || ruleset_get(rs) == NULL)
				continue;
			sm_arena_reset(&Arena);
			int n = tok_scan(addrs[a], '\0', TOK_ADDR, t, NULL);
			if (n < 0)
				continue;
			for (int i = 0; i < n; i++)
				pv[i] = t->v[i];
			pv[n] = NULL;
			(void)rewrite(pv, MAXATOM, rs, 0, &Arena);
		}
	}
	sm_free(pv);
	sm_free(t);
}

/*
 * glibc's regcomp() needs memory exponential in nested repetitions
 * ("^a+++++..." or "a{1,255}{1,255}{1,255}"): true for inputs that could
 * declare a regex map with such a pattern.  This is the C library's
 * behaviour (sendmail's regex maps call the same regcomp()), not ours.
 */
static bool regex_bomb(const uint8_t *data, size_t size)
{
	bool regex = false;
	for (size_t i = 0; i + 5 <= size && !regex; i++)
		regex = sm_strncasecmp((const char *)data + i, "regex", 5) == 0;
	if (!regex)
		return false;
	size_t run = 0, braces = 0;
	for (size_t i = 0; i < size; i++) {
		int c = data[i];
		if (c == '{')
			braces++;
		if (c == '+' || c == '*' || c == '?' || c == '}')
			run++;
		else
			run = 0;
		if (run >= 3 || braces > 4)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT || regex_bomb(data, size))
		return 0;
	size_t calls = 0;
	for (size_t i = 0; i < size; i++)
		if (data[i] == META_CALLSUBR || (data[i] == '>' && i > 0 &&
						 (data[i - 1] == '$' || data[i - 1] == '{')))
			calls++;

	uint8_t *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	size_t n = filter(data, size, text);
	if (ftruncate(MemFd, 0) != 0 || pwrite(MemFd, text, n, 0) != (ssize_t)n) {
		free(text);
		return 0;
	}
	free(text);

	setup();
	if (readcf(CfPath) && calls == 0)
		run_rulesets();
	maps_close_all();
	teardown();
	return 0;
}
