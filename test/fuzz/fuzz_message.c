/*
 * fuzz_message.c: a submitted message as hostile input: its headers and
 * body are read (collect), the headers normalised, the recipients taken
 * from To:/Cc:/Bcc: as -t does, Bcc: removed, the configuration's H lines
 * added, and the headers written out for a local and an SMTP mailer with
 * their address rewriting, as delivery writes them (MIME headers cut to
 * MaxMimeHeaderLength); then the whole text the SMTP mailer gets, the MIME
 * structure walked and, for a peer without 8BITMIME, 8-bit parts
 * converted (EightBitMode=m).
 *
 * The first byte of an input picks the switches (ignore dots, -t, the
 * mailer flags, 32: a 7-bit peer); the rest is the message.  The configuration is a small
 * fixed one read once, with H lines and header rewriting rulesets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "collect.h"
#include "conf.h"
#include "deliver_int.h"
#include "envelope.h"
#include "headers.h"
#include "macro.h"
#include "mailer.h"
#include "map.h"
#include "sm.h"

#include "fuzz_dir.h"

#define MAX_FUZZ_INPUT 16384

static const char CfText[] =
	"V10\n"
	"O DontBlameSendmail=TrustStickyBit\n"
	"O OperatorChars=.:%@!^/[]+\n"
	"O MaxHeadersLength=8192\n"
	"O MaxMessageSize=12000\n"
	"O EightBitMode=m\n"
	"O MaxMimeHeaderLength=256/64\n"
	"Dj mail.example.com\n"
	"Dw mail\n"
	"Dm example.com\n"
	"DZ 8.17.1\n"
	"Dv 8.17.1\n"
	"Cw mail.example.com example.com localhost\n"
	"DMexample.net\n"
	"S3\n"
	"R$@\t$@ <@>\n"
	"R$* < $* > $*\t$2\n"
	"R$+ % $+\t$1 @ $2\n"
	"R$+ @ $+\t$: $1 < @ $2 >\n"
	"R$* < @ $* $=w > $*\t$@ $1 < @ $2 $3 . > $4\n"
	"S0\n"
	"R$+ < @ $* . >\t$# local $: $1\n"
	"R$+ < @ $+ >\t$# smtp $@ $2 $: $1 < @ $2 >\n"
	"R$+\t$# local $: $1\n"
	"S1\n"
	"S2\n"
	"S4\n"
	"R$* < @ $+ . > $*\t$@ $1 < @ $2 > $3\n"
	"R$* < $+ > $*\t$@ $1 $2 $3\n"
	"SMasqHdr\n"
	"R$* < @ $* $=w . >\t$@ $1 < @ $M . >\n"
	"R$+\t$: $1 < @ $j . >\n"
	"SMasqEnv\n"
	"R$+ < @ $+ >\t$@ $1 < @ $2 >\n"
	"R$+\t$@ $1 < @ $j . >\n"
	"Mlocal, P=/bin/true, F=lsDFMAw5:/|@qSPfhn9, S=MasqEnv/MasqHdr, R=0/0, T=DNS/RFC822/X-Unix, A=true $u\n"
	"Msmtp, P=[IPC], F=mDFMuXa, S=MasqEnv/MasqHdr, R=MasqEnv, E=\\r\\n, L=990, T=DNS/RFC822/SMTP, A=TCP $h\n"
	"H?P?Return-Path: <$g>\n"
	"HReceived: $?sfrom $s $.$?_($?s$|from $.$_)\n"
	"\t$.by $j ($v/$Z)$?r with $r$. id $i$?u\n"
	"\tfor $u; $|;\n"
	"\t$.$b\n"
	"H?D?Resent-Date: $a\n"
	"H?D?Date: $a\n"
	"H?F?Resent-From: $?x$x <$g>$|$g$.\n"
	"H?F?From: $?x$x <$g>$|$g$.\n"
	"H?x?Full-Name: $x\n"
	"H?M?Resent-Message-Id: <$t.$i@$j>\n"
	"H?M?Message-Id: <$t.$i@$j>\n";

static const char *TmpDir;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	TmpDir = fuzz_dir_make("fuzzmsg");
	map_classes_init();
	macro_define_operators();
	mailers_init_builtin();
	int fd = memfd_create("cf", 0);
	if (fd < 0 || write(fd, CfText, sizeof CfText - 1) != (ssize_t)(sizeof CfText - 1))
		abort();
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (!readcf(path))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > MAX_FUZZ_INPUT)
		return 0;
	unsigned mode = data[0];
	FILE *in = fmemopen((void *)(data + 1), size - 1, "r");
	if (in == NULL && size > 1)
		return 0;
	if (in == NULL)
		in = fopen("/dev/null", "r");
	if (in == NULL)
		abort();
	struct envelope *e = envelope_new();
	strcpy(e->id, "0B1JXYZ0000123");
	e->sender = (mode & 4) ? "" : "alice@mail.example.com";
	struct collect_result cr;
	int err = collect(in, e, (mode & 1) != 0, TmpDir, &cr);
	(void)fclose(in);
	if (err != 0)
		abort();
	headers_normalize(e);
	if (mode & 2)
		headers_rcpts_from(e);
	headers_remove_bcc(e);
	macro_set_value(&GlobalMacros, 'g', e->sender[0] ? e->sender : "<>");
	macro_set_value(&GlobalMacros, 'i', e->id);
	macro_set_value(&GlobalMacros, 'b', "Tue, 1 Dec 2026 12:00:00 +0000");
	macro_set_value(&GlobalMacros, 'a', "Tue, 1 Dec 2026 12:00:00 +0000");
	macro_set_value(&GlobalMacros, 't', "202612011200");
	macro_set_value(&GlobalMacros, 's', (mode & 8) ? "client.example.org" : NULL);
	macro_set_value(&GlobalMacros, '_', "root@localhost");
	macro_set_value(&GlobalMacros, 'u', (mode & 16) ? "bob@example.org" : NULL);
	headers_add_defaults(e);
	static const char *const mailers[] = {"local", "smtp"};
	for (unsigned i = 0; i < 2; i++) {
		struct mailer *m = mailer_find(mailers[i]);
		if (m == NULL)
			abort();
		struct sm_buf out;
		sm_buf_init(&out);
		headers_write(e, m, &out);
		sm_buf_free(&out);
	}
	if (cr.body_fd >= 0) {
		struct mailer *m = mailer_find("smtp");
		struct sm_buf text;
		sm_buf_init(&text);
		if (m == NULL || deliver_message_text(e, m, cr.body_fd, (mode & 32) != 0, &text, NULL) != 0)
			abort();
		sm_buf_free(&text);
	}
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
		if (r->address == NULL)
			abort();
	if (cr.body_fd >= 0)
		(void)close(cr.body_fd);
	envelope_free(e);
	return 0;
}
