/*
 * aliasfile.c: the AliasFile option and lookups in the alias maps (see
 * alias.h).
 *
 * Owns the parsing of "class:args file, ..." specifications and the open
 * alias databases.  hash, btree and implicit aliases live in "file.db"
 * (GDBM through mapdb), keys and values with a trailing NUL byte as
 * sendmail stores them; lookups try the key with its NUL, then without
 * (-N: only with, -O: only without).  A text alias map is the source file
 * itself, read at each lookup.  Other classes (nis, ldap ...) are accepted
 * and never match.
 */
#include <errno.h>
#include <string.h>

#include "alias.h"
#include "err.h"
#include "mapdb.h"
#include "options.h"
#include "safefile.h"
#include "sm.h"

static const char *const KnownClasses[] = {
	"implicit", "hash", "btree", "text", "stab", "nis", "nisplus", "ldap", "sequence",
	"switch", "hesiod", "cdb", NULL,
};

bool alias_class_rebuildable(const char *cls)
{
	return strcmp(cls, "hash") == 0 || strcmp(cls, "btree") == 0 ||
	       strcmp(cls, "implicit") == 0;
}

bool alias_class_known(const char *cls)
{
	for (int i = 0; KnownClasses[i] != NULL; i++)
		if (strcmp(KnownClasses[i], cls) == 0)
			return true;
	return false;
}

size_t alias_src_parse(const char *spec, struct alias_src **out)
{
	*out = NULL;
	if (spec == NULL)
		return 0;
	size_t n = 0;
	struct alias_src *v = NULL;
	const char *p = spec;
	bool empty = true;
	for (const char *q = spec; *q != '\0'; q++)
		if (!sm_isspace((unsigned char)*q))
			empty = false;
	if (empty)
		p = "aliases";
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *item = sm_strndup(p, len);
		char *s = sm_trim(item);
		p = end ? end + 1 : p + len;
		if (*s == '\0') {
			sm_free(item);
			continue;
		}
		const char *cls = "implicit";
		char *colon = strchr(s, ':');
		char *slash = strchr(s, '/');
		if (colon != NULL && (slash == NULL || colon < slash) && colon != s) {
			*colon = '\0';
			cls = s;
			s = sm_trim(colon + 1);
		}
		/* the file is the last word, map flags may come before it */
		char *file = s + strlen(s);
		while (file > s && !sm_isspace((unsigned char)file[-1]))
			file--;
		char *args = sm_strndup(s, (size_t)(file - s));
		v = sm_realloc(v, (n + 1) * sizeof *v);
		v[n].cls = sm_strdup(cls);
		v[n].args = sm_strdup(sm_trim(args));
		v[n].file = sm_strdup(file);
		sm_lowercase(v[n].cls);
		sm_free(args);
		sm_free(item);
		n++;
	}
	*out = v;
	return n;
}

void alias_src_free(struct alias_src *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sm_free(v[i].cls);
		sm_free(v[i].args);
		sm_free(v[i].file);
	}
	sm_free(v);
}

/* The open alias maps, parsed from AliasFile on first use. */
static struct alias_src *Srcs;
static size_t NSrcs;
static struct mapdb **Dbs;
static bool *DbTried;
static bool *DbMissing; /* per map: its .db file does not exist */
static bool Loaded;

static void load(void)
{
	if (Loaded)
		return;
	Loaded = true;
	NSrcs = alias_src_parse(opt_value(OPT_AliasFile), &Srcs);
	Dbs = sm_calloc(NSrcs + 1, sizeof *Dbs);
	DbTried = sm_calloc(NSrcs + 1, sizeof *DbTried);
	DbMissing = sm_calloc(NSrcs + 1, sizeof *DbMissing);
	for (size_t i = 0; i < NSrcs; i++)
		if (!alias_class_known(Srcs[i].cls))
			syserr("setalias: unknown alias class %s", Srcs[i].cls);
}

void alias_close_all(void)
{
	for (size_t i = 0; i < NSrcs; i++)
		if (Dbs[i] != NULL)
			mapdb_close(Dbs[i]);
	sm_free(Dbs);
	sm_free(DbTried);
	sm_free(DbMissing);
	alias_src_free(Srcs, NSrcs);
	Srcs = NULL;
	Dbs = NULL;
	DbTried = NULL;
	DbMissing = NULL;
	NSrcs = 0;
	Loaded = false;
}

/* A text alias map: the source file, keys folded, first match wins. */
static int text_lookup(const char *file, const char *name, char **value)
{
	int e = safefile_check(file, SFF_REGONLY | SFF_NOWWFILES, S_IRUSR, NULL);
	if (e != 0)
		return e == ENOENT ? 0 : -1;
	FILE *fp = fopen(file, "r");
	if (fp == NULL)
		return -1;
	struct alias_reader *rd = sm_malloc(sizeof *rd);
	alias_reader_init(rd, fp, file);
	int found = 0;
	char *line;
	while (found == 0 && (line = alias_reader_next(rd)) != NULL) {
		char *colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		char *key = sm_trim(line);
		sm_lowercase(key);
		if (strcmp(key, name) != 0)
			continue;
		char *val = colon + 1;
		while (*val == ' ' || *val == '\t')
			val++;
		*value = sm_strdup(val);
		found = 1;
	}
	sm_free(rd);
	if (fclose(fp) != 0 && found == 0)
		return -1;
	return found;
}

/* Opens alias database i once; 0 when open, -2 when its .db file does
 * not exist, -1 when it cannot be read (logged), 0 on a later call
 * after a failure that was not a missing file. */
static int db_open(size_t i)
{
	if (Dbs[i] == NULL) {
		if (DbTried[i])
			return DbMissing[i] ? -2 : 0;
		DbTried[i] = true;
		DbMissing[i] = false;
		char *path = sm_asprintf("%s.db", Srcs[i].file);
		int err = 0;
		int e = safefile_check(path, SFF_REGONLY | SFF_NOWWFILES, S_IRUSR, NULL);
		if (e == 0)
			Dbs[i] = mapdb_open_read(path, &err);
		else
			err = e;
		if (Dbs[i] == NULL) {
			if (err != ENOENT)
				syserr_errno(err, "Cannot open %s", path);
			DbMissing[i] = err == ENOENT;
			sm_free(path);
			/* a missing database: -2, "not found" or "unavailable" as the caller wants */
			return err == ENOENT ? -2 : -1;
		}
		sm_free(path);
	}
	return 0;
}

static int db_lookup(size_t i, const char *name, char **value)
{
	int o = db_open(i);
	if (Dbs[i] == NULL)
		return o;
	bool withnul = strstr(Srcs[i].args, "-O") == NULL;
	bool without = strstr(Srcs[i].args, "-N") == NULL;
	size_t len = strlen(name);
	char *val = NULL;
	size_t vlen = 0;
	int r = 0;
	if (withnul)
		r = mapdb_fetch(Dbs[i], name, len + 1, &val, &vlen);
	if (r == 0 && without)
		r = mapdb_fetch(Dbs[i], name, len, &val, &vlen);
	if (r <= 0)
		return r;
	*value = sm_strndup(val, strnlen(val, vlen));
	sm_free(val);
	return 1;
}

void alias_open_dbs(void)
{
	load();
	for (size_t i = 0; i < NSrcs; i++)
		if (alias_class_rebuildable(Srcs[i].cls))
			(void)db_open(i); /* failures are logged; lookups say them again */
}

int alias_lookup(const char *name, char **value)
{
	return alias_lookup_as(name, value, false);
}

int alias_lookup_as(const char *name, char **value, bool missing_db_fails)
{
	load();
	*value = NULL;
	if (strlen(name) >= ALIAS_LINE_MAX)
		return 0;
	int status = 0;
	for (size_t i = 0; i < NSrcs; i++) {
		int r = 0;
		if (alias_class_rebuildable(Srcs[i].cls))
			r = db_lookup(i, name, value);
		else if (strcmp(Srcs[i].cls, "text") == 0)
			r = text_lookup(Srcs[i].file, name, value);
		if (r > 0)
			return 1;
		if (r == -1 || (r == -2 && missing_db_fails))
			status = -1;
	}
	return status;
}
