/*
 * mapdb.h: the on-disk format of database maps (hash, btree, dbm) and
 * alias databases, stored with GDBM.
 *
 * A map "name" of class hash or btree lives in "name.db", of class dbm in
 * "name.pag".  Writers build a new file beside the old one and rename it
 * into place, so a reader sees either the old map or the new one, never a
 * half-written file.
 */
#ifndef MAPDB_H
#define MAPDB_H

#include <stdbool.h>
#include <stddef.h>

struct mapdb;

/* The file name suffix for a class ("hash", "btree", "dbm"), or NULL. */
const char *mapdb_suffix(const char *type);

/* Opens name (the full file name) for reading; NULL with *err set. */
struct mapdb *mapdb_open_read(const char *path, int *err);
/* 1 found (*val malloc'ed, NUL-terminated too), 0 not found, -1 error. */
int mapdb_fetch(struct mapdb *db, const char *key, size_t klen, char **val, size_t *vlen);
void mapdb_close(struct mapdb *db);

/* Starts writing a new database that replaces path on commit. */
struct mapdb *mapdb_create(const char *path, int *err);
/* Starts from a copy of the existing database (makemap -o). */
struct mapdb *mapdb_create_from(const char *path, int *err);
/* 0 stored, 1 key exists (and !replace), -1 error. */
int mapdb_store(struct mapdb *db, const char *key, size_t klen, const char *val, size_t vlen,
		bool replace);
/* Flushes, syncs and renames into place; 0 or an errno. */
int mapdb_commit(struct mapdb *db);
void mapdb_abort(struct mapdb *db);

/* Calls fn for every entry (order unspecified); stops when fn returns false. */
int mapdb_foreach(struct mapdb *db,
		  bool (*fn)(const char *key, size_t klen, const char *val, size_t vlen, void *arg),
		  void *arg);

/*
 * Writing a file in place (makemap -s on a linked file, or when the
 * directory cannot take a new file): the file itself is truncated and
 * written, following a symbolic link and keeping hard links, owner and
 * mode.  Not atomic; commit only syncs and closes.
 */
struct mapdb *mapdb_create_inplace(const char *path, int *err);
/* The descriptor of the file being written (to set its owner and mode). */
int mapdb_fileno(const struct mapdb *db);
/*
 * While a new file is being written beside the map: the descriptor of its
 * directory and its name there, for a signal handler to remove it; false
 * when writing in place.
 */
bool mapdb_temp_file(const struct mapdb *db, int *dirfd, const char **name);

/*
 * Duplicate keys (makemap -d).  GDBM holds one value per key, so the
 * values after the first are kept in extra records whose keys are the key
 * followed by a NUL byte and a marker byte; no lookup key (a C string,
 * with at most a trailing NUL) can name them, so mapdb_fetch still finds
 * the first value.  mapdb_foreach reports these records as they are
 * stored (copying them with mapdb_store keeps the duplicates);
 * mapdb_foreach_dups reports each value under its own key instead.
 */
/* Stores val as one more value of key (the first if key is new); 0 or -1. */
int mapdb_store_dup(struct mapdb *db, const char *key, size_t klen, const char *val, size_t vlen);
/* Like mapdb_foreach, with each key's duplicates right after its first value. */
int mapdb_foreach_dups(struct mapdb *db,
		       bool (*fn)(const char *key, size_t klen, const char *val, size_t vlen,
				  void *arg),
		       void *arg);
/*
 * A map made to hold duplicates says so (a record of the same hidden kind),
 * as a Berkeley DB file remembers it was opened with duplicates allowed.
 */
/* Marks the map; 0 or -1. */
int mapdb_mark_dups(struct mapdb *db);
/* 1 the map is marked, 0 it is not, -1 error. */
int mapdb_has_dups(struct mapdb *db);
/*
 * The map's type ("hash", "btree"), recorded the same way by makemap,
 * which refuses to read a map as another type, as Berkeley DB does.
 */
/* 0 or -1. */
int mapdb_set_type(struct mapdb *db, const char *type);
/* 1 with *type malloc'ed, 0 none recorded (*type NULL), -1 error. */
int mapdb_get_type(struct mapdb *db, char **type);

#endif
