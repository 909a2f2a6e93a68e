/*
 * verify.c: sendmail -bv (see alias.h, verify_addresses).
 *
 * Owns the verification mode: each address of the command line becomes a
 * recipient of a scratch envelope and is expanded (aliases, :include:,
 * .forward) with alias_expand(); then every recipient that was not
 * replaced by others is reported in envelope order, as sendmail prints
 * them: "addr... deliverable: mailer M, host H, user U" or "addr... why".
 * Nothing is delivered.  The exit status is sendmail's: 67 (EX_NOUSER)
 * when a user is unknown, 64 for other failures.
 */
#include <string.h>

#include "alias.h"
#include "envelope.h"
#include "err.h"
#include "mailer.h"
#include "parseaddr.h"

/* The text of a diagnostic without its SMTP and enhanced status codes. */
static const char *plain(const char *d)
{
	const char *p = d;
	if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
	    p[2] <= '9' && p[3] == ' ') {
		p += 4;
		const char *q = p;
		while ((*q >= '0' && *q <= '9') || *q == '.')
			q++;
		if (q > p && *q == ' ')
			p = q + 1;
	}
	return p;
}

static void report(struct envelope *e, struct recipient *r, int *rc)
{
	if (r->flags & RCPT_BADADDR) {
		if (*rc == 0)
			*rc = (r->status && strcmp(r->status, "5.1.1") == 0) ? EX_NOUSER_ : EX_USAGE_;
		if (r->flags & RCPT_REPORTED)
			return;
		const char *d = plain(r->diag ? r->diag : "Bad address");
		if (r->status != NULL && strcmp(r->status, "5.4.6") == 0)
			printf("%s\n", d);
		else
			printf("%s... %s\n", r->address, d);
		return;
	}
	if (r->flags & RCPT_QUEUED) {
		printf("%s... queued\n", r->address);
		return;
	}
	struct address a;
	const char *saved = err_set_address(NULL);
	if (parseaddr(r->address, &a, 0, '\0', NULL, true, e->arena) == NULL ||
	    a.mailer == NULL) {
		err_set_address(saved);
		return;
	}
	err_set_address(saved);
	if (a.host != NULL && *a.host != '\0')
		printf("%s... deliverable: mailer %s, host %s, user %s\n", r->address,
		       a.mailer->name, a.host, a.user ? a.user : "");
	else
		printf("%s... deliverable: mailer %s, user %s\n", r->address, a.mailer->name,
		       a.user ? a.user : "");
}

int verify_addresses(char **addrs)
{
	struct envelope *e = envelope_new();
	for (int i = 0; addrs != NULL && addrs[i] != NULL; i++) {
		struct recipient *r = envelope_add_rcpt(e, addrs[i], RCPT_PRIMARY);
		struct alias_result res;
		(void)alias_expand(e, r, ALIAS_VERIFY, &res);
	}
	fflush(stdout);
	int rc = 0;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next) {
		if ((r->flags & RCPT_ALIAS_DONE) && !(r->flags & RCPT_BADADDR))
			continue;
		report(e, r, &rc);
	}
	fflush(stdout);
	alias_close_all();
	envelope_free(e);
	return rc != 0 ? rc : ExitStat;
}
