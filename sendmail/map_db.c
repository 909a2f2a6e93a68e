/*
 * map_db.c: the database map classes hash, btree and dbm (GDBM files made
 * by our makemap), and "implicit", which tries them in turn.
 *
 * Keys are folded to lower case unless -f; with neither -N nor -O both the
 * key with and without a trailing NUL byte are tried, as sendmail does.
 */
#include <errno.h>
#include <string.h>

#include "err.h"
#include "map.h"
#include "mapdb.h"
#include "safefile.h"
#include "token.h"

struct dbmap {
	struct mapdb *db;
	char *path;
};

static bool db_parse(struct map *m, char *args)
{
	return map_parse_args(m, args);
}

static bool db_open_class(struct map *m, const char *cls, bool quiet)
{
	const char *suffix = mapdb_suffix(cls);
	char *path;
	size_t n = strlen(m->file);
	if (n >= 3 && strcmp(m->file + n - 3, ".db") == 0 && strcmp(suffix, ".db") == 0)
		path = sm_strdup(m->file);
	else
		path = sm_asprintf("%s%s", m->file, suffix);
	int e = safefile_check(path, SFF_REGONLY | SFF_MAPFILE | SFF_NOWWFILES, S_IRUSR, NULL);
	if (e != 0) {
		if (!quiet && !(m->flags & MF_OPTIONAL)) {
			if (e == ENOENT)
				syserr_errno(e, "%s map \"%s\": missing map file %s", cls, m->name, path);
			else
				syserr_errno(e, "%s map \"%s\": unsafe map file %s", cls, m->name, path);
		}
		sm_free(path);
		return false;
	}
	struct mapdb *db = mapdb_open_read(path, &e);
	if (db == NULL) {
		if (!quiet && !(m->flags & MF_OPTIONAL))
			syserr_errno(e, "%s map \"%s\": cannot open %s", cls, m->name, path);
		sm_free(path);
		return false;
	}
	struct dbmap *d = sm_calloc(1, sizeof *d);
	d->db = db;
	d->path = path;
	m->priv = d;
	return true;
}

static bool hash_open(struct map *m, int mode)
{
	(void)mode;
	return db_open_class(m, m->cls->name, false);
}

static bool implicit_open(struct map *m, int mode)
{
	(void)mode;
	if (db_open_class(m, "hash", true))
		return true;
	if (db_open_class(m, "dbm", true))
		return true;
	if (!(m->flags & MF_OPTIONAL) && !(m->flags & MF_ALIAS))
		syserr("implicit map \"%s\": cannot open %s", m->name, m->file);
	return false;
}

static char *db_lookup(struct map *m, const char *key, char **args, int *stat)
{
	struct dbmap *d = m->priv;
	char folded[MAXLINE + 1];
	map_fold_key(m, key, folded, sizeof folded - 1);
	size_t len = strlen(folded);
	char *val = NULL;
	size_t vlen = 0;
	int r = 0;
	if (m->flags & MF_TRY0NULL) {
		r = mapdb_fetch(d->db, folded, len, &val, &vlen);
		if (r > 0)
			m->flags &= ~MF_TRY1NULL;
	}
	if (r == 0 && (m->flags & MF_TRY1NULL)) {
		r = mapdb_fetch(d->db, folded, len + 1, &val, &vlen);
		if (r > 0) {
			m->flags &= ~MF_TRY0NULL;
			if (vlen > 0 && val[vlen - 1] == '\0')
				vlen--;
		}
	}
	if (r < 0) {
		*stat = EX_TEMPFAIL_;
		return NULL;
	}
	if (r == 0)
		return NULL; /* sendmail leaves the status at 0 for a missing key here */
	char *result;
	if (m->flags & MF_MATCHONLY)
		result = map_rewrite(m, key, strlen(key), NULL);
	else
		result = map_rewrite(m, val, vlen, args);
	sm_free(val);
	return result;
}

static void db_close(struct map *m)
{
	struct dbmap *d = m->priv;
	if (d == NULL)
		return;
	mapdb_close(d->db);
	sm_free(d->path);
	sm_free(d);
	m->priv = NULL;
}

const struct map_class HashMapClass = {
	"hash", MCF_ALIASOK | MCF_REBUILDABLE, db_parse, hash_open, db_lookup, NULL, db_close,
};
const struct map_class BtreeMapClass = {
	"btree", MCF_ALIASOK | MCF_REBUILDABLE, db_parse, hash_open, db_lookup, NULL, db_close,
};
const struct map_class DbmMapClass = {
	"dbm", MCF_ALIASOK | MCF_REBUILDABLE, db_parse, hash_open, db_lookup, NULL, db_close,
};
const struct map_class ImplicitMapClass = {
	"implicit", MCF_ALIASOK | MCF_ALIASONLY | MCF_REBUILDABLE, db_parse, implicit_open,
	db_lookup, NULL, db_close,
};
