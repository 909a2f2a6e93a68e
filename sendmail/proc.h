/*
 * proc.h: process helpers shared by the SMTP daemon (daemon.c) and the
 * queue runner daemon (queue_daemon.c): installing a signal handler,
 * detaching from the terminal, and undoing a daemon's signal handlers
 * and mask in a new child.
 */
#ifndef PROC_H
#define PROC_H

#include <stdbool.h>
#include <sys/types.h>

/* Installs fn (or SIG_DFL, SIG_IGN) for sig, no flags, empty mask; 0 or an errno. */
int proc_set_signal(int sig, void (*fn)(int));
/* Forks; the child starts a new session with /dev/null on 0, 1 and 2
 * (problems logged).  Returns 0 in the child, the child's pid (or -1)
 * in the caller. */
pid_t proc_detach(void);
/* In a new child of a daemon: SIGTERM, SIGHUP, SIGCHLD (and SIGPIPE when
 * default_sigpipe: a session dies on a closed connection) back to their
 * defaults, then no signal blocked. */
void proc_child_signals(bool default_sigpipe);

#endif
