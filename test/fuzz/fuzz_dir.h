/*
 * fuzz_dir.h: the private directory a fuzz target writes its files in
 * (queue, alias source, configuration): made once at start-up on
 * /dev/shm when it exists (so fsyncs stay cheap), else under TMPDIR,
 * emptied between inputs as the target needs, and removed at exit.
 * Included by the targets that need one; each target is one program.
 */
#ifndef FUZZ_DIR_H
#define FUZZ_DIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char FuzzDir[256];

/* Removes what lies in path, and in its subdirectories one level down. */
static inline void fuzz_dir_empty_at(const char *path, int depth)
{
	DIR *d = opendir(path);
	if (d == NULL)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char p[sizeof FuzzDir + 300];
		snprintf(p, sizeof p, "%s/%s", path, de->d_name);
		if (unlink(p) != 0 && depth > 0) {
			fuzz_dir_empty_at(p, depth - 1);
			(void)rmdir(p);
		}
	}
	(void)closedir(d);
}

static inline void fuzz_dir_empty(const char *path)
{
	fuzz_dir_empty_at(path, 1);
}

static inline void fuzz_dir_remove(void)
{
	fuzz_dir_empty(FuzzDir);
	(void)rmdir(FuzzDir);
}

/* Makes FuzzDir ("name.XXXXXX"), removed with what it holds at exit. */
static inline const char *fuzz_dir_make(const char *name)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	snprintf(FuzzDir, sizeof FuzzDir, "%s/%s.XXXXXX", base != NULL ? base : "/tmp", name);
	if (mkdtemp(FuzzDir) == NULL || atexit(fuzz_dir_remove) != 0)
		abort();
	return FuzzDir;
}

/* Writes text to path (in FuzzDir), or aborts. */
static inline void fuzz_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

#endif
