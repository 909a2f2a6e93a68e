/*
 * msp.c: the SMTP client of the mail submission program (see msp.h).
 *
 * Owns: when a message goes out over SMTP (the cf is a submit.cf, UseMSP,
 * or -Ac was given), the connection to the host of an [IPC] mailer (an
 * address literal "[127.0.0.1]" or a name, the port from A= "TCP $h
 * port", 25 by default) with a bounded wait, one SMTP transaction (EHLO
 * or HELO, MAIL, one RCPT per recipient, DATA, QUIT) with every reply read within limits,
 * and the statuses 8.17 gives: "Connection refused by HOST" (4.4.1) and
 * the like when nothing answers, the server's reply when it refuses.
 */
#include "msp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "macro.h"
#include "mailer.h"
#include "options.h"
#include "sm.h"

#define CONNECT_TIMEOUT_MS (60 * 1000)
#define REPLY_TIMEOUT_MS (300 * 1000)
#define MAX_REPLY 4096      /* bytes of one reply kept */
#define MAX_REPLY_LINES 100 /* lines of one multi-line reply */
#define MAX_REPLY_BYTES (64 * 1024) /* bytes read for one reply at most */

static bool UseMspCmdline;

void msp_set_cmdline(bool on)
{
	UseMspCmdline = on;
}

bool msp_active(void)
{
	if (UseMspCmdline)
		return true;
	const char *v = opt_value(OPT_UseMSP);
	return v != NULL && strchr("tTyY", v[0]) != NULL;
}

static void set_result(struct msp_result *r, int status, const char *dsn, char *text)
{
	r->status = status;
	sm_strlcpy(r->dsn, dsn, sizeof r->dsn);
	sm_free(r->text);
	r->text = text;
}

/* Connects to addr within the timeout; returns the socket or -1 with errno. */
static int connect_to(const struct sockaddr *sa, socklen_t salen)
{
	int fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		goto fail;
	if (connect(fd, sa, salen) < 0) {
		if (errno != EINPROGRESS)
			goto fail;
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int n;
		while ((n = poll(&p, 1, CONNECT_TIMEOUT_MS)) < 0 && errno == EINTR)
			;
		if (n == 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		int err = 0;
		socklen_t el = sizeof err;
		if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			goto fail;
		if (err != 0) {
			errno = err;
			goto fail;
		}
	}
	if (fcntl(fd, F_SETFL, fl) < 0)
		goto fail;
	return fd;
fail:;
	int e = errno;
	(void)close(fd);
	errno = e;
	return -1;
}

/* Opens the connection to host (an address literal in brackets or a name). */
static int open_host(const char *host, const char *port, int *err)
{
	char name[256];
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']' && hl - 2 < sizeof name) {
		memcpy(name, host + 1, hl - 2);
		name[hl - 2] = '\0';
	} else {
		sm_strlcpy(name, host, sizeof name);
	}
	const char *n = name;
	if (sm_strncasecmp(n, "IPv6:", 5) == 0)
		n += 5;
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	if (getaddrinfo(n, port, &hints, &res) != 0 || res == NULL) {
		*err = EHOSTUNREACH;
		return -2;
	}
	int fd = -1;
	*err = ECONNREFUSED;
	for (struct addrinfo *a = res; a != NULL && fd < 0; a = a->ai_next) {
		fd = connect_to(a->ai_addr, a->ai_addrlen);
		if (fd < 0)
			*err = errno;
	}
	freeaddrinfo(res);
	return fd;
}

struct msp_conn {
	int fd;
	bool verbose; /* -v: the SMTP transcript on standard output */
	char *host;
	char buf[1024];
	size_t len, pos;
};

/* Reads one byte within the reply timeout; -1 at end or error. */
static int getbyte(struct msp_conn *c)
{
	if (c->pos >= c->len) {
		struct pollfd p = {.fd = c->fd, .events = POLLIN};
		int n;
		while ((n = poll(&p, 1, REPLY_TIMEOUT_MS)) < 0 && errno == EINTR)
			;
		if (n <= 0)
			return -1;
		ssize_t r;
		while ((r = read(c->fd, c->buf, sizeof c->buf)) < 0 && errno == EINTR)
			;
		if (r <= 0)
			return -1;
		c->len = (size_t)r;
		c->pos = 0;
	}
	return (unsigned char)c->buf[c->pos++];
}

/* Reads a whole reply (its lines joined by "\n"); returns its code or -1. */
static int read_reply(struct msp_conn *c, struct sm_buf *text)
{
	sm_buf_reset(text);
	size_t total = 0;
	for (int lines = 0; lines < MAX_REPLY_LINES; lines++) {
		struct sm_buf l;
		sm_buf_init(&l);
		int ch;
		/* a server that never ends its line is given up on */
		while ((ch = getbyte(c)) >= 0 && ch != '\n' && ++total < MAX_REPLY_BYTES)
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
		if (ok && text->len + l.len < MAX_REPLY) {
			if (text->len > 0)
				sm_buf_putc(text, '\n');
			sm_buf_put(text, l.data, l.len);
		}
		int code = ok ? atoi(l.data) : -1;
		sm_buf_free(&l);
		if (!ok)
			return -1;
		if (!more)
			return code;
	}
	return -1;
}

static bool send_cmd(struct msp_conn *c, const char *fmt, const char *arg)
{
	char *line = sm_asprintf(fmt, arg);
	if (c->verbose) {
		printf(">>> %s\n", line);
		fflush(stdout);
	}
	bool ok = sm_write_all(c->fd, line, strlen(line)) == 0 &&
		  sm_write_all(c->fd, "\r\n", 2) == 0;
	sm_free(line);
	return ok;
}

/* The last line of a reply as 8.17 reports it; its DSN code when it has one. */
static char *reply_status(const struct sm_buf *text, char *dsn, size_t dsnsize, const char *dflt)
{
	const char *last = text->data != NULL ? strrchr(text->data, '\n') : NULL;
	last = last != NULL ? last + 1 : (text->data != NULL ? text->data : "");
	sm_strlcpy(dsn, dflt, dsnsize);
	if (strlen(last) > 6 && last[3] == ' ' && (last[4] == '2' || last[4] == '4' || last[4] == '5') &&
	    last[5] == '.') {
		size_t k = 4;
		while (last[k] != '\0' && last[k] != ' ' && k - 4 < dsnsize - 1)
			k++;
		if (k - 4 < dsnsize) {
			memcpy(dsn, last + 4, k - 4);
			dsn[k - 4] = '\0';
		}
	}
	return sm_strdup(last);
}

/* The result of a failed reply (code, text), as 8.17 reports it. */
static void reply_failure(const struct sm_buf *reply, int code, struct msp_result *r)
{
	char dsn[16];
	char *t;
	if (code >= 500 && code < 600) {
		t = reply_status(reply, dsn, sizeof dsn, "5.0.0");
		set_result(r, EX_UNAVAILABLE_, dsn, t);
	} else if (code >= 400 && code < 500) {
		t = reply_status(reply, dsn, sizeof dsn, "4.0.0");
		set_result(r, EX_TEMPFAIL_, dsn, sm_asprintf("Deferred: %s", t));
		sm_free(t);
	} else {
		set_result(r, EX_TEMPFAIL_, "4.4.2", sm_strdup("Deferred: Connection reset"));
	}
}

void msp_transaction(struct msp_conn *c, const char *from, const char *const *rcpts, size_t n,
		     const char *text, size_t len, struct msp_result *r)
{
	for (size_t i = 0; i < n; i++) {
		r[i].text = NULL;
		r[i].status = EX_TEMPFAIL_;
		r[i].dsn[0] = '\0';
	}
	struct sm_buf reply;
	sm_buf_init(&reply);
	char dsn[16];
	/* the recipients the server took (their result is DATA's) */
	bool *took = sm_calloc(n > 0 ? n : 1, sizeof *took);
	size_t ntook = 0;
	int code = read_reply(c, &reply);
	if (code != 220)
		goto bad;
	struct sm_buf j;
	sm_buf_init(&j);
	const char *jm = macro_get('j');
	macro_expand(jm != NULL ? jm : "localhost", &j);
	bool ok = send_cmd(c, "EHLO %s", j.data);
	code = ok ? read_reply(c, &reply) : -1;
	if (code >= 500 && code < 600) {
		ok = send_cmd(c, "HELO %s", j.data);
		code = ok ? read_reply(c, &reply) : -1;
	}
	sm_buf_free(&j);
	if (code != 250)
		goto bad;
	if (!send_cmd(c, "MAIL From:<%s>", from) || (code = read_reply(c, &reply)) != 250)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (!send_cmd(c, "RCPT To:<%s>", rcpts[i]))
			goto bad;
		code = read_reply(c, &reply);
		if (code == 250 || code == 251) {
			took[i] = true;
			ntook++;
		} else if (code < 0) {
			goto bad;
		} else {
			/* refused: this recipient's own result */
			reply_failure(&reply, code, &r[i]);
		}
	}
	if (ntook == 0) {
		sm_free(took);
		sm_buf_free(&reply);
		return;
	}
	if (!send_cmd(c, "%s", "DATA") || (code = read_reply(c, &reply)) != 354)
		goto bad;
	if (c->verbose) {
		printf(">>> .\n");
		fflush(stdout);
	}
	if (sm_write_all(c->fd, text, len) != 0 || sm_write_all(c->fd, ".\r\n", 3) != 0 ||
	    (code = read_reply(c, &reply)) != 250)
		goto bad;
	/* "Sent (2.0.0 queued as X)": the reply without its code */
	char *t = reply_status(&reply, dsn, sizeof dsn, "2.0.0");
	for (size_t i = 0; i < n; i++)
		if (took[i])
			set_result(&r[i], EX_OK_, dsn, sm_asprintf("Sent (%s)", strlen(t) > 4 ? t + 4 : t));
	sm_free(t);
	sm_free(took);
	sm_buf_free(&reply);
	return;
bad:
	/* a failure of the whole transaction: every recipient not refused on its own */
	for (size_t i = 0; i < n; i++)
		if (r[i].text == NULL || took[i])
			reply_failure(&reply, code, &r[i]);
	sm_free(took);
	sm_buf_free(&reply);
}

const char *msp_port(const struct mailer *m)
{
	if (m->argv[0] != NULL && m->argv[1] != NULL && m->argv[2] != NULL)
		return m->argv[2];
	return "25";
}

struct msp_conn *msp_connect(const struct mailer *m, const char *host, bool verbose,
			     struct msp_result *r)
{
	r->text = NULL;
	int err = 0;
	int fd = open_host(host, msp_port(m), &err);
	if (fd < 0) {
		if (err == ECONNREFUSED)
			set_result(r, EX_TEMPFAIL_, "4.4.1",
				   sm_asprintf("Deferred: Connection refused by %s", host));
		else if (err == ETIMEDOUT)
			set_result(r, EX_TEMPFAIL_, "4.4.1",
				   sm_asprintf("Deferred: Connection timed out with %s", host));
		else if (fd == -2)
			set_result(r, EX_NOHOST_, "5.1.2", sm_strdup("Host unknown"));
		else
			set_result(r, EX_TEMPFAIL_, "4.4.1", sm_asprintf("Deferred: %s", strerror(err)));
		return NULL;
	}
	struct msp_conn *c = sm_calloc(1, sizeof *c);
	c->fd = fd;
	c->verbose = verbose;
	c->host = sm_strdup(host);
	return c;
}

void msp_close(struct msp_conn *c)
{
	if (c == NULL)
		return;
	if (c->verbose) {
		printf("Closing connection to %s\n", c->host);
		fflush(stdout);
	}
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	struct sm_buf reply;
	sm_buf_init(&reply);
	if (send_cmd(c, "%s", "QUIT"))
		(void)read_reply(c, &reply);
	sm_buf_free(&reply);
	signal(SIGPIPE, old);
	(void)close(c->fd);
	sm_free(c->host);
	sm_free(c);
}
