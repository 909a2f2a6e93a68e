/*
 * forward.c: .forward files (see alias.h, forward_expand).
 *
 * Owns the ForwardPath search (default "$z/.forward"; entries separated by
 * colons, macros expanded with $z the user's home, $u the user name and $w
 * this host) and the checks sendmail makes before it trusts a .forward:
 * a regular file owned by the user or root, not group- or world-writable
 * (DontBlameSendmail GroupWritableForwardFile, WorldWritableForwardFile),
 * in a safe directory path (ForwardFileInUnsafeDirPath), no symbolic link
 * in a writable directory.  Unsafe or unreadable files are skipped and the
 * next entry is tried.  The addresses of the file are added as recipients
 * controlled by the user (ctladdr "user:uid:gid", RCPT_FORWARDED), so that
 * programs there run as that user through smrsh.
 */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alias.h"
#include "envelope.h"
#include "err.h"
#include "macro.h"
#include "options.h"
#include "safefile.h"

/* 0 if path may be used as user's .forward, else an errno / E_SM_* code. */
static int forward_safe(const char *path, const struct passwd *pw)
{
	struct stat lst, st;
	if (lstat(path, &lst) < 0)
		return errno;
	int e = safedirpath(path, 0);
	if (e != 0 && !DontBlame[DBS_FORWARDFILEINUNSAFEDIRPATH])
		return e;
	if (stat(path, &st) < 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return E_SM_REGONLY;
	if (S_ISLNK(lst.st_mode) && e != 0 && !DontBlame[DBS_LINKEDFORWARDFILEINWRITABLEDIR])
		return E_SM_NOSLINK;
	if (st.st_uid != pw->pw_uid && st.st_uid != 0)
		return EPERM;
	if ((st.st_mode & S_IWGRP) && !DontBlame[DBS_GROUPWRITABLEFORWARDFILE] &&
	    !DontBlame[DBS_GROUPWRITABLEFORWARDFILESAFE])
		return E_SM_GWFILE;
	if ((st.st_mode & S_IWOTH) && !DontBlame[DBS_WORLDWRITABLEFORWARDFILE])
		return E_SM_WWFILE;
	return 0;
}

/* Expands one ForwardPath entry for pw (malloc'ed). */
static char *expand_entry(const char *entry, const struct passwd *pw)
{
	struct macro_set ms = { NULL, 0, CurMacros };
	macro_set_value(&ms, 'z', pw->pw_dir);
	macro_set_value(&ms, 'u', pw->pw_name);
	struct macro_set *saved = CurMacros;
	CurMacros = &ms;
	struct sm_buf in, out;
	sm_buf_init(&in);
	sm_buf_init(&out);
	macro_translate(entry, &in);
	macro_expand(in.data ? in.data : "", &out);
	CurMacros = saved;
	macro_set_free(&ms);
	sm_buf_free(&in);
	char *r = sm_buf_steal(&out);
	return r ? r : sm_strdup("");
}

int forward_expand(struct envelope *e, struct recipient *r, const char *user, int depth)
{
	struct passwd *pwp = getpwnam(user);
	if (pwp == NULL)
		return 0;
	/* getpwnam's storage is reused by the next call; keep what is needed */
	struct passwd pw = *pwp;
	pw.pw_name = sm_arena_strdup(e->arena, pwp->pw_name);
	pw.pw_dir = sm_arena_strdup(e->arena, pwp->pw_dir ? pwp->pw_dir : "/");
	const char *fp = opt_value(OPT_ForwardPath);
	if (fp == NULL)
		fp = "$z/.forward";
	char *ctl = sm_asprintf("%s:%ld:%ld", pw.pw_name, (long)pw.pw_uid, (long)pw.pw_gid);
	char *ctladdr = sm_arena_strdup(e->arena, ctl);
	sm_free(ctl);
	char *paths = sm_strdup(fp);
	int used = 0;
	for (char *save = NULL, *ent = strtok_r(paths, ":", &save); ent != NULL && used == 0;
	     ent = strtok_r(NULL, ":", &save)) {
		char *path = expand_entry(ent, &pw);
		if (*path == '\0' || strlen(path) >= 4096 || forward_safe(path, &pw) != 0) {
			sm_free(path);
			continue;
		}
		/* a .forward that exists but gives no address leaves the user as is */
		int n = alias_include(e, r, path, depth, ctladdr, true);
		sm_free(path);
		if (n > 0) {
			used = 1;
		} else if (n == 0) {
			r->flags &= ~RCPT_ALIAS_DONE;
			used = -1; /* the first file that opens ends the search */
		}
	}
	sm_free(paths);
	return used > 0 ? 1 : 0;
}
