/*
 * safefile.c: file and directory safety checks (see safefile.h).
 *
 * A directory on the way to a file is unsafe when others may write to it:
 * world-writable (unless it has the sticky bit and DontBlameSendmail has
 * TrustStickyBit) or group-writable (unless GroupWritableDirPathSafe).
 */
#include "safefile.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "options.h"
#include "sm.h"

const char *sm_errstring(int err)
{
	switch (err) {
	case E_SM_OPENTIMEOUT: return "Timeout on file open";
	case E_SM_NOSLINK: return "Symbolic links not allowed";
	case E_SM_NOHLINK: return "Hard links not allowed";
	case E_SM_REGONLY: return "Regular files only";
	case E_SM_ISEXEC: return "Executable files not allowed";
	case E_SM_WWDIR: return "World writable directory";
	case E_SM_GWDIR: return "Group writable directory";
	case E_SM_FILECHANGE: return "File changed after open";
	case E_SM_WWFILE: return "World writable file";
	case E_SM_GWFILE: return "Group writable file";
	case E_SM_GRFILE: return "Group readable file";
	case E_SM_WRFILE: return "World readable file";
	}
	return strerror(err);
}

static int check_dir(const char *dir, unsigned flags)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return errno;
	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;
	(void)flags;
	if (st.st_mode & S_IWOTH) {
		if (!((st.st_mode & S_ISVTX) && DontBlame[DBS_TRUSTSTICKYBIT]))
			return E_SM_WWDIR;
	}
	if (st.st_mode & S_IWGRP) {
		if (!DontBlame[DBS_GROUPWRITABLEDIRPATHSAFE] &&
		    !((st.st_mode & S_ISVTX) && DontBlame[DBS_TRUSTSTICKYBIT]))
			return E_SM_GWDIR;
	}
	return 0;
}

int safedirpath(const char *fn, unsigned flags)
{
	char path[PATH_MAX];
	sm_strlcpy(path, fn, sizeof path);
	char *slash = strrchr(path, '/');
	if (slash == NULL)
		return check_dir(".", flags);
	if (slash == path)
		slash[1] = '\0';
	else
		*slash = '\0';
	/* check from the root down, as the first unsafe one is reported */
	char walk[PATH_MAX];
	size_t n = 0;
	const char *p = path;
	if (*p == '/') {
		int e = check_dir("/", flags);
		if (e != 0)
			return e;
	}
	walk[0] = '\0';
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		const char *seg = p;
		while (*p != '\0' && *p != '/')
			p++;
		if (path[0] == '/' || n > 0)
			walk[n++] = '/';
		if (n == 1 && path[0] != '/')
			n = 0;
		size_t len = (size_t)(p - seg);
		if (n + len + 1 >= sizeof walk)
			return ENAMETOOLONG;
		memcpy(walk + n, seg, len);
		n += len;
		walk[n] = '\0';
		int e = check_dir(walk, flags);
		if (e != 0)
			return e;
	}
	return 0;
}

int safefile_check(const char *fn, unsigned flags, int mode, struct stat *stp)
{
	(void)mode;
	int e = safedirpath(fn, flags);
	if (e != 0)
		return e;
	struct stat st;
	if (((flags & SFF_NOSLINK) ? lstat(fn, &st) : stat(fn, &st)) < 0) {
		if (errno == ENOENT && (flags & SFF_CREAT))
			return 0;
		return errno;
	}
	if (stp != NULL)
		*stp = st;
	if ((flags & SFF_NOSLINK) && S_ISLNK(st.st_mode))
		return E_SM_NOSLINK;
	if ((flags & SFF_NOHLINK) && st.st_nlink > 1)
		return E_SM_NOHLINK;
	if ((flags & SFF_REGONLY) && !S_ISREG(st.st_mode))
		return E_SM_REGONLY;
	if ((flags & SFF_NOWWFILES) && (st.st_mode & S_IWOTH))
		return E_SM_WWFILE;
	if ((flags & SFF_NOGWFILES) && (st.st_mode & S_IWGRP))
		return E_SM_GWFILE;
	return 0;
}
