/*
 * mapfile.c: makemap's map file: opening it for writing (fresh, or from
 * the old contents with -o), putting the new map in place with the old
 * file's owner and mode, and dumping a map (-u).
 *
 * A map is normally written to a new file beside the old one and renamed
 * over it (mapdb_create), so readers never see half a map.  A linked file
 * (a symbolic link or a file with other hard links, accepted with -s) is
 * rewritten in place instead, so the link keeps pointing at the map, as
 * sendmail's makemap does; so is a file whose directory does not let us
 * make a new file beside it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "makemap.h"
#include "mapdb.h"
#include "sm.h"

/* The raw records of a map, kept in memory while its file is rewritten. */
struct record {
	char *key;
	size_t klen;
	char *val;
	size_t vlen;
	size_t seq; /* order of appearance, to keep duplicates in order when sorting */
};
struct records {
	struct record *v;
	size_t n;
	size_t cap;
};

static void records_add(struct records *r, const char *key, size_t klen, const char *val,
			size_t vlen)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = sm_realloc(r->v, r->cap * sizeof *r->v);
	}
	struct record *e = &r->v[r->n];
	e->key = sm_malloc(klen + 1);
	memcpy(e->key, key, klen);
	e->key[klen] = '\0';
	e->klen = klen;
	e->val = sm_malloc(vlen + 1);
	memcpy(e->val, val, vlen);
	e->val[vlen] = '\0';
	e->vlen = vlen;
	e->seq = r->n;
	r->n++;
}

static void records_free(struct records *r)
{
	for (size_t i = 0; i < r->n; i++) {
		sm_free(r->v[i].key);
		sm_free(r->v[i].val);
	}
	sm_free(r->v);
	memset(r, 0, sizeof *r);
}

static bool collect_record(const char *key, size_t klen, const char *val, size_t vlen, void *arg)
{
	records_add(arg, key, klen, val, vlen);
	return true;
}

struct copy_state {
	struct mapdb *to;
	bool failed;
};

static bool copy_record(const char *key, size_t klen, const char *val, size_t vlen, void *arg)
{
	struct copy_state *cs = arg;
	if (mapdb_store(cs->to, key, klen, val, vlen, true) != 0) {
		cs->failed = true;
		return false;
	}
	return true;
}

/* Rewrites the file itself, keeping its old records with -o. */
static struct mapdb *open_in_place(const struct makemap *mm, int *err)
{
	struct records old = {0};
	if (mm->append) {
		struct mapdb *prev = mapdb_open_read(mm->path, err);
		if (prev == NULL)
			return NULL;
		/* raw records: duplicates (-d) are copied as they are stored */
		mapdb_foreach(prev, collect_record, &old);
		mapdb_close(prev);
	}
	struct mapdb *db = mapdb_create_inplace(mm->path, err);
	for (size_t i = 0; db != NULL && i < old.n; i++) {
		struct record *e = &old.v[i];
		errno = 0;
		if (mapdb_store(db, e->key, e->klen, e->val, e->vlen, true) != 0) {
			*err = errno != 0 ? errno : EIO;
			mapdb_abort(db);
			db = NULL;
		}
	}
	records_free(&old);
	return db;
}

static struct mapdb *open_for_writing(const struct makemap *mm,
				      const struct mapfile_state *state, int *err)
{
	if (state->exists && state->linked)
		return open_in_place(mm, err);
	struct mapdb *db = mapdb_create(mm->path, err);
	if (db == NULL) {
		if (state->exists && (*err == EACCES || *err == EPERM))
			return open_in_place(mm, err);
		return NULL;
	}
	if (!mm->append)
		return db;
	struct mapdb *prev = mapdb_open_read(mm->path, err);
	if (prev == NULL) {
		mapdb_abort(db);
		return NULL;
	}
	struct copy_state cs = {db, false};
	errno = 0;
	mapdb_foreach(prev, copy_record, &cs);
	mapdb_close(prev);
	if (cs.failed) {
		*err = errno != 0 ? errno : EIO;
		mapdb_abort(db);
		return NULL;
	}
	return db;
}

struct mapdb *mapfile_open_write(const struct makemap *mm, const struct mapfile_state *state,
				 bool *holds_dups, int *err)
{
	struct mapdb *db = open_for_writing(mm, state, err);
	if (db == NULL)
		return NULL;
	int marked = 0;
	bool btree = false;
	if (mm->append) {
		*err = mapfile_match_type(mm, db, &btree);
		marked = *err == 0 ? mapdb_has_dups(db) : 0;
	} else {
		*err = mapdb_set_type(db, mm->new_type) == 0 ? 0 : EIO;
		if (*err == 0 && mm->allow_dups)
			marked = mapdb_mark_dups(db) == 0 ? 1 : -1;
	}
	if (*err == 0 && (marked < 0 || (mm->allow_dups && marked == 0)))
		*err = marked < 0 ? EIO : EINVAL;
	if (*err != 0) {
		mapdb_abort(db);
		return NULL;
	}
	*holds_dups = marked == 1;
	return db;
}

int mapfile_commit(const struct makemap *mm, const struct mapfile_state *state,
		   struct mapdb *db)
{
	int fd = mapdb_fileno(db);
	struct stat now;
	if (fstat(fd, &now) != 0) {
		int e = errno;
		mapdb_abort(db);
		return e;
	}
	bool root = geteuid() == 0;
	bool same_file = state->exists && now.st_dev == state->st.st_dev &&
			 now.st_ino == state->st.st_ino;
	if (state->exists && !same_file) {
		/* the new file takes the place of the old one: give it its owner and mode */
		if (root && fchown(fd, state->st.st_uid, state->st.st_gid) != 0)
			fprintf(stderr, "%s: %s: cannot keep the owner: %s\n", mm->progname,
				mm->mapname, strerror(errno));
		if (fchmod(fd, state->st.st_mode & 07777) != 0)
			fprintf(stderr, "%s: %s: cannot keep the mode: %s\n", mm->progname,
				mm->mapname, strerror(errno));
	}
	if (root && mm->trusted_set && fchown(fd, mm->trusted_uid, (gid_t)-1) != 0)
		fprintf(stderr, "%s: %s: cannot give the map to the TrustedUser: %s\n",
			mm->progname, mm->mapname, strerror(errno));
	return mapdb_commit(db);
}

static void print_entry(const struct makemap *mm, const char *key, size_t klen, const char *val,
			size_t vlen)
{
	/* text only: a NUL byte (the one -N adds) ends what is shown */
	const char *nul = memchr(key, '\0', klen);
	if (nul != NULL)
		klen = (size_t)(nul - key);
	nul = memchr(val, '\0', vlen);
	if (nul != NULL)
		vlen = (size_t)(nul - val);
	fwrite(key, 1, klen, stdout);
	putchar(mm->delimiter < 0 ? '\t' : mm->delimiter);
	fwrite(val, 1, vlen, stdout);
	putchar('\n');
}

static bool print_record(const char *key, size_t klen, const char *val, size_t vlen, void *arg)
{
	print_entry(arg, key, klen, val, vlen);
	return true;
}

/* btree order: bytes compared as unsigned, a prefix first; duplicates as stored. */
static int record_order(const void *a, const void *b)
{
	const struct record *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);
	if (c != 0)
		return c;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int mapfile_match_type(const struct makemap *mm, struct mapdb *db, bool *btree)
{
	char *recorded = NULL;
	int r = mapdb_get_type(db, &recorded);
	if (r < 0)
		return EIO;
	const char *type = mm->type;
	if (r > 0 && strcmp(mm->type, "implicit") == 0)
		type = recorded;
	int e = 0;
	if (r > 0 && strcmp(recorded, type) != 0)
		e = EINVAL;
	*btree = strcmp(type, "btree") == 0;
	sm_free(recorded);
	return e;
}

int mapfile_dump(const struct makemap *mm, struct mapdb *db)
{
	if (!mm->sorted)
		return mapdb_foreach_dups(db, print_record, (void *)mm) == 0 ? 0 : EIO;
	struct records all = {0};
	int r = mapdb_foreach_dups(db, collect_record, &all);
	if (all.n > 0)
		qsort(all.v, all.n, sizeof *all.v, record_order);
	for (size_t i = 0; i < all.n; i++)
		print_entry(mm, all.v[i].key, all.v[i].klen, all.v[i].val, all.v[i].vlen);
	records_free(&all);
	return r == 0 ? 0 : EIO;
}
