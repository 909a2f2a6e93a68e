/*
 * ml_lmtp.c: mail.local's LMTP server (-l) on standard input and output.
 *
 * Owns the dialogue with the replies of 8.17's mail.local: the greeting,
 * LHLO with its extensions, MAIL, RCPT (an unknown user is refused at
 * once), DATA with one reply per accepted recipient, RSET, NOOP, VRFY,
 * QUIT and the sequence errors.  A recipient's domain part is dropped; the
 * null sender is written as MAILER-DAEMON; input that ends inside DATA
 * delivers nothing and gets no reply.
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ml.h"
#include "sm.h"

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs("\r\n", stdout);
	fflush(stdout);
}

/* The address inside <...> after "FROM:"/"TO:", or NULL on bad syntax. */
static char *path_arg(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '<')
		return NULL;
	const char *end = strchr(p + 1, '>');
	if (end == NULL)
		return NULL;
	return sm_strndup(p + 1, (size_t)(end - p - 1));
}

struct session {
	char *from;
	char **rcpt;
	int nrcpt;
	bool lhlo;
};

static void reset(struct session *s)
{
	sm_free(s->from);
	s->from = NULL;
	for (int i = 0; i < s->nrcpt; i++)
		sm_free(s->rcpt[i]);
	sm_free(s->rcpt);
	s->rcpt = NULL;
	s->nrcpt = 0;
}

static void do_rcpt(struct session *s, const char *arg)
{
	if (s->from == NULL) {
		reply("503 5.5.1 Need MAIL command");
		return;
	}
	char *to = path_arg(arg);
	if (to == NULL) {
		reply("501 5.5.4 Syntax error in parameters");
		return;
	}
	char *at = strrchr(to, '@');
	if (at != NULL)
		*at = '\0';
	if (getpwnam(to) == NULL) {
		reply("550 5.1.1 User unknown");
		sm_free(to);
		return;
	}
	s->rcpt = sm_realloc(s->rcpt, (size_t)(s->nrcpt + 1) * sizeof *s->rcpt);
	s->rcpt[s->nrcpt++] = to;
	reply("250 2.1.5 Ok");
}

/* Returns false when the input ended inside the message. */
static bool do_data(struct session *s)
{
	if (s->nrcpt == 0) {
		reply("503 5.5.1 No recipients");
		return true;
	}
	reply("354 Go ahead");
	struct ml_status st = { 0 };
	FILE *msg = ml_read_message(stdin, s->from, true, &st);
	if (msg == NULL && st.eof)
		return false;
	for (int i = 0; i < s->nrcpt; i++) {
		if (msg == NULL) {
			reply("%s", st.reply);
			continue;
		}
		struct ml_status one = { 0 };
		ml_deliver(msg, s->rcpt[i], &one);
		if (one.ex == 0)
			reply("250 2.1.5 %s Ok", s->rcpt[i]);
		else
			reply("%s", one.reply);
	}
	if (msg != NULL)
		fclose(msg);
	reset(s);
	return true;
}

int ml_lmtp(void)
{
	struct session s = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	reply("220 %s LMTP ready", MlOpts.hostname);
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (sm_strncasecmp(line, "lhlo ", 5) == 0) {
			if (s.lhlo) {
				reply("503 %s Duplicate LHLO", MlOpts.hostname);
				continue;
			}
			s.lhlo = true;
			reply("250-%s", MlOpts.hostname);
			if (MlOpts.eightbit)
				reply("250-8BITMIME");
			reply("250-ENHANCEDSTATUSCODES");
			reply("250 PIPELINING");
		} else if (sm_strncasecmp(line, "mail from:", 10) == 0) {
			if (s.from != NULL) {
				reply("503 5.5.1 Nested MAIL command");
				continue;
			}
			char *from = path_arg(line + 10);
			if (from == NULL) {
				reply("501 5.5.4 Syntax error in parameters");
				continue;
			}
			if (*from == '\0') {
				sm_free(from);
				from = sm_strdup("MAILER-DAEMON");
			}
			s.from = from;
			reply("250 2.5.0 Ok");
		} else if (sm_strncasecmp(line, "mail", 4) == 0 && s.from != NULL) {
			reply("503 5.5.1 Nested MAIL command");
		} else if (sm_strncasecmp(line, "rcpt to:", 8) == 0) {
			do_rcpt(&s, line + 8);
		} else if (sm_strcasecmp(line, "data") == 0) {
			if (!do_data(&s))
				break;
		} else if (sm_strcasecmp(line, "rset") == 0) {
			reset(&s);
			reply("250 2.0.0 Ok");
		} else if (sm_strcasecmp(line, "noop") == 0) {
			reply("250 2.0.0 Ok");
		} else if (sm_strncasecmp(line, "vrfy", 4) == 0) {
			reply("252 2.3.3 Try RCPT to attempt delivery");
		} else if (sm_strcasecmp(line, "quit") == 0) {
			reply("221 2.0.0 Bye");
			break;
		} else {
			reply("500 5.5.2 Syntax error");
		}
	}
	reset(&s);
	free(line);
	return 0;
}
