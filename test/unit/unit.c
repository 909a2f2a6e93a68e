/*
 * unit.c: the unit test framework (see unit.h) and main().
 */
#include "unit.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int UnitPassed, UnitFailed;

static FILE *Out;          /* the original standard output: results go there */
static char *TmpDir;
static char **Paths;       /* strings handed out by unit_path() */
static size_t NPaths, CapPaths;
static int CaptureFd = -1; /* the file standard output goes to while capturing */
static int SavedStdout = -1;
static char *Captured;

static FILE *out(void)
{
	if (Out == NULL) {
		int fd = dup(1);
		Out = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (Out == NULL)
			Out = stderr;
	}
	return Out;
}

static void result(bool ok, const char *name, const char *detail)
{
	fflush(stdout);
	FILE *f = out();
	if (ok) {
		UnitPassed++;
		fprintf(f, "PASS %s\n", name);
	} else {
		UnitFailed++;
		fprintf(f, "FAIL %s: %s\n", name, detail);
	}
	fflush(f);
}

bool unit_check(bool ok, const char *name, const char *detail, ...)
{
	char buf[1024] = "";
	if (!ok) {
		va_list ap;
		va_start(ap, detail);
		vsnprintf(buf, sizeof buf, detail, ap);
		va_end(ap);
	}
	result(ok, name, buf);
	return ok;
}

const char *unit_show(const char *s)
{
	static char buf[4][600];
	static int which;
	char *b = buf[which++ & 3];
	if (s == NULL)
		return "(null)";
	size_t n = 0;
	b[n++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p && n < sizeof buf[0] - 8; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\' && *p != '"')
			b[n++] = (char)*p;
		else
			n += (size_t)snprintf(b + n, sizeof buf[0] - n, "\\x%02x", *p);
	}
	if (n >= sizeof buf[0] - 8)
		n += (size_t)snprintf(b + n, sizeof buf[0] - n, "...");
	b[n++] = '"';
	b[n] = '\0';
	return b;
}

bool unit_check_str(const char *name, const char *got, const char *want)
{
	bool ok = (got == NULL && want == NULL) ||
		  (got != NULL && want != NULL && strcmp(got, want) == 0);
	return unit_check(ok, name, "got %s, want %s", unit_show(got), unit_show(want));
}

bool unit_check_int(const char *name, long long got, long long want)
{
	return unit_check(got == want, name, "got %lld, want %lld", got, want);
}

bool unit_check_contains(const char *name, const char *hay, const char *needle)
{
	bool ok = hay != NULL && strstr(hay, needle) != NULL;
	return unit_check(ok, name, "%s does not contain %s", unit_show(hay), unit_show(needle));
}

const char *unit_tmpdir(void)
{
	if (TmpDir == NULL) {
		const char *base = getenv("TEST_TMP");
		if (base == NULL || *base == '\0')
			base = "/tmp";
		size_t n = strlen(base) + 32;
		TmpDir = malloc(n);
		if (TmpDir == NULL)
			abort();
		snprintf(TmpDir, n, "%s/unit.XXXXXX", base);
		if (mkdtemp(TmpDir) == NULL) {
			fprintf(stderr, "unit: mkdtemp %s: %s\n", TmpDir, strerror(errno));
			exit(2);
		}
		if (chmod(TmpDir, 0700) != 0) {
			fprintf(stderr, "unit: chmod %s: %s\n", TmpDir, strerror(errno));
			exit(2);
		}
	}
	return TmpDir;
}

const char *unit_path(const char *name)
{
	const char *dir = unit_tmpdir();
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p == NULL)
		abort();
	snprintf(p, n, "%s/%s", dir, name);
	if (NPaths == CapPaths) {
		CapPaths = CapPaths ? CapPaths * 2 : 16;
		char **np = realloc(Paths, CapPaths * sizeof *Paths);
		if (np == NULL)
			abort();
		Paths = np;
	}
	Paths[NPaths++] = p;
	return p;
}

const char *unit_write_file(const char *name, const char *content)
{
	const char *path = unit_path(name);
	FILE *f = fopen(path, "w");
	if (f == NULL || fputs(content, f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "unit: cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return path;
}

void unit_capture_begin(void)
{
	fflush(stdout);
	out();
	if (CaptureFd >= 0)
		return;
	FILE *f = tmpfile();
	if (f == NULL)
		return;
	CaptureFd = dup(fileno(f));
	fclose(f);
	SavedStdout = dup(1);
	if (CaptureFd < 0 || SavedStdout < 0 || dup2(CaptureFd, 1) < 0) {
		fprintf(stderr, "unit: cannot capture standard output\n");
		exit(2);
	}
}

const char *unit_capture_end(void)
{
	fflush(stdout);
	free(Captured);
	Captured = NULL;
	if (CaptureFd < 0)
		return "";
	if (dup2(SavedStdout, 1) < 0)
		exit(2);
	close(SavedStdout);
	SavedStdout = -1;
	off_t size = lseek(CaptureFd, 0, SEEK_END);
	if (size < 0)
		size = 0;
	Captured = malloc((size_t)size + 1);
	if (Captured == NULL)
		abort();
	size_t got = 0;
	if (lseek(CaptureFd, 0, SEEK_SET) == 0) {
		while (got < (size_t)size) {
			ssize_t r = read(CaptureFd, Captured + got, (size_t)size - got);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
	}
	Captured[got] = '\0';
	close(CaptureFd);
	CaptureFd = -1;
	return Captured;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) == 0 ? 0 : 0;
}

int main(void)
{
	out();
	unit_run();
	if (CaptureFd >= 0)
		(void)unit_capture_end();
	free(Captured);
	if (TmpDir != NULL) {
		if (getenv("UNIT_KEEP_TMP") == NULL)
			(void)nftw(TmpDir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(TmpDir);
	}
	for (size_t i = 0; i < NPaths; i++)
		free(Paths[i]);
	free(Paths);
	fflush(stdout);
	FILE *f = out();
	fprintf(f, "# %d passed, %d failed\n", UnitPassed, UnitFailed);
	if (f != stderr)
		fclose(f);
	else
		fflush(f);
	return UnitFailed ? 1 : 0;
}
