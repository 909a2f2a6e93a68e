/*
 * mapdb.c: GDBM-backed storage for database maps (see mapdb.h).
 */
#include "mapdb.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sm.h"

struct mapdb {
	GDBM_FILE dbf;
	char *path;       /* the final name */
	const char *base; /* its last component, within path */
	char *tmpname;    /* while writing: the new file's name in dirfd */
	int dirfd;        /* while writing: the directory of path, or -1 */
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
	switch (gdbm_errno) {
	case GDBM_BAD_MAGIC_NUMBER:
	case GDBM_EMPTY_DATABASE:
	case GDBM_FILE_EOF: /* too short to be a database */
	case GDBM_BAD_FILE_OFFSET:
	case GDBM_BAD_HEADER:
	case GDBM_BAD_BUCKET:
	case GDBM_BAD_AVAIL:
	case GDBM_BAD_HASH_TABLE:
	case GDBM_BAD_DIR_ENTRY:
	case GDBM_BAD_HASH_ENTRY:
		return EINVAL; /* not a (sound) database file */
	case GDBM_MALLOC_ERROR:
		return ENOMEM;
	}
	return errno ? errno : EIO;
}

static struct mapdb *new_mapdb(const char *path)
{
	struct mapdb *db = sm_calloc(1, sizeof *db);
	db->path = sm_strdup(path);
	const char *slash = strrchr(db->path, '/');
	db->base = slash != NULL ? slash + 1 : db->path;
	db->dirfd = -1;
	return db;
}

/* A mapdb for path opened with gdbm_open's flags and mode; NULL with *err. */
static struct mapdb *open_gdbm(const char *path, int flags, int mode, int *err)
{
	errno = 0;
	GDBM_FILE f = gdbm_open(path, 0, flags | GDBM_NOLOCK, mode, NULL);
	if (f == NULL) {
		*err = gdbm_to_errno();
		return NULL;
	}
	struct mapdb *db = new_mapdb(path);
	db->dbf = f;
	return db;
}

struct mapdb *mapdb_open_read(const char *path, int *err)
{
	return open_gdbm(path, GDBM_READER, 0, err);
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
		unlinkat(db->dirfd, db->tmpname, 0);
		sm_free(db->tmpname);
	}
	if (db->dirfd >= 0)
		close(db->dirfd);
	sm_free(db->path);
	sm_free(db);
}

/*
 * The new file is made beside the old one under a short name of its own,
 * created exclusively (never through a link someone planted) and opened
 * relative to the directory, so a path near PATH_MAX or a last component
 * near NAME_MAX still works.
 */
static int create_temp(struct mapdb *db, int *fdp)
{
	if (*db->base == '\0')
		return EISDIR;
	if (db->base == db->path) {
		db->dirfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		size_t dirlen = (size_t)(db->base - 1 - db->path);
		char *dir = dirlen == 0 ? sm_strdup("/") : sm_strndup(db->path, dirlen);
		db->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		sm_free(dir);
	}
	if (db->dirfd < 0)
		return errno;
	static unsigned long counter;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	for (int tries = 0; tries < 100; tries++) {
		unsigned long r = ((unsigned long)now.tv_nsec ^ (unsigned long)now.tv_sec) +
				  ++counter * 2654435761UL;
		char *name = sm_asprintf(".mapdb.%ld.%06lx", (long)getpid(), r & 0xffffff);
		int fd = openat(db->dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0640);
		if (fd >= 0) {
			db->tmpname = name;
			*fdp = fd;
			return 0;
		}
		int e = errno;
		sm_free(name);
		if (e != EEXIST)
			return e;
	}
	return EEXIST;
}

struct mapdb *mapdb_create(const char *path, int *err)
{
	struct mapdb *db = new_mapdb(path);
	int fd = -1;
	int e = create_temp(db, &fd);
	if (e != 0) {
		*err = e;
		mapdb_close(db);
		return NULL;
	}
	errno = 0;
	db->dbf = gdbm_fd_open(fd, db->path, 0, GDBM_NEWDB | GDBM_NOLOCK | GDBM_CLOERROR, NULL);
	if (db->dbf == NULL) {
		*err = gdbm_to_errno();
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
	if (gdbm_close(db->dbf) != 0 && e == 0)
		e = gdbm_to_errno();
	db->dbf = NULL;
	if (e == 0 && db->tmpname != NULL &&
	    renameat(db->dirfd, db->tmpname, db->dirfd, db->base) != 0)
		e = errno;
	if (e == 0 && db->tmpname != NULL) {
		/* make the rename itself durable */
		fsync(db->dirfd);
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

struct mapdb *mapdb_create_inplace(const char *path, int *err)
{
	return open_gdbm(path, GDBM_NEWDB, 0640, err);
}

int mapdb_fileno(const struct mapdb *db)
{
	return gdbm_fdesc(db->dbf);
}

bool mapdb_temp_file(const struct mapdb *db, int *dirfd, const char **name)
{
	if (db->tmpname == NULL)
		return false;
	*dirfd = db->dirfd;
	*name = db->tmpname;
	return true;
}

/*
 * The records behind duplicate keys: key, NUL, marker, and for values a
 * number; and the record that marks a map made to hold duplicates.
 */
#define DUPS_FLAG_MARK '\xfd'
#define DUP_COUNT_MARK '\xfe'
#define DUP_VALUE_MARK '\xff'
static const char dups_flag_key[] = "\0\xfd" "duplicates";
static const char type_key[] = "\0\xfd" "type";

static void dup_record_key(struct sm_buf *b, const char *key, size_t klen, char mark,
			   unsigned long index)
{
	sm_buf_reset(b);
	sm_buf_put(b, key, klen);
	sm_buf_putc(b, '\0');
	sm_buf_putc(b, mark);
	if (index > 0)
		sm_buf_printf(b, "%lu", index);
}

static bool is_dup_record(const char *key, size_t klen)
{
	for (size_t i = 0; i + 1 < klen; i++)
		if (key[i] == '\0' && (key[i + 1] == DUPS_FLAG_MARK || key[i + 1] == DUP_COUNT_MARK ||
					key[i + 1] == DUP_VALUE_MARK))
			return true;
	return false;
}

/* How many duplicates key has (0 when none); -1 on a read error. */
static long dup_count(struct mapdb *db, struct sm_buf *b, const char *key, size_t klen)
{
	dup_record_key(b, key, klen, DUP_COUNT_MARK, 0);
	char *val = NULL;
	size_t vlen = 0;
	int r = mapdb_fetch(db, b->data, b->len, &val, &vlen);
	if (r <= 0)
		return r;
	char *end = NULL;
	long n = strtol(val, &end, 10);
	bool ok = end != val && *end == '\0' && n >= 0;
	sm_free(val);
	return ok ? n : 0;
}

int mapdb_store_dup(struct mapdb *db, const char *key, size_t klen, const char *val, size_t vlen)
{
	int r = mapdb_store(db, key, klen, val, vlen, false);
	if (r != 1)
		return r;
	struct sm_buf b;
	sm_buf_init(&b);
	long n = dup_count(db, &b, key, klen);
	if (n >= 0 && n < LONG_MAX) {
		n++;
		dup_record_key(&b, key, klen, DUP_VALUE_MARK, (unsigned long)n);
		r = mapdb_store(db, b.data, b.len, val, vlen, true);
		if (r == 0) {
			char count[32];
			int cl = snprintf(count, sizeof count, "%ld", n);
			dup_record_key(&b, key, klen, DUP_COUNT_MARK, 0);
			r = mapdb_store(db, b.data, b.len, count, (size_t)cl, true);
		}
	} else {
		r = -1;
	}
	sm_buf_free(&b);
	return r == 0 ? 0 : -1;
}

int mapdb_foreach_dups(struct mapdb *db,
		       bool (*fn)(const char *key, size_t klen, const char *val, size_t vlen,
				  void *arg),
		       void *arg)
{
	struct sm_buf b;
	sm_buf_init(&b);
	int result = 0;
	datum k = gdbm_firstkey(db->dbf);
	while (k.dptr != NULL) {
		bool go = true;
		if (!is_dup_record(k.dptr, (size_t)k.dsize)) {
			datum v = gdbm_fetch(db->dbf, k);
			if (v.dptr != NULL) {
				go = fn(k.dptr, (size_t)k.dsize, v.dptr, (size_t)v.dsize, arg);
				free(v.dptr);
			}
			long n = go ? dup_count(db, &b, k.dptr, (size_t)k.dsize) : 0;
			if (n < 0)
				result = -1;
			for (long i = 1; go && i <= n; i++) {
				dup_record_key(&b, k.dptr, (size_t)k.dsize, DUP_VALUE_MARK,
					       (unsigned long)i);
				char *dv = NULL;
				size_t dl = 0;
				int r = mapdb_fetch(db, b.data, b.len, &dv, &dl);
				if (r < 0)
					result = -1;
				if (r > 0) {
					go = fn(k.dptr, (size_t)k.dsize, dv, dl, arg);
					sm_free(dv);
				}
			}
		}
		datum next = gdbm_nextkey(db->dbf, k);
		free(k.dptr);
		k = next;
		if (!go) {
			free(k.dptr);
			break;
		}
		if (k.dptr == NULL && gdbm_errno != GDBM_ITEM_NOT_FOUND && gdbm_errno != GDBM_NO_ERROR)
			result = -1;
	}
	sm_buf_free(&b);
	return result;
}

int mapdb_mark_dups(struct mapdb *db)
{
	return mapdb_store(db, dups_flag_key, sizeof dups_flag_key - 1, "1", 1, true) == 0 ? 0 : -1;
}

int mapdb_has_dups(struct mapdb *db)
{
	char *val = NULL;
	int r = mapdb_fetch(db, dups_flag_key, sizeof dups_flag_key - 1, &val, NULL);
	sm_free(val);
	return r;
}

int mapdb_set_type(struct mapdb *db, const char *type)
{
	return mapdb_store(db, type_key, sizeof type_key - 1, type, strlen(type), true) == 0 ? 0
											   : -1;
}

int mapdb_get_type(struct mapdb *db, char **type)
{
	*type = NULL;
	return mapdb_fetch(db, type_key, sizeof type_key - 1, type, NULL);
}
