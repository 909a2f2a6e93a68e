/*
 * daemon_deliver.c: the root daemon's side of delivery requests.  A
 * session (unprivileged) sends "queue_dir\0queue_id\0" after it queued a
 * message; the daemon checks the request (the directory must be one of
 * the configured queue directories, the ID a valid queue ID: the sender
 * is not trusted) and forks a process that delivers that message as the
 * queue runner would (locked, so a message is never delivered twice; a
 * request that is lost or refused leaves the message to the next queue
 * run).  Owns nothing beyond the call.
 */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "sm.h"

#define REQUEST_MAX 4200

static bool known_queue_dir(const char *dir)
{
	char **dirs = queue_dirs(NULL);
	for (size_t i = 0; dirs != NULL && dirs[i] != NULL; i++)
		if (strcmp(dirs[i], dir) == 0)
			return true;
	return false;
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return false;
	}
	return true;
}

static void deliver_child(const char *dir, const char *id, queue_deliver_fn deliver, void *arg)
{
	sigset_t none;
	(void)sigemptyset(&none);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	(void)sigaction(SIGTERM, &dfl, NULL);
	(void)sigaction(SIGHUP, &dfl, NULL);
	(void)sigaction(SIGCHLD, &dfl, NULL);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	int err = queue_deliver_id(dir, id, deliver, arg);
	if (err != 0 && err != EWOULDBLOCK && err != ENOENT)
		log_line(LOG_WARNING, id, "delivery requested by the SMTP server: %s", strerror(err));
	log_close();
	_exit(EX_OK_);
}

int daemon_deliver_pending(int fd, queue_deliver_fn deliver, void *arg)
{
	int started = 0;
	/* bounded: at most this many requests per call, the rest next time */
	for (int n = 0; n < 256; n++) {
		char buf[REQUEST_MAX + 1];
		ssize_t r = recv(fd, buf, REQUEST_MAX, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf[r] = '\0';
		const char *dir = buf;
		size_t dl = strlen(dir);
		if ((size_t)r < dl + 2 || buf[r - 1] != '\0')
			continue; /* not two strings */
		const char *id = buf + dl + 1;
		if (!known_queue_dir(dir) || !valid_id(id)) {
			log_line(LOG_WARNING, NULL, "daemon: bad delivery request ignored");
			continue;
		}
		(void)fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			log_line(LOG_ERR, id, "daemon: fork for delivery: %s", strerror(errno));
			break;
		}
		if (pid == 0) {
			daemon_close_fds_in_child();
			deliver_child(dir, id, deliver, arg);
		}
		started++;
	}
	return started;
}
