/*
 * map_socket.c: the "socket" map class, lookups answered by a server over
 * a stream socket (the socketmap protocol).
 *
 *   Kname socket [-d timeout] [flags] unix:/path      (also local:, or a bare path)
 *   Kname socket [-d timeout] [flags] inet:port@host  (also inet6:)
 *
 * A request is the netstring "LEN:mapname key," (the key folded to lower
 * case unless -f); the reply is a netstring whose text starts with a status
 * word: "OK value", "NOTFOUND", "TEMP msg", "TIMEOUT msg" or "PERM msg".
 * OK answers EX_OK with the value (%n substituted, -a appended, the key
 * itself with -m), NOTFOUND EX_NOTFOUND, TEMP and TIMEOUT EX_TEMPFAIL, PERM
 * EX_UNAVAILABLE; an empty reply or an unknown status word EX_PROTOCOL.
 *
 * Maps naming the same endpoint (the same text) share one connection, and
 * its timeout is the one of the map that opened it (as in sendmail).  A
 * reply that breaks the protocol (bad length, missing ':' or ',', longer
 * than SOCKETMAP_MAXREPLY, cut short) or that does not arrive within the
 * timeout (-d, SOCKETMAP_TIMEOUT seconds by default) is a temporary failure
 * and closes the connection; the next lookup connects again.  When the
 * server closed a connection that was idle, the request is sent once more
 * over a new connection.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "map.h"
#include "safefile.h"
#include "token.h"

#define SOCKETMAP_MAXREPLY 1000000 /* longest reply netstring accepted */
#define SOCKETMAP_TIMEOUT 30       /* seconds, without -d */
#define SOCKETMAP_MAXTIMEOUT 86400 /* keeps millisecond arithmetic in range */
#define RBUFSIZE 4096

/* One connection, shared by every map that names the same endpoint. */
struct sockconn {
	char *spec;  /* the endpoint as written on the K line */
	int fd;      /* -1 while not connected */
	pid_t pid;   /* the process that connected (a child reconnects) */
	int refs;    /* open maps using it */
	int timeout; /* seconds: the -d of the map that opened it, as in sendmail */
	bool used;   /* a reply came over it: a later EOF means the server closed it */
	size_t rpos, rlen;
	unsigned char rbuf[RBUFSIZE];
	struct sockconn *next;
};

static struct sockconn *Conns;

/* ---- the K line ---- */

static bool socket_parse(struct map *m, char *args)
{
	return map_parse_args(m, args);
}

/* ---- endpoints ---- */

struct endpoint {
	struct sockaddr_storage addr[16];
	socklen_t len[16];
	int naddr;
};

static bool proto_is(const char *p, size_t n, const char *name)
{
	return n == strlen(name) && sm_strncasecmp(p, name, n) == 0;
}

static void add_addr(struct endpoint *ep, const void *sa, socklen_t len)
{
	if (ep->naddr >= (int)(sizeof ep->addr / sizeof ep->addr[0]) ||
	    len > (socklen_t)sizeof ep->addr[0])
		return;
	memcpy(&ep->addr[ep->naddr], sa, (size_t)len);
	ep->len[ep->naddr] = len;
	ep->naddr++;
}

static bool resolve_unix(const struct map *m, const char *path, bool quiet, struct endpoint *ep)
{
	int e = safefile_check(path, 0, S_IRUSR | S_IWUSR, NULL);
	if (e != 0) {
		if (!quiet)
			syserr_errno(e, "socket map \"%s\": local socket name %s unsafe", m->name, path);
		return false;
	}
	struct sockaddr_un un;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof un.sun_path) {
		if (!quiet)
			syserr("socket map \"%s\": local socket name %s too long", m->name, path);
		return false;
	}
	memcpy(un.sun_path, path, strlen(path) + 1);
	add_addr(ep, &un, (socklen_t)sizeof un);
	return true;
}

static bool resolve_inet(const struct map *m, const char *spec, int family, bool quiet,
			 struct endpoint *ep)
{
	const char *at = strchr(spec, '@');
	if (at == NULL) {
		if (!quiet)
			syserr("socket map \"%s\": bad address %s (expected port@host)", m->name, spec);
		return false;
	}
	char *port = sm_strndup(spec, (size_t)(at - spec));
	char *host = sm_strdup(at + 1);
	bool ok = false;
	long portno = -1;
	if (isdigit((unsigned char)port[0])) {
		char *end;
		errno = 0;
		portno = strtol(port, &end, 10);
		if (errno != 0 || *end != '\0' || portno > 65535)
			portno = -1;
	} else if (port[0] != '\0') {
		struct servent *sv = getservbyname(port, "tcp");
		if (sv != NULL)
			portno = ntohs((unsigned short)sv->s_port);
	}
	if (portno < 0) {
		if (!quiet)
			syserr("socket map \"%s\": unknown port name %s", m->name, port);
		goto done;
	}

	/* "[address]" is a literal address */
	char *name = host;
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		name = host + 1;
	}
	if (family == AF_INET) {
		struct sockaddr_in sin;
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((unsigned short)portno);
		if (inet_pton(AF_INET, name, &sin.sin_addr) == 1) {
			add_addr(ep, &sin, (socklen_t)sizeof sin);
			ok = true;
			goto done;
		}
	} else {
		struct sockaddr_in6 sin6;
		memset(&sin6, 0, sizeof sin6);
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((unsigned short)portno);
		if (inet_pton(AF_INET6, name, &sin6.sin6_addr) == 1) {
			add_addr(ep, &sin6, (socklen_t)sizeof sin6);
			ok = true;
			goto done;
		}
	}
	if (name != host || name[0] == '\0') {
		/* a bracketed literal that did not parse, or no host at all */
		if (!quiet)
			syserr("socket map \"%s\": Unknown host name %s", m->name, name);
		goto done;
	}
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0 || res == NULL) {
		if (!quiet)
			syserr("socket map \"%s\": Unknown host name %s", m->name, name);
		goto done;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family != family)
			continue;
		if (family == AF_INET) {
			struct sockaddr_in sin;
			memcpy(&sin, ai->ai_addr, sizeof sin);
			sin.sin_port = htons((unsigned short)portno);
			add_addr(ep, &sin, (socklen_t)sizeof sin);
		} else {
			struct sockaddr_in6 sin6;
			memcpy(&sin6, ai->ai_addr, sizeof sin6);
			sin6.sin6_port = htons((unsigned short)portno);
			add_addr(ep, &sin6, (socklen_t)sizeof sin6);
		}
	}
	freeaddrinfo(res);
	ok = ep->naddr > 0;
	if (!ok && !quiet)
		syserr("socket map \"%s\": Unknown host name %s", m->name, name);
done:
	sm_free(port);
	sm_free(host);
	return ok;
}

/* Fills ep from the endpoint text; reports problems unless quiet. */
static bool resolve_endpoint(const struct map *m, const char *spec, bool quiet,
			     struct endpoint *ep)
{
	ep->naddr = 0;
	const char *colon = strchr(spec, ':');
	if (colon == NULL)
		return resolve_unix(m, spec, quiet, ep);
	size_t plen = (size_t)(colon - spec);
	const char *rest = colon + 1;
	if (proto_is(spec, plen, "unix") || proto_is(spec, plen, "local"))
		return resolve_unix(m, rest, quiet, ep);
	if (proto_is(spec, plen, "inet"))
		return resolve_inet(m, rest, AF_INET, quiet, ep);
	if (proto_is(spec, plen, "inet6"))
		return resolve_inet(m, rest, AF_INET6, quiet, ep);
	if (!quiet)
		syserr("socket map \"%s\": unknown socket type %.*s: %s", m->name, (int)plen, spec,
		       sm_errstring(EPROTONOSUPPORT));
	return false;
}

/* ---- time and waiting ---- */

static int map_timeout(const struct map *m)
{
	int t = m->timeout > 0 ? m->timeout : SOCKETMAP_TIMEOUT;
	return t > SOCKETMAP_MAXTIMEOUT ? SOCKETMAP_MAXTIMEOUT : t;
}

static long long deadline_after(int seconds)
{
	return sm_now_ms() + (long long)seconds * 1000;
}

/* ---- connections ---- */

static int connect_one(const struct sockaddr_storage *sa, socklen_t len, long long deadline)
{
	int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int r;
	/* a UNIX socket whose backlog is full answers EAGAIN: try again shortly */
	while ((r = connect(fd, (const struct sockaddr *)sa, len)) != 0 && errno == EAGAIN &&
	       sa->ss_family == AF_UNIX && sm_now_ms() < deadline)
		(void)poll(NULL, 0, 10);
	if (r == 0)
		return fd;
	if (errno != EINPROGRESS && errno != EINTR) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	r = sm_wait_fd(fd, POLLOUT, deadline);
	int soerr = 0;
	socklen_t sl = sizeof soerr;
	if (r <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
		close(fd);
		errno = r == 0 ? ETIMEDOUT : soerr != 0 ? soerr : errno;
		return -1;
	}
	return fd;
}

/*
 * Forgets the connection.  In a child that inherited it, closing the
 * descriptor does not disturb the parent's connection (no shutdown()).
 */
static void conn_drop(struct sockconn *c)
{
	if (c->fd >= 0)
		(void)close(c->fd);
	c->fd = -1;
	c->rpos = c->rlen = 0;
}

/* Connects c (which must be disconnected); false if no address answered. */
static bool conn_connect(struct sockconn *c, const struct map *m, bool quiet)
{
	struct endpoint *ep = sm_malloc(sizeof *ep);
	bool ok = resolve_endpoint(m, c->spec, quiet, ep);
	if (ok) {
		long long deadline = deadline_after(c->timeout);
		int fd = -1;
		for (int i = 0; i < ep->naddr && fd < 0; i++)
			fd = connect_one(&ep->addr[i], ep->len[i], deadline);
		ok = fd >= 0;
		if (ok) {
			c->fd = fd;
			c->pid = getpid();
			c->rpos = c->rlen = 0;
			c->used = false;
		}
	}
	sm_free(ep);
	return ok;
}

static bool socket_open(struct map *m, int mode)
{
	(void)mode;
	if (m->file == NULL)
		return false;
	struct sockconn *c;
	for (c = Conns; c != NULL; c = c->next)
		if (strcmp(c->spec, m->file) == 0)
			break;
	bool created = false;
	if (c == NULL) {
		c = sm_calloc(1, sizeof *c);
		c->spec = sm_strdup(m->file);
		c->fd = -1;
		c->timeout = map_timeout(m);
		created = true;
	}
	if (c->fd >= 0 && c->pid != getpid())
		conn_drop(c);
	if (c->fd < 0 && !conn_connect(c, m, false)) {
		if (created) {
			sm_free(c->spec);
			sm_free(c);
		}
		return false;
	}
	if (created) {
		c->next = Conns;
		Conns = c;
	}
	c->refs++;
	m->priv = c;
	return true;
}

static void socket_close(struct map *m)
{
	struct sockconn *c = m->priv;
	if (c == NULL)
		return;
	m->priv = NULL;
	if (--c->refs > 0)
		return;
	for (struct sockconn **pp = &Conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	conn_drop(c);
	sm_free(c->spec);
	sm_free(c);
}

/* ---- the exchange ---- */

enum xstat {
	X_DONE,       /* a reply was read (or the failure reported) */
	X_PEERCLOSED, /* the server had closed the connection: nothing was read */
};

/* Sends all of buf: 0, or an errno (EAGAIN after the deadline). */
static int send_all(struct sockconn *c, const char *buf, size_t len, long long deadline)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int r = sm_wait_fd(c->fd, POLLOUT, deadline);
			if (r > 0)
				continue;
			return r == 0 ? EAGAIN : errno;
		}
		return n < 0 ? errno : EPIPE;
	}
	return 0;
}

/* The next reply byte: 1 with *byte, 0 at end of file, -1 with errno (EAGAIN: timeout). */
static int read_byte(struct sockconn *c, long long deadline, int *byte)
{
	while (c->rpos >= c->rlen) {
		ssize_t n = recv(c->fd, c->rbuf, sizeof c->rbuf, 0);
		if (n > 0) {
			c->rpos = 0;
			c->rlen = (size_t)n;
			break;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		int r = sm_wait_fd(c->fd, POLLIN, deadline);
		if (r == 0) {
			errno = EAGAIN;
			return -1;
		}
		if (r < 0)
			return -1;
	}
	*byte = c->rbuf[c->rpos++];
	return 1;
}

/* Reads up to len bytes into dst; returns the count read (short on EOF or error). */
static size_t read_bytes(struct sockconn *c, char *dst, size_t len, long long deadline, int *err)
{
	size_t got = 0;
	*err = 0;
	while (got < len) {
		if (c->rpos < c->rlen) {
			size_t n = c->rlen - c->rpos;
			if (n > len - got)
				n = len - got;
			memcpy(dst + got, c->rbuf + c->rpos, n);
			c->rpos += n;
			got += n;
			continue;
		}
		int b;
		int r = read_byte(c, deadline, &b);
		if (r <= 0) {
			*err = r < 0 ? errno : 0;
			break;
		}
		dst[got++] = (char)b;
	}
	return got;
}

/* True if a connection kept from an earlier lookup can no longer be used. */
static bool conn_stale(struct sockconn *c)
{
	if (c->rpos < c->rlen)
		return true; /* bytes nobody asked for: out of step */
	struct pollfd pfd = {c->fd, POLLIN, 0};
	if (poll(&pfd, 1, 0) <= 0)
		return false;
	/* readable while idle: end of file, an error, or stray data */
	return true;
}

/*
 * Reads one reply netstring into *body (allocated, NUL-terminated) and
 * its length.  On failure reports it, drops the connection and returns
 * false; *peer_closed tells that the server had closed it before sending
 * anything.
 */
static bool read_reply(struct sockconn *c, const struct map *m, long long deadline, char **body,
		       size_t *blen, bool *peer_closed)
{
	int b = 0, r;
	*peer_closed = false;
	*body = NULL;

	/* the length: optional blanks and sign, then digits */
	do
		r = read_byte(c, deadline, &b);
	while (r > 0 && sm_isspace(b));
	if (r == 0 || (r < 0 && (errno == ECONNRESET || errno == EPIPE))) {
		*peer_closed = true;
		conn_drop(c);
		return false;
	}
	if (r < 0) {
		syserr_errno(errno, "socket_map_lookup(%s): read timeout", m->name);
		conn_drop(c);
		return false;
	}
	bool neg = false;
	if (b == '-' || b == '+') {
		neg = b == '-';
		r = read_byte(c, deadline, &b);
	}
	unsigned long long len = 0;
	int digits = 0;
	while (r > 0 && isdigit(b)) {
		if (len <= 0xffffffffULL)
			len = len * 10 + (unsigned)(b - '0');
		digits++;
		r = read_byte(c, deadline, &b);
	}
	if (digits == 0) {
		if (r < 0)
			syserr_errno(errno, "socket_map_lookup(%s): read timeout", m->name);
		else
			syserr("socket_map_lookup(%s): failed to read length parameter of reply %d",
			       m->name, 0);
		conn_drop(c);
		return false;
	}
	if (neg)
		len = (unsigned)(0u - (unsigned)len);
	if (r <= 0 || b != ':') {
		syserr("socket_map_lookup(%s): missing ':' in reply", m->name);
		conn_drop(c);
		return false;
	}
	if (len > SOCKETMAP_MAXREPLY) {
		syserr("socket_map_lookup(%s): reply too long: %llu", m->name, len);
		conn_drop(c);
		return false;
	}

	char *buf = sm_malloc((size_t)len + 1);
	int err = 0;
	size_t got = read_bytes(c, buf, (size_t)len, deadline, &err);
	if (got < len) {
		if (err != 0)
			syserr_errno(err, "socket_map_lookup(%s): received only %zu of %llu reply characters",
				     m->name, got, len);
		else
			syserr("socket_map_lookup(%s): received only %zu of %llu reply characters",
			       m->name, got, len);
		sm_free(buf);
		conn_drop(c);
		return false;
	}
	buf[len] = '\0';
	r = read_byte(c, deadline, &b);
	if (r <= 0 || b != ',') {
		syserr("socket_map_lookup(%s): missing ',' in reply", m->name);
		sm_free(buf);
		conn_drop(c);
		return false;
	}
	*body = buf;
	*blen = (size_t)len;
	c->used = true;
	return true;
}

/* One request and its reply over c; the status and value go to *stat / *value. */
static enum xstat exchange(struct sockconn *c, struct map *m, const char *key, char **args,
			   bool fresh, int *stat, char **value)
{
	long long deadline = deadline_after(c->timeout);
	struct sm_buf req;
	sm_buf_init(&req);
	size_t plen = strlen(m->name) + 1 + strlen(key);
	sm_buf_printf(&req, "%zu:%s %s,", plen, m->name, key);
	int e = send_all(c, req.data, req.len, deadline);
	sm_buf_free(&req);
	if (e != 0) {
		if (!fresh && (e == EPIPE || e == ECONNRESET || e == ENOTCONN)) {
			conn_drop(c);
			return X_PEERCLOSED;
		}
		syserr_errno(e, "socket_map_lookup(%s): failed to send lookup request", m->name);
		conn_drop(c);
		*stat = EX_TEMPFAIL_;
		return X_DONE;
	}

	char *body;
	size_t blen;
	bool closed;
	if (!read_reply(c, m, deadline, &body, &blen, &closed)) {
		*stat = EX_TEMPFAIL_;
		return closed ? X_PEERCLOSED : X_DONE;
	}

	/* the status word ends at a blank or at the end of the reply */
	size_t wlen = 0;
	while (wlen < blen && body[wlen] != ' ')
		wlen++;
	const char *rest = wlen < blen ? body + wlen + 1 : body + blen;
	size_t rlen = wlen < blen ? blen - wlen - 1 : 0;
	if (blen == 0) {
		*stat = EX_PROTOCOL_;
	} else if (wlen == 2 && memcmp(body, "OK", 2) == 0) {
		*stat = EX_OK_;
		if (m->flags & MF_MATCHONLY)
			*value = map_rewrite(m, key, strlen(key), NULL);
		else if (rlen > 0)
			*value = map_rewrite(m, rest, rlen, args);
		else
			*value = m->app != NULL ? m->app : (char *)""; /* nothing to substitute */
	} else if (wlen == 8 && memcmp(body, "NOTFOUND", 8) == 0) {
		*stat = EX_NOTFOUND;
	} else if ((wlen == 4 && memcmp(body, "TEMP", 4) == 0) ||
		   (wlen == 7 && memcmp(body, "TIMEOUT", 7) == 0)) {
		*stat = EX_TEMPFAIL_;
	} else if (wlen == 4 && memcmp(body, "PERM", 4) == 0) {
		*stat = EX_UNAVAILABLE_;
	} else {
		*stat = EX_PROTOCOL_;
	}
	sm_free(body);
	return X_DONE;
}

static char *socket_lookup(struct map *m, const char *key, char **args, int *stat)
{
	struct sockconn *c = m->priv;
	if (c == NULL) {
		*stat = EX_TEMPFAIL_;
		return NULL;
	}
	char folded[MAXLINE];
	map_fold_key(m, key, folded, sizeof folded);

	char *value = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (c->fd >= 0 && (c->pid != getpid() || conn_stale(c)))
			conn_drop(c);
		if (c->fd < 0 && !conn_connect(c, m, true)) {
			*stat = EX_TEMPFAIL_;
			return NULL;
		}
		/* only a connection that served before may have been closed as idle */
		bool fresh = !c->used;
		*stat = EX_OK_;
		enum xstat x = exchange(c, m, folded, args, fresh, stat, &value);
		if (x == X_DONE)
			break;
		/* the server closed the connection: one more try on a new one */
		*stat = EX_TEMPFAIL_;
		if (fresh)
			break;
	}
	return value;
}

const struct map_class SocketMapClass = {
	"socket", 0, socket_parse, socket_open, socket_lookup, NULL, socket_close,
};
