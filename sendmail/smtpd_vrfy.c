/*
 * smtpd_vrfy.c: the VRFY and EXPN commands of an SMTP session.
 *
 * Owns their refusals (PrivacyOptions noexpn/novrfy, needexpnhelo/
 * needvrfyhelo, srv_features X, check_vrfy/check_expn) and their answers
 * as sendmail 8.17 gives them: an alias is expanded one level by EXPN
 * only, a local user is named with the full name of the password file.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "alias.h"
#include "macro.h"
#include "mailer.h"
#include "parseaddr.h"
#include "smtpd_int.h"

/* "Full Name <user@$j>" of a local user, or "<addr>". */
static void vrfy_line(struct smtpd *s, const char *addr, const struct address *a, bool last)
{
	char sep = last ? ' ' : '-';
	struct passwd *pw = a->mailer != NULL && mailer_has_flag(a->mailer, 'w') && a->user
				    ? getpwnam(a->user) : NULL;
	if (pw != NULL) {
		char *j = macro_expand_id('j');
		char full[256];
		size_t n = 0;
		for (const char *p = pw->pw_gecos; p && *p && *p != ',' && n < sizeof full - 1; p++)
			full[n++] = *p;
		full[n] = '\0';
		if (n > 0)
			smtpd_reply(s, "250%c2.1.5 %s <%s@%s>", sep, full, pw->pw_name, j);
		else
			smtpd_reply(s, "250%c2.1.5 <%s@%s>", sep, pw->pw_name, j);
		sm_free(j);
	} else {
		const char *u = a->user != NULL ? a->user : addr;
		if (a->host != NULL && a->mailer != NULL && !mailer_has_flag(a->mailer, 'w'))
			smtpd_reply(s, "250%c2.1.5 <%s@%s>", sep, u, a->host);
		else
			smtpd_reply(s, "250%c2.1.5 <%s>", sep, u);
	}
}

void smtpd_cmd_vrfy(struct smtpd *s, char *arg, bool expn)
{
	s->did_something = true;
	bool refused = expn ? smtpd_privacy("noexpn") || (s->hidden & SRV_NO_EXPN)
			    : smtpd_privacy("novrfy");
	bool nohelo = s->helo == NULL && smtpd_privacy(expn ? "needexpnhelo" : "needvrfyhelo");
	/* a client refused for want of HELO is not logged (8.17) */
	if (!nohelo || refused)
		smtpd_log_cmd(s, expn ? "EXPN" : "VRFY", arg, refused);
	if (refused) {
		if (expn)
			smtpd_reply(s, "502 5.7.0 Sorry, we do not allow this operation");
		else
			smtpd_reply(s, "252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)");
		return;
	}
	if (s->helo == NULL && smtpd_privacy(expn ? "needexpnhelo" : "needvrfyhelo")) {
		smtpd_reply(s, "503 5.0.0 I demand that you introduce yourself first");
		return;
	}
	if (*arg == '\0') {
		smtpd_reply(s, "501 5.5.2 Argument required");
		return;
	}
	if (smtpd_rscheck(s, expn ? "check_expn" : "check_vrfy", arg, NULL, arg) == RS_REJECT)
		return;
	struct sm_arena arena;
	sm_arena_init(&arena, 4096);
	struct address a;
	int before = s->errors_told;
	if (parseaddr(arg, &a, RF_ADDDOMAIN, '\0', NULL, true, &arena) == NULL ||
	    a.state == QS_BADADDR) {
		if (s->errors_told == before)
			smtpd_reply(s, "553 5.1.3 %s... Bad address", arg);
		sm_arena_free(&arena);
		return;
	}
	/* an alias: its members (one level), else the user */
	char *members = NULL;
	if (a.mailer != NULL && mailer_has_flag(a.mailer, 'A') && a.user != NULL) {
		char *low = sm_strdup(a.user);
		sm_lowercase(low);
		if (alias_lookup(low, &members) != 1)
			members = NULL;
		sm_free(low);
	}
	if (members != NULL && !expn) {
		/* VRFY does not expand an alias */
		char *j = macro_expand_id('j');
		smtpd_reply(s, "250 2.1.5 <%s@%s>", a.user, j);
		sm_free(j);
		sm_free(members);
		sm_arena_free(&arena);
		return;
	}
	if (members == NULL) {
		enum local_user lu = smtpd_unknown_local(&a);
		if (lu == LOCAL_UNKNOWN) {
			smtpd_reply(s, "550 5.1.1 %s... User unknown", arg);
		} else if (lu == LOCAL_NO_ALIASES) {
			/* no alias map to ask: 8.17 vouches for any local
			 * name, without the password entry's full name */
			char *j = macro_expand_id('j');
			smtpd_reply(s, "250 2.1.5 <%s@%s>", a.user, j);
			sm_free(j);
		} else {
			vrfy_line(s, arg, &a, true);
		}
		sm_arena_free(&arena);
		return;
	}
	char *save = NULL;
	char *items[100];
	int n = 0;
	for (char *w = strtok_r(members, ",", &save); w != NULL && n < 100;
	     w = strtok_r(NULL, ",", &save)) {
		while (*w == ' ' || *w == '\t')
			w++;
		size_t l = strlen(w);
		while (l > 0 && (w[l - 1] == ' ' || w[l - 1] == '\t' || w[l - 1] == '\n'))
			w[--l] = '\0';
		if (l > 0)
			items[n++] = w;
	}
	/* 8.17 lists the members last first */
	for (int i = n - 1; i >= 0; i--) {
		struct address m;
		if (parseaddr(items[i], &m, RF_ADDDOMAIN, '\0', NULL, true, &arena) == NULL)
			continue;
		vrfy_line(s, items[i], &m, i == 0);
	}
	sm_free(members);
	sm_arena_free(&arena);
}
