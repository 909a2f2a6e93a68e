/*
 * daemon_session.c: the child process of one accepted connection: it
 * gives up root (daemon_priv.c) before reading anything from the
 * network, describes the connection to the SMTP server (struct
 * smtpd_conn) and runs smtpd_session(); the server asks for deliveries
 * through daemon_request_delivery, a datagram to the root daemon.
 */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "alias.h"
#include "log.h"
#include "macro.h"
#include "map.h"
#include "options.h"
#include "proc.h"
#include "sm.h"
#include "smtpd.h"

/* Longest request: a queue directory path and an ID. */
int daemon_request_delivery(const char *queue_dir, const char *queue_id, void *arg)
{
	const int *fd = arg;
	if (fd == NULL || *fd < 0)
		return EBADF;
	size_t dl = strlen(queue_dir), il = strlen(queue_id);
	if (dl + il + 2 > DAEMON_REQUEST_MAX)
		return ENAMETOOLONG;
	char buf[DAEMON_REQUEST_MAX];
	memcpy(buf, queue_dir, dl + 1);
	memcpy(buf + dl + 1, queue_id, il + 1);
	/* never blocks the session: a lost request waits for the next queue run */
	if (send(*fd, buf, dl + il + 2, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return errno;
	return 0;
}

int daemon_request_queue_run(const char *host, void *arg)
{
	return daemon_request_delivery(DAEMON_ETRN_MARK, host, arg);
}

/* Opens a database map (hash, btree, dbm) while the session is still root. */
static void open_db_map(struct map *m, void *arg)
{
	(void)arg;
	const char *c = m->cls != NULL ? m->cls->name : "";
	if (strcmp(c, "hash") == 0 || strcmp(c, "btree") == 0 || strcmp(c, "dbm") == 0)
		(void)map_open(m);
}

/*
 * The alias databases and the cf's database maps are opened before root
 * is given up, so that files only root may read (as 8.17's root sessions
 * read them) still work; each session opens its own handles, nothing is
 * shared between processes.  Text files are read later as the user.
 */
static void open_maps_as_root(void)
{
	alias_open_dbs();
	map_foreach(open_db_map, NULL);
}

static void refuse(int fd, const char *why)
{
	static const char msg[] = "421 4.3.0 Service temporarily unavailable, closing transmission channel\r\n";
	log_line(LOG_CRIT, NULL, "daemon session: %s", why);
	(void)sm_write_all(fd, msg, sizeof msg - 1);
	_exit(EX_OSERR_);
}

void daemon_session_child(const struct daemon_session_args *a)
{
	proc_child_signals(true);
	if (a->user != NULL)
		open_maps_as_root();
	int err = daemon_drop_privileges(a->user);
	if (err != 0) {
		char why[256];
		(void)snprintf(why, sizeof why, "cannot change to user %s: %s",
			       a->user->name, strerror(err));
		refuse(a->fd, why);
	}
	/* the listener's own DeliveryMode=, delayLA=, queueLA= for this session */
	if (a->l->delivery_mode != NULL)
		option_set("DeliveryMode", a->l->delivery_mode, true);
	if (a->l->delay_la != NULL)
		option_set("DelayLA", a->l->delay_la, true);
	if (a->l->queue_la != NULL)
		option_set("QueueLA", a->l->queue_la, true);
	if (a->l->family != AF_UNIX) {
		char num[32];
		(void)snprintf(num, sizeof num, "%d", a->client_rate);
		macro_define(macro_id("client_rate", 11, true), num);
		(void)snprintf(num, sizeof num, "%d", a->client_connections);
		macro_define(macro_id("client_connections", 18, true), num);
	}
	static int request_fd;
	request_fd = a->request_fd;
	struct smtpd_conn c;
	memset(&c, 0, sizeof c);
	c.in_fd = a->fd;
	c.out_fd = a->fd;
	memcpy(&c.peer, a->peer, sizeof c.peer);
	c.peer_len = a->peer_len;
	c.local_len = sizeof c.local;
	if (getsockname(a->fd, (struct sockaddr *)&c.local, &c.local_len) != 0)
		c.local_len = 0;
	c.daemon_name = a->l->name;
	c.daemon_flags = a->l->flags_macro; /* the letters as ${daemon_flags} shows them */
	c.daemon_mode = true;
	c.request_delivery = request_fd >= 0 ? daemon_request_delivery : NULL;
	c.request_queue_run = request_fd >= 0 ? daemon_request_queue_run : NULL;
	c.request_arg = &request_fd;
	int rc = smtpd_session(&c);
	(void)close(a->fd);
	log_close();
	_exit(rc);
}
