/*
 * proc.c: process helpers of the daemons (proc.h): one copy of what the
 * SMTP daemon and the queue runner daemon both need.  Owns nothing.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

int proc_set_signal(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	if (sigemptyset(&sa.sa_mask) != 0)
		return errno;
	return sigaction(sig, &sa, NULL) == 0 ? 0 : errno;
}

pid_t proc_detach(void)
{
	(void)fflush(NULL); /* else the child writes the caller's buffers again */
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	if (setsid() < 0)
		log_line(LOG_WARNING, NULL, "detach: setsid: %s", strerror(errno));
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		log_line(LOG_WARNING, NULL, "detach: /dev/null: %s", strerror(errno));
		return 0;
	}
	for (int i = 0; i < 3; i++)
		if (dup2(fd, i) < 0)
			log_line(LOG_WARNING, NULL, "detach: dup2: %s", strerror(errno));
	if (fd > 2)
		(void)close(fd);
	return 0;
}

void proc_child_signals(bool default_sigpipe)
{
	(void)proc_set_signal(SIGTERM, SIG_DFL);
	(void)proc_set_signal(SIGHUP, SIG_DFL);
	(void)proc_set_signal(SIGCHLD, SIG_DFL);
	if (default_sigpipe)
		(void)proc_set_signal(SIGPIPE, SIG_DFL);
	sigset_t none;
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}
