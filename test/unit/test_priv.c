/*
 * test_priv.c: priv.c's parsing of user specifications (RunAsUser,
 * DefaultUser): numbers, names, a group after the colon, and numbers
 * that do not fit (they must not wrap to root); priv_become's groups (the
 * primary one alone, or with all_groups the user's supplementary ones).
 */
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "priv.h"
#include "sm.h"
#include "unit.h"

static bool parse(const char *v, struct run_user *u)
{
	memset(u, 0, sizeof *u);
	bool ok = priv_parse_user(v, u);
	sm_free(u->name);
	u->name = NULL;
	return ok;
}

/*
 * In a child: becomes u and tells whether it is in group extra and how
 * many groups it has (1: the primary one alone).  -1 when that failed.
 */
static int groups_after_become(struct run_user *u, gid_t extra, bool *in_extra)
{
	int pp[2];
	if (pipe(pp) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		int res[2] = {-1, 0};
		if (priv_become(u) == 0) {
			gid_t g[256];
			res[0] = getgroups(256, g);
			for (int i = 0; i < res[0]; i++)
				if (g[i] == extra)
					res[1] = 1;
		}
		(void)!write(pp[1], res, sizeof res);
		_exit(0);
	}
	(void)close(pp[1]);
	int res[2] = {-1, 0};
	if (pid < 0 || read(pp[0], res, sizeof res) != (ssize_t)sizeof res)
		res[0] = -1;
	(void)close(pp[0]);
	if (pid > 0)
		(void)waitpid(pid, NULL, 0);
	*in_extra = res[1] != 0;
	return res[0];
}

/* A user of the group file who is a member of a group other than its own. */
static bool find_member(struct run_user *u, gid_t *extra)
{
	struct group *gr;
	bool found = false;
	setgrent();
	while (!found && (gr = getgrent()) != NULL)
		for (char **m = gr->gr_mem; !found && *m != NULL; m++) {
			struct passwd *pw = getpwnam(*m);
			if (pw != NULL && pw->pw_uid != 0 && pw->pw_gid != gr->gr_gid) {
				u->uid = pw->pw_uid;
				u->gid = pw->pw_gid;
				u->name = sm_strdup(pw->pw_name);
				*extra = gr->gr_gid;
				found = true;
			}
		}
	endgrent();
	return found;
}

static void test_groups(void)
{
	struct run_user u;
	memset(&u, 0, sizeof u);
	gid_t extra;
	if (getuid() != 0 || !find_member(&u, &extra)) {
		/* nothing to see: not root, or no user with a supplementary group */
		CHECK("groups.skipped", true);
		return;
	}
	bool in = true;
	CHECK_INT("groups.primary_only", groups_after_become(&u, extra, &in), 1);
	CHECK("groups.primary_only_not_extra", !in);
	u.all_groups = true;
	CHECK("groups.all", groups_after_become(&u, extra, &in) >= 2 && in);
	sm_free(u.name);
}

void unit_run(void)
{
	test_groups();
	struct run_user u;
	CHECK("parse.root", parse("0", &u) && u.uid == 0);
	CHECK("parse.uid_gid", parse("12345:23456", &u) && u.uid == 12345 && u.gid == 23456);
	CHECK("parse.uid_trailing", !parse("12abc", &u));
	CHECK("parse.uid_wraps", !parse("4294967296", &u));
	CHECK("parse.uid_huge", !parse("99999999999999999999999", &u));
	CHECK("parse.gid_wraps", !parse("12345:4294967296", &u));
	CHECK("parse.unknown_name", !parse("no-such-user-here", &u));
	CHECK("parse.unknown_group", !parse("12345:no-such-group-here", &u));
}
