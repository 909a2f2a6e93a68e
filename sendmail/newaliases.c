/*
 * newaliases.c: newaliases and sendmail -bi (see alias.h).
 *
 * Owns the rebuilding of alias databases: every hash, btree or implicit
 * entry of AliasFile is read from its source file (safe-file checks, the
 * line rules of aliasread.c), each left-hand side is parsed as an address
 * that must resolve to the local mailer, and "file.db" is written through
 * mapdb (a new file renamed into place, so readers never see half a
 * database).  Keys and values are stored with their trailing NUL as
 * sendmail stores them, plus the "@" -> "@" entry that tells readers the
 * database is complete.  Messages and the summary line are sendmail's.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "alias.h"
#include "err.h"
#include "mailer.h"
#include "mapdb.h"
#include "options.h"
#include "parseaddr.h"
#include "safefile.h"
#include "sm.h"

struct build_stats {
	long naliases;
	long longest;
	long bytes;
};

/* Checks the source file as sendmail does; 0 or an errno / E_SM_* code. */
static int check_source(const char *file, struct stat *st)
{
	int e = safefile_check(file, SFF_REGONLY, S_IRUSR, st);
	if (e != 0)
		return e;
	if ((st->st_mode & S_IWGRP) && !DontBlame[DBS_GROUPWRITABLEALIASFILE])
		return E_SM_GWFILE;
	if ((st->st_mode & S_IWOTH) && !DontBlame[DBS_WORLDWRITABLEALIASFILE])
		return E_SM_WWFILE;
	mode_t need = st->st_uid == geteuid() ? S_IRUSR
		      : st->st_gid == getegid() ? S_IRGRP : S_IROTH;
	if (!(st->st_mode & need))
		return EACCES;
	return 0;
}

/* One logical line "name: value"; stores it or reports why not. */
static void add_entry(struct mapdb *db, const char *fname, int lineno, char *line,
		      struct build_stats *bs, struct sm_arena *arena)
{
	struct address a;
	const char *p = NULL;
	err_set_cf_position(fname, lineno);
	if (parseaddr(line, &a, 0, ':', &p, true, arena) == NULL) {
		syserr("%s... illegal alias name", line);
		goto out;
	}
	if (p == NULL || *p != ':') {
		syserr("missing colon");
		goto out;
	}
	if (a.mailer == NULL || a.user == NULL || strcmp(a.mailer->name, "local") != 0) {
		syserr("%s... cannot alias non-local names", a.paddr ? a.paddr : line);
		goto out;
	}
	const char *rhs = p + 1;
	while (*rhs == ' ' || *rhs == '\t')
		rhs++;
	if (*rhs == '\0') {
		syserr("%s... missing value for alias", line);
		goto out;
	}
	const char *key = a.user;
	size_t klen = strlen(key), vlen = strlen(rhs);
	int r = mapdb_store(db, key, klen + 1, rhs, vlen + 1, false);
	if (r == 1) {
		message("%s... Warning: duplicate alias name %s", a.paddr ? a.paddr : key, key);
		r = mapdb_store(db, key, klen + 1, rhs, vlen + 1, true);
	}
	if (r < 0) {
		syserr_errno(errno, "newaliases: cannot store %s", key);
		goto out;
	}
	bs->naliases++;
	bs->bytes += (long)(klen + vlen);
	if ((long)vlen > bs->longest)
		bs->longest = (long)vlen;
out:
	err_set_cf_position(NULL, 0);
}

/* Rebuilds one alias database from its source file. */
static void rebuild(const struct alias_src *src)
{
	struct stat st;
	int e = check_source(src->file, &st);
	FILE *fp = NULL;
	if (e == 0 && (fp = fopen(src->file, "r")) == NULL)
		e = errno;
	if (e != 0) {
		message("newaliases: cannot open %s: %s", src->file, sm_errstring(e));
		return;
	}
	/* a second newaliases waits for this one */
	(void)flock(fileno(fp), LOCK_EX);
	char *dbpath = sm_asprintf("%s.db", src->file);
	struct mapdb *db = mapdb_create(dbpath, &e);
	if (db == NULL) {
		syserr_errno(e, "newaliases: cannot create %s", dbpath);
		sm_free(dbpath);
		(void)fclose(fp);
		return;
	}
	if (geteuid() == 0 && fchown(mapdb_fileno(db), st.st_uid, st.st_gid) < 0)
		syserr_errno(errno, "newaliases: cannot change owner of %s", dbpath);

	struct build_stats bs = { 0, 0, 0 };
	struct alias_reader *rd = sm_malloc(sizeof *rd);
	struct sm_arena arena;
	sm_arena_init(&arena, 4096);
	alias_reader_init(rd, fp, src->file);
	char *line;
	while ((line = alias_reader_next(rd)) != NULL) {
		add_entry(db, src->file, rd->lineno, line, &bs, &arena);
		sm_arena_reset(&arena);
	}
	bool readerr = ferror(fp) != 0;
	sm_arena_free(&arena);
	sm_free(rd);
	if (readerr) {
		syserr_errno(EIO, "newaliases: cannot read %s", src->file);
		mapdb_abort(db);
	} else if (mapdb_store(db, "@", 2, "@", 2, true) < 0) {
		syserr_errno(errno, "newaliases: cannot store @ in %s", dbpath);
		mapdb_abort(db);
	} else if ((e = mapdb_commit(db)) != 0) {
		syserr_errno(e, "newaliases: cannot write %s", dbpath);
	} else {
		message("%s: %ld aliases, longest %ld bytes, %ld bytes total", src->file,
			bs.naliases, bs.longest, bs.bytes);
	}
	sm_free(dbpath);
	(void)fclose(fp);
}

int newaliases_run(void)
{
	struct alias_src *srcs;
	size_t n = alias_src_parse(opt_value(OPT_AliasFile), &srcs);
	/* as sendmail does, interrupts do not stop a rebuild half way */
	struct sigaction ign, old_int, old_hup;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	(void)sigaction(SIGINT, &ign, &old_int);
	(void)sigaction(SIGHUP, &ign, &old_hup);
	for (size_t i = 0; i < n; i++) {
		if (alias_class_rebuildable(srcs[i].cls))
			rebuild(&srcs[i]);
		else if (!alias_class_known(srcs[i].cls))
			syserr("setalias: unknown alias class %s", srcs[i].cls);
	}
	(void)sigaction(SIGINT, &old_int, NULL);
	(void)sigaction(SIGHUP, &old_hup, NULL);
	alias_src_free(srcs, n);
	return ExitStat;
}
