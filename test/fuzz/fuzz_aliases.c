/*
 * fuzz_aliases.c: alias source files as hostile input: newaliases builds
 * the database from the text (continuation lines, comments, names parsed
 * as addresses, duplicates, limits), then the first names of the file are
 * expanded as a delivery would expand them (nested aliases, lists,
 * "|program" and "/file" entries, :include:, loops, owner- lists).
 *
 * Programs are only marked by the expansion, never run; include files
 * named by the input are read (read-only).  The alias file and database
 * live in a private directory (on /dev/shm when it exists).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "conf.h"
#include "envelope.h"
#include "err.h"
#include "macro.h"
#include "mailer.h"
#include "map.h"
#include "sm.h"

#include "fuzz_dir.h"

#define MAX_FUZZ_INPUT 8192

static const char *Dir;
static char AliasPath[sizeof FuzzDir + 16];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_config(void)
{
	char cfpath[sizeof FuzzDir + 16];
	snprintf(cfpath, sizeof cfpath, "%s/t.cf", Dir);
	FILE *f = fopen(cfpath, "w");
	if (f == NULL)
		abort();
	fprintf(f,
		"V10\n"
		"O AliasFile=%s\n"
		"O ForwardPath=%s/fwd.$u\n"
		"O DontBlameSendmail=TrustStickyBit,GroupWritableAliasFile\n"
		"O MaxAliasRecursion=6\n"
		"Dj mail.example.com\n"
		"Cw mail.example.com localhost\n"
		"S3\n"
		"R$* < $* > $*\t$2\n"
		"R$+ @ $+\t$: $1 < @ $2 >\n"
		"S0\n"
		"R$+ < @ $=w >\t$# local $: $1\n"
		"R$+ < @ $+ >\t$# smtp $@ $2 $: $1 < @ $2 >\n"
		"R$+\t$# local $: $1\n"
		"Mlocal, P=/bin/true, F=lsDFMAw5:/|@qSPfhn9, S=0, R=0, A=true $u\n"
		"Mprog, P=/bin/sh, F=lsDFMoqeu9, S=0, R=0, D=$z:/, A=sh -c $u\n"
		"Msmtp, P=[IPC], F=mDFMuXa, S=0, R=0, A=TCP $h\n",
		AliasPath, Dir);
	if (fclose(f) != 0 || !readcf(cfpath))
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	Dir = fuzz_dir_make("fuzzal");
	snprintf(AliasPath, sizeof AliasPath, "%s/aliases", Dir);
	map_classes_init();
	macro_define_operators();
	mailers_init_builtin();
	read_config();
	ErrQuiet = true;
	return 0;
}

/* The name before the first colon of the first few logical lines. */
static size_t first_names(const uint8_t *data, size_t size, char names[][64], size_t max)
{
	size_t n = 0, i = 0;
	while (i < size && n < max) {
		size_t j = i;
		while (j < size && data[j] != ':' && data[j] != '\n')
			j++;
		if (j < size && data[j] == ':' && j > i && j - i < 64 && data[i] != ' ' &&
		    data[i] != '\t' && data[i] != '#') {
			memcpy(names[n], data + i, j - i);
			names[n][j - i] = '\0';
			if (strlen(names[n]) == j - i)
				n++;
		}
		while (j < size && data[j] != '\n')
			j++;
		i = j + 1;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_FUZZ_INPUT)
		return 0;
	FILE *f = fopen(AliasPath, "w");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	(void)newaliases_run();

	char names[4][64];
	size_t n = first_names(data, size, names, 4);
	for (size_t k = 0; k < n; k++) {
		struct envelope *e = envelope_new();
		strcpy(e->id, "0B1JXYZ0000123");
		e->sender = "alice@mail.example.com";
		struct recipient *r = envelope_add_rcpt(e, names[k], RCPT_PRIMARY);
		struct alias_result res;
		memset(&res, 0, sizeof res);
		(void)alias_expand(e, r, 0, &res);
		/* every recipient the expansion added must be whole */
		for (struct recipient *q = e->rcpts; q != NULL; q = q->next)
			if (q->address == NULL)
				abort();
		envelope_free(e);
	}
	alias_close_all();
	return 0;
}
