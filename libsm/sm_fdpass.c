/*
 * sm_fdpass.c: passing one open descriptor with a message over a Unix
 * domain socket (SCM_RIGHTS), for the daemon handing connections to its
 * session workers.  Owns the ancillary-data layout of both ends: the
 * sender attaches exactly one descriptor, the receiver keeps the first
 * it finds and closes any others, so no descriptor leaks either way.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sm.h"

int sm_fd_send(int sock, int fd, const void *msg, size_t len, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof u);
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	struct msghdr mh;
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof u.buf;
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	ssize_t r = sendmsg(sock, &mh, flags);
	if (r == (ssize_t)len)
		return 0;
	return r < 0 ? errno : EIO;
}

ssize_t sm_fd_recv(int sock, void *msg, size_t len, int *fd)
{
	*fd = -1;
	/* room for a few: a sender that attaches more gets them closed */
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = msg, .iov_len = len};
	struct msghdr mh;
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof u.buf;
	ssize_t r;
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); r > 0 && c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfd; i++) {
			int one;
			memcpy(&one, CMSG_DATA(c) + i * sizeof(int), sizeof one);
			if (*fd < 0)
				*fd = one;
			else
				(void)close(one);
		}
	}
	if (r > 0 && (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (*fd >= 0)
			(void)close(*fd);
		*fd = -1;
		errno = EMSGSIZE;
		return -1;
	}
	return r;
}
