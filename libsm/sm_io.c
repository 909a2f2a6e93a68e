/*
 * sm_io.c: small helpers around read(2), write(2), send(2) and poll(2)
 * that every reader and writer of files, pipes and sockets and every client
 * with a deadline needs.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sm.h"

int sm_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int sm_buf_read_fd(struct sm_buf *b, int fd)
{
	for (;;) {
		sm_buf_reserve(b, 65536);
		ssize_t r = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			b->data[b->len] = '\0';
			return r < 0 ? errno : 0;
		}
		b->len += (size_t)r;
	}
}

long long sm_now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sm_wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - sm_now_ms();
		if (left <= 0)
			return 0;
		struct pollfd pfd = {fd, events, 0};
		int r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
		/* a timeout or an interruption: the deadline decides */
	}
}

int sm_send_all(int fd, const void *p, size_t n, long long deadline)
{
	const char *c = p;
	while (n > 0) {
		int r = sm_wait_fd(fd, POLLOUT, deadline);
		if (r != 1)
			return r == 0 ? ETIMEDOUT : errno;
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0)
			return errno;
		if (w == 0)
			return EPIPE;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int sm_connect(const void *to, unsigned tolen, const void *from, unsigned fromlen,
	       long long deadline)
{
	const struct sockaddr *sa = to;
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (from != NULL && bind(fd, from, (socklen_t)fromlen) < 0)
		goto fail;
	if (connect(fd, sa, (socklen_t)tolen) < 0) {
		if (errno != EINPROGRESS)
			goto fail;
		int n = sm_wait_fd(fd, POLLOUT, deadline);
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
	return fd;
fail:;
	int e = errno;
	(void)close(fd);
	errno = e;
	return -1;
}
