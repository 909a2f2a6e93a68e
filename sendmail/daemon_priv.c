/*
 * daemon_priv.c: the user SMTP sessions run as and the change to it.
 *
 * The daemon binds its sockets as root; every session gives root up for
 * good before it reads a byte from the network: RunAsUser when the cf
 * sets it, else DefaultUser when it sets that, else the user "smmta" when
 * it exists (Debian's MTA user, which ./Build install creates and gives
 * the queue to), else uid 1, gid 1 (DefaultUser's default, "daemon").
 * That user must be able to write the queue directories (the session
 * queues the messages it accepts); the daemon checks this at start and
 * says so in the log.  When the daemon does not run as root nothing is
 * changed.  Parsing users and the change itself are priv.c's.
 */
#include "daemon.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "options.h"
#include "sm.h"

int daemon_session_user(struct run_user *u)
{
	memset(u, 0, sizeof *u);
	const char *v = opt_value(OPT_RunAsUser);
	const char *which = "RunAsUser";
	if (v == NULL || *v == '\0') {
		v = opt_value(OPT_DefaultUser);
		which = "DefaultUser";
	}
	if (v == NULL || *v == '\0') {
		v = getpwnam("smmta") != NULL ? "smmta" : "1:1";
		which = "the session user";
	}
	if (!priv_parse_user(v, u)) {
		log_line(LOG_CRIT, NULL, "daemon: %s %s unknown", which, v);
		return EINVAL;
	}
	/* RunAsUser gets its group alone, as 8.17 gives it; the session user
	 * of our own (which 8.17 does not have: its sessions stay root) gets
	 * its supplementary groups too, unless DontInitGroups */
	const char *dig = opt_value(OPT_DontInitGroups);
	u->all_groups = strcmp(which, "RunAsUser") != 0 && getpwnam(u->name) != NULL &&
			!(dig != NULL && strchr("tTyY", dig[0]) != NULL);
	if (u->uid == 0) {
		log_line(LOG_CRIT, NULL, "daemon: %s %s is root: sessions must not run as root",
			 which, v);
		sm_free(u->name);
		u->name = NULL;
		return EPERM;
	}
	return 0;
}

/* May uid:gid create files in dir (write and search)? */
static bool writable_by(const char *dir, const struct run_user *u)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	if (st.st_uid == u->uid)
		return (st.st_mode & (S_IWUSR | S_IXUSR)) == (S_IWUSR | S_IXUSR);
	if (st.st_gid == u->gid)
		return (st.st_mode & (S_IWGRP | S_IXGRP)) == (S_IWGRP | S_IXGRP);
	return (st.st_mode & (S_IWOTH | S_IXOTH)) == (S_IWOTH | S_IXOTH);
}

bool daemon_check_queue_writable(const struct run_user *u)
{
	char **dirs = queue_dirs(NULL);
	bool ok = true;
	for (size_t i = 0; dirs != NULL && dirs[i] != NULL; i++) {
		/* the qf/df/xf subdirectories when the queue has them */
		static const char *const subs[] = {"", "/qf", "/df", "/xf"};
		for (size_t k = 0; k < sizeof subs / sizeof subs[0]; k++) {
			char *p = sm_asprintf("%s%s", dirs[i], subs[k]);
			struct stat st;
			if ((k == 0 || stat(p, &st) == 0) && !writable_by(p, u)) {
				log_line(LOG_ALERT, NULL,
					 "daemon: SMTP sessions run as %s (uid %lu, gid %lu) and cannot write the queue directory %s: make it owned by or group-writable for that user",
					 u->name, (unsigned long)u->uid, (unsigned long)u->gid, p);
				ok = false;
			}
			sm_free(p);
		}
	}
	return ok;
}
