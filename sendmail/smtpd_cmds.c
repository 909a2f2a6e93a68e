/*
 * smtpd_cmds.c: the HELP and ETRN commands of an SMTP session, and the
 * session's log helpers (the queue ID of its log lines, proto= and
 * daemon=, the lines of rejected early talkers and of VRFY/EXPN/ETRN).
 *
 * Owns HELP's reading of the HelpFile and ETRN's checks and replies as
 * sendmail 8.17 gives them; the queue run ETRN asks for is the daemon's.
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "hostenv.h"
#include "log.h"
#include "macro.h"
#include "options.h"
#include "queue.h"
#include "sasl_srv.h"
#include "smtpd_int.h"

const char *smtpd_log_id(struct smtpd *s)
{
	if (s->e != NULL && s->e->id[0] != '\0')
		return s->e->id;
	if (s->sid[0] == '\0') {
		struct envelope *t = envelope_new();
		if (queue_new_id(t) == 0)
			snprintf(s->sid, sizeof s->sid, "%s", t->id);
		envelope_free(t);
	}
	return s->sid[0] != '\0' ? s->sid : NULL;
}

const char *smtpd_protocol(struct smtpd *s)
{
	const char *p = s->proto != NULL ? s->proto : s->esmtp ? "ESMTP" : "SMTP";
	/* 8.17 puts an S after STARTTLS into the ESMTP names (EHLO's), and the
	 * A after AUTH behind it */
	if (s->tls == NULL || strncmp(p, "ESMTP", 5) != 0)
		return p;
	return p[5] == 'A' ? "ESMTPSA" : "ESMTPS";
}

void smtpd_log_proto(struct smtpd *s, char *buf, size_t size)
{
	if (s->conn->daemon_name != NULL)
		snprintf(buf, size, ", proto=%s, daemon=%s", smtpd_protocol(s),
			 s->conn->daemon_name);
	else
		snprintf(buf, size, ", proto=%s", smtpd_protocol(s));
}

void smtpd_log_traffic(struct smtpd *s, const char *cmd)
{
	const char *addr = macro_get(macro_id("client_addr", 11, true));
	const char *name = macro_get(macro_id("client_name", 11, true));
	log_line(LOG_INFO, smtpd_log_id(s),
		 "rejecting server %s from %s [%s] due to traffic before response", cmd,
		 name != NULL ? name : "localhost", addr != NULL && *addr != '\0' ? addr : "0");
}

/* HELP: the HelpFile's lines for the topic ("topic<TAB>text"), as 214 replies. */
void smtpd_cmd_help(struct smtpd *s, const char *arg)
{
	const char *hf = opt_value(OPT_HelpFile);
	FILE *f = hf != NULL && *hf != '\0' ? fopen(hf, "r") : NULL;
	if (f == NULL) {
		smtpd_reply(s, "502 5.3.0 Sendmail %s -- HELP not implemented", SENDMAIL_VERSION);
		return;
	}
	char topic[64];
	size_t n = 0;
	for (const char *p = *arg ? arg : "smtp"; *p && n < sizeof topic - 1; p++)
		topic[n++] = (char)sm_lower((unsigned char)*p);
	topic[n] = '\0';
	char line[1024];
	bool found = false;
	int lines = 0;
	while (fgets(line, sizeof line, f) != NULL && lines < 1000) {
		lines++;
		if (line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (tab == NULL)
			continue;
		*tab = '\0';
		if (sm_strcasecmp(line, topic) != 0)
			continue;
		char *text = tab + 1;
		text[strcspn(text, "\r\n")] = '\0';
		struct sm_buf tr, ex;
		sm_buf_init(&tr);
		sm_buf_init(&ex);
		macro_translate(text, &tr);
		macro_expand(tr.data != NULL ? tr.data : "", &ex);
		smtpd_reply(s, "214-2.0.0 %s", ex.data != NULL ? ex.data : "");
		sm_buf_free(&tr);
		sm_buf_free(&ex);
		found = true;
	}
	fclose(f);
	if (!found)
		smtpd_reply(s, "504 5.3.0 HELP topic \"%.10s\" unknown", topic);
	else
		smtpd_reply(s, "214 2.0.0 End of HELP info");
}

/* "who: CMD arg [rejected]" as 8.17 logs VRFY, EXPN and ETRN */
void smtpd_log_cmd(struct smtpd *s, const char *cmd, const char *arg, bool rejected)
{
	char *who = macro_expand_id('_');
	size_t l = strlen(arg);
	const char *sp = l > 0 ? " " : "";
	if (l + strlen(cmd) + 1 > 203) {
		/* the command line shortened as 8.17 does: its first and last 100 bytes */
		char *all = sm_asprintf("%s%s%s", cmd, sp, arg);
		size_t al = strlen(all);
		log_line(LOG_INFO, smtpd_log_id(s), "%s: %.100s...%s%s", who, all, all + al - 100,
			 rejected ? " [rejected]" : "");
		sm_free(all);
	} else
		log_line(LOG_INFO, smtpd_log_id(s), "%s: %s%s%s%s", who, cmd, sp, arg,
			 rejected ? " [rejected]" : "");
	sm_free(who);
}

void smtpd_cmd_etrn(struct smtpd *s, char *arg)
{
	s->did_something = true;
	bool refused = smtpd_privacy("noetrn") || (s->hidden & SRV_NO_ETRN);
	if (*arg != '\0' || refused)
		smtpd_log_cmd(s, "ETRN", arg, refused);
	if (refused) {
		smtpd_reply(s, "502 5.7.0 Sorry, we do not allow this operation");
		return;
	}
	if (*arg == '\0') {
		smtpd_reply(s, "500 5.5.2 Parameter required");
		return;
	}
	if (smtpd_rscheck(s, "check_etrn", arg, NULL, NULL) == RS_REJECT)
		return;
	if (arg[0] == '#') {
		/* a queue group: only the default one, mqueue, exists here */
		if (strcmp(arg + 1, "mqueue") != 0) {
			smtpd_reply(s, "459 4.5.4 Queue %s unknown", arg + 1);
			return;
		}
		if (s->conn->request_queue_run != NULL)
			(void)s->conn->request_queue_run(arg, s->conn->request_arg);
		smtpd_reply(s, "250 2.0.0 Queuing for queue group %s started", arg + 1);
		return;
	}
	/* the queue run itself is the daemon's (a lost request waits for the
	 * next run); the reply is 8.17's */
	if (s->conn->request_queue_run != NULL)
		(void)s->conn->request_queue_run(arg, s->conn->request_arg);
	smtpd_reply(s, "250 2.0.0 Queuing for node %s started", arg);
}
