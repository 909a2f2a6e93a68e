/*
 * praliases.c: praliases: prints the alias databases, as sendmail 8.17's.
 *
 * Owns the praliases command line: -C cf (default /etc/mail/sendmail.cf)
 * names the configuration whose AliasFile option lists the databases,
 * -f file reads that one database instead; the other arguments are keys to
 * look up ("key:value", or "key: No such key").  Every entry, including the
 * "@:@" completeness marker, is printed as "key:value" without the NUL
 * bytes sendmail stores.  Alias classes without a file (text, nis ...) are
 * skipped with a note, as the real praliases does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alias.h"
#include "mapdb.h"
#include "sm.h"

#define DEFAULT_CF "/etc/mail/sendmail.cf"

static const char *Prog = "praliases";

/* Warns about world-writable directories above path, as the real one. */
static void warn_dirs(const char *path)
{
	char *copy = sm_strdup(path);
	char *slash = strrchr(copy, '/');
	if (slash == NULL) {
		sm_free(copy);
		return;
	}
	for (char *p = copy; p <= slash; p++) {
		if (*p != '/' || p == copy)
			continue;
		*p = '\0';
		struct stat st;
		if (stat(copy, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_IWOTH))
			fprintf(stderr, "WARNING: World writable directory %s\n", copy);
		*p = '/';
	}
	sm_free(copy);
}

static bool print_one(const char *key, size_t klen, const char *val, size_t vlen, void *arg)
{
	(void)arg;
	klen = strnlen(key, klen);
	vlen = strnlen(val, vlen);
	printf("%.*s:%.*s\n", (int)klen, key, (int)vlen, val);
	return true;
}

/*
 * implicit: the class was not given (-f, or a plain path): the real one
 * tries each database type and knows none for a missing file.
 */
static void print_db(const char *file, char **keys, int nkeys, bool implicit)
{
	char *path = sm_asprintf("%s.db", file);
	warn_dirs(path);
	struct stat st;
	if (implicit || stat(path, &st) == 0)
		warn_dirs(path);
	int err = 0;
	struct mapdb *db = mapdb_open_read(path, &err);
	if (db == NULL) {
		if (implicit && err == ENOENT) {
			fprintf(stderr, "%s: %s: open: Unknown database type\n", Prog, file);
			sm_free(path);
			return;
		}
		fprintf(stderr, "%s: %s: open: %s\n", Prog, file, strerror(err));
		sm_free(path);
		return;
	}
	if (nkeys == 0) {
		if (mapdb_foreach(db, print_one, NULL) < 0)
			fprintf(stderr, "%s: %s: read: %s\n", Prog, file, strerror(errno));
	}
	for (int i = 0; i < nkeys; i++) {
		char *val = NULL;
		size_t vlen = 0;
		size_t klen = strlen(keys[i]);
		int r = mapdb_fetch(db, keys[i], klen + 1, &val, &vlen);
		if (r == 0)
			r = mapdb_fetch(db, keys[i], klen, &val, &vlen);
		if (r > 0)
			print_one(keys[i], klen, val, vlen, NULL);
		else
			printf("%s: No such key\n", keys[i]);
		sm_free(val);
	}
	mapdb_close(db);
	sm_free(path);
}

/* The AliasFile value of a configuration file, or NULL (malloc'ed). */
static char *cf_aliasfile(const char *cf, int *rc)
{
	FILE *fp = fopen(cf, "r");
	if (fp == NULL) {
		fprintf(stderr, "%s: %s: %s\n", Prog, cf, strerror(errno));
		*rc = EX_NOINPUT_;
		return NULL;
	}
	char line[4096];
	char *spec = NULL;
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		const char *v = NULL;
		if (line[0] == 'O' && line[1] == 'A')
			v = line + 2;
		else if (strncmp(line, "O AliasFile", 11) == 0 && strchr(line, '=') != NULL)
			v = strchr(line, '=') + 1;
		if (v == NULL)
			continue;
		/* several AliasFile lines add up */
		char *n = spec ? sm_asprintf("%s,%s", spec, v) : sm_strdup(v);
		sm_free(spec);
		spec = n;
	}
	if (fclose(fp) != 0) {
		/* read only: nothing lost */
	}
	return spec;
}

int main(int argc, char **argv)
{
	const char *cf = DEFAULT_CF;
	const char *file = NULL;
	int c;
	while ((c = getopt(argc, argv, "C:f:")) != -1) {
		switch (c) {
		case 'C':
			cf = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		default:
			fprintf(stderr, "usage: praliases [-C cffile] [-f aliasfile] [key ...]\n");
			return EX_USAGE_;
		}
	}
	char **keys = argv + optind;
	int nkeys = argc - optind;
	if (file != NULL) {
		print_db(file, keys, nkeys, true);
		return EX_OK_;
	}
	int rc = EX_OK_;
	char *spec = cf_aliasfile(cf, &rc);
	if (spec == NULL)
		return rc;
	struct alias_src *srcs;
	size_t n = alias_src_parse(spec, &srcs);
	for (size_t i = 0; i < n; i++) {
		if (!alias_class_rebuildable(srcs[i].cls))
			fprintf(stderr, "%s: Skipping non-file based alias type %s\n", Prog,
				srcs[i].cls);
		else
			print_db(srcs[i].file, keys, nkeys,
				 strcmp(srcs[i].cls, "implicit") == 0);
	}
	alias_src_free(srcs, n);
	sm_free(spec);
	return rc;
}
