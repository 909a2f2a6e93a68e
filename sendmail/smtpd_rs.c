/*
 * smtpd_rs.c: the session's check rulesets and the client's macros.
 *
 * Owns smtpd_rscheck(): a check_* ruleset run on "p1 $| p2" as sendmail
 * 8.17 runs them, and what its result means ($#error: the reply and a
 * refusal, 4xx a temporary one; $#discard; $#quarantine), and the macros
 * that describe the client at connect time: {client_addr}, {client_name},
 * {client_port}, {client_resolve}, {daemon_name}, {daemon_flags},
 * {if_addr}, {if_name} and $_ (with "may be forged").
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "err.h"
#include "log.h"
#include "macro.h"
#include "meta.h"
#include "parseaddr.h"
#include "rewrite.h"
#include "smtpd_int.h"
#include "token.h"

/*
 * The exit status 8.17's server keeps for a check ruleset's "$#error $@
 * 5.C.D" (what sendmail -bs exits with, measured for every C and D below
 * 10: it differs from the one address errors give elsewhere, e.g. 5.7.x
 * is EX_DATAERR); 0 leaves the status as it was.  Like every error
 * status, it is kept only over EX_OK and EX_TEMPFAIL.
 */
static const unsigned char RsExitStat[8][10] = {
	{69, 69, 69, 69, 69, 69, 69, 69, 69, 69},
	{65, 67, 68, 64, 69, 0, 67, 64, 68, 69},
	{69, 69, 69, 65, 69, 69, 69, 69, 69, 69},
	{71, 71, 71, 71, 71, 71, 71, 71, 71, 0},
	{74, 0, 74, 0, 76, 0, 78, 69, 69, 69},
	{76, 76, 76, 76, 76, 76, 76, 76, 76, 76},
	{69, 69, 69, 69, 69, 69, 69, 69, 69, 69},
	{65, 65, 65, 65, 0, 65, 65, 65, 65, 65},
};

static void rs_setstat(const char *dsn)
{
	int st = EX_UNAVAILABLE_;
	if (dsn[0] == '4') {
		st = EX_TEMPFAIL_;
	} else if (dsn[0] == '5' && dsn[1] == '.') {
		char *end;
		long c = strtol(dsn + 2, &end, 10);
		long d = *end == '.' ? strtol(end + 1, &end, 10) : -1;
		if (c >= 0 && c < 8 && d >= 0 && d < 10)
			st = RsExitStat[c][d];
	}
	if (st != 0 && (ExitStat == EX_OK_ || ExitStat == EX_TEMPFAIL_))
		ExitStat = st;
}


enum smtpd_rs_result smtpd_rscheck(struct smtpd *s, const char *ruleset, const char *p1,
				   const char *p2, const char *errarg)
{
	struct sm_arena arena;
	sm_arena_init(&arena, 8192);
	char **v;
	int st = rewrite_check(ruleset, p1, p2, &arena, &v);
	if (st < 0) {
		sm_arena_free(&arena);
		return RS_OK;
	}
	enum smtpd_rs_result res = RS_OK;
	const char *relay = macro_get('_') != NULL ? macro_get('_') : "localhost";
	char args[MAXLINE];
	if (p2 != NULL)
		snprintf(args, sizeof args, "arg1=%s, arg2=%s", p1 != NULL ? p1 : "", p2);
	else
		snprintf(args, sizeof args, "arg1=%s", p1 != NULL ? p1 : "");
	if (v[0] != NULL && meta_token_is(v[0], META_CANONNET) && v[1] != NULL) {
		if (sm_strcasecmp(v[1], "discard") == 0) {
			res = RS_DISCARD;
			log_line(LOG_INFO, smtpd_log_id(s), "ruleset=%s, %s, relay=%s, discard", ruleset,
				 args, relay);
		} else if (sm_strcasecmp(v[1], "quarantine") == 0) {
			/* the reason is the $: part */
			int i = 2;
			while (v[i] != NULL && !meta_token_is(v[i], META_CANONUSER))
				i++;
			char buf[MAXLINE];
			buf[0] = '\0';
			if (v[i] != NULL) {
				int end = i + 1;
				while (v[end] != NULL)
					end++;
				tok_cat(v, i + 1, end, buf, sizeof buf, ' ');
			}
			sm_free(s->quarantine);
			s->quarantine = sm_strdup(buf);
			res = RS_QUARANTINE;
			log_line(LOG_INFO, smtpd_log_id(s), "ruleset=%s, %s, relay=%s, quarantine=%s",
				 ruleset, args, relay, buf);
		} else if (sm_strcasecmp(v[1], "error") == 0) {
			struct address a;
			memset(&a, 0, sizeof a);
			/* a temporary refusal (a 4xx text) names no address and is
			 * not kept as the message's status, as in 8.17 */
			int i = 2;
			while (v[i] != NULL && !meta_token_is(v[i], META_CANONUSER))
				i++;
			const char *txt = v[i] != NULL && v[i + 1] != NULL ? v[i + 1] : "";
			if (*txt == '"')
				txt++;
			bool temp = txt[0] == '4';
			bool was_off = s->status_off;
			s->status_off = was_off || temp;
			const char *saved = err_set_address(temp ? NULL : errarg);
			int before = s->errors_told;
			int exitstat = ExitStat;
			(void)buildaddr(v, &a, 0, &arena);
			if (a.status != NULL) {
				/* with "$@ x.y.z" the server's own table applies */
				ExitStat = exitstat;
				rs_setstat(a.status);
			}
			err_set_address(saved);
			s->status_off = was_off;
			if (s->errors_told == before)
				smtpd_reply(s, "553 5.3.0 %s", errarg != NULL ? errarg : "rejected");
			else if (s->last_told != NULL)
				log_line(LOG_NOTICE, smtpd_log_id(s), "ruleset=%s, %s, relay=%s, reject=%s",
					 ruleset, args, relay, s->last_told);
			res = RS_REJECT;
		}
	} else if (st == EX_TEMPFAIL_) {
		smtpd_reply(s, "451 4.3.0 Temporary system failure. Please try again later.");
		res = RS_REJECT;
	}
	sm_arena_free(&arena);
	return res;
}

unsigned smtpd_srv_features(struct smtpd *s)
{
	(void)s;
	struct sm_arena arena;
	sm_arena_init(&arena, 8192);
	const char *name = macro_get(macro_id("client_name", 11, true));
	char **v;
	unsigned hidden = 0;
	if (rewrite_check("srv_features", name, NULL, &arena, &v) == EX_OK_ &&
	    meta_token_is(v[0], META_CANONNET)) {
		/* single letters; upper case turns off, lower case turns on again */
		static const char letters[] = "BDEXPASV";
		for (int i = 1; v[i] != NULL; i++)
			for (const char *c = v[i]; *c; c++) {
				/* c and l turn a requirement on, C and L off */
				if (*c == 'c' || *c == 'C' || *c == 'l' || *c == 'L') {
					unsigned req = sm_lower((unsigned char)*c) == 'c' ? SRV_SECLAYER
											  : SRV_REQUIRE_AUTH;
					if (*c == 'c' || *c == 'l')
						hidden |= req;
					else
						hidden &= ~req;
					continue;
				}
				const char *l = strchr(letters, sm_upper((unsigned char)*c));
				if (l == NULL || *l == '\0')
					continue;
				unsigned bit = 1u << (l - letters);
				if (*c == *l)
					hidden |= bit;
				else
					hidden &= ~bit;
			}
	}
	sm_arena_free(&arena);
	return hidden;
}

long smtpd_greet_pause(struct smtpd *s)
{
	(void)s;
	struct sm_arena arena;
	sm_arena_init(&arena, 8192);
	const char *name = macro_get(macro_id("client_name", 11, true));
	const char *addr = macro_get(macro_id("client_addr", 11, true));
	char **v;
	long ms = 0;
	if (rewrite_check("greet_pause", name, addr != NULL ? addr : "", &arena, &v) == EX_OK_ &&
	    meta_token_is(v[0], META_CANONNET) && v[1] != NULL) {
		char *end;
		ms = strtol(v[1], &end, 10);
		/* not a number, or one past a day: no pause */
		if (*end != '\0' || ms < 0 || ms > 86400000L)
			ms = 0;
	}
	sm_arena_free(&arena);
	return ms;
}

/* The numeric form of an address and its port; false for no address. */
static bool numeric(const struct sockaddr_storage *ss, socklen_t len, char *host, size_t hsize,
		    char *port, size_t psize)
{
	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6)
		return false;
	return getnameinfo((const struct sockaddr *)ss, len, host, (socklen_t)hsize, port,
			   (socklen_t)psize, NI_NUMERICHOST | NI_NUMERICSERV) == 0;
}

/*
 * The client's name: the PTR name, confirmed when one of its addresses is
 * the client's (FORGED otherwise, FAIL with no name, TEMP on a temporary
 * failure).
 */
static const char *resolve_client(const struct smtpd_conn *c, char *name, size_t size,
				  const char *addr)
{
	int rc = getnameinfo((const struct sockaddr *)&c->peer, c->peer_len, name,
			     (socklen_t)size, NULL, 0, NI_NAMEREQD);
	if (rc == EAI_AGAIN)
		return "TEMP";
	if (rc != 0)
		return "FAIL";
	struct addrinfo hints = {.ai_family = c->peer.ss_family, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc == EAI_AGAIN)
		return "TEMP";
	bool match = false;
	for (struct addrinfo *ai = res; rc == 0 && ai != NULL && !match; ai = ai->ai_next) {
		char h[NI_MAXHOST];
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof h, NULL, 0,
				NI_NUMERICHOST) == 0 &&
		    strcmp(h, addr) == 0)
			match = true;
	}
	if (res != NULL)
		freeaddrinfo(res);
	return match ? "OK" : "FORGED";
}

void smtpd_client_macros(struct smtpd *s)
{
	const struct smtpd_conn *c = s->conn;
	char addr[NI_MAXHOST], port[NI_MAXSERV];
	smtpd_setmacro("daemon_name", c->daemon_name);
	smtpd_setmacro("daemon_flags", c->daemon_mode ? (c->daemon_flags ? c->daemon_flags : "")
						      : "c u");
	if (!numeric(&c->peer, c->peer_len, addr, sizeof addr, port, sizeof port)) {
		/* -bs: the client is this host; $_ is the invoking user's (hostenv) */
		smtpd_setmacro("client_name", "localhost");
		smtpd_setmacro("client_addr", "");
		smtpd_setmacro("client_port", NULL);
		smtpd_setmacro("client_resolve", NULL);
		return;
	}
	smtpd_setmacro("client_addr", addr);
	smtpd_setmacro("client_port", port);
	char name[NI_MAXHOST];
	const char *how = resolve_client(c, name, sizeof name, addr);
	smtpd_setmacro("client_resolve", how);
	bool named = strcmp(how, "OK") == 0 || strcmp(how, "FORGED") == 0;
	char bracketed[NI_MAXHOST + 8];
	snprintf(bracketed, sizeof bracketed, "[%s]", addr);
	smtpd_setmacro("client_name", named ? name : bracketed);
	/* the user the client's ident service names, in front: "alice@host [addr]" */
	char *user = smtpd_ident(c);
	char *at = user != NULL ? sm_asprintf("%s@", user) : sm_strdup("");
	char *under = !named ? sm_asprintf("%s[%s]", at, addr)
		      : strcmp(how, "FORGED") == 0
			      ? sm_asprintf("%s%s [%s] (may be forged)", at, name, addr)
			      : sm_asprintf("%s%s [%s]", at, name, addr);
	smtpd_setmacro("_", under);
	sm_free(under);
	sm_free(at);
	sm_free(user);
	char laddr[NI_MAXHOST], lport[NI_MAXSERV];
	if (numeric(&c->local, c->local_len, laddr, sizeof laddr, lport, sizeof lport)) {
		smtpd_setmacro("if_addr", laddr);
		smtpd_setmacro("daemon_addr", laddr);
		smtpd_setmacro("daemon_port", lport);
		char lname[NI_MAXHOST];
		if (getnameinfo((const struct sockaddr *)&c->local, c->local_len, lname, sizeof lname,
				NULL, 0, NI_NAMEREQD) == 0)
			smtpd_setmacro("if_name", lname);
	}
}
