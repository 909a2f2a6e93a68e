/*
 * smtpd.h: the contract between the ESMTP server (one SMTP session:
 * smtpd*.c) and the two programs that start sessions: -bs on standard
 * input and output (main.c) and the daemon (-bd/-bD: daemon*.c), which
 * accepts a connection, forks, gives up root and calls smtpd_session().
 *
 * The server owns everything said on the connection: the greeting, the
 * commands and their replies, the rulesets and macros of the session, the
 * message it accepts into the queue.  The daemon owns the listeners, the
 * processes, the privileges and the limits on connections.
 */
#ifndef SMTPD_H
#define SMTPD_H

#include <stdbool.h>
#include <sys/socket.h>

/* What the server knows of its connection. */
struct smtpd_conn {
	int in_fd;                     /* read commands and data from here */
	int out_fd;                    /* write replies here (may equal in_fd) */
	/* the client's address; ss_family AF_UNSPEC for -bs on a pipe
	 * (the client is this host: {client_addr} empty) */
	struct sockaddr_storage peer;
	socklen_t peer_len;
	/* the address the client connected to ({if_addr}, {daemon_addr}) */
	struct sockaddr_storage local;
	socklen_t local_len;
	const char *daemon_name;       /* Name= of the listener ("MTA", "MSA"), NULL for -bs */
	const char *daemon_flags;      /* ${daemon_flags}: the M= letters, blank-separated, upper case doubled ("EE a"), "" for none */
	bool daemon_mode;              /* started by the daemon (not -bs) */
	/*
	 * Asks the privileged daemon to deliver a message this session has
	 * queued (DeliveryMode background/interactive in daemon mode, where
	 * the session itself runs without root); NULL when the session
	 * delivers itself (-bs).  Returns 0 when the request was handed over.
	 */
	int (*request_delivery)(const char *queue_dir, const char *queue_id, void *arg);
	/*
	 * Asks the daemon for a queue run of the messages with a recipient
	 * at host (ETRN host), or of a queue group when host is "#group";
	 * NULL outside daemon mode.  Takes request_arg.  0 when handed over.
	 */
	int (*request_queue_run)(const char *host, void *arg);
	void *request_arg;
};

/*
 * Runs one SMTP session to its end (QUIT, end of input, a timeout or a
 * fatal error); returns the process exit status (EX_OK_ after QUIT).
 */
int smtpd_session(const struct smtpd_conn *c);

#endif
