/*
 * priv.h: the user a process of ours runs as (priv.c).
 *
 * RunAsUser, the set-group-id install given up by callers who are not
 * root, and the operation modes such callers may not use.
 */
#ifndef PRIV_H
#define PRIV_H

#include <stdbool.h>
#include <sys/types.h>

struct run_user {
	uid_t uid;
	gid_t gid;
	char *name; /* for the log, malloc'ed */
	/* also the user's supplementary groups from the group file (initgroups):
	 * for the SMTP session user, so that an admin can let it read a sasldb
	 * or reach saslauthd's socket by adding it to their group */
	bool all_groups;
};

/*
 * The real user and group of whoever started the program, as they were
 * before RunAsUser changed them (the caller: for the envelope sender,
 * the trusted and restrictqrun checks, ctladdr).
 */
uid_t priv_caller_uid(void);
gid_t priv_caller_gid(void);

/* "user", "uid", "user:group" or "uid:gid" into u; false when unknown. */
bool priv_parse_user(const char *v, struct run_user *u);

/* Gives up root for good for u (setgroups, setgid, setuid, each checked,
 * and that root cannot come back); 0 or an errno.  Nothing when not root. */
int priv_become(const struct run_user *u);

/*
 * RunAsUser: when it names a user other than root and this process runs
 * as root, becomes that user for good (as 8.17 does after its start-up)
 * and returns 0; 0 as well when there is nothing to do; an errno (logged)
 * when the change fails.
 */
int priv_become_runas(void);

/* True while this process runs as RunAsUser (not root) because of it. */
bool priv_runas_active(void);

/*
 * Gives up the set-user-id and set-group-id privileges of the install for
 * good (real ids everywhere); exits with a message when that fails.
 */
void priv_drop_setid(void);

/*
 * The operation modes a caller who is not root may not use (8.17's
 * "Permission denied (real uid not trusted)", exit 64): -bd, -bD, -bH and
 * queue runs at intervals (-q15m, -qp) unless the caller is the
 * TrustedUser; -bi unless TrustedUser or in class t.  mode is the -b
 * letter, qtimed true for -q with a time or -qp.  Returns 0 or the exit
 * status after printing the refusal.
 */
int priv_check_mode(char mode, bool qtimed, bool in_class_t);

#endif
