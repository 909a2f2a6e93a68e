/*
 * smtpc_authinfo.c: the credentials our SMTP client authenticates with
 * (see smtpc.h, smtpc_auth.c).
 *
 * Owns: asking the authinfo ruleset of the configuration (with
 * {server_name} and {server_addr} of the connection set, as the cf's rules
 * look them up: FEATURE(`authinfo')'s map or AuthInfo: entries of the
 * access map), reading its $# answer of "TDvalue" items (U user, I
 * authentication id, P password, R realm, M mechanisms; D ':' for text,
 * '=' for base64), and the deprecated DefaultAuthInfo file, which counts
 * only when the configuration has no authinfo ruleset at all.
 */
#include "smtpc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include <sasl/saslutil.h>

#include "log.h"
#include "macro.h"
#include "meta.h"
#include "options.h"
#include "rewrite.h"
#include "rule.h"
#include "token.h"

#define MAX_ITEM 1024 /* bytes of one item (a password, a mechanism list) */

void smtpc_authinfo_free(struct smtpc_authinfo *ai)
{
	char **v[] = {&ai->user, &ai->authid, &ai->pass, &ai->realm, &ai->mechs};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		if (*v[i] != NULL) {
			/* a password does not stay in freed memory */
			memset(*v[i], 0, strlen(*v[i]));
			sm_free(*v[i]);
		}
		*v[i] = NULL;
	}
}

static void set_item(char **slot, const char *value, size_t len)
{
	if (*slot != NULL) {
		memset(*slot, 0, strlen(*slot));
		sm_free(*slot);
	}
	*slot = sm_strndup(value, len);
}

/*
 * One "TDvalue" token of the ruleset's answer (its quotes around it, as
 * the map gives them).  Tokens of another form or tag are passed over.
 */
static void take_token(struct smtpc_authinfo *ai, const char *tok)
{
	size_t n = strlen(tok);
	if (n >= 2 && tok[0] == '"' && tok[n - 1] == '"') {
		tok++;
		n -= 2;
	}
	if (n < 2 || (tok[1] != ':' && tok[1] != '=') || n - 2 > MAX_ITEM)
		return;
	char **slot;
	switch (tok[0]) {
	case 'U': slot = &ai->user; break;
	case 'I': slot = &ai->authid; break;
	case 'P': slot = &ai->pass; break;
	case 'R': slot = &ai->realm; break;
	case 'M': slot = &ai->mechs; break;
	default: return;
	}
	if (tok[1] == ':') {
		set_item(slot, tok + 2, n - 2);
		return;
	}
	char dec[MAX_ITEM + 4];
	unsigned dl = 0;
	if (sasl_decode64(tok + 2, (unsigned)(n - 2), dec, sizeof dec - 1, &dl) == SASL_OK)
		set_item(slot, dec, dl);
	memset(dec, 0, sizeof dec);
}

/*
 * DefaultAuthInfo: the user, the authentication id, the password, the
 * realm and the mechanisms, one a line.  1 read, 0 no file named, -2 the
 * file cannot be used (logged as 8.17 logs it: not there, or readable by
 * others than its owner, group-readable allowed with DontBlameSendmail's
 * GroupReadableDefaultAuthInfoFile).
 */
static int read_default_file(const char *path, struct smtpc_authinfo *ai)
{
	if (path == NULL || *path == '\0')
		return 0;
	struct stat st;
	const char *why = NULL;
	if (stat(path, &st) < 0)
		why = strerror(errno);
	else if ((st.st_mode & S_IRGRP) && !DontBlame[DBS_GROUPREADABLEDEFAULTAUTHINFOFILE])
		why = "Group readable file";
	else if (st.st_mode & S_IROTH)
		why = "World readable file";
	FILE *f = why == NULL ? fopen(path, "r") : NULL;
	if (why == NULL && f == NULL)
		why = strerror(errno);
	if (why != NULL) {
		log_line(LOG_WARNING, "", "AUTH=client, error: can't open %s: %s", path, why);
		return -2;
	}
	char **slot[] = {&ai->user, &ai->authid, &ai->pass, &ai->realm, &ai->mechs};
	char line[MAX_ITEM + 2];
	for (size_t i = 0; i < sizeof slot / sizeof slot[0] && fgets(line, sizeof line, f) != NULL;
	     i++) {
		size_t l = strcspn(line, "\r\n");
		if (l > 0)
			set_item(slot[i], line, l);
	}
	memset(line, 0, sizeof line);
	(void)fclose(f);
	return 1;
}

int smtpc_authinfo_get(const struct smtpc_conn *c, struct smtpc_authinfo *ai)
{
	memset(ai, 0, sizeof *ai);
	bool answered = false;
	macro_define(macro_id("server_name", 11, true), c->host);
	macro_define(macro_id("server_addr", 11, true), c->addr);
	int rs = ruleset_lookup("authinfo", false);
	if (rs < 0 || ruleset_get(rs) == NULL) {
		int st = read_default_file(opt_value(OPT_DefaultAuthInfo), ai);
		if (st <= 0)
			return st;
		answered = true;
	} else {
		struct sm_arena arena;
		sm_arena_init(&arena, 4096);
		char **v = NULL;
		int st = rewrite_check("authinfo", c->host, c->addr, &arena, &v);
		/* anything but "$# items" is no answer */
		if (st == EX_OK_ && v != NULL && v[0] != NULL && meta_token_is(v[0], META_CANONNET)) {
			answered = true;
			for (size_t i = 1; v[i] != NULL; i++)
				take_token(ai, v[i]);
		}
		/*
		 * the tokens are not wiped: some are the rules' own text (the
		 * "$#" of the RHS), not copies
		 */
		sm_arena_free(&arena);
	}
	/* a user or an authentication id (each stands for the other) and a password */
	if (ai->user == NULL && ai->authid != NULL)
		ai->user = sm_strdup(ai->authid);
	if (ai->authid == NULL && ai->user != NULL)
		ai->authid = sm_strdup(ai->user);
	if (ai->user == NULL || ai->pass == NULL) {
		smtpc_authinfo_free(ai);
		return answered ? -1 : 0;
	}
	return 1;
}

char *smtpc_xtext(const char *s)
{
	struct sm_buf b;
	sm_buf_init(&b);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < '!' || *p > '~' || *p == '+' || *p == '=')
			sm_buf_printf(&b, "+%02X", *p);
		else
			sm_buf_putc(&b, (char)*p);
	}
	if (b.data == NULL)
		return sm_strdup("");
	return sm_buf_steal(&b);
}

char *smtpc_auth_param_local(const char *sender, const char *domain)
{
	/* the address as its tokens give it (blanks become BlankSub), then @domain when bare */
	struct tokens *t = sm_malloc(sizeof *t);
	char joined[MAXLINE];
	int n = tok_scan(sender, '\0', TOK_ADDR, t, NULL);
	if (n > 0)
		(void)tok_cat(t->v, 0, n, joined, sizeof joined, SpaceSub);
	else
		sm_strlcpy(joined, sender, sizeof joined);
	sm_free(t);
	char *full = strchr(joined, '@') != NULL ? sm_strdup(joined)
						  : sm_asprintf("%s@%s", joined, domain);
	char *x = smtpc_xtext(full);
	sm_free(full);
	return x;
}
