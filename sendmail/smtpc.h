/*
 * smtpc.h: the SMTP client of the [IPC] mailers (smtp, esmtp, smtp8,
 * dsmtp, relay and the MSP's relay): finding the hosts of a destination
 * (MX records, the A record, [literals], FallbackMXhost), connecting with
 * the Timeout.* limits, EHLO/HELO, one transaction per message for
 * several recipients, and the results 8.17 gives each recipient.
 *
 * smtpc_io.c owns the socket and reply reading, smtpc_txn.c the
 * transaction, smtpc_route.c the host list and the connection cache,
 * smtpc_local.c the connections that are not TCP ([IPC] with A=FILE: a
 * Unix-domain socket; [LPC]: our own standard input and output),
 * smtpc_auth.c SMTP AUTH with Cyrus SASL (smtpc_authinfo.c the
 * credentials), smtpc_sasl_layer.c SASL's security layer over the
 * connection's bytes (struct smtpc_layer: other layers, TLS, stack the same way).
 */
#ifndef SMTPC_H
#define SMTPC_H

#include <stdbool.h>
#include <stddef.h>

#include "sm.h"

struct mailer;

/* The outcome for one recipient (or for a connection). */
struct smtpc_result {
	int status;   /* EX_OK_, EX_TEMPFAIL_, EX_UNAVAILABLE_, EX_NOUSER_, EX_NOHOST_ ... */
	char dsn[16]; /* "2.0.0", "4.4.1" ... */
	char *text;   /* the stat= text: "Sent (Ok)", "Deferred: Connection refused by HOST" (sm_free) */
	char *reply;  /* the server's reply for a failure, logged as reply=, or NULL (sm_free) */
	bool told;    /* already logged and reported (a refused RCPT is told when its reply comes) */
	bool shared;  /* a failure by SMTP's one reply to the data, shared by every recipient */
};

/* Frees the texts of r (not r itself). */
void smtpc_result_clear(struct smtpc_result *r);
void smtpc_result_set(struct smtpc_result *r, int status, const char *dsn, char *text,
		      char *reply);

/* Extensions a server offered in its EHLO reply. */
#define SMTPC_EHLO 0x01u
#define SMTPC_PIPELINING 0x02u
#define SMTPC_8BITMIME 0x04u
#define SMTPC_DSN 0x08u
#define SMTPC_SIZE 0x10u
#define SMTPC_AUTH 0x20u
#define SMTPC_ENHSC 0x40u /* ENHANCEDSTATUSCODES */
#define SMTPC_STARTTLS 0x80u

struct smtpc_conn;
/*
 * A layer over the connection's bytes (SASL's security layer, TLS): it
 * reads and writes through the layer below it (below == NULL: the socket
 * itself), so layers stack.  Installed with smtpc_layer_push, freed with
 * the connection.
 */
struct smtpc_layer {
	/* up to n bytes before deadline (sm_now_ms units): count, 0 at end, -1 error/timeout */
	long (*read)(struct smtpc_conn *c, struct smtpc_layer *l, void *buf, size_t n,
		     long long deadline);
	/* all n bytes (flags: MSG_MORE or 0): false when they could not be written */
	bool (*write)(struct smtpc_conn *c, struct smtpc_layer *l, const void *buf, size_t n,
		      int flags);
	void (*free)(struct smtpc_layer *l);
	struct smtpc_layer *below;
};
/* Puts l on top of c's layers. */
void smtpc_layer_push(struct smtpc_conn *c, struct smtpc_layer *l);
/* Reading and writing through the layer below l (the socket when l->below is NULL). */
long smtpc_below_read(struct smtpc_conn *c, struct smtpc_layer *l, void *buf, size_t n,
		      long long deadline);
bool smtpc_below_write(struct smtpc_conn *c, struct smtpc_layer *l, const void *buf, size_t n,
		       int flags);

struct smtpc_conn {
	int fd;         /* read from (and written to, unless wfd differs) */
	int wfd;        /* written to: fd, or a pipe ([LPC]'s standard output) */
	bool lpc;       /* an [LPC] connection (told as "SMTP/LPC" when cached) */
	bool verbose;   /* -v: the transcript on standard output */
	bool lmtp;      /* LHLO, a reply per recipient after the data */
	int pid;        /* the LMTP mailer program on the other end, or 0 */
	unsigned ext;   /* SMTPC_* */
	long maxsize;   /* the SIZE the server gave, 0 for none */
	char *host;     /* the host name as tried ("mx.example.com.", "[127.0.0.1]") */
	char *addr;     /* its address ("127.0.0.1") */
	char *mailer;   /* the mailer's name (for the connection cache) */
	char *dest;     /* the $h it was opened for (connection cache key) */
	bool broken;    /* a reply was lost: only closing is left */
	bool quiet_close; /* QUIT was sent already: "Closing connection" is told at exit */
	long when_used; /* time of the last transaction (ConnectionCacheTimeout) */
	int write_timeout;  /* Timeout.datablock in seconds, read at the first write (0: not yet) */
	char lastcmd[512];  /* the last command sent (for a DSN's transcript) */
	bool cmd_told;      /* lastcmd is in the transcript already */
	char buf[1024];
	size_t len, pos;
	struct sm_buf lastreply; /* the last reply read, lines joined by "\n" */
	char *auth_mechs;   /* the mechanisms of the server's AUTH line, or NULL (sm_free) */
	bool authenticated; /* AUTH succeeded on this connection */
	unsigned ext_ssf;   /* the strength of a layer below SASL (TLS's cipher bits), or 0 */
	struct smtpc_layer *layer; /* the top layer over the socket, or NULL */
	/* STARTTLS (smtpc_tls.c) */
	bool tls_on;        /* the connection runs over TLS */
	bool tls_clear;     /* this connection must not try STARTTLS (TLSFallbacktoClear's second try) */
	bool tls_retry;     /* the handshake failed: try again without STARTTLS */
	bool stop;          /* refused by tls_server: no other host is tried */
	const char *who;    /* the recipients ("a@x,b@y") while the connection is opened, or NULL */
};

/* Seconds of Timeout.name (default dflt). */
int smtpc_timeout(const char *name, int dflt);

/*
 * Connects to one address (sa) within Timeout.connect; the socket or -1
 * with errno.
 */
int smtpc_connect_addr(const void *sa, unsigned salen, int timeout_s);
/*
 * A connection on fd (read from) and wfd (written to; the same for a
 * socket) to host at addr, cached under dest, not greeted yet (LMTP with
 * F=z); smtpc_close frees it and closes both.
 */
struct smtpc_conn *smtpc_conn_new(const struct mailer *m, int fd, int wfd, const char *host,
				  const char *addr, const char *dest, bool verbose);
/*
 * Reads a whole reply into c->lastreply within timeout_s seconds; its code,
 * or -1 when the connection broke (c->broken set).
 */
int smtpc_reply(struct smtpc_conn *c, int timeout_s);
/* Sends one command line (CRLF added); false when it could not be written. */
bool smtpc_send(struct smtpc_conn *c, const char *line);
/* Writes raw bytes (the message text); false on failure. */
bool smtpc_write(struct smtpc_conn *c, const char *data, size_t len);
/*
 * The same for data that more follows at once (MSG_MORE): the kernel
 * sends it with what comes next.  Without it the message's last segment,
 * the short ".\r\n" after the text, waited for the server's delayed ACK
 * of the text (Nagle's algorithm): about 40 ms per message.
 */
bool smtpc_write_more(struct smtpc_conn *c, const char *data, size_t len);
/* The last line of the last reply ("250 2.0.0 Ok"). */
const char *smtpc_last_line(const struct smtpc_conn *c);
/*
 * The DSN code of reply line (its enhanced status code when it has a
 * valid one, else dflt) into dsn.
 */
void smtpc_reply_dsn(const char *line, const char *dflt, char *dsn, size_t dsnsize);

/* The port of an [IPC] mailer: from A= "TCP $h port", else "25". */
const char *smtpc_port(const struct mailer *m);

/*
 * Greeting and EHLO (LHLO for LMTP; HELO after a 5xx to EHLO) on a fresh
 * connection.  False with *r set when the server refused.
 */
bool smtpc_hello(struct smtpc_conn *c, const struct mailer *m, struct smtpc_result *r);
/*
 * EHLO (LHLO) alone, and the extensions of its reply: again after a
 * security layer was put in place.  Its reply code, -1 when it broke.
 */
int smtpc_ehlo(struct smtpc_conn *c);
/*
 * SMTP AUTH after EHLO when the server offers it and the authinfo
 * ruleset (or DefaultAuthInfo) gives credentials, as 8.17 does: true to
 * go on (authenticated or not); false with *r set when the recipients are
 * to be deferred (a 4xx reply to AUTH, the connection lost).
 */
bool smtpc_auth(struct smtpc_conn *c, struct smtpc_result *r);
/* AuthOptions A: AUTH= on MAIL only when AUTH succeeded. */
bool smtpc_auth_param_needs_auth(void);

/* What the client authenticates with (each sm_free'd by smtpc_authinfo_free). */
struct smtpc_authinfo {
	char *user;   /* U: the authorization id */
	char *authid; /* I: the authentication id */
	char *pass;   /* P: */
	char *realm;  /* R:, or NULL ($j then) */
	char *mechs;  /* M:, or NULL (AuthMechanisms then) */
};
/*
 * The credentials for connection c from the authinfo ruleset (or the
 * DefaultAuthInfo file when there is no such ruleset): 1 with *ai set, 0
 * when there are none, -1 when the answer lacks a user and
 * authentication id or a password, -2 when the DefaultAuthInfo file
 * cannot be used (logged; 8.17 defers then).
 */
int smtpc_authinfo_get(const struct smtpc_conn *c, struct smtpc_authinfo *ai);
void smtpc_authinfo_free(struct smtpc_authinfo *ai);
/* s as xtext (RFC 3461: "+XX" for '+', '=', blanks, controls and 8-bit bytes; sm_free). */
char *smtpc_xtext(const char *s);
/*
 * The AUTH= value 8.17 gives a message submitted on the command line: the
 * sender as its tokens join (blanks become BlankSub), @domain added to a
 * bare name, as xtext (sm_free).
 */
char *smtpc_auth_param_local(const char *sender, const char *domain);
/*
 * Puts SASL's security layer over c: conn is the sasl_conn_t that
 * negotiated it; it and ctx (given to free_ctx) are freed with the layer.
 */
void smtpc_sasl_layer_push(struct smtpc_conn *c, void *conn, void *ctx, void (*free_ctx)(void *));
/*
 * After EHLO, as 8.17 does (smtpc_tls.c): STARTTLS when the server offers
 * it, the client may (ClientPortOptions without M=S, the try_tls
 * ruleset) and the TLS library works; the handshake, the TLS layer under
 * the connection, EHLO again; then the tls_server ruleset on {verify}.
 * True to go on; false with *r set when the recipients are to be
 * deferred or bounced (c->stop: no other host; c->tls_retry: connect to
 * this one again without STARTTLS, TLSFallbacktoClear).
 */
bool smtpc_tls(struct smtpc_conn *c, const struct mailer *m, struct smtpc_result *r);
/*
 * The tls_rcpt ruleset on a recipient before its RCPT (TLS_Rcpt: entries):
 * true to send it; false with *r set (deferred or failed, logged as 8.17
 * logs it) when the ruleset refuses.
 */
bool smtpc_tls_rcpt(struct smtpc_conn *c, const char *rcpt, struct smtpc_result *r);
/*
 * host was refused by tls_server earlier in this process: *r gets
 * "Deferred" with that refusal's DSN code (8.17 does not connect again).
 */
bool smtpc_tls_refused_here(const char *host, struct smtpc_result *r);
/* Forgets those hosts (at exit). */
void smtpc_tls_forget(void);

/* The envelope of one transaction. */
struct smtpc_msg {
	const char *from;        /* MAIL From:<...> */
	const char *const *rcpts; /* RCPT To:<...> each */
	const char *const *rcpt_params; /* " NOTIFY=... ORCPT=..." each, or NULL */
	size_t n;
	long size;               /* SIZE= when the server offers SIZE (0: not sent) */
	const char *body;        /* BODY= "8BITMIME" or "7BIT" (sent when 8BITMIME is offered), or NULL */
	const char *ret;         /* RET= "FULL"/"HDRS" when DSN is offered, or NULL */
	const char *envid;       /* ENVID= (xtext) when DSN is offered, or NULL */
	const char *auth;        /* AUTH= (xtext) when AUTH is offered, or NULL */
	const char *text;        /* the message as sent (CRLF, dots doubled) */
	size_t len;
	/* called when the result of recipient i is known before the end (a refused RCPT) */
	void (*early)(void *arg, size_t i, struct smtpc_result *r);
	void *arg;
};

/*
 * One transaction: MAIL, RCPT for each recipient (pipelined when the
 * server offers PIPELINING), DATA and the text when any was taken.  Sets
 * r[0..n-1].  False when the connection cannot be used again.
 */
bool smtpc_transaction(struct smtpc_conn *c, const struct smtpc_msg *msg, struct smtpc_result *r);
/* RSET before the next transaction on a cached connection; false when it failed. */
bool smtpc_rset(struct smtpc_conn *c);
/* QUIT ("Closing connection to HOST" when verbose) and frees c. */
void smtpc_close(struct smtpc_conn *c);

/*
 * A connection to the destination host (the $h of mailer m): a cached one
 * for the same mailer and host, else the hosts of host in order (MX
 * preference, the host itself, FallbackMXhost), each address of each,
 * until one greets us.  NULL with *r the failure (of the last host tried)
 * when none does.  With verbose, "WHO... Connecting to HOST via MAILER..."
 * is told for each host tried.  first_try: the message's first delivery
 * attempt (Timeout.iconnect instead of Timeout.connect); all the
 * attempts together stop after Timeout.aconnect.  *relay gets "name. [addr]" or "name." (sm_free).
 */
struct smtpc_conn *smtpc_open(const struct mailer *m, const char *host, const char *who,
			      bool verbose, bool first_try, bool queue_run, struct smtpc_result *r,
			      char **relay);
/*
 * An [IPC] mailer with A=FILE path: the Unix-domain socket path (its
 * directories safe, the socket neither a symbolic nor a hard link) within
 * Timeout.connect, then greeting and EHLO/LHLO; the host is $h.  NULL with
 * *r set (a system error logged, shown too in a queue run) when it fails.
 */
struct smtpc_conn *smtpc_open_socket(const struct mailer *m, const char *host, const char *who,
				     bool verbose, int timeout_s, bool queue_run,
				     struct smtpc_result *r, char **relay);
/*
 * A [LPC] mailer: the SMTP (LMTP with F=z) dialogue over our own standard
 * input and output, named by the mailer; NULL with *r set when it fails.
 */
struct smtpc_conn *smtpc_open_lpc(const struct mailer *m, const char *host, bool verbose,
				  struct smtpc_result *r, char **relay);
/* True for an [IPC] mailer whose A= starts with FILE (a Unix-domain socket). */
bool smtpc_is_socket_mailer(const struct mailer *m);
/* A cached connection of mailer m to dest, taken out of the cache; NULL for none. */
struct smtpc_conn *smtpc_cache_take(const struct mailer *m, const char *dest);
/*
 * A system error of a delivery: logged "SYSERR(user): text"; shown on
 * standard output too when show (8.17 shows them in queue runs, not at
 * submission); the exit status becomes exitstat unless one is set.
 */
void smtpc_syserr(int exitstat, bool show, const char *fmt, ...) SM_PRINTF(3, 4);
/*
 * An LMTP session with a mailer program already started (fd: a socket to
 * its standard input and output, pid: the process, waited for when the
 * connection is closed): greeting and LHLO.  NULL with *r set when it
 * does not greet.
 */
struct smtpc_conn *smtpc_open_program(const struct mailer *m, int fd, int pid, bool verbose,
				      struct smtpc_result *r);
/*
 * Done with c after a message: kept for the next message when the
 * connection cache (ConnectionCacheSize) allows, else closed.
 */
void smtpc_release(struct smtpc_conn *c);
/* The failure of a connect() to host with errno err, as 8.17 words it. */
void smtpc_connect_failure(int err, const char *host, struct smtpc_result *r);
/* "Closing connection to HOST" at exit (a connection given up during its greeting). */
void smtpc_tell_closed_at_exit(const char *host);
/* Closes every cached connection (end of a queue run, process exit). */
void smtpc_close_cached(void);

#endif
