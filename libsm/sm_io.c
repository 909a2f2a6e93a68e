/*
 * sm_io.c: small helpers around write(2) that every writer of files and
 * pipes needs.
 */
#include <errno.h>
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
