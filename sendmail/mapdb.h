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

#endif
