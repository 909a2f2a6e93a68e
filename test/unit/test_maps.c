/*
 * test_maps.c: every map class.
 *
 * Maps are declared as K lines (map_declare) over files in the temporary
 * directory.  lookup() calls a class the way test mode's "/map name key"
 * does, so the values and statuses can be compared with what sendmail 8.17
 * prints there; value() goes through map_lookup_value() as rewriting does.
 * The socket map talks to servers forked by this program (a UNIX socket,
 * TCP on 127.0.0.1 and ::1).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "class.h"
#include "err.h"
#include "macro.h"
#include "map.h"
#include "mapdb.h"
#include "meta.h"
#include "options.h"
#include "rewrite.h"
#include "sm.h"
#include "switchfile.h"
#include "token.h"
#include "unit.h"

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

static char *Msgs; /* what the last declare/lookup printed */

/* Declares a map from a K line (printf format, without the "K"). */
static struct map *declare(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct map *declare(const char *fmt, ...)
{
	struct sm_buf b;
	sm_buf_init(&b);
	va_list ap;
	va_start(ap, fmt);
	sm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char name[64];
	size_t n = strcspn(b.data, " \t");
	sm_strlcpy(name, b.data, n + 1 < sizeof name ? n + 1 : sizeof name);
	unit_capture_begin();
	map_declare(b.data);
	sm_free(Msgs);
	Msgs = sm_strdup(unit_capture_end());
	sm_buf_free(&b);
	return map_find(name);
}

/*
 * Looks key up as test mode's /map does: NULL when the map cannot be
 * opened or has no value; *stat gets the status (-1 if not open).
 */
static char *lookup(const char *name, const char *key, int *stat)
{
	*stat = -1;
	unit_capture_begin();
	char *v = NULL;
	struct map *m = map_find(name);
	if (m != NULL && (m->flags & MF_VALID) && ((m->flags & MF_OPEN) || map_open(m))) {
		char *args[2] = {(char *)key, NULL};
		*stat = EX_OK_;
		if (m->flags & MF_OPENBOGUS) {
			*stat = EX_TEMPFAIL_;
		} else {
			char *r = m->cls->lookup(m, key, args, stat);
			if (r != NULL)
				v = sm_strdup(r);
		}
	}
	sm_free(Msgs);
	Msgs = sm_strdup(unit_capture_end());
	return v;
}

/* Checks a lookup's value (NULL: none) and status. */
static void look(const char *check, const char *name, const char *key, const char *want,
		 int wantstat)
{
	int stat;
	char *v = lookup(name, key, &stat);
	char label[200];
	snprintf(label, sizeof label, "%s", check);
	if (unit_check_str(label, v, want)) {
		snprintf(label, sizeof label, "%s.status", check);
		unit_check_int(label, stat, wantstat);
	}
	sm_free(v);
}

/* The rewriting path: map_lookup_value() with $@ arguments (NULL-terminated). */
static char *value(const char *name, int *stat, const char *key, ...)
{
	char *args[MAX_MAP_ARGS + 2];
	int n = 0;
	args[n++] = (char *)key;
	va_list ap;
	va_start(ap, key);
	const char *a;
	while (n < MAX_MAP_ARGS && (a = va_arg(ap, const char *)) != NULL)
		args[n++] = (char *)a;
	va_end(ap);
	args[n] = NULL;
	struct map *m = map_find(name);
	*stat = -1;
	if (m == NULL)
		return NULL;
	unit_capture_begin();
	char *v = map_lookup_value(m, key, args, stat);
	sm_free(Msgs);
	Msgs = sm_strdup(unit_capture_end());
	return v;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		return -1;
	int n = 0;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* ---------------------------------------------------------------- */

static void test_text(void)
{
	const char *kv = unit_write_file("kv", "alice:ALICE-%1-%0\nbob:bob.value\nMixed:mixedval\n"
					       "# comment:x\n:emptykey\nmulti:a:b\n");
	const char *ws = unit_write_file("ws", "alpha one two\nbeta  three\n  gamma four\n");
	declare("txt text -z: -v1 %s", kv);
	declare("txtk text -z: -k1 -v0 %s", kv);
	declare("txtws text %s", ws);
	declare("txtws1 text -v1 %s", ws);
	declare("txtm text -m -z: -v1 %s", kv);
	declare("txtf text -f -z: -v1 %s", kv);
	declare("txtmiss text %s", unit_path("nofile"));
	declare("txtopt text -o %s", unit_path("nofile"));

	look("text.found", "txt", "alice", "ALICE--alice", EX_OK_);
	look("text.folded", "txt", "ALICE", "ALICE--ALICE", EX_OK_);
	look("text.key_folded_in_file", "txt", "Mixed", "mixedval", EX_OK_);
	look("text.key_folded_in_file2", "txt", "mixed", "mixedval", EX_OK_);
	look("text.not_found", "txt", "nobody", NULL, EX_NOTFOUND);
	look("text.comment_line", "txt", "# comment", NULL, EX_NOTFOUND);
	look("text.value_column_only", "txt", "multi", "a", EX_OK_);
	look("text.key_column", "txtk", "ALICE-%1-%0", "alice", EX_OK_);
	look("text.key_column2", "txtk", "bob.value", "bob", EX_OK_);
	look("text.blank_columns", "txtws", "alpha", "alpha", EX_OK_);
	look("text.blank_columns_v1", "txtws1", "alpha", "one", EX_OK_);
	look("text.blank_columns_runs", "txtws1", "beta", "three", EX_OK_);
	look("text.match_only", "txtm", "ALICE", "ALICE", EX_OK_);
	look("text.nofold_exact", "txtf", "Mixed", "mixedval", EX_OK_);
	look("text.nofold_lower_key", "txtf", "alice", "ALICE--alice", EX_OK_);
	look("text.leading_blanks", "txtws", "gamma", "gamma", EX_OK_);
	look("text.leading_blanks_v1", "txtws1", "gamma", "gamma", EX_OK_);
	look("text.nofold_still_caseless", "txtf", "mixed", "mixedval", EX_OK_);
	look("text.missing_file", "txtmiss", "x", NULL, EX_TEMPFAIL_);
	CHECK_CONTAINS("text.missing_file_msg", Msgs,
		       "text map \"txtmiss\": unsafe map file ");
	look("text.optional_missing", "txtopt", "x", NULL, -1);

	int st;
	char *v = value("txt", &st, "alice", "A1", "A2", NULL);
	CHECK_STR("text.args", v, "ALICE-A1-alice");
	sm_free(v);
	v = value("txt", &st, "\"bob\"", NULL);
	CHECK_STR("text.quotes_stripped", v, "bob.value");
	sm_free(v);
	v = value("txt", &st, "nobody", NULL);
	CHECK("text.value_not_found", v == NULL && st == EX_NOTFOUND);

	/* edits are seen at once: the file is read for each lookup */
	unit_write_file("kv", "alice:changed\n");
	look("text.reread", "txt", "alice", "changed", EX_OK_);
}

static void make_db(const char *path, const char *const *pairs, bool nul)
{
	int err = 0;
	struct mapdb *db = mapdb_create(path, &err);
	if (!unit_check(db != NULL, "db.create", "%s: error %d", path, err))
		return;
	for (int i = 0; pairs[i] != NULL; i += 2)
		if (mapdb_store(db, pairs[i], strlen(pairs[i]) + (nul ? 1 : 0), pairs[i + 1],
				strlen(pairs[i + 1]) + (nul ? 1 : 0), true) != 0)
			unit_check(false, "db.store", "%s", pairs[i]);
	CHECK_INT("db.commit", mapdb_commit(db), 0);
}

static void test_db(void)
{
	static const char *const pairs[] = {"alice", "alice-db", "bob", "bob-db %1", "upper", "upper-db",
					    "with space", "spaced", NULL};
	static const char *const upper[] = {"UPPER", "upper-exact", NULL};
	char *p = sm_asprintf("%s/db.db", unit_tmpdir());
	make_db(p, pairs, false);
	sm_free(p);
	p = sm_asprintf("%s/dbf.db", unit_tmpdir());
	make_db(p, upper, false);
	sm_free(p);
	p = sm_asprintf("%s/dbnul.db", unit_tmpdir());
	make_db(p, pairs, true);
	sm_free(p);
	p = sm_asprintf("%s/dbm.pag", unit_tmpdir());
	make_db(p, pairs, false);
	sm_free(p);

	const char *dir = unit_tmpdir();
	declare("hash hash %s/db", dir);
	declare("hashdb hash %s/db.db", dir);
	declare("hashm hash -m %s/db", dir);
	declare("hasha hash -a.FOUND %s/db", dir);
	declare("hashf hash -f %s/dbf", dir);
	declare("hashnul hash %s/dbnul", dir);
	declare("hashN hash -N %s/dbnul", dir);
	declare("hashO hash -O %s/dbnul", dir);
	declare("btree btree %s/db", dir);
	declare("dbm dbm %s/dbm", dir);
	declare("impl implicit %s/db", dir);
	declare("impldbm implicit %s/dbm", dir);
	declare("hashmiss hash %s/missing", dir);
	declare("hashopt hash -o %s/missing", dir);
	struct map *nofile = declare("hashnofile hash");
	CHECK("db.no_file_invalid", nofile != NULL && !(nofile->flags & MF_VALID));
	CHECK_CONTAINS("db.no_file_msg", Msgs, "No file name for hash map hashnofile");

	look("db.hash_found", "hash", "alice", "alice-db", EX_OK_);
	look("db.hash_folded", "hash", "ALICE", "alice-db", EX_OK_);
	look("db.hash_percent_no_arg", "hash", "bob", "bob-db ", EX_OK_);
	look("db.hash_db_suffix", "hashdb", "alice", "alice-db", EX_OK_);
	look("db.hash_match_only", "hashm", "Alice", "Alice", EX_OK_);
	look("db.hash_append", "hasha", "bob", "bob-db .FOUND", EX_OK_);
	look("db.hash_nofold", "hashf", "UPPER", "upper-exact", EX_OK_);
	look("db.hash_blank_in_key", "hash", "with space", "spaced", EX_OK_);
	int st;
	char *v = lookup("hashf", "upper", &st);
	CHECK("db.hash_nofold_miss", v == NULL);
	sm_free(v);
	v = lookup("hash", "nobody", &st);
	CHECK("db.hash_not_found", v == NULL);
	sm_free(v);
	CHECK_INT("db.hash_not_found_status", st, EX_OK_);

	look("db.nul_keys_found", "hashnul", "alice", "alice-db", EX_OK_);
	look("db.nul_keys_N", "hashN", "alice", "alice-db", EX_OK_);
	v = lookup("hashO", "alice", &st);
	CHECK("db.nul_keys_O_misses", v == NULL);
	sm_free(v);
	look("db.btree", "btree", "alice", "alice-db", EX_OK_);
	look("db.dbm", "dbm", "upper", "upper-db", EX_OK_);
	look("db.implicit", "impl", "alice", "alice-db", EX_OK_);
	look("db.implicit_dbm", "impldbm", "bob", "bob-db ", EX_OK_);
	look("db.missing", "hashmiss", "x", NULL, EX_TEMPFAIL_);
	CHECK_CONTAINS("db.missing_msg", Msgs, "hash map \"hashmiss\": missing map file ");
	CHECK_CONTAINS("db.missing_msg_reason", Msgs, "missing.db: No such file or directory");
	look("db.optional_missing", "hashopt", "x", NULL, -1);

	v = value("hash", &st, "bob", "A1", NULL);
	CHECK_STR("db.args", v, "bob-db A1");
	sm_free(v);

	/* a file that is not a database */
	unit_write_file("garbage.db", "this is not a database\n");
	declare("garbage hash %s/garbage", dir);
	look("db.garbage", "garbage", "x", NULL, EX_TEMPFAIL_);
}

static void test_simple(void)
{
	int st;
	char *v;

	declare("null null");
	declare("nulla null -a.X");
	look("null.no_match", "null", "x", NULL, EX_NOTFOUND);
	look("null.append_no_match", "nulla", "x", NULL, EX_NOTFOUND);

	declare("dq dequote");
	look("dequote.quoted_blank", "dq", "\"quoted string\"", NULL, EX_OK_);
	look("dequote.quotes_removed", "dq", "a\"b\"c", "abc", EX_OK_);
	look("dequote.blank", "dq", "a b", NULL, EX_OK_);
	look("dequote.plain", "dq", "plain", NULL, EX_OK_); /* nothing to dequote */
	look("dequote.comment", "dq", "(comment)", NULL, EX_OK_);
	look("dequote.angles", "dq", "<x>", NULL, EX_OK_);

	declare("stabx stab");
	v = lookup("stabx", "x", &st);
	CHECK("stab.no_value", v == NULL);
	sm_free(v);

	/* macro: sets the macro named by the key to the first argument */
	declare("mac macro");
	v = value("mac", &st, "{unitmac}", "hello", NULL);
	CHECK_STR("macro.returns_empty", v, "");
	sm_free(v);
	const char *endp;
	int id = macro_scan_name("{unitmac}", &endp);
	CHECK_STR("macro.sets", macro_get(id), "hello");
	v = value("mac", &st, "{unitmac}", NULL);
	sm_free(v);
	CHECK("macro.clears", macro_get(id) == NULL);
	v = value("mac", &st, "Z", "zed", NULL);
	sm_free(v);
	CHECK_STR("macro.one_letter", macro_get('Z'), "zed");
	macro_define('Z', NULL);

	declare("arith arith");
	struct {
		const char *name, *op, *a, *b, *want;
	} ar[] = {
		{"arith.plus", "+", "4", "3", "7"},     {"arith.minus", "-", "4", "3", "1"},
		{"arith.times", "*", "4", "3", "12"},   {"arith.divide", "/", "7", "2", "3"},
		{"arith.modulo", "%", "4", "3", "1"},   {"arith.or", "|", "5", "2", "7"},
		{"arith.and", "&", "6", "3", "2"},      {"arith.less", "l", "3", "4", "TRUE"},
		{"arith.not_less", "l", "4", "3", "FALSE"}, {"arith.equal", "=", "3", "3", "TRUE"},
		{"arith.not_equal", "=", "3", "4", "FALSE"}, {"arith.negative", "+", "-1", "2", "1"},
		{"arith.random_fixed", "r", "1", "1", "1"},
	};
	for (unsigned i = 0; i < sizeof ar / sizeof ar[0]; i++) {
		v = value("arith", &st, ar[i].op, ar[i].a, ar[i].b, NULL);
		CHECK_STR(ar[i].name, v, ar[i].want);
		sm_free(v);
	}
	v = value("arith", &st, "/", "4", "0", NULL);
	CHECK("arith.divide_by_zero", v == NULL && st == EX_CONFIG_);
	sm_free(v);
	v = value("arith", &st, "%", "4", "0", NULL);
	CHECK("arith.modulo_by_zero", v == NULL && st == EX_CONFIG_);
	sm_free(v);
	v = value("arith", &st, "x", "4", "0", NULL);
	CHECK("arith.unknown_operator", v == NULL && st == EX_CONFIG_);
	sm_free(v);
	look("arith.no_arguments", "arith", "+ 1 2", NULL, EX_CONFIG_);
	v = value("arith", &st, "*", "3", "x", NULL);
	CHECK_STR("arith.atoi", v, "0");
	sm_free(v);
	v = value("arith", &st, "L", "3", "4", NULL);
	CHECK("arith.no_L", v == NULL);
	sm_free(v);

	declare("arpa arpa");
	look("arpa.ipv4", "arpa", "192.0.2.1", "1.2.0.192", EX_OK_);
	look("arpa.ipv6", "arpa", "IPv6:2001:db8::1",
	     "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2", EX_OK_);
	look("arpa.bogus", "arpa", "bogus", NULL, EX_DATAERR_);

	declare("sys syslog");
	look("syslog.returns_empty", "sys", "unit test message", "", EX_OK_);
	declare("sysl syslog -LERR");
	CHECK("syslog.level", map_find("sysl") != NULL && map_find("sysl")->syslog_level == 3);

	struct passwd *pw = getpwnam("root");
	if (pw != NULL) {
		char *dirv = sm_strdup(pw->pw_dir);
		declare("user user");
		declare("userdir user -vdir");
		declare("userm user -m");
		look("user.found", "user", "root", "root", EX_OK_);
		look("user.dir", "userdir", "root", dirv, EX_OK_);
		look("user.match_only", "userm", "root", "root", EX_OK_);
		look("user.unknown", "user", "nosuchuserxyz", NULL, EX_NOUSER_);
		look("user.folded", "userm", "ROOT", "root", EX_OK_);
		sm_free(dirv);
	}

	declare("prog program /bin/echo");
	declare("progargs program /bin/echo -n first");
	declare("progfail program /bin/false");
	look("program.first_line", "prog", "hello", "hello", EX_OK_);
	look("program.extra_args", "progargs", "x", "first x", EX_OK_);
	look("program.exit_status", "progfail", "hello", NULL, 1);
	struct map *rel = declare("progrel program echo");
	CHECK("program.relative_parsed", rel != NULL);
	look("program.relative", "progrel", "hello", NULL, EX_CONFIG_);
}

static void test_sequence_switch(void)
{
	const char *kv = unit_write_file("seqkv", "alice:from-text\n");
	declare("seqtxt text -z: -v1 %s", kv);
	declare("seq sequence seqtxt hash");
	declare("seqn sequence null null");
	declare("seqbad sequence nosuchmap seqtxt");
	CHECK_CONTAINS("sequence.unknown_member_msg", Msgs, "unknown member map nosuchmap");
	look("sequence.first", "seq", "alice", "from-text", EX_OK_);
	look("sequence.second", "seq", "bob", "bob-db ", EX_OK_);
	look("sequence.skips_unknown", "seqbad", "alice", "from-text", EX_OK_);
	int st;
	char *v = lookup("seq", "nobody", &st);
	CHECK("sequence.none", v == NULL);
	sm_free(v);
	look("sequence.not_found_status", "seqn", "x", NULL, EX_NOTFOUND);

	/* switch: members are "name.type" for each type the switch file lists */
	const char *sw = unit_write_file("switch", "aliases sw_a sw_b\nhosts files\n");
	option_set("ServiceSwitchFile", sw, true);
	switch_reset();
	declare("sw.sw_a text -z: -v1 %s", unit_write_file("swa", "x:from-a\n"));
	declare("sw.sw_b text -z: -v1 %s", unit_write_file("swb", "y:from-b\nx:b-x\n"));
	declare("sw switch aliases");
	declare("sw2 switch nosuchservice");
	look("switch.first_member", "sw", "x", "from-a", EX_OK_);
	look("switch.second_member", "sw", "y", "from-b", EX_OK_);
	v = lookup("sw", "z", &st);
	CHECK("switch.none", v == NULL);
	sm_free(v);
	const char *types[4];
	int n = switch_lookup("aliases", types, 4);
	CHECK("switch.file_read", n == 2 && strcmp(types[0], "sw_a") == 0 && strcmp(types[1], "sw_b") == 0);
	n = switch_lookup("passwd", types, 4);
	CHECK("switch.default_passwd", n == 1 && strcmp(types[0], "files") == 0);
	look("switch.not_found_status", "sw", "z", NULL, EX_NOTFOUND);
	look("switch.unknown_service", "sw2", "x", NULL, EX_TEMPFAIL_);
}

static void test_regex(void)
{
	declare("re regex ^a.*b$");
	declare("res regex -s1 ^(a+)(b+)$");
	declare("res2 regex -s ^(a+)(b+)$");
	declare("res3 regex -s2,1 -d+ ^(a+)(b+)$");
	declare("ren regex -n ^a");
	declare("rem regex -m ^x");
	declare("rea regex -a.YES ^y");
	declare("ref regex -f ^Cap");
	declare("reb regex -b ^a\\(b\\)*c$");
	struct map *bad = declare("rebad regex ^(unclosed");
	CHECK("regex.bad_pattern", bad != NULL && !(bad->flags & MF_VALID));
	CHECK_CONTAINS("regex.bad_pattern_msg", Msgs, "pattern-compile-error");
	bad = declare("rebad2 regex -s5 ^(a)$");
	CHECK("regex.bad_field", bad != NULL && !(bad->flags & MF_VALID));

	look("regex.match", "re", "axxb", "", EX_OK_);
	look("regex.caseless", "re", "AXXB", "", EX_OK_);
	int st;
	char *v = lookup("re", "axx", &st);
	CHECK("regex.no_match", v == NULL && st == EX_OK_);
	sm_free(v);
	look("regex.subfield", "res", "aabbb", "aa", EX_OK_);
	char all[] = {'a', 'a', 'b', 'b', 'b', (char)META_CONDELSE, 'a', 'a', (char)META_CONDELSE,
		      'b', 'b', 'b', '\0'};
	look("regex.all_fields", "res2", "aabbb", all, EX_OK_);
	look("regex.fields_delim", "res3", "aabbb", "bbb+aa", EX_OK_);
	look("regex.negate_match", "ren", "bcd", "", EX_OK_);
	v = lookup("ren", "abc", &st);
	CHECK("regex.negate_no_match", v == NULL);
	sm_free(v);
	look("regex.match_only", "rem", "xyz", "xyz", EX_OK_);
	look("regex.append", "rea", "yes", ".YES", EX_OK_);
	look("regex.case_sensitive", "ref", "Capital", "", EX_OK_);
	v = lookup("ref", "capital", &st);
	CHECK("regex.case_sensitive_miss", v == NULL);
	sm_free(v);
	look("regex.basic", "reb", "abbbc", "", EX_OK_);
	v = lookup("reb", "abd", &st);
	CHECK("regex.basic_miss", v == NULL);
	sm_free(v);
}

static void test_host(void)
{
	/* only what works without a network: names from the hosts file */
	declare("host host -a.");
	int st;
	char *v = lookup("host", "localhost", &st);
	CHECK("host.localhost", (v != NULL && strncmp(v, "localhost", 9) == 0 && st == EX_OK_) ||
					(v == NULL && st == EX_TEMPFAIL_));
	sm_free(v);
	struct map *h = map_find("host");
	CHECK("host.defer", h != NULL && (h->flags & MF_DEFER));
	declare("mx bestmx");
	v = lookup("mx", "localhost", &st);
	CHECK("bestmx.answers", st == EX_OK_ || st == EX_NOTFOUND || st == EX_TEMPFAIL_ ||
					st == EX_NOHOST_);
	sm_free(v);
	declare("dnsmap dns -RA");
	v = lookup("dnsmap", "localhost", &st);
	CHECK("dns.answers", st == EX_OK_ || st == EX_NOTFOUND || st == EX_TEMPFAIL_);
	sm_free(v);
}

struct foreach_state {
	int count, null_pos, arpa_pos;
};

static void foreach_fn(struct map *m, void *arg)
{
	struct foreach_state *fs = arg;
	fs->count++;
	if (strcmp(m->name, "null") == 0)
		fs->null_pos = fs->count;
	if (strcmp(m->name, "arpa") == 0)
		fs->arpa_pos = fs->count;
}

static void test_generic(void)
{
	int st;
	/* flags parsed for every class */
	struct map *m = declare("gen null -o -N -O -m -f -A -q -t -D -T<TMP> -a.app -S+ -k3 -v4 -z: -d5 -r2 -1 -2");
	CHECK("generic.parsed", m != NULL && (m->flags & MF_VALID));
	if (m != NULL) {
		CHECK("generic.flags",
		      (m->flags & (MF_OPTIONAL | MF_INCLNULL | MF_MATCHONLY | MF_NOFOLDCASE | MF_APPEND |
				   MF_KEEPQUOTES | MF_NODEFER | MF_DEFER | MF_SINGLEMATCH |
				   MF_SINGLEDN)) ==
			      (MF_OPTIONAL | MF_INCLNULL | MF_MATCHONLY | MF_NOFOLDCASE | MF_APPEND |
			       MF_KEEPQUOTES | MF_NODEFER | MF_DEFER | MF_SINGLEMATCH | MF_SINGLEDN));
		CHECK("generic.N_O", !(m->flags & MF_TRY0NULL) && !(m->flags & MF_TRY1NULL));
		CHECK_STR("generic.tapp", m->tapp, "<TMP>");
		CHECK_STR("generic.app", m->app, ".app");
		CHECK_INT("generic.spacesub", m->spacesub, '+');
		CHECK_STR("generic.keycol", m->keycol, "3");
		CHECK_STR("generic.valcol", m->valcol, "4");
		CHECK_INT("generic.coldelim", m->coldelim_char, ':');
		CHECK_INT("generic.timeout", m->timeout, 5);
		CHECK_INT("generic.retry", m->retry, 2);
	}
	m = declare("gen2 null -z\\t");
	CHECK("generic.coldelim_tab", m != NULL && m->coldelim_char == '\t');
	/*
	 * sendmail 8.17 takes the column of -k and -v also after a blank
	 * ("Ktk text -z: -k 1 -v 0 file" works there).
	 */
	m = declare("genk null -k 3 -v 4 -m");
	CHECK("generic.k_blank", m != NULL && m->keycol != NULL && strcmp(m->keycol, "3") == 0 &&
					 m->valcol != NULL && strcmp(m->valcol, "4") == 0 &&
					 (m->flags & MF_MATCHONLY) && m->file == NULL);
	m = declare("gen3 null -y");
	CHECK_CONTAINS("generic.illegal_option", Msgs, "Illegal option y map gen3");
	declare("badclass nosuchclass x");
	CHECK_CONTAINS("generic.unknown_class", Msgs, "class nosuchclass not available");
	CHECK("generic.unknown_class_no_map", map_find("badclass") == NULL);

	/* a redefinition replaces the map */
	declare("redef null");
	declare("redef arpa");
	m = map_find("redef");
	CHECK("generic.redefine", m != NULL && strcmp(m->cls->name, "arpa") == 0);

	/* -S joins the key's words; the value keeps its blanks */
	const char *f = unit_write_file("spaced", "k:a b c\n");
	declare("sp text -z: -v1 -S_ %s", f);
	char *v = value("sp", &st, "k", NULL);
	CHECK_STR("generic.spacesub_value", v, "a b c");
	sm_free(v);

	/* -D maps answer tempfail while delivery is deferred */
	declare("defer text -D -z: -v1 %s", f);
	RewriteDeferMode = true;
	v = value("defer", &st, "k", NULL);
	RewriteDeferMode = false;
	CHECK("generic.defer_tempfail", v == NULL && st == EX_TEMPFAIL_);
	sm_free(v);

	/* %n substitution and -a */
	struct map pm;
	memset(&pm, 0, sizeof pm);
	char *args[] = {"key", "one", "two", NULL};
	CHECK_STR("generic.rewrite_args", map_rewrite(&pm, "%0-%1-%2-%3-%%-%x", 18, args),
		  "key-one-two--%-%x");
	CHECK_STR("generic.rewrite_trailing_percent", map_rewrite(&pm, "a%", 2, args), "a%");
	CHECK_STR("generic.rewrite_no_args", map_rewrite(&pm, "a%1", 3, NULL), "a%1");
	pm.app = ".tail";
	CHECK_STR("generic.rewrite_app", map_rewrite(&pm, "v", 1, NULL), "v.tail");
	CHECK_STR("generic.rewrite_len", map_rewrite(&pm, "value", 2, NULL), "va.tail");

	/* iteration in declaration order */
	struct foreach_state fs = {0, 0, 0};
	map_foreach(foreach_fn, &fs);
	CHECK("generic.foreach", fs.count > 10 && fs.null_pos > 0 && fs.arpa_pos > fs.null_pos);
}

/* ------------------------------ socket maps ------------------------------ */

struct server {
	pid_t pid;
	int fd;
};

static bool srv_read_request(int fd, char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	char c;
	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r <= 0)
			return false;
		if (c == ':')
			break;
		if (c < '0' || c > '9' || n > 8)
			return false;
		n = n * 10 + (size_t)(c - '0');
	}
	if (n >= size)
		return false;
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	buf[n] = '\0';
	if (read(fd, &c, 1) != 1 || c != ',')
		return false;
	*len = n;
	return true;
}

static void srv_raw(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w <= 0)
			_exit(0);
		s += w;
		n -= (size_t)w;
	}
}

static void srv_send(int fd, const char *s, size_t n)
{
	char head[32];
	int h = snprintf(head, sizeof head, "%zu:", n);
	srv_raw(fd, head, (size_t)h);
	srv_raw(fd, s, n);
	srv_raw(fd, ",", 1);
}

static void srv_sends(int fd, const char *s)
{
	srv_send(fd, s, strlen(s));
}

static void pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Serves one connection: the key decides the answer. */
static void srv_conn(int fd, int connid)
{
	static char req[4096];
	char out[8192];
	size_t len;
	while (srv_read_request(fd, req, sizeof req, &len)) {
		const char *sp = memchr(req, ' ', len);
		const char *key = sp ? sp + 1 : "";
		if (strcmp(key, "connid") == 0) {
			snprintf(out, sizeof out, "OK %d", connid);
			srv_sends(fd, out);
		} else if (strncmp(key, "echo", 4) == 0 || strncmp(key, "ECHO", 4) == 0 ||
			   strncmp(key, "Echo", 4) == 0) {
			snprintf(out, sizeof out, "OK %s", req);
			srv_sends(fd, out);
		} else if (strcmp(key, "nf") == 0) {
			srv_sends(fd, "NOTFOUND");
		} else if (strcmp(key, "nfmsg") == 0) {
			srv_sends(fd, "NOTFOUND no such key");
		} else if (strcmp(key, "temp") == 0) {
			srv_sends(fd, "TEMP try later");
		} else if (strcmp(key, "temponly") == 0) {
			srv_sends(fd, "TEMP");
		} else if (strcmp(key, "timeout") == 0) {
			srv_sends(fd, "TIMEOUT slow backend");
		} else if (strcmp(key, "perm") == 0) {
			srv_sends(fd, "PERM go away");
		} else if (strcmp(key, "bogus") == 0) {
			srv_sends(fd, "FOO bar");
		} else if (strcmp(key, "lowerok") == 0) {
			srv_sends(fd, "ok lower");
		} else if (strcmp(key, "okx") == 0) {
			srv_sends(fd, "OKx");
		} else if (strcmp(key, "tab") == 0) {
			srv_sends(fd, "OK\tx");
		} else if (strcmp(key, "okbare") == 0) {
			srv_sends(fd, "OK");
		} else if (strcmp(key, "okspace") == 0) {
			srv_sends(fd, "OK ");
		} else if (strcmp(key, "empty") == 0) {
			srv_raw(fd, "0:,", 3);
		} else if (strcmp(key, "pct") == 0) {
			srv_sends(fd, "OK a%1b%0c");
		} else if (strcmp(key, "blanks") == 0) {
			srv_sends(fd, "OK two words");
		} else if (strcmp(key, "nul") == 0) {
			srv_send(fd, "OK a\0b", 6);
		} else if (strcmp(key, "bad") == 0) {
			srv_raw(fd, "xyz", 3);
		} else if (strcmp(key, "nocolon") == 0) {
			srv_raw(fd, "12x", 3);
		} else if (strcmp(key, "nocomma") == 0) {
			srv_raw(fd, "4:OK a;", 7);
		} else if (strcmp(key, "huge") == 0) {
			srv_raw(fd, "99999999:OK ", 12);
		} else if (strcmp(key, "toolong") == 0) {
			srv_raw(fd, "123456789012345678901234567890:", 31);
		} else if (strcmp(key, "neg") == 0) {
			srv_raw(fd, "-5:OK ab,", 9);
		} else if (strcmp(key, "lead") == 0) {
			srv_raw(fd, " 5:OK ab,", 9);
		} else if (strcmp(key, "long") == 0) {
			srv_raw(fd, "5:OK abcdef,", 12);
		} else if (strcmp(key, "short") == 0) {
			srv_raw(fd, "7:OK", 4);
			close(fd);
			_exit(0);
		} else if (strcmp(key, "over") == 0) {
			srv_raw(fd, "1000001:OK ", 11);
			close(fd);
			_exit(0);
		} else if (strcmp(key, "max") == 0 || strcmp(key, "overbody") == 0) {
			size_t total = strcmp(key, "max") == 0 ? 1000000 : 1000001;
			char *big = malloc(total);
			if (big == NULL)
				_exit(1);
			memcpy(big, "OK ", 3);
			memset(big + 3, 'z', total - 3);
			srv_send(fd, big, total);
			free(big);
		} else if (strcmp(key, "split") == 0) {
			srv_raw(fd, "1", 1);
			pause_ms(30);
			srv_raw(fd, "1:OK s", 6);
			pause_ms(30);
			srv_raw(fd, "plitxyz", 7);
			pause_ms(30);
			srv_raw(fd, ",", 1);
		} else if (strcmp(key, "extra") == 0) {
			srv_raw(fd, "4:OK x,junk", 11);
		} else if (strcmp(key, "close") == 0) {
			close(fd);
			_exit(0);
		} else if (strcmp(key, "okclose") == 0) {
			srv_sends(fd, "OK closing");
			close(fd);
			_exit(0);
		} else if (strcmp(key, "sleep") == 0) {
			pause_ms(2500);
			srv_sends(fd, "OK late");
		} else {
			snprintf(out, sizeof out, "OK value-of-%s", key);
			srv_sends(fd, out);
		}
	}
	close(fd);
	_exit(0);
}

/* Forks a server accepting on lfd: one child per connection. */
static pid_t start_server(int lfd)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	(void)setpgid(0, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);
	int connid = 0;
	for (;;) {
		int c = accept(lfd, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			_exit(1);
		}
		connid++;
		pid_t k = fork();
		if (k == 0) {
			close(lfd);
			srv_conn(c, connid);
		}
		close(c);
	}
}

static void stop_server(struct server *s)
{
	if (s->pid > 0) {
		/* the server and its connection children form one process group */
		(void)kill(-s->pid, SIGKILL);
		(void)kill(s->pid, SIGKILL);
		(void)waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}

static bool listen_unix(struct server *s, const char *path)
{
	s->pid = 0;
	s->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s->fd < 0)
		return false;
	struct sockaddr_un un;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	sm_strlcpy(un.sun_path, path, sizeof un.sun_path);
	unlink(path);
	if (bind(s->fd, (struct sockaddr *)&un, sizeof un) != 0 || listen(s->fd, 16) != 0)
		return false;
	s->pid = start_server(s->fd);
	return s->pid > 0;
}

static int listen_inet(struct server *s, int family)
{
	s->pid = 0;
	s->fd = socket(family, SOCK_STREAM, 0);
	if (s->fd < 0)
		return -1;
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof *sin6;
	}
	if (bind(s->fd, (struct sockaddr *)&ss, len) != 0 || listen(s->fd, 16) != 0 ||
	    getsockname(s->fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	int port = family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
				     : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	s->pid = start_server(s->fd);
	return s->pid > 0 ? port : -1;
}

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_socket(void)
{
	int st;
	char *v;
	maps_close_all();
	int fds_before = count_fds();
	struct server su = {0, -1}, s4 = {0, -1}, s6 = {0, -1};
	const char *sock = unit_path("sock");
	if (!unit_check(listen_unix(&su, sock), "socket.server_unix", "cannot listen on %s", sock))
		return;

	declare("so socket unix:%s", sock);
	declare("so2 socket -T<TMPF> unix:%s", sock);
	declare("solocal socket local:%s", sock);
	declare("sobare socket %s", sock);
	declare("som socket -m unix:%s", sock);
	declare("sof socket -f unix:%s", sock);
	declare("soa socket -a.APP unix:%s", sock);
	declare("soshort socket -d1 unix:%s/./sock", unit_tmpdir());
	declare("sosharedd1 socket -d1 unix:%s", sock);
	declare("SoUpper socket unix:%s", sock);

	/* the request and the reply statuses */
	look("socket.request_format", "so", "echo key", "so echo key", EX_OK_);
	look("socket.key_folded", "so", "ECHO Key", "so echo key", EX_OK_);
	look("socket.nofold", "sof", "Echo Key", "sof Echo Key", EX_OK_);
	look("socket.map_name_as_declared", "SoUpper", "echo", "SoUpper echo", EX_OK_);
	look("socket.ok", "so", "abc", "value-of-abc", EX_OK_);
	look("socket.notfound", "so", "nf", NULL, EX_NOTFOUND);
	look("socket.notfound_text", "so", "nfmsg", NULL, EX_NOTFOUND);
	look("socket.temp", "so", "temp", NULL, EX_TEMPFAIL_);
	look("socket.temp_bare", "so", "temponly", NULL, EX_TEMPFAIL_);
	look("socket.timeout_status", "so", "timeout", NULL, EX_TEMPFAIL_);
	look("socket.perm", "so", "perm", NULL, EX_UNAVAILABLE_);
	look("socket.unknown_status", "so", "bogus", NULL, EX_PROTOCOL_);
	look("socket.status_case", "so", "lowerok", NULL, EX_PROTOCOL_);
	look("socket.status_needs_blank", "so", "okx", NULL, EX_PROTOCOL_);
	look("socket.status_tab", "so", "tab", NULL, EX_PROTOCOL_);
	look("socket.empty_reply", "so", "empty", NULL, EX_PROTOCOL_);
	look("socket.ok_no_value", "so", "okbare", "", EX_OK_);
	look("socket.ok_empty_value", "so", "okspace", "", EX_OK_);
	look("socket.ok_blanks", "so", "blanks", "two words", EX_OK_);
	look("socket.ok_nul", "so", "nul", "a", EX_OK_);
	look("socket.percent_no_args", "so", "pct", "abpctc", EX_OK_);
	look("socket.match_only", "som", "ABC", "abc", EX_OK_);
	look("socket.append", "soa", "x", "value-of-x.APP", EX_OK_);
	look("socket.split_reply", "so", "split", "splitxyz", EX_OK_);
	look("socket.leading_blank", "so", "lead", "ab", EX_OK_);
	look("socket.local_prefix", "solocal", "x", "value-of-x", EX_OK_);
	look("socket.bare_path", "sobare", "x", "value-of-x", EX_OK_);
	CHECK_STR("socket.no_messages", Msgs, "");

	v = value("so", &st, "pct", "ARG", NULL);
	CHECK_STR("socket.percent_args", v, "aARGbpctc");
	sm_free(v);
	v = value("so", &st, "\"quoted\"", NULL);
	CHECK_STR("socket.value_quotes_stripped", v, "value-of-quoted");
	sm_free(v);

	/* one connection per endpoint text */
	char *c1 = lookup("so", "connid", &st);
	char *c2 = lookup("so2", "connid", &st);
	char *c3 = lookup("sof", "connid", &st);
	char *c4 = lookup("solocal", "connid", &st);
	CHECK("socket.shared", c1 != NULL && c2 != NULL && strcmp(c1, c2) == 0);
	CHECK("socket.shared_flags_differ", c1 != NULL && c3 != NULL && strcmp(c1, c3) == 0);
	CHECK("socket.other_text_other_conn", c1 != NULL && c4 != NULL && strcmp(c1, c4) != 0);
	sm_free(c2);
	sm_free(c3);
	sm_free(c4);

	/* malformed replies: tempfail, a message, and a new connection after */
	struct {
		const char *name, *key, *msg;
	} bad[] = {
		{"socket.bad_length", "bad", "socket_map_lookup(so): failed to read length parameter of reply 0"},
		{"socket.missing_colon", "nocolon", "socket_map_lookup(so): missing ':' in reply"},
		{"socket.missing_comma", "nocomma", "socket_map_lookup(so): missing ',' in reply"},
		{"socket.too_long", "huge", "socket_map_lookup(so): reply too long: 99999999"},
		{"socket.length_overflow", "toolong", "socket_map_lookup(so): reply too long"},
		{"socket.negative_length", "neg", "socket_map_lookup(so): reply too long: 4294967291"},
		{"socket.body_longer", "long", "socket_map_lookup(so): missing ',' in reply"},
		{"socket.cut_short", "short", "socket_map_lookup(so): received only 2 of 7 reply characters"},
		{"socket.over_max", "over", "socket_map_lookup(so): reply too long: 1000001"},
		{"socket.over_max_body", "overbody", "socket_map_lookup(so): reply too long: 1000001"},
	};
	char *prev = c1;
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char label[128];
		look(bad[i].name, "so", bad[i].key, NULL, EX_TEMPFAIL_);
		snprintf(label, sizeof label, "%s.msg", bad[i].name);
		CHECK_CONTAINS(label, Msgs, bad[i].msg);
		char *c = lookup("so", "connid", &st);
		snprintf(label, sizeof label, "%s.reconnects", bad[i].name);
		CHECK(label, c != NULL && prev != NULL && strcmp(c, prev) != 0);
		sm_free(prev);
		prev = c;
	}

	/* the largest reply accepted */
	v = lookup("so", "max", &st);
	CHECK("socket.max_reply", v != NULL && strlen(v) == 1000000 - 3 && st == EX_OK_);
	sm_free(v);

	/* bytes after a reply: the connection is out of step, use a new one */
	look("socket.extra_bytes_reply", "so", "extra", "x", EX_OK_);
	char *c = lookup("so", "connid", &st);
	CHECK("socket.extra_bytes_reconnect", c != NULL && prev != NULL && strcmp(c, prev) != 0);
	sm_free(prev);
	prev = c;

	/* the server closed the idle connection: sent again on a new one */
	look("socket.peer_closed_reply", "so", "okclose", "closing", EX_OK_);
	look("socket.peer_closed_retry", "so", "abc", "value-of-abc", EX_OK_);
	CHECK_STR("socket.peer_closed_silent", Msgs, "");
	c = lookup("so", "connid", &st);
	CHECK("socket.peer_closed_new_conn", c != NULL && prev != NULL && strcmp(c, prev) != 0);
	sm_free(prev);
	prev = c;
	/* a server that closes on the request itself: one retry, then tempfail */
	look("socket.close_on_request", "so", "close", NULL, EX_TEMPFAIL_);
	look("socket.after_close", "so", "abc", "value-of-abc", EX_OK_);

	/* timeouts */
	long long t0 = ms_now();
	look("socket.read_timeout", "soshort", "sleep", NULL, EX_TEMPFAIL_);
	long long dt = ms_now() - t0;
	CHECK("socket.read_timeout_time", dt >= 900 && dt < 2400);
	CHECK_CONTAINS("socket.read_timeout_msg", Msgs,
		       "socket_map_lookup(soshort): read timeout: Resource temporarily unavailable");
	look("socket.after_timeout", "so", "abc", "value-of-abc", EX_OK_);
	/* a map sharing a connection uses the timeout of the map that opened it */
	t0 = ms_now();
	look("socket.shared_timeout_from_opener", "sosharedd1", "sleep", "late", EX_OK_);
	dt = ms_now() - t0;
	CHECK("socket.shared_timeout_waited", dt >= 2000);
	struct map *m = map_find("so");
	CHECK_INT("socket.default_timeout_unset", m != NULL ? m->timeout : -1, 0);
	m = declare("sounits socket -d2m unix:%s", sock);
	CHECK_INT("socket.timeout_units", m != NULL ? m->timeout : -1, 120);
	m = declare("sounits2 socket -d1h30s -o unix:%s", sock);
	CHECK_INT("socket.timeout_groups", m != NULL ? m->timeout : -1, 3630);
	m = declare("sokv socket -k x -d7 -v y unix:%s", sock);
	CHECK_INT("socket.timeout_after_k", m != NULL ? m->timeout : -1, 7);

	/* a child process does not share its parent's connection */
	char *before = lookup("so", "connid", &st);
	int pfd[2];
	if (pipe(pfd) == 0) {
		fflush(stdout);
		pid_t kid = fork();
		if (kid == 0) {
			close(pfd[0]);
			int kst;
			char *kv = lookup("so", "connid", &kst);
			if (kv != NULL && write(pfd[1], kv, strlen(kv)) < 0)
				_exit(1);
			_exit(0);
		}
		close(pfd[1]);
		char kbuf[32] = "";
		ssize_t r = read(pfd[0], kbuf, sizeof kbuf - 1);
		kbuf[r > 0 ? r : 0] = '\0';
		close(pfd[0]);
		(void)waitpid(kid, NULL, 0);
		char *after = lookup("so", "connid", &st);
		CHECK("socket.child_own_connection", before != NULL && strcmp(kbuf, before) != 0);
		CHECK("socket.parent_keeps_connection", before != NULL && after != NULL &&
								 strcmp(before, after) == 0);
		sm_free(after);
	}
	sm_free(before);

	/* close and open again */
	maps_close_all();
	look("socket.reopen", "so", "abc", "value-of-abc", EX_OK_);

	/* TCP */
	int port = listen_inet(&s4, AF_INET);
	if (unit_check(port > 0, "socket.server_inet", "cannot listen on 127.0.0.1")) {
		declare("soinet socket inet:%d@127.0.0.1", port);
		declare("soinetname socket INET:%d@localhost", port);
		declare("soinetbr socket inet:%d@[127.0.0.1]", port);
		look("socket.inet", "soinet", "echo", "soinet echo", EX_OK_);
		look("socket.inet_name", "soinetname", "abc", "value-of-abc", EX_OK_);
		look("socket.inet_bracket", "soinetbr", "abc", "value-of-abc", EX_OK_);
		declare("soinet6v4 socket inet6:%d@127.0.0.1", port);
		look("socket.inet6_v4_address", "soinet6v4", "abc", NULL, EX_TEMPFAIL_);
		CHECK_CONTAINS("socket.inet6_v4_address_msg", Msgs,
			       "socket map \"soinet6v4\": Unknown host name 127.0.0.1");
	}
	port = listen_inet(&s6, AF_INET6);
	if (port > 0) {
		declare("soinet6 socket inet6:%d@::1", port);
		look("socket.inet6", "soinet6", "echo", "soinet6 echo", EX_OK_);
	}

	/* endpoints that cannot work */
	m = declare("sonofile socket");
	CHECK("socket.no_endpoint", m != NULL && !(m->flags & MF_VALID));
	CHECK_CONTAINS("socket.no_endpoint_msg", Msgs, "No file name for socket map sonofile");
	declare("sotype socket foo:bar");
	look("socket.unknown_type", "sotype", "x", NULL, EX_TEMPFAIL_);
	CHECK_CONTAINS("socket.unknown_type_msg", Msgs,
		       "socket map \"sotype\": unknown socket type foo: Protocol not supported");
	declare("sonoat socket inet:1234");
	look("socket.no_host", "sonoat", "x", NULL, EX_TEMPFAIL_);
	CHECK_CONTAINS("socket.no_host_msg", Msgs,
		       "socket map \"sonoat\": bad address 1234 (expected port@host)");
	declare("soport socket inet:nosuchservicexyz@127.0.0.1");
	look("socket.unknown_port", "soport", "x", NULL, EX_TEMPFAIL_);
	CHECK_CONTAINS("socket.unknown_port_msg", Msgs,
		       "socket map \"soport\": unknown port name nosuchservicexyz");
	declare("soport2 socket inet:@127.0.0.1");
	look("socket.empty_port", "soport2", "x", NULL, EX_TEMPFAIL_);
	CHECK_CONTAINS("socket.empty_port_msg", Msgs, "unknown port name ");
	declare("sohost socket inet:1234@no.such.host.invalid");
	look("socket.unknown_host", "sohost", "x", NULL, EX_TEMPFAIL_);
	CHECK_CONTAINS("socket.unknown_host_msg", Msgs,
		       "socket map \"sohost\": Unknown host name no.such.host.invalid");
	declare("somiss socket unix:%s", unit_path("nosock"));
	look("socket.missing_socket", "somiss", "x", NULL, EX_TEMPFAIL_);
	CHECK_CONTAINS("socket.missing_socket_msg", Msgs, "socket map \"somiss\": local socket name ");
	CHECK_CONTAINS("socket.missing_socket_reason", Msgs, "unsafe: No such file or directory");
	declare("somissopt socket -o unix:%s", unit_path("nosock"));
	look("socket.missing_optional", "somissopt", "x", NULL, -1);
	/* a socket file nobody listens on: tempfail, nothing printed */
	struct server dead = {0, -1};
	const char *deadpath = unit_path("deadsock");
	dead.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un un;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	sm_strlcpy(un.sun_path, deadpath, sizeof un.sun_path);
	CHECK("socket.dead_bind", dead.fd >= 0 && bind(dead.fd, (struct sockaddr *)&un, sizeof un) == 0);
	close(dead.fd);
	declare("sodead socket unix:%s", deadpath);
	look("socket.refused", "sodead", "x", NULL, EX_TEMPFAIL_);
	CHECK_STR("socket.refused_silent", Msgs, "");
	char longpath[200];
	memset(longpath, 'p', sizeof longpath - 1);
	longpath[0] = '/';
	longpath[sizeof longpath - 1] = '\0';
	declare("solong socket unix:%s", longpath);
	look("socket.path_too_long", "solong", "x", NULL, EX_TEMPFAIL_);

	/* the server went away: lookups fail until it is back */
	stop_server(&su);
	unlink(sock);
	look("socket.server_gone", "so", "abc", NULL, EX_TEMPFAIL_);
	CHECK("socket.server_restart", listen_unix(&su, sock));
	look("socket.server_back", "so", "abc", "value-of-abc", EX_OK_);

	sm_free(prev);
	maps_close_all();
	stop_server(&su);
	stop_server(&s4);
	stop_server(&s6);
	CHECK_INT("socket.no_fd_leak", count_fds(), fds_before);
}

/*
 * The first map_rewrite() of a process with an empty value, run in a child
 * forked before anything else called map_rewrite().
 *
 */
static void test_first_rewrite(void)
{
	int pfd[2];
	if (pipe(pfd) != 0)
		return;
	fflush(stdout);
	pid_t kid = fork();
	if (kid == 0) {
		close(pfd[0]);
		struct map *m = declare("refirst regex ^a");
		int st;
		char *v = m != NULL ? lookup("refirst", "abc", &st) : NULL;
		if (v != NULL && write(pfd[1], v, strlen(v)) < 0)
			_exit(1);
		_exit(v != NULL ? 0 : 1);
	}
	close(pfd[1]);
	char buf[256];
	ssize_t r = read(pfd[0], buf, sizeof buf - 1);
	buf[r > 0 ? r : 0] = '\0';
	close(pfd[0]);
	int status = 0;
	(void)waitpid(kid, &status, 0);
	CHECK("regex.first_lookup_runs", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_STR("regex.first_lookup_empty", buf, "");
}

void unit_run(void)
{
	map_classes_init();
	option_set("DontBlameSendmail", "TrustStickyBit", true);
	test_first_rewrite();
	test_text();
	test_db();
	test_simple();
	test_sequence_switch();
	test_regex();
	test_host();
	test_generic();
	test_socket();
	sm_free(Msgs);
	maps_free_all();
	class_free_all();
	options_free();
	macro_set_free(&GlobalMacros);
}
