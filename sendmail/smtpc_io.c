/*
 * smtpc_io.c: the byte level of the SMTP client (see smtpc.h).
 *
 * Owns: connecting a socket within a time limit, reading replies (every
 * line within the command's timeout, at most MAX_REPLY_LINES lines and
 * MAX_REPLY_BYTES bytes: a server that never ends a line is given up on),
 * writing commands and the message text with a timeout, the -v transcript,
 * the DSN code of a reply, the Timeout.* values, the port of a mailer, and
 * the system errors of a delivery (smtpc_syserr: logged as SYSERR).
 */
#include "smtpc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "macro.h"
#include "mailer.h"
#include "options.h"
#include "priv.h"
#include "timeconv.h"

#define MAX_REPLY 4096              /* bytes of one reply kept */
#define MAX_REPLY_LINES 100         /* lines of one multi-line reply */
#define MAX_REPLY_BYTES (64 * 1024) /* bytes read for one reply at most */
#define WRITE_TIMEOUT_S 3600        /* Timeout.datablock's default */

void smtpc_result_clear(struct smtpc_result *r)
{
	sm_free(r->text);
	sm_free(r->reply);
	r->text = r->reply = NULL;
}

void smtpc_result_set(struct smtpc_result *r, int status, const char *dsn, char *text,
		      char *reply)
{
	smtpc_result_clear(r);
	r->status = status;
	sm_strlcpy(r->dsn, dsn, sizeof r->dsn);
	r->text = text;
	r->reply = reply;
}

int smtpc_timeout(const char *name, int dflt)
{
	const char *v = opt_timeout(name);
	if (v == NULL || *v == '\0')
		return dflt;
	long s = time_convert(v, strlen(v), 's');
	return s > 0 && s < 24L * 3600 * 30 ? (int)s : dflt;
}

const char *smtpc_port(const struct mailer *m)
{
	if (m->argv[0] != NULL && m->argv[1] != NULL && m->argv[2] != NULL)
		return m->argv[2];
	return "25";
}

int smtpc_connect_addr(const void *sa, unsigned salen, int timeout_s)
{
	/* Timeout.connect 0: the system's own limit, bounded here by 5 minutes */
	return sm_connect(sa, salen, NULL, 0, sm_now_ms() + 1000LL * (timeout_s > 0 ? timeout_s : 300));
}

/* Reads up to n bytes from the socket before deadline: count, 0 at end, -1 error/timeout. */
static long raw_read(struct smtpc_conn *c, void *buf, size_t n, long long deadline)
{
	if (sm_wait_fd(c->fd, POLLIN, deadline) != 1)
		return -1;
	ssize_t r;
	while ((r = read(c->fd, buf, n)) < 0 && (errno == EINTR || errno == EAGAIN))
		if (errno == EAGAIN && sm_wait_fd(c->fd, POLLIN, deadline) != 1)
			return -1;
	return r < 0 ? -1 : (long)r;
}

long smtpc_below_read(struct smtpc_conn *c, struct smtpc_layer *l, void *buf, size_t n,
		      long long deadline)
{
	if (l != NULL && l->below != NULL)
		return l->below->read(c, l->below, buf, n, deadline);
	return raw_read(c, buf, n, deadline);
}

/* Reads one byte before deadline; -1 at end, error or timeout. */
static int getbyte(struct smtpc_conn *c, long long deadline)
{
	if (c->pos >= c->len) {
		long r = c->layer != NULL ? c->layer->read(c, c->layer, c->buf, sizeof c->buf, deadline)
					  : raw_read(c, c->buf, sizeof c->buf, deadline);
		if (r <= 0)
			return -1;
		c->len = (size_t)r;
		c->pos = 0;
	}
	return (unsigned char)c->buf[c->pos++];
}

void smtpc_layer_push(struct smtpc_conn *c, struct smtpc_layer *l)
{
	/* what was read ahead under the old layer is not the new layer's */
	c->pos = c->len = 0;
	l->below = c->layer;
	c->layer = l;
}

int smtpc_reply(struct smtpc_conn *c, int timeout_s)
{
	struct sm_buf *text = &c->lastreply;
	sm_buf_reset(text);
	if (c->broken)
		return -1;
	long long deadline = sm_now_ms() + 1000LL * timeout_s;
	size_t total = 0;
	for (int lines = 0; lines < MAX_REPLY_LINES; lines++) {
		struct sm_buf l;
		sm_buf_init(&l);
		int ch;
		while ((ch = getbyte(c, deadline)) >= 0 && ch != '\n' && ++total < MAX_REPLY_BYTES)
			if (l.len < MAX_REPLY)
				sm_buf_putc(&l, ch);
		if (total >= MAX_REPLY_BYTES)
			ch = -1;
		if (l.len > 0 && l.data[l.len - 1] == '\r')
			l.data[--l.len] = '\0';
		bool ok = ch >= 0 && l.len >= 3 && l.data[0] >= '1' && l.data[0] <= '5' &&
			  l.data[1] >= '0' && l.data[1] <= '9' && l.data[2] >= '0' && l.data[2] <= '9';
		bool more = ok && l.len > 3 && l.data[3] == '-';
		if (c->verbose && l.data != NULL) {
			printf("%s\n", l.data);
			fflush(stdout);
		}
		/* what does not fit in MAX_REPLY is cut (a line too, not dropped whole) */
		if (ok && text->len + 1 < MAX_REPLY) {
			if (text->len > 0)
				sm_buf_putc(text, '\n');
			size_t room = MAX_REPLY - 1 - text->len;
			sm_buf_put(text, l.data, l.len < room ? l.len : room);
		}
		int code = ok ? atoi(l.data) : -1;
		sm_buf_free(&l);
		if (!ok) {
			c->broken = true;
			return -1;
		}
		if (!more)
			return code;
	}
	c->broken = true;
	return -1;
}

static bool raw_write(struct smtpc_conn *c, const char *data, size_t len, int flags)
{
	if (c->broken)
		return false;
	/*
	 * Timeout.datablock bounds each write that makes no progress: a server
	 * that takes a large message slowly but steadily is not cut off.
	 */
	if (c->write_timeout <= 0)
		c->write_timeout = smtpc_timeout("datablock", WRITE_TIMEOUT_S);
	long long deadline = sm_now_ms() + 1000LL * c->write_timeout;
	while (len > 0) {
		if (sm_wait_fd(c->wfd, POLLOUT, deadline) != 1) {
			c->broken = true;
			return false;
		}
		ssize_t w;
		if (c->wfd == c->fd) {
			w = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT | flags);
		} else {
			/* a pipe ([LPC]): no send(); a reader gone is an error, not a signal */
			void (*old)(int) = signal(SIGPIPE, SIG_IGN);
			w = write(c->wfd, data, len);
			(void)signal(SIGPIPE, old);
		}
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			c->broken = true;
			return false;
		}
		data += w;
		len -= (size_t)w;
		if (w > 0)
			deadline = sm_now_ms() + 1000LL * c->write_timeout;
	}
	return true;
}

bool smtpc_below_write(struct smtpc_conn *c, struct smtpc_layer *l, const void *buf, size_t n,
		       int flags)
{
	if (l != NULL && l->below != NULL)
		return l->below->write(c, l->below, buf, n, flags);
	return raw_write(c, buf, n, flags);
}

static bool write_flags(struct smtpc_conn *c, const char *data, size_t len, int flags)
{
	if (c->broken)
		return false;
	if (c->layer == NULL)
		return raw_write(c, data, len, flags);
	if (!c->layer->write(c, c->layer, data, len, flags)) {
		c->broken = true;
		return false;
	}
	return true;
}

bool smtpc_write(struct smtpc_conn *c, const char *data, size_t len)
{
	return write_flags(c, data, len, 0);
}

bool smtpc_write_more(struct smtpc_conn *c, const char *data, size_t len)
{
	return write_flags(c, data, len, MSG_MORE);
}

bool smtpc_send(struct smtpc_conn *c, const char *line)
{
	if (c->verbose) {
		printf(">>> %s\n", line);
		fflush(stdout);
	}
	sm_strlcpy(c->lastcmd, line, sizeof c->lastcmd);
	c->cmd_told = false;
	size_t n = strlen(line);
	char *l = sm_malloc(n + 3);
	memcpy(l, line, n);
	memcpy(l + n, "\r\n", 3);
	bool ok = smtpc_write(c, l, n + 2);
	sm_free(l);
	return ok;
}

const char *smtpc_last_line(const struct smtpc_conn *c)
{
	const char *d = c->lastreply.data != NULL ? c->lastreply.data : "";
	const char *last = strrchr(d, '\n');
	return last != NULL ? last + 1 : d;
}

/* Digits d[0..] up to a dot or the end: 1 to 3 of them; their count or 0. */
static size_t digits(const char *d, size_t max)
{
	size_t k = 0;
	while (k < max && d[k] >= '0' && d[k] <= '9')
		k++;
	return k;
}

void smtpc_reply_dsn(const char *line, const char *dflt, char *dsn, size_t dsnsize)
{
	sm_strlcpy(dsn, dflt, dsnsize);
	if (strlen(line) < 4)
		return;
	const char *s = line + 4;
	/* class.subject.detail: class 2, 4 or 5 like the reply, a known subject (0-7) */
	if (s[0] != line[0] || s[1] != '.')
		return;
	size_t k1 = digits(s + 2, 3);
	if (k1 == 0 || s[2 + k1] != '.' || atoi(s + 2) > 7)
		return;
	size_t k2 = digits(s + 3 + k1, 3);
	if (k2 == 0)
		return;
	char end = s[3 + k1 + k2];
	if (end != ' ' && end != '\0')
		return;
	size_t l = 3 + k1 + k2;
	if (l < dsnsize) {
		memcpy(dsn, s, l);
		dsn[l] = '\0';
	}
}

void smtpc_close(struct smtpc_conn *c)
{
	if (c == NULL)
		return;
	if (c->verbose && c->quiet_close) {
		smtpc_tell_closed_at_exit(c->host);
	} else if (c->verbose) {
		printf("Closing connection to %s\n", c->host);
		fflush(stdout);
	}
	if (!c->broken && smtpc_send(c, "QUIT"))
		(void)smtpc_reply(c, smtpc_timeout("quit", 120));
	(void)close(c->fd);
	if (c->wfd != c->fd)
		(void)close(c->wfd);
	if (c->pid > 0) {
		/* the mailer program ends once its input does; a stuck one is killed */
		int st;
		long long deadline = sm_now_ms() + 10000;
		while (waitpid(c->pid, &st, WNOHANG) == 0) {
			if (sm_now_ms() > deadline) {
				(void)kill(c->pid, SIGKILL);
				(void)waitpid(c->pid, &st, 0);
				break;
			}
			(void)poll(NULL, 0, 10);
		}
	}
	while (c->layer != NULL) {
		struct smtpc_layer *l = c->layer;
		c->layer = l->below;
		l->free(l);
	}
	sm_buf_free(&c->lastreply);
	sm_free(c->auth_mechs);
	sm_free(c->host);
	sm_free(c->addr);
	sm_free(c->mailer);
	sm_free(c->dest);
	sm_free(c);
}

void smtpc_syserr(int exitstat, bool show, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = sm_vasprintf(fmt, ap);
	va_end(ap);
	struct passwd *pw = getpwuid(priv_caller_uid());
	const char *qid = macro_get('i');
	log_line(LOG_CRIT, qid != NULL ? qid : "", "SYSERR(%s): %s", pw != NULL ? pw->pw_name : "root",
		 text);
	if (show) {
		fflush(stdout);
		printf("%s\n", text);
		fflush(stdout);
	}
	if (ExitStat == EX_OK_)
		ExitStat = exitstat;
	sm_free(text);
}
