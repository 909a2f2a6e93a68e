/*
 * priv.c: which user a process of ours runs as, and when it changes.
 *
 * Owns: parsing user specifications (RunAsUser, DefaultUser, the SMTP
 * session user), giving root up for good, RunAsUser (a process started
 * as root becomes that user once its start-up is done: every mode, the
 * queue runner and the delivery processes of the daemon; the listening
 * daemon itself stays root), the set-group-id install given up by
 * callers who are not root, and the modes such callers are refused.
 * Measured against sendmail 8.17; see doc/daemon.md ("Privileges").
 */
#include "priv.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "options.h"
#include "sm.h"

bool priv_parse_user(const char *v, struct run_user *u)
{
	char *copy = sm_strdup(v);
	char *colon = strchr(copy, ':');
	if (colon != NULL)
		*colon++ = '\0';
	bool ok = true;
	struct passwd *pw = NULL;
	if (*copy >= '0' && *copy <= '9') {
		char *end;
		errno = 0;
		unsigned long n = strtoul(copy, &end, 10);
		/* a number past uid_t would wrap (4294967296 to root) */
		ok = *end == '\0' && errno == 0 && (unsigned long)(uid_t)n == n;
		u->uid = (uid_t)n;
		pw = getpwuid(u->uid);
		u->gid = pw != NULL ? pw->pw_gid : (gid_t)n;
	} else if ((pw = getpwnam(copy)) != NULL) {
		u->uid = pw->pw_uid;
		u->gid = pw->pw_gid;
	} else {
		ok = false;
	}
	if (ok && colon != NULL && *colon != '\0') {
		struct group *gr;
		if (*colon >= '0' && *colon <= '9') {
			errno = 0;
			unsigned long n = strtoul(colon, NULL, 10);
			ok = errno == 0 && (unsigned long)(gid_t)n == n;
			u->gid = (gid_t)n;
		} else if ((gr = getgrnam(colon)) != NULL) {
			u->gid = gr->gr_gid;
		} else {
			ok = false;
		}
	}
	if (ok)
		u->name = pw != NULL ? sm_strdup(pw->pw_name) : sm_asprintf("%lu", (unsigned long)u->uid);
	sm_free(copy);
	return ok;
}

int priv_become(const struct run_user *u)
{
	if (u == NULL || geteuid() != 0)
		return 0;
	gid_t g = u->gid;
	if ((!u->all_groups || u->name == NULL || initgroups(u->name, u->gid) != 0) &&
	    setgroups(1, &g) != 0)
		return errno;
	if (setgid(u->gid) != 0)
		return errno;
	if (setuid(u->uid) != 0)
		return errno;
	/* root must not come back */
	if (getuid() != u->uid || geteuid() != u->uid || getegid() != u->gid)
		return EPERM;
	if (setuid(0) == 0 || seteuid(0) == 0)
		return EPERM;
	return 0;
}

static bool RunAsActive;
static uid_t CallerUid;
static gid_t CallerGid;

uid_t priv_caller_uid(void)
{
	return RunAsActive ? CallerUid : getuid();
}

gid_t priv_caller_gid(void)
{
	return RunAsActive ? CallerGid : getgid();
}

bool priv_runas_active(void)
{
	return RunAsActive;
}

int priv_become_runas(void)
{
	const char *v = opt_value(OPT_RunAsUser);
	if (v == NULL || *v == '\0' || geteuid() != 0)
		return 0;
	struct run_user u;
	memset(&u, 0, sizeof u);
	if (!priv_parse_user(v, &u)) {
		/* reported when the cf was read; nothing is done as root instead */
		log_line(LOG_CRIT, NULL, "RunAsUser %s unknown", v);
		return EINVAL;
	}
	int err = 0;
	if (u.uid != 0) {
		CallerUid = getuid();
		CallerGid = getgid();
		err = priv_become(&u);
		if (err != 0)
			log_line(LOG_CRIT, NULL, "cannot become RunAsUser %s (uid %lu, gid %lu): %s", v,
				 (unsigned long)u.uid, (unsigned long)u.gid, strerror(err));
		else
			RunAsActive = true;
	}
	sm_free(u.name);
	return err;
}

void priv_drop_setid(void)
{
	if (setresgid(getgid(), getgid(), getgid()) != 0 ||
	    setresuid(getuid(), getuid(), getuid()) != 0) {
		fprintf(stderr, "sendmail: cannot give up set-id privileges: %s\n", strerror(errno));
		exit(EX_OSERR_);
	}
}

/* The caller is the TrustedUser option's user. */
static bool is_trusted_user(void)
{
	const char *v = opt_value(OPT_TrustedUser);
	if (v == NULL || *v == '\0')
		return false;
	struct run_user u;
	memset(&u, 0, sizeof u);
	bool yes = priv_parse_user(v, &u) && u.uid == priv_caller_uid();
	sm_free(u.name);
	return yes;
}

int priv_check_mode(char mode, bool qtimed, bool in_class_t)
{
	if (priv_caller_uid() == 0 || is_trusted_user())
		return 0;
	bool refused = mode == 'd' || mode == 'D' || mode == 'H' || (mode == 'm' && qtimed) ||
		       (mode == 'i' && !in_class_t);
	if (!refused)
		return 0;
	/* 8.17 answers -bd as an SMTP reply (code, CR LF), the others as a
	 * line; on standard output either way */
	if (mode == 'd')
		printf("550 Permission denied (real uid not trusted)\r\n");
	else
		printf("Permission denied (real uid not trusted)\n");
	(void)fflush(stdout);
	log_line(LOG_NOTICE, NULL, "Permission denied (real uid not trusted)");
	return EX_USAGE_;
}
