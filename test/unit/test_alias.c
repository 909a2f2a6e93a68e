/*
 * test_alias.c: the alias file reader, AliasFile parsing, newaliases and
 * alias_expand() (aliases, :include:, .forward, loops, owner-) on a small
 * configuration written by the test.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alias.h"
#include "conf.h"
#include "envelope.h"
#include "err.h"
#include "mailer.h"
#include "map.h"
#include "macro.h"
#include "mapdb.h"
#include "meta.h"
#include "sm.h"
#include "unit.h"

/* The logical lines of text, joined with "|", and what was printed. */
static char *read_all(const char *text, char **msgs)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	if (fp == NULL)
		return sm_strdup("(fmemopen failed)");
	struct alias_reader *rd = sm_malloc(sizeof *rd);
	alias_reader_init(rd, fp, "F");
	struct sm_buf b;
	sm_buf_init(&b);
	unit_capture_begin();
	char *l;
	while ((l = alias_reader_next(rd)) != NULL) {
		if (b.len > 0)
			sm_buf_putc(&b, '|');
		sm_buf_puts(&b, l);
	}
	*msgs = sm_strdup(unit_capture_end());
	sm_free(rd);
	(void)fclose(fp);
	sm_buf_putc(&b, '\0');
	return sm_buf_steal(&b);
}

static void reader(const char *name, const char *text, const char *want, const char *wantmsg)
{
	char *msgs = NULL;
	char *got = read_all(text, &msgs);
	char n[128];
	snprintf(n, sizeof n, "reader %s", name);
	CHECK_STR(n, got, want);
	snprintf(n, sizeof n, "reader %s: messages", name);
	CHECK_STR(n, msgs, wantmsg);
	sm_free(got);
	sm_free(msgs);
}

static void test_reader(void)
{
	reader("plain", "a: b\nc: d\n", "a: b|c: d", "");
	reader("continuation", "a: b,\n  c\n\td\n", "a: b,  c\td", "");
	reader("comment", "# x\n y\na: b\n#z\n", "a: b", "");
	reader("blank", "\n\na: b\n\n", "a: b", "");
	reader("backslash", "a: b\\\nc\n", "a: bc", "");
	reader("no newline", "a: b", "a: b", "");
	reader("non-continuation", "\n d\n e\nf: g\n", "f: g",
	       "F: line 3: Non-continuation line starts with space\n");
	char *big = sm_malloc(9000);
	memset(big, 'x', 8999);
	big[8999] = '\0';
	memcpy(big, "a: ", 3);
	char *text = sm_asprintf("%s\nb: c\n", big);
	reader("too long", text, "b: c", "F: line 1: alias line too long\n");
	sm_free(text);
	big[8190] = '\0';
	text = sm_asprintf("%s\n", big);
	reader("longest", text, big, "");
	sm_free(text);
	sm_free(big);
	reader("nul byte", "a: b\0c\nd: e\n", "a: b", "");
}

static void test_src(void)
{
	struct alias_src *v;
	size_t n = alias_src_parse(" /etc/aliases, hash:/x/y ,text:/t, nis:-N mail.aliases ", &v);
	CHECK_INT("src count", n, 4);
	if (n == 4) {
		CHECK_STR("src 0 class", v[0].cls, "implicit");
		CHECK_STR("src 0 file", v[0].file, "/etc/aliases");
		CHECK_STR("src 1 class", v[1].cls, "hash");
		CHECK_STR("src 1 file", v[1].file, "/x/y");
		CHECK_STR("src 2 class", v[2].cls, "text");
		CHECK_STR("src 3 args", v[3].args, "-N");
		CHECK_STR("src 3 file", v[3].file, "mail.aliases");
	}
	alias_src_free(v, n);
	n = alias_src_parse("", &v);
	CHECK("src empty means aliases", n == 1 && strcmp(v[0].file, "aliases") == 0);
	alias_src_free(v, n);
	CHECK("rebuildable", alias_class_rebuildable("hash") && !alias_class_rebuildable("text"));
}

/* The recipients of e as "addr[flags]" joined with " ". */
static char *rcpts(struct envelope *e)
{
	struct sm_buf b;
	sm_buf_init(&b);
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next) {
		if (r->flags & RCPT_ALIAS_DONE)
			continue;
		sm_buf_printf(&b, "%s%s", b.len ? " " : "", r->address);
		if (r->flags & RCPT_BADADDR)
			sm_buf_printf(&b, "[%s]", r->status ? r->status : "?");
		if (r->flags & RCPT_PROGRAM)
			sm_buf_puts(&b, "[prog]");
		if (r->flags & RCPT_FILE)
			sm_buf_puts(&b, "[file]");
		if (r->flags & RCPT_FORWARDED)
			sm_buf_printf(&b, "[fwd %s]", r->ctladdr ? r->ctladdr : "");
	}
	sm_buf_putc(&b, '\0');
	return sm_buf_steal(&b);
}

static void expand(const char *name, const char *addr, const char *want, const char *owner)
{
	struct envelope *e = envelope_new();
	struct recipient *r = envelope_add_rcpt(e, addr, RCPT_PRIMARY);
	struct alias_result res;
	unit_capture_begin();
	int rc = alias_expand(e, r, 0, &res);
	(void)unit_capture_end();
	char n[128];
	snprintf(n, sizeof n, "expand %s", name);
	char *got = rcpts(e);
	CHECK_STR(n, got, want);
	snprintf(n, sizeof n, "expand %s: status", name);
	CHECK_INT(n, rc, 0);
	snprintf(n, sizeof n, "expand %s: owner", name);
	CHECK_STR(n, res.owner ? res.owner : "(none)", owner ? owner : "(none)");
	sm_free(got);
	envelope_free(e);
}

static void test_expand(void)
{
	struct passwd *pw = getpwuid(getuid());
	if (pw == NULL) {
		CHECK("getpwuid", false);
		return;
	}
	char *user = sm_strdup(pw->pw_name);
	/*
	 * :include: files are read as DefaultUser here (the alias file is
	 * root's): the directories above them must let that user pass.
	 */
	const char *base = getenv("TEST_TMP");
	if (base != NULL && *base != '\0')
		(void)chmod(base, 0711);
	const char *dir = unit_tmpdir();
	chmod(dir, 0711);
	char *cf = sm_asprintf(
		"V10\nDjmail.example.com\nCwmail.example.com\nDo.:%%@!^=/[]\n"
		"O DontBlameSendmail=TrustStickyBit\n"
		"O AliasFile=%s/aliases\nO ForwardPath=%s/fwd.$u\n"
		"S3\nS0\nR$+ @ $+\t$#esmtp $@ $2 $: $1 @ $2\nR$+\t$#local $: $1\n"
		"Mlocal, P=/bin/true, F=lsAw5:/|@, S=0, R=0, A=local $u\n"
		"Mesmtp, P=[IPC], F=mDFMuX, S=0, R=0, A=TCP $h\n",
		dir, dir);
	const char *cfpath = unit_write_file("t.cf", cf);
	sm_free(cf);
	unit_capture_begin();
	bool ok = readcf(cfpath);
	(void)unit_capture_end();
	CHECK("readcf", ok);
	char *al = sm_asprintf(
		"list: a@x.org, b@x.org,\n  c@y.org\nowner-list: a@x.org\n"
		"nested: list, d@z.org, \"|/bin/prog arg\", /tmp/f\n"
		"loop1: loop2\nloop2: loop1\nself: self, s@x.org\n"
		"inc: :include:%s/inc\nincbad: :include:%s/nonex, i@x.org\n"
		"dups: a@x.org, a@x.org, list\nme: %s\n",
		dir, dir, user);
	unit_write_file("aliases", al);
	sm_free(al);
	unit_write_file("inc", "# members\ni1@x.org, i2@x.org\n\ni3@x.org\n");
	chmod(unit_path("inc"), 0644);
	char *fwd = sm_asprintf("f@x.org\n\"|/bin/vacation %s\"\n", user);
	const char *fp = unit_path("fwd.");
	char *fwdpath = sm_asprintf("%s%s", fp, user);
	FILE *f = fopen(fwdpath, "w");
	if (f != NULL) {
		fputs(fwd, f);
		(void)fclose(f);
	}
	chmod(fwdpath, 0644);
	sm_free(fwd);
	ExitStat = 0;
	unit_capture_begin();
	int rc = newaliases_run();
	const char *out = unit_capture_end();
	CHECK_INT("newaliases status", rc, 0);
	/* two values name the directory: their lengths follow its length */
	size_t dl = strlen(dir);
	char *summary = sm_asprintf("aliases: 10 aliases, longest %zu bytes, %zu bytes total",
				    dl + 24, 203 + 2 * dl + strlen(user));
	CHECK_CONTAINS("newaliases summary", out, summary);
	sm_free(summary);
	char *v = NULL;
	CHECK_INT("lookup list", alias_lookup("list", &v), 1);
	CHECK_STR("lookup value", v ? v : "", "a@x.org, b@x.org,  c@y.org");
	sm_free(v);
	CHECK_INT("lookup missing", alias_lookup("nosuch", &v), 0);

	expand("list", "list", "c@y.org b@x.org a@x.org", "owner-list");
	expand("nested", "nested", "/tmp/f[file] \"|/bin/prog arg\"[prog] d@z.org c@y.org b@x.org "
				   "a@x.org", NULL);
	expand("remote", "r@x.org", "r@x.org", NULL);
	expand("loop", "loop1", "loop1[5.4.6]", NULL);
	expand("self", "self", "self[5.1.1] s@x.org", NULL);
	expand("include", "inc", "i3@x.org i2@x.org i1@x.org", NULL);
	char *w2 = sm_asprintf("i@x.org :include:%s/nonex[5.2.4]", dir);
	expand("include missing", "incbad", w2, NULL);
	sm_free(w2);
	expand("duplicates", "dups", "c@y.org b@x.org a@x.org", NULL);
	expand("unknown", "nosuchuser12345", "nosuchuser12345[5.1.1]", NULL);
	char *want = sm_asprintf("\"|/bin/vacation %s\"[prog][fwd %s:%ld:%ld] f@x.org[fwd %s:%ld:%ld]",
				 user, user, (long)pw->pw_uid, (long)pw->pw_gid, user,
				 (long)pw->pw_uid, (long)pw->pw_gid);
	expand("forward", "me", want, NULL);
	sm_free(want);
	expand("primary include", ":include:/etc/passwd", ":include:/etc/passwd[5.7.1]", NULL);
	alias_close_all();
	/* alias_open_dbs opens the database (the SMTP session does so as
	 * root) without a lookup: the handle serves later lookups even once
	 * the file is out of reach (renamed away here) */
	alias_open_dbs();
	char *db = sm_asprintf("%s/aliases.db", dir);
	char *away = sm_asprintf("%s/aliases.db.away", dir);
	CHECK("rename the database away", rename(db, away) == 0);
	CHECK_INT("lookup through the opened database", alias_lookup("list", &v), 1);
	sm_free(v);
	(void)rename(away, db);
	sm_free(db);
	sm_free(away);
	alias_close_all();
	sm_free(fwdpath);
	sm_free(user);
}

void unit_run(void)
{
	map_classes_init();
	macro_define_operators();
	mailers_init_builtin();
	test_reader();
	test_src();
	test_expand();
	maps_close_all();
}
