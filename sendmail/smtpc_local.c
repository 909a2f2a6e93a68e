/*
 * smtpc_local.c: the SMTP client's connections that are not TCP (see
 * smtpc.h).
 *
 * Owns: [IPC] mailers with "A=FILE /path" (SMTP, or LMTP with F=z, over a
 * Unix-domain socket, as admins reach an LMTP server such as Cyrus or
 * Dovecot): the safety check of the socket, the connection, and the
 * failures as 8.17 reports them (a system error naming the socket, the
 * recipient deferred "Connection refused by HOST" or with the reason the
 * socket is unsafe); and [LPC] mailers, whose dialogue runs over our own
 * standard input and output (a debugging aid: the process is the client
 * of whatever is on the other end of its stdin and stdout).  Both are
 * named by the host ($h, "localhost" as the cf usually gives it) or the
 * mailer, and go into the connection cache like TCP connections.
 */
#include "smtpc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "err.h"
#include "hoststat.h"
#include "mailer.h"
#include "safefile.h"

bool smtpc_is_socket_mailer(const struct mailer *m)
{
	return m->path != NULL && strcmp(m->path, "[IPC]") == 0 && m->argv != NULL &&
	       m->argv[0] != NULL && strcmp(m->argv[0], "FILE") == 0 && m->argv[1] != NULL;
}

/* A connection on fd (read) and wfd (written), greeted and EHLO'd; NULL with *r set. */
static struct smtpc_conn *greet(const struct mailer *m, int fd, int wfd, const char *host,
				const char *addr, const char *dest, bool verbose,
				struct smtpc_result *r)
{
	struct smtpc_conn *c = smtpc_conn_new(m, fd, wfd, host, addr, dest, verbose);
	if (smtpc_hello(c, m, r))
		return c;
	smtpc_close(c);
	return NULL;
}

struct smtpc_conn *smtpc_open_socket(const struct mailer *m, const char *host, const char *who,
				     bool verbose, int timeout_s, bool queue_run,
				     struct smtpc_result *r, char **relay)
{
	const char *path = m->argv[1];
	/* the log names the host only, as 8.17's does for a new socket connection */
	*relay = sm_strdup(host);
	if (hoststat_down_here(host, r))
		return NULL;
	if (verbose)
		message("%s... Connecting to %s via %s...", who, path, m->name);
	/*
	 * The socket must be neither a symbolic nor a hard link and its
	 * directories writable by no one else; a failed check is a system
	 * error and the reason the recipients are deferred.
	 */
	int err = safefile_check(path, SFF_NOSLINK | SFF_NOHLINK, 0, NULL);
	if (err != 0) {
		smtpc_syserr(EX_SOFTWARE_, queue_run, "makeconnection_ds: unsafe domain socket %s", path);
		smtpc_result_set(r, EX_TEMPFAIL_, "4.3.5", sm_asprintf("Deferred: %s", sm_errstring(err)),
				 NULL);
		return NULL;
	}
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = -1;
	if (strlen(path) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
	} else {
		memcpy(sun.sun_path, path, strlen(path) + 1);
		fd = smtpc_connect_addr(&sun, (unsigned)sizeof sun, timeout_s);
	}
	if (fd < 0) {
		err = errno;
		smtpc_connect_failure(err, host, r);
		/* the reason without "Deferred: " */
		smtpc_syserr(EX_OSERR_, queue_run, "Could not connect to socket %s: %s", path,
			     r->text + (strncmp(r->text, "Deferred: ", 10) == 0 ? 10 : 0));
		hoststat_record(host, err, r->status, r->dsn, NULL);
		return NULL;
	}
	char *addr = sm_asprintf("[UNIX: %s]", path);
	struct smtpc_conn *c = greet(m, fd, fd, host, addr, host, verbose, r);
	sm_free(addr);
	if (c == NULL)
		hoststat_record(host, 0, r->status, r->dsn, r->reply);
	return c;
}

struct smtpc_conn *smtpc_open_lpc(const struct mailer *m, const char *host, bool verbose,
				  struct smtpc_result *r, char **relay)
{
	*relay = sm_strdup(m->name);
	/* copies, so that closing the connection leaves our own stdin and stdout alone */
	int in = fcntl(0, F_DUPFD_CLOEXEC, 3);
	int out = in < 0 ? -1 : fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (out < 0) {
		int err = errno;
		if (in >= 0)
			(void)close(in);
		smtpc_result_set(r, EX_TEMPFAIL_, "4.4.2", sm_asprintf("Deferred: %s", strerror(err)),
				 NULL);
		return NULL;
	}
	/* -v goes to standard output, into the dialogue itself, as with 8.17 */
	struct smtpc_conn *c = greet(m, in, out, m->name, "", host, verbose, r);
	if (c != NULL)
		c->lpc = true;
	return c;
}
