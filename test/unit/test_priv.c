/*
 * test_priv.c: priv.c's parsing of user specifications (RunAsUser,
 * DefaultUser): numbers, names, a group after the colon, and numbers
 * that do not fit (they must not wrap to root).
 */
#include <string.h>

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

void unit_run(void)
{
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
