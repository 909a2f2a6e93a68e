/*
 * fuzz_socketmap.c: the socket map's reply parser on arbitrary server
 * replies.
 *
 * A thread plays the server on a UNIX socket: it accepts one connection per
 * input, reads the request, sends the input as the reply and closes.  The
 * map must answer some status without crashing, without reading beyond what
 * the reply announces and without waiting (the server always closes).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "map.h"
#include "options.h"
#include "sm.h"

#define MAX_INPUT 16384

static int ListenFd = -1;
static char SockDir[80];
static char SockPath[108];

static void cleanup(void)
{
	(void)unlink(SockPath);
	(void)rmdir(SockDir);
}

struct reply {
	const uint8_t *data;
	size_t size;
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void declare(const char *fmt, const char *path)
{
	char line[256];
	snprintf(line, sizeof line, fmt, path);
	map_declare(line);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	const char *base = getenv("TMPDIR");
	snprintf(SockDir, sizeof SockDir, "%s/fuzz_socketmap.XXXXXX",
		 base != NULL && *base != '\0' && strlen(base) < 60 ? base : "/tmp");
	if (mkdtemp(SockDir) == NULL)
		abort();
	snprintf(SockPath, sizeof SockPath, "%s/sock", SockDir);
	atexit(cleanup);
	ListenFd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un un;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, SockPath, strlen(SockPath) + 1);
	if (ListenFd < 0 || bind(ListenFd, (struct sockaddr *)&un, sizeof un) != 0 ||
	    listen(ListenFd, 4) != 0)
		abort();
	map_classes_init();
	DontBlame[DBS_TRUSTSTICKYBIT] = true;
	declare("fz socket -d2 unix:%s", SockPath);
	declare("fzm socket -d2 -m -a.app unix:%s", SockPath);
	return 0;
}

static void *serve(void *arg)
{
	const struct reply *r = arg;
	struct pollfd pfd = {ListenFd, POLLIN, 0};
	if (poll(&pfd, 1, 3000) <= 0)
		return NULL;
	int c = accept(ListenFd, NULL, NULL);
	if (c < 0)
		return NULL;
	/* read the request (it is short) so the reply follows it */
	char buf[512];
	pfd.fd = c;
	if (poll(&pfd, 1, 3000) > 0)
		(void)read(c, buf, sizeof buf);
	size_t off = 0;
	while (off < r->size) {
		ssize_t n = send(c, r->data + off, r->size - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(c);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > MAX_INPUT)
		return 0;
	struct reply r = {data + 1, size - 1};
	pthread_t th;
	if (pthread_create(&th, NULL, serve, &r) != 0)
		return 0;
	struct map *m = map_find((data[0] & 1) ? "fzm" : "fz");
	int stat = 0;
	char *args[] = {"key", "one", "two", NULL};
	char *v = map_lookup_value(m, "key", args, &stat);
	if (v != NULL && stat != EX_OK_)
		abort();
	if (v == NULL && stat == EX_OK_ && (m->flags & MF_OPEN) && !(m->flags & MF_OPENBOGUS))
		abort();
	sm_free(v);
	pthread_join(th, NULL);
	return 0;
}
