/*
 * mapdb.c: GDBM-backed storage for database maps (see mapdb.h).
 */
#include "mapdb.h"

#include <errno.h>
#include <fcntl.h>
#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sm.h"

struct mapdb {
	GDBM_FILE dbf;
	char *path;    /* the final name */
	char *tmpname; /* while writing */
};

const char *mapdb_suffix(const char *type)
{
	if (strcmp(type, "hash") == 0 || strcmp(type, "btree") == 0)
		return ".db";
	if (strcmp(type, "dbm") == 0)
		return ".pag";
	return NULL;
}

static int gdbm_to_errno(void)
{
	if (gdbm_errno == GDBM_FILE_OPEN_ERROR || gdbm_errno == GDBM_FILE_READ_ERROR ||
	    gdbm_errno == GDBM_FILE_WRITE_ERROR || gdbm_errno == GDBM_FILE_SEEK_ERROR)
		return errno ? errno : EIO;
	if (gdbm_errno == GDBM_BAD_MAGIC_NUMBER || gdbm_errno == GDBM_EMPTY_DATABASE)
		return EINVAL;
	return errno ? errno : EIO;
}

struct mapdb *mapdb_open_read(const char *path, int *err)
{
	errno = 0;
	GDBM_FILE f = gdbm_open(path, 0, GDBM_READER | GDBM_NOLOCK, 0, NULL);
	if (f == NULL) {
		*err = gdbm_to_errno();
		return NULL;
	}
	struct mapdb *db = sm_calloc(1, sizeof *db);
	db->dbf = f;
	db->path = sm_strdup(path);
	return db;
}

int mapdb_fetch(struct mapdb *db, const char *key, size_t klen, char **val, size_t *vlen)
{
	datum k = {(char *)key, (int)klen};
	datum v = gdbm_fetch(db->dbf, k);
	if (v.dptr == NULL)
		return gdbm_errno == GDBM_ITEM_NOT_FOUND || gdbm_errno == GDBM_NO_ERROR ? 0 : -1;
	char *copy = sm_malloc((size_t)v.dsize + 1);
	memcpy(copy, v.dptr, (size_t)v.dsize);
	copy[v.dsize] = '\0';
	free(v.dptr);
	*val = copy;
	if (vlen != NULL)
		*vlen = (size_t)v.dsize;
	return 1;
}

void mapdb_close(struct mapdb *db)
{
	if (db == NULL)
		return;
	if (db->dbf != NULL)
		gdbm_close(db->dbf);
	if (db->tmpname != NULL) {
		unlink(db->tmpname);
		sm_free(db->tmpname);
	}
	sm_free(db->path);
	sm_free(db);
}

struct mapdb *mapdb_create(const char *path, int *err)
{
	struct mapdb *db = sm_calloc(1, sizeof *db);
	db->path = sm_strdup(path);
	db->tmpname = sm_asprintf("%s.tmp%ld", path, (long)getpid());
	unlink(db->tmpname);
	errno = 0;
	db->dbf = gdbm_open(db->tmpname, 0, GDBM_NEWDB | GDBM_NOLOCK, 0640, NULL);
	if (db->dbf == NULL) {
		*err = gdbm_to_errno();
		sm_free(db->tmpname);
		db->tmpname = NULL;
		mapdb_close(db);
		return NULL;
	}
	return db;
}

static bool copy_entry(const char *k, size_t kl, const char *v, size_t vl, void *arg)
{
	return mapdb_store(arg, k, kl, v, vl, true) == 0;
}

struct mapdb *mapdb_create_from(const char *path, int *err)
{
	struct mapdb *db = mapdb_create(path, err);
	if (db == NULL)
		return NULL;
	int e = 0;
	struct mapdb *old = mapdb_open_read(path, &e);
	if (old == NULL) {
		if (e == ENOENT)
			return db;
		*err = e;
		mapdb_abort(db);
		return NULL;
	}
	mapdb_foreach(old, copy_entry, db);
	mapdb_close(old);
	return db;
}

int mapdb_store(struct mapdb *db, const char *key, size_t klen, const char *val, size_t vlen,
		bool replace)
{
	datum k = {(char *)key, (int)klen};
	datum v = {(char *)val, (int)vlen};
	int r = gdbm_store(db->dbf, k, v, replace ? GDBM_REPLACE : GDBM_INSERT);
	if (r == 1)
		return 1;
	return r == 0 ? 0 : -1;
}

int mapdb_commit(struct mapdb *db)
{
	int e = 0;
	if (gdbm_sync(db->dbf) != 0)
		e = gdbm_to_errno();
	gdbm_close(db->dbf);
	db->dbf = NULL;
	if (e == 0 && rename(db->tmpname, db->path) != 0)
		e = errno;
	if (e == 0) {
		/* make the rename itself durable */
		char *dir = sm_strdup(db->path);
		char *slash = strrchr(dir, '/');
		if (slash != NULL) {
			*(slash == dir ? slash + 1 : slash) = '\0';
			int fd = open(dir, O_RDONLY | O_DIRECTORY);
			if (fd >= 0) {
				fsync(fd);
				close(fd);
			}
		}
		sm_free(dir);
		sm_free(db->tmpname);
		db->tmpname = NULL;
	}
	mapdb_close(db);
	return e;
}

void mapdb_abort(struct mapdb *db)
{
	mapdb_close(db);
}

int mapdb_foreach(struct mapdb *db,
		  bool (*fn)(const char *key, size_t klen, const char *val, size_t vlen, void *arg),
		  void *arg)
{
	datum k = gdbm_firstkey(db->dbf);
	while (k.dptr != NULL) {
		datum v = gdbm_fetch(db->dbf, k);
		bool go = true;
		if (v.dptr != NULL) {
			go = fn(k.dptr, (size_t)k.dsize, v.dptr, (size_t)v.dsize, arg);
			free(v.dptr);
		}
		datum next = gdbm_nextkey(db->dbf, k);
		free(k.dptr);
		k = next;
		if (!go) {
			free(k.dptr);
			break;
		}
	}
	return 0;
}
