/*
 * safety.c: the checks makemap makes on a map file and the directories
 * above it before it opens the file.
 *
 * It owns the rules, which follow sendmail 8.17's makemap as observed:
 * - every directory on the way must be searchable by us, judged from its
 *   mode bits as if we were an ordinary user (root gets no exemption); the
 *   last one must also be writable when a new file is to be made there;
 *   a world- or group-writable directory only earns a warning;
 * - "." and ".." components after the first are not checked, and trailing
 *   slashes before the file name are ignored;
 * - the file must be a regular file, not a symbolic link nor have other
 *   hard links (unless -s), not be executable when written, and be
 *   readable (and writable, to be written) by us from its mode bits, where
 *   the TrustedUser counts as us.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "makemap.h"
#include "safefile.h"
#include "sm.h"

enum { WANT_X = 1, WANT_W = 2, WANT_R = 4 };

static bool in_our_groups(gid_t gid)
{
	if (gid == getegid())
		return true;
	int n = getgroups(0, NULL);
	if (n <= 0)
		return false;
	gid_t *groups = sm_calloc((size_t)n, sizeof *groups);
	n = getgroups(n, groups);
	bool found = false;
	for (int i = 0; i < n && !found; i++)
		found = groups[i] == gid;
	sm_free(groups);
	return found;
}

/* Whether the mode bits of st grant us every access in want. */
static bool permitted(const struct makemap *mm, const struct stat *st, unsigned want)
{
	unsigned bits;
	if (st->st_uid == geteuid() || (mm->trusted_set && st->st_uid == mm->trusted_uid))
		bits = (st->st_mode >> 6) & 7u;
	else if (in_our_groups(st->st_gid))
		bits = (st->st_mode >> 3) & 7u;
	else
		bits = st->st_mode & 7u;
	return (bits & want) == want;
}

static void warn_writable(const char *dir, const struct stat *st)
{
	if (st->st_mode & S_IWOTH)
		fprintf(stderr, "WARNING: World writable directory %s\n", dir);
	else if (st->st_mode & S_IWGRP)
		fprintf(stderr, "WARNING: Group writable directory %s\n", dir);
}

/* The directory part of path: "." when there is none, trailing slashes dropped. */
static char *directory_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return sm_strdup(".");
	size_t n = (size_t)(slash - path);
	while (n > 0 && path[n - 1] == '/')
		n--;
	return n == 0 ? sm_strdup("/") : sm_strndup(path, n);
}

/*
 * Walks the directories of mm->path from the first down.  With check, an
 * error stops the walk and is returned; creating asks for write permission
 * on the last directory.  Without check only the warnings are printed.
 */
static int walk_directories(const struct makemap *mm, bool check, bool creating)
{
	char *dir = directory_of(mm->path);
	size_t len = strlen(dir);
	int result = 0;
	for (size_t i = 1; i <= len && result == 0; i++) {
		if (i < len && dir[i] != '/')
			continue;
		size_t start = i;
		while (start > 0 && dir[start - 1] != '/')
			start--;
		size_t clen = i - start;
		bool dots = (clen == 1 && dir[start] == '.') ||
			    (clen == 2 && dir[start] == '.' && dir[start + 1] == '.');
		if (start > 0 && dots)
			continue;
		char saved = dir[i];
		dir[i] = '\0';
		struct stat st;
		if (stat(dir, &st) != 0) {
			if (check)
				result = errno;
		} else {
			warn_writable(dir, &st);
			unsigned want = WANT_X;
			if (i == len && creating)
				want |= WANT_W;
			if (check && !permitted(mm, &st, want))
				result = EACCES;
		}
		dir[i] = saved;
	}
	sm_free(dir);
	return result;
}

int mapfile_check(const struct makemap *mm, struct mapfile_state *state)
{
	bool writing = !mm->dump;
	memset(state, 0, sizeof *state);
	struct stat lst;
	int lerr = lstat(mm->path, &lst) == 0 ? 0 : errno;
	bool creating = writing && !mm->append && lerr == ENOENT;
	int e = walk_directories(mm, true, creating);
	if (e != 0)
		return e;
	if (lerr != 0)
		return creating ? 0 : lerr;
	state->exists = true;
	if (S_ISLNK(lst.st_mode)) {
		if (!mm->unsafe)
			return E_SM_NOSLINK;
		if (stat(mm->path, &state->st) != 0) {
			if (errno == ENOENT)
				return writing ? EEXIST : ENOENT;
			return errno;
		}
		state->linked = true;
	} else {
		state->st = lst;
	}
	if (!S_ISREG(state->st.st_mode))
		return E_SM_REGONLY;
	if (writing && (state->st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return E_SM_ISEXEC;
	if (state->st.st_nlink > 1) {
		if (!mm->unsafe)
			return E_SM_NOHLINK;
		state->linked = true;
	}
	if (!permitted(mm, &state->st, writing ? WANT_R | WANT_W : WANT_R))
		return EACCES;
	return 0;
}

void mapfile_warn_again(const struct makemap *mm)
{
	(void)walk_directories(mm, false, false);
}
