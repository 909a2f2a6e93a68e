/*
 * smtpd_ident.c: the IDENT (RFC 1413) query at connect (see smtpd_int.h).
 *
 * Owns: asking the client's ident service (port 113 of its address, from
 * the address it reached us at) who owns the connection, within
 * Timeout.ident (5 seconds unless set; 0 turns the query off), and
 * making a safe user name of the answer as 8.17 does: only a USERID
 * reply counts; blanks, control and 8-bit bytes and the characters
 * "(),:;<=>?@[\] are dropped; at most IDENT_USER_MAX characters are kept.
 * The reply is hostile input: at most IDENT_REPLY_MAX bytes are read, a
 * reply without a line end counts up to where it stops, everything else
 * (no reply, junk, ERROR) gives no name.
 */
#include "smtpd_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "options.h"
#include "timeconv.h"

#define IDENT_PORT 113
#define IDENT_REPLY_MAX 1024 /* bytes of a reply read at most */
#define IDENT_USER_MAX 99    /* characters of the user name kept (8.17's limit) */
#define IDENT_TIMEOUT_S 5    /* Timeout.ident's default */

/* The port of a socket address (host order), or -1. */
static int port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return -1;
}

/* The same address with another port. */
static void with_port(struct sockaddr_storage *ss, int port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((unsigned short)port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((unsigned short)port);
}

/* Seconds of Timeout.ident; 0: no query. */
static int ident_timeout(void)
{
	const char *v = opt_timeout("ident");
	if (v == NULL || *v == '\0')
		return IDENT_TIMEOUT_S;
	long t = time_convert(v, strlen(v), 'm');
	return t <= 0 ? 0 : t > 86400 ? 86400 : (int)t;
}

/*
 * The reply line (without its end) into buf, read before deadline: up to
 * a line end, the end of the connection or size - 1 bytes; its length,
 * or -1 when nothing came in time.
 */
static ssize_t read_reply(int fd, char *buf, size_t size, long long deadline)
{
	size_t n = 0;
	while (n + 1 < size) {
		if (sm_wait_fd(fd, POLLIN, deadline) != 1)
			return -1;
		ssize_t r = recv(fd, buf + n, size - 1 - n, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		char *nl = memchr(buf + n, '\n', (size_t)r);
		n += (size_t)r;
		if (nl != NULL) {
			n = (size_t)(nl - buf);
			break;
		}
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

/* The user name of a reply "ports : USERID : os : user", made safe; NULL for none. */
static char *user_of(char *reply)
{
	char *f1 = strchr(reply, ':');
	char *f2 = f1 != NULL ? strchr(f1 + 1, ':') : NULL;
	char *f3 = f2 != NULL ? strchr(f2 + 1, ':') : NULL;
	if (f3 == NULL)
		return NULL;
	/* the reply type between the first two colons, blanks around it */
	char *t = f1 + 1;
	while (*t == ' ' || *t == '\t')
		t++;
	char *te = f2;
	while (te > t && (te[-1] == ' ' || te[-1] == '\t'))
		te--;
	if (te - t != 6 || sm_strncasecmp(t, "USERID", 6) != 0)
		return NULL;
	char user[IDENT_USER_MAX + 1];
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)f3 + 1; *p != '\0' && n < IDENT_USER_MAX;
	     p++) {
		if (*p <= ' ' || *p >= 0x7f || strchr("\"(),:;<=>?@[\\]", *p) != NULL)
			continue;
		user[n++] = (char)*p;
	}
	user[n] = '\0';
	return n > 0 ? sm_strdup(user) : NULL;
}

char *smtpd_ident(const struct smtpd_conn *c)
{
	int tmo = ident_timeout();
	int cport = port_of(&c->peer), lport = port_of(&c->local);
	if (tmo <= 0 || cport < 0 || lport < 0 || c->peer.ss_family != c->local.ss_family)
		return NULL;
	long long deadline = sm_now_ms() + 1000LL * tmo;
	/* from the address the client reached, so that its ident service knows the connection */
	struct sockaddr_storage from = c->local, to = c->peer;
	with_port(&from, 0);
	with_port(&to, IDENT_PORT);
	int fd = sm_connect(&to, (unsigned)c->peer_len, &from, (unsigned)c->local_len, deadline);
	if (fd < 0)
		return NULL;
	char *user = NULL;
	char query[32];
	int ql = snprintf(query, sizeof query, "%d , %d\r\n", cport, lport);
	if (ql <= 0 || sm_send_all(fd, query, (size_t)ql, deadline) != 0)
		goto out;
	char reply[IDENT_REPLY_MAX + 1];
	if (read_reply(fd, reply, sizeof reply, deadline) > 0)
		user = user_of(reply);
out:
	(void)close(fd);
	return user;
}
