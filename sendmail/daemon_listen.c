/*
 * daemon_listen.c: opens the listening sockets of the daemon (as root,
 * before any session gives it up) and formats socket addresses.
 */
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "sm.h"

void daemon_addr_text(const struct sockaddr_storage *sa, char *buf, size_t size)
{
	buf[0] = '\0';
	switch (sa->ss_family) {
	case AF_INET:
		(void)inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
				(socklen_t)size);
		break;
	case AF_INET6: {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a)) {
			(void)inet_ntop(AF_INET, &a->s6_addr[12], buf, (socklen_t)size);
		} else {
			/* sendmail writes IPv6 addresses with an "IPv6:" prefix */
			char t[INET6_ADDRSTRLEN];
			if (inet_ntop(AF_INET6, a, t, sizeof t) != NULL)
				(void)snprintf(buf, size, "IPv6:%s", t);
		}
		break;
	}
	case AF_UNIX:
		sm_strlcpy(buf, ((const struct sockaddr_un *)sa)->sun_path, size);
		break;
	default:
		break;
	}
}

int daemon_listen(struct daemon_listener *l)
{
	int fd = socket(l->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int err = 0;
	const char *what = "socket";
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	int one = 1;
	if (l->family != AF_UNIX &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
		err = errno;
		what = "setsockopt SO_REUSEADDR";
		goto fail;
	}
	/* an inet6 listener is for IPv6 only: inet lines are separate listeners */
	if (l->family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
		err = errno;
		what = "setsockopt IPV6_V6ONLY";
		goto fail;
	}
	if (l->sndbuf > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &l->sndbuf, sizeof l->sndbuf) != 0)
		log_line(LOG_WARNING, NULL, "daemon %s: setsockopt(SO_SNDBUF): %s", l->name,
			 strerror(errno));
	if (l->rcvbuf > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &l->rcvbuf, sizeof l->rcvbuf) != 0)
		log_line(LOG_WARNING, NULL, "daemon %s: setsockopt(SO_RCVBUF): %s", l->name,
			 strerror(errno));
	if (l->family == AF_UNIX) {
		/* A stale socket of an earlier run is removed; anything else
		 * Addr= names (a file, a link) is left alone: we are root and
		 * the name comes from the configuration.  bind() then fails. */
		const char *path = ((struct sockaddr_un *)&l->sa)->sun_path;
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && unlink(path) != 0 &&
		    errno != ENOENT)
			log_line(LOG_WARNING, NULL, "daemon %s: cannot remove the old socket %s: %s",
				 l->name, path, strerror(errno));
	}
	if (bind(fd, (struct sockaddr *)&l->sa, l->sa_len) != 0) {
		err = errno;
		what = "cannot bind";
		goto fail;
	}
	if (listen(fd, l->backlog) != 0) {
		err = errno;
		what = "cannot listen";
		goto fail;
	}
	l->fd = fd;
	return 0;
fail:
	if (fd >= 0)
		(void)close(fd);
	log_line(l->optional ? LOG_WARNING : LOG_CRIT, NULL, "daemon %s: %s: %s", l->name, what,
		 strerror(err));
	return err;
}
