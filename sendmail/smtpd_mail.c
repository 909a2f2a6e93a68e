/*
 * smtpd_mail.c: the envelope commands of an SMTP session: MAIL FROM with
 * its parameters (SIZE, BODY, RET, ENVID, BY, AUTH), RCPT TO with NOTIFY
 * and ORCPT (VRFY/EXPN: smtpd_vrfy.c).
 *
 * Owns the order of checks of each command as sendmail 8.17 makes them
 * (syntax, the address through rulesets 3 and 0, the parameters, the
 * limits, the check_mail/check_rcpt rulesets, local users) and their
 * reply texts.  The envelope it fills (struct smtpd's e) is the session's.
 */
#include <ctype.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <time.h>

#include "alias.h"
#include "err.h"
#include "headers.h"
#include "macro.h"
#include "log.h"
#include "mailer.h"
#include "options.h"
#include "parseaddr.h"
#include "queue.h"
#include "sasl_srv.h"
#include "smtpd_int.h"
#include "submit.h"

/*
 * Checks "KEYWORD:" at the start of args; returns the text after the
 * colon and blanks, or NULL after the 501 reply.
 */
static char *keyword(struct smtpd *s, char *args, const char *kw)
{
	size_t kl = strlen(kw);
	char *p = args;
	bool ok = sm_strncasecmp(p, kw, kl) == 0 && p[kl] == ':';
	if (ok) {
		p += kl + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\0')
			return p;
	}
	/* the word the parser stopped at */
	size_t wl = strcspn(args, ": \t");
	smtpd_reply(s, "501 5.5.2 Syntax error in parameters scanning \"%.*s\"", (int)wl, args);
	return NULL;
}

/* RFC 3461 xtext: printable ASCII but '+' and '=', and "+HH" (upper-case hex). */
static bool valid_xtext(const char *p)
{
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '+') {
			if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]) ||
			    islower((unsigned char)p[1]) || islower((unsigned char)p[2]))
				return false;
			p += 2;
		} else if (c < '!' || c > '~' || c == '=') {
			return false;
		}
	}
	return true;
}

/* Splits the next "KEY[=VALUE]" off *pp; NULL at the end. */
static char *next_param(char **pp, char **value)
{
	char *p = *pp;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return NULL;
	char *key = p;
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	char *eq = strchr(key, '=');
	*value = NULL;
	if (eq != NULL) {
		*eq = '\0';
		*value = eq + 1;
	}
	return key;
}

/* The address text of a MAIL/RCPT line and the parameters after it. */
static struct address *parse_arg(struct smtpd *s, char *arg, bool rcpt, char **addr_out,
				 char **params, struct address *a)
{
	const char *end = NULL;
	int before = s->errors_told;
	struct address *r = parseaddr(arg, a, (rcpt ? 0 : RF_SENDERADDR) | RF_ADDDOMAIN, ' ', &end,
				      rcpt, s->e->arena);
	size_t len = end != NULL ? (size_t)(end - arg) : strlen(arg);
	*addr_out = sm_arena_strndup(s->e->arena, arg, len);
	*params = arg + len;
	if (r == NULL && s->errors_told == before)
		smtpd_reply(s, "553 5.1.3 %s... Bad address", *addr_out);
	/* a recipient the scanner refused is logged with the complaint (8.17) */
	if (rcpt && s->errors_told != before && s->last_told != NULL) {
		log_line(LOG_INFO, s->e->id, "%s", err_skip_codes(s->last_told));
	}
	/* a complaint of the scanner (unbalanced brackets) refuses the address */
	return s->errors_told == before ? r : NULL;
}

static void set_triple_macros(const char *prefix, const struct address *a)
{
	char name[32];
	snprintf(name, sizeof name, "%s_mailer", prefix);
	smtpd_setmacro(name, a->mailer != NULL ? a->mailer->name : NULL);
	snprintf(name, sizeof name, "%s_host", prefix);
	smtpd_setmacro(name, a->host);
	snprintf(name, sizeof name, "%s_addr", prefix);
	smtpd_setmacro(name, a->user);
}

/* True when the queue's file system has room for a message of size bytes. */
static bool room_for(struct smtpd *s, long size)
{
	const char *v = opt_value(OPT_MinFreeBlocks);
	long minfree = v != NULL && *v != '\0' ? atol(v) : 100;
	char **dirs = queue_dirs(NULL);
	struct statvfs sv;
	if (dirs == NULL || dirs[0] == NULL || statvfs(dirs[0], &sv) != 0 || sv.f_bsize == 0)
		return true;
	long double avail = (long double)sv.f_bavail;
	long double need = (long double)(minfree > 0 ? minfree : 0) +
			   (long double)size / (long double)sv.f_bsize;
	if (avail >= need)
		return true;
	const char *name = macro_get(macro_id("client_name", 11, true));
	log_line(LOG_ALERT, smtpd_log_id(s),
		 "low on space (%s needs %ld bytes + %ld blocks in %s), max avail: %lld",
		 name != NULL ? name : "localhost", size, minfree, dirs[0], (long long)sv.f_bavail);
	return false;
}

void smtpd_cmd_mail(struct smtpd *s, char *args)
{
	if (s->e != NULL) {
		smtpd_reply(s, "503 5.5.0 Sender already specified");
		return;
	}
	if (s->helo == NULL && smtpd_privacy("needmailhelo")) {
		smtpd_reply(s, "503 5.0.0 Polite people say HELO first");
		return;
	}
	s->did_something = true;
	if (saslsrv_mail_refused(s))
		return;
	char *arg = keyword(s, args, "FROM");
	if (arg == NULL)
		return;
	s->e = envelope_new();
	/* {auth_author} is the AUTH= of this MAIL, if it has one */
	smtpd_setmacro("auth_author", NULL);
	s->e->ctime = time(NULL);
	struct address a;
	char *addr, *params;
	if (parse_arg(s, arg, false, &addr, &params, &a) == NULL || a.state == QS_BADADDR) {
		smtpd_reset_transaction(s);
		return;
	}
	set_triple_macros("mail", &a);
	{
		/* $f: the sender without its brackets (the cf's messages use $&f) */
		size_t l;
		const char *b = addr_unbracket(addr, &l);
		char *f = sm_strndup(b, l);
		smtpd_setmacro("f", f);
		sm_free(f);
	}
	bool envid_seen = false;
	char *value;
	for (char *key; (key = next_param(&params, &value)) != NULL;) {
		if (sm_strcasecmp(key, "SIZE") == 0 && value != NULL) {
			s->size_param = atol(value);
		} else if (sm_strcasecmp(key, "BODY") == 0 && value != NULL) {
			if (sm_strcasecmp(value, "7BIT") != 0 && sm_strcasecmp(value, "8BITMIME") != 0) {
				smtpd_reply(s, "501 5.5.4 Unknown BODY type %s", value);
				goto fail;
			}
			s->e->body_type = sm_arena_strdup(s->e->arena, value);
			for (char *p = s->e->body_type; *p; p++)
				*p = (char)sm_upper((unsigned char)*p);
		} else if ((s->hidden & SRV_NO_DSN) && value != NULL &&
			   (sm_strcasecmp(key, "RET") == 0 || sm_strcasecmp(key, "ENVID") == 0)) {
			/* srv_features D: no DSN parameters */
			smtpd_reply(s, "504 5.7.0 Sorry, %s not supported, we do not allow DSN", key);
			goto fail;
		} else if (sm_strcasecmp(key, "RET") == 0 && value != NULL) {
			if (s->ret_seen) {
				smtpd_reply(s, "501 5.5.0 Duplicate RET parameter");
				goto fail;
			}
			s->ret_seen = true;
			if (sm_strcasecmp(value, "FULL") != 0 && sm_strcasecmp(value, "HDRS") != 0) {
				smtpd_reply(s, "501 5.5.2 Bad argument \"%s\" to RET", value);
				goto fail;
			}
			s->e->dsn_ret = sm_strcasecmp(value, "FULL") == 0 ? 1 : 2;
			s->e->flags |= ENV_RET_PARAM;
			if (s->e->dsn_ret == 2)
				s->e->flags |= ENV_NO_BODY_RETURN;
		} else if (sm_strcasecmp(key, "ENVID") == 0 && value != NULL) {
			if (envid_seen) {
				smtpd_reply(s, "501 5.5.0 Duplicate ENVID parameter");
				goto fail;
			}
			envid_seen = true;
			if (!valid_xtext(value) || strlen(value) > 100) {
				smtpd_reply(s, "501 5.5.4 Syntax error in ENVID parameter value");
				goto fail;
			}
			s->e->envid = sm_arena_strdup(s->e->arena, value);
		} else if (sm_strcasecmp(key, "BY") == 0 && value != NULL) {
			if (strchr(value, ';') == NULL) {
				smtpd_reply(s, "501 5.5.2 BY= missing ';'");
				goto fail;
			}
		} else if (sm_strcasecmp(key, "AUTH") == 0) {
			/* also where AUTH is not offered (8.17) */
			if (!saslsrv_mail_param(s, value))
				goto fail;
		} else {
			smtpd_reply(s, "555 5.5.4 %s parameter unrecognized", key);
			goto fail;
		}
	}
	const char *ms = opt_value(OPT_MaxMessageSize);
	long max = ms != NULL ? atol(ms) : 0;
	if (max > 0 && s->size_param > max) {
		smtpd_reply(s, "552 5.2.3 Message size exceeds fixed maximum message size (%ld)", max);
		goto fail;
	}
	if (!room_for(s, s->size_param)) {
		smtpd_reply(s, "452 4.4.5 Insufficient disk space; try again later");
		goto fail;
	}
	enum smtpd_rs_result rr = smtpd_rscheck(s, "check_mail", addr, NULL, addr);
	if (rr == RS_REJECT)
		goto fail;
	if (rr == RS_DISCARD)
		s->discard = true;
	/* a local sender's full name from the password file ($x: From: and Full-Name:) */
	if (a.mailer != NULL && mailer_has_flag(a.mailer, 'w') && a.user != NULL) {
		struct passwd *pw = getpwnam(a.user);
		char *full = pw != NULL ? submit_gecos_name(pw) : NULL;
		if (full != NULL)
			s->e->sender_full = headers_quote_fullname(full, s->e->arena);
		sm_free(full);
	}
	if (queue_new_id(s->e) != 0) {
		smtpd_reply(s, "451 4.3.0 Temporary system failure. Please try again later.");
		goto fail;
	}
	if (s->helo == NULL && smtpd_privacy("authwarnings")) {
		char *j = macro_expand_id('j');
		char *who = macro_expand_id('_');
		log_line(LOG_INFO, s->e->id, "Authentication-Warning: %s: %s didn't use HELO protocol", j,
			 who);
		sm_free(who);
		sm_free(j);
	}
	/* as given, "<>" too (the queue reader knows 8.17's "S<>") */
	s->e->sender = sm_arena_strdup(s->e->arena, addr);
	smtpd_reply(s, "250 2.1.0 %s... Sender ok", addr);
	return;
fail:
	smtpd_reset_transaction(s);
}

/* A refusal of a RCPT parameter or limit: replied, and logged without its codes (8.17) */
static void rcpt_refuse(struct smtpd *s, const char *code, const char *text)
{
	smtpd_reply(s, "%s %s", code, text);
	log_line(LOG_INFO, s->e->id, "%s", text);
}

/* NOTIFY= value into recipient flags; 0 (after the reply) when it is bad. */
static unsigned notify_flags(struct smtpd *s, const char *value)
{
	unsigned f = RCPT_HAS_NOTIFY;
	char *copy = sm_strdup(value), *save = NULL;
	for (char *w = strtok_r(copy, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save)) {
		unsigned bit = sm_strcasecmp(w, "NEVER") == 0     ? RCPT_NOTIFY_NEVER
			       : sm_strcasecmp(w, "SUCCESS") == 0 ? RCPT_NOTIFY_SUCCESS
			       : sm_strcasecmp(w, "FAILURE") == 0 ? RCPT_NOTIFY_FAILURE
			       : sm_strcasecmp(w, "DELAY") == 0   ? RCPT_NOTIFY_DELAY
								  : 0;
		if (bit == 0 || ((f & RCPT_NOTIFY_NEVER) && bit != RCPT_NOTIFY_NEVER) ||
		    (bit == RCPT_NOTIFY_NEVER && (f & ~RCPT_HAS_NOTIFY) != 0)) {
			/* 8.17 names the word NEVER is combined with as NEVER */
			const char *bad = bit == 0 ? w : "NEVER";
			char *t = sm_asprintf("Bad argument \"%s\"  to NOTIFY", bad);
			rcpt_refuse(s, "501 5.5.4", t);
			sm_free(t);
			sm_free(copy);
			return 0;
		}
		f |= bit;
	}
	sm_free(copy);
	return f;
}

enum local_user smtpd_unknown_local(const struct address *a)
{
	if (a->mailer == NULL || !mailer_has_flag(a->mailer, 'w') || a->user == NULL)
		return LOCAL_KNOWN;
	const char *u = a->user;
	if (*u == '\\')
		u++;
	char *low = sm_strdup(u);
	sm_lowercase(low);
	char *v = NULL;
	int found = alias_lookup_as(low, &v, true);
	sm_free(v);
	/* an alias map that cannot be read: 8.17 accepts the recipient and
	 * leaves the question to the delivery (which queues it) */
	if (found < 0) {
		sm_free(low);
		return LOCAL_NO_ALIASES;
	}
	bool known = found != 0 || getpwnam(u) != NULL || getpwnam(low) != NULL;
	sm_free(low);
	return known ? LOCAL_KNOWN : LOCAL_UNKNOWN;
}

/*
 * BadRcptThrottle: after that many refused recipients every RCPT waits a
 * second first (the first time logged as a possible flood), as in 8.17.
 */
static void throttle(struct smtpd *s)
{
	const char *bt = opt_value(OPT_BadRcptThrottle);
	long limit = bt != NULL ? atol(bt) : 0;
	if (limit <= 0 || s->nbadrcpts < limit)
		return;
	if (s->nbadrcpts == limit) {
		char *who = macro_expand_id('_');
		log_line(LOG_INFO, s->e->id, "%s: Possible SMTP RCPT flood, throttling.", who);
		sm_free(who);
		/* counted once more, so the line is not repeated */
		s->nbadrcpts++;
	}
	smtpd_io_flush(&s->io);
	sleep(1);
}

void smtpd_cmd_rcpt(struct smtpd *s, char *args)
{
	if (s->e == NULL) {
		smtpd_reply(s, "503 5.0.0 Need MAIL before RCPT");
		return;
	}
	char *arg = keyword(s, args, "TO");
	if (arg == NULL) {
		size_t wl = strcspn(args, ": \t");
		log_line(LOG_INFO, s->e->id, "Syntax error in parameters scanning \"%.*s\"", (int)wl,
			 args);
		return;
	}
	const char *mr = opt_value(OPT_MaxRecipientsPerMessage);
	if (mr != NULL && atol(mr) > 0 && s->nrcpt_cmds >= atol(mr)) {
		/* not kept as the message's status (8.17) */
		smtpd_reply_nostatus(s, "452 4.5.3 Too many recipients");
		log_line(LOG_INFO, s->e->id, "Too many recipients");
		return;
	}
	throttle(s);
	struct address a;
	char *addr, *params;
	if (parse_arg(s, arg, true, &addr, &params, &a) == NULL || a.state == QS_BADADDR) {
		s->nbadrcpts++;
		return;
	}
	unsigned flags = RCPT_PRIMARY | RCPT_NOTIFY_FAILURE | RCPT_NOTIFY_DELAY;
	const char *orcpt = NULL;
	char *value;
	for (char *key; (key = next_param(&params, &value)) != NULL;) {
		if ((s->hidden & SRV_NO_DSN) && value != NULL &&
		    (sm_strcasecmp(key, "NOTIFY") == 0 || sm_strcasecmp(key, "ORCPT") == 0)) {
			/* srv_features D: no DSN parameters */
			char *t = sm_asprintf("Sorry, %s not supported, we do not allow DSN", key);
			rcpt_refuse(s, "504 5.7.0", t);
			sm_free(t);
			return;
		} else if (sm_strcasecmp(key, "NOTIFY") == 0 && value != NULL) {
			unsigned f = notify_flags(s, value);
			if (f == 0)
				return;
			flags = RCPT_PRIMARY | f;
		} else if (sm_strcasecmp(key, "ORCPT") == 0 && value != NULL) {
			char *semi = strchr(value, ';');
			if (semi == NULL || semi == value || !valid_xtext(semi + 1)) {
				rcpt_refuse(s, "501 5.5.4", "Syntax error in ORCPT parameter value");
				return;
			}
			orcpt = value;
		} else {
			char *t = sm_asprintf("%s parameter unrecognized", key);
			rcpt_refuse(s, "555 5.5.4", t);
			sm_free(t);
			return;
		}
	}
	set_triple_macros("rcpt", &a);
	/* a refusal of check_rcpt is not kept as the message's status (8.17) */
	bool was_off = s->status_off;
	s->status_off = true;
	enum smtpd_rs_result rr = smtpd_rscheck(s, "check_rcpt", addr, NULL, addr);
	s->status_off = was_off;
	if (rr == RS_REJECT) {
		s->nbadrcpts++;
		return;
	}
	if (rr == RS_DISCARD)
		s->discard = true;
	enum local_user lu = smtpd_unknown_local(&a);
	if (lu == LOCAL_UNKNOWN) {
		smtpd_reply(s, "550 5.1.1 %s... User unknown", addr);
		log_line(LOG_INFO, s->e->id, "%s... User unknown", addr);
		/* the exit status of -bs does not tell of it (8.17 exits 0 after it) */
		s->nbadrcpts++;
		s->nunknown++;
		return;
	}
	/* the same mailer, host and user as an accepted one: accepted once, and
	 * 8.17's reply names the first */
	char *key = sm_asprintf("%s %s %s", a.mailer != NULL ? a.mailer->name : "",
				a.host != NULL ? a.host : "", a.user != NULL ? a.user : "");
	if (a.host != NULL)
		for (char *p = key + strlen(a.mailer != NULL ? a.mailer->name : "") + 1; *p != ' '; p++)
			*p = (char)sm_lower((unsigned char)*p);
	/* indexed: a session of many recipients must not cost their square */
	uintptr_t seen = (uintptr_t)sm_hash_get(&s->rkey_index, key);
	if (seen != 0) {
		smtpd_reply(s, "250 2.1.5 %s... Recipient ok", s->rkeys[seen - 1].addr);
		s->nrcpt_cmds++;
		sm_free(key);
		return;
	}
	if (s->nkeys == s->keycap) {
		s->keycap = s->keycap != 0 ? s->keycap * 2 : 16;
		s->rkeys = sm_realloc(s->rkeys, s->keycap * sizeof *s->rkeys);
	}
	struct smtpd_rkey *rk = &s->rkeys[s->nkeys++];
	rk->key = sm_arena_strdup(s->e->arena, key);
	rk->addr = addr;
	rk->host = a.host != NULL ? sm_arena_strdup(s->e->arena, a.host) : "";
	rk->mailer = a.mailer != NULL ? sm_arena_strdup(s->e->arena, a.mailer->name) : "";
	(void)sm_hash_put(&s->rkey_index, key, (void *)(uintptr_t)s->nkeys);
	sm_free(key);
	struct recipient *r = envelope_add_rcpt(s->e, addr, flags);
	if (orcpt != NULL)
		r->orcpt = sm_arena_strdup(s->e->arena, orcpt);
	if (lu == LOCAL_NO_ALIASES) {
		r->diag = sm_arena_strdup(s->e->arena, SMTPD_NO_ALIASES);
		s->no_aliases = true;
	}
	/* the final recipient of DSNs: the address without its brackets */
	size_t bl;
	const char *bare = addr_unbracket(addr, &bl);
	char *fr = submit_final_rcpt(bare, bl, NULL);
	r->final_rcpt = sm_arena_strdup(s->e->arena, fr);
	sm_free(fr);
	if (s->nrcpts == 0)
		s->single_rcpt = r->address;
	s->nrcpts++;
	s->nrcpt_cmds++;
	char n[16];
	snprintf(n, sizeof n, "%d", s->nrcpts);
	smtpd_setmacro("nrcpts", n);
	smtpd_reply(s, "250 2.1.5 %s... Recipient ok%s", addr,
		    lu == LOCAL_NO_ALIASES ? " (will queue)" : "");
}

struct rcpt_pos {
	struct recipient *r;
	const char *host;
	size_t index;
};

static int by_host(const void *x, const void *y)
{
	const struct rcpt_pos *a = x, *b = y;
	int c = sm_strcasecmp(a->host, b->host);
	if (c != 0)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

void smtpd_sort_rcpts(struct smtpd *s)
{
	struct envelope *e = s->e;
	size_t n = 0;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
		n++;
	/* the list and the hosts were filled together, one for one */
	if (n < 2 || n != s->nkeys)
		return;
	struct rcpt_pos *v = sm_calloc(n, sizeof *v);
	size_t i = 0;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next, i++) {
		v[i].r = r;
		v[i].host = s->rkeys[i].host;
		v[i].index = i;
	}
	qsort(v, n, sizeof *v, by_host);
	e->rcpts = v[0].r;
	for (i = 0; i + 1 < n; i++)
		v[i].r->next = v[i + 1].r;
	v[n - 1].r->next = NULL;
	e->rcpts_tail = &v[n - 1].r->next;
	sm_free(v);
}
