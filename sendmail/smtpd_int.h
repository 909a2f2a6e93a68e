/*
 * smtpd_int.h: the state of one SMTP session, shared by the server's
 * modules (not part of the interface to the rest of sendmail, which is
 * smtpd.h):
 *
 *   smtpd.c       the session: greeting, command loop, HELO/EHLO, the
 *                 small commands, replies, the limits on bad commands
 *   smtpd_mail.c  MAIL and RCPT with their parameters, VRFY, EXPN
 *   smtpd_data.c  DATA: reading the message, handing it to submit_accept
 *   smtpd_rs.c    calling the check_* rulesets and acting on their
 *                 results; the client's macros at connect time
 */
#ifndef SMTPD_INT_H
#define SMTPD_INT_H

#include <stdbool.h>

#include "envelope.h"
#include "smtpd.h"
#include "smtpd_io.h"

/* longest command line kept (RFC 5321 says 512; sendmail reads more) */
#define SMTPD_MAX_CMDLINE 2048
/* 8.17 reads every line into a buffer this long: an AUTH line (a GSSAPI
 * ticket is long) may fill it; a longer one is cut there, its rest read
 * as the next line */
#define SMTPD_MAX_INPLINE 12287
/* longest data line kept; longer lines are split as sendmail splits them */
#define SMTPD_MAX_DATALINE 32768
/* the status of a message whose local recipients' alias map cannot be read */
#define SMTPD_NO_ALIASES "alias database unavailable"
/* bad commands before the session is closed */
#define SMTPD_MAX_BADCMDS 25

/* An accepted recipient: its key, its address and where it goes (in e's arena). */
struct smtpd_rkey {
	const char *key;      /* "mailer host user" */
	const char *addr;     /* as given in RCPT */
	const char *host;     /* the host it went to ("" for none) */
	const char *mailer;   /* the mailer's name ("" for none) */
};

struct smtpd {
	const struct smtpd_conn *conn;
	struct smtpd_io io;
	struct sm_buf line;       /* the command being handled */
	char *helo;               /* $s, malloc'ed, NULL before HELO/EHLO */
	bool esmtp;               /* EHLO was given */
	bool pipelining_error;    /* HELO/EHLO came with more input: MAIL ... refused */
	int nbad;                 /* unknown or bad commands so far */
	bool verbose;             /* VERB */
	bool quit;                /* end the session after this command */
	int timeout_cmd;          /* Timeout.command, seconds */
	int timeout_data;         /* Timeout.datablock */
	/* the transaction; e is NULL before MAIL */
	struct envelope *e;
	int nrcpts;               /* recipients accepted */
	int nrcpt_cmds;           /* RCPT commands accepted, repeated recipients too
				   * (what MaxRecipientsPerMessage counts) */
	int nbadrcpts;            /* recipients refused (BadRcptThrottle) */
	long size_param;          /* SIZE= of MAIL, 0 for none */
	/* RET= seen: as in 8.17 it stays through a refused MAIL (a second
	 * one is a duplicate) until RSET, HELO or the end of a message */
	bool ret_seen;
	bool discard;             /* a check ruleset said $#discard */
	char *quarantine;         /* a check ruleset said $#quarantine, malloc'ed */
	const char *single_rcpt;  /* the first recipient ($u with one), in e's arena */
	int nunknown;             /* recipients refused as "User unknown": kept by 8.17 with
				   * the message's recipients, so Received: has no "for" */
	/* the accepted recipients in order of acceptance, and their
	 * "mailer host user" keys indexed (value: position + 1): a
	 * recipient given twice is accepted once */
	struct smtpd_rkey *rkeys;
	size_t nkeys, keycap;
	struct sm_hash rkey_index;
	bool accepted;            /* the transaction reached DATA (no abandon line) */
	bool did_something;       /* MAIL, EXPN, VRFY or ETRN was given (else logged at the end) */
	char last_cmd[16];        /* the last known command, lower case ("rcpt"), for the log */
	char sid[32];             /* a queue ID for log lines outside a transaction */
	int nhelo, nvrfy;         /* HELO/EHLO and VRFY/EXPN commands (8.17 logs an attack past 3 and 6) */
	char *last_told;          /* the last reply the error sink wrote (malloc'ed) */
	int errors_told;          /* replies the error sink wrote for this command */
	char *last_error;         /* the last 4xx/5xx reply's text since a message was accepted */
	/* while set, replies (the error sink's too) do not become last_error:
	 * refusals 8.17 does not keep as the message's status */
	bool status_off;
	/* the client talked before the greeting (greet_pause), or tls_client
	 * refused it after STARTTLS: every command but HELO/EHLO/NOOP/RSET/QUIT
	 * gets this refusal (a whole reply line: code, enhanced code, text) */
	const char *nullserver;
	char *refusal;            /* tls_client's refusal (malloc'ed; nullserver points here) */
	struct tls_conn *tls;     /* STARTTLS done: the connection's TLS (smtpd_tls.c) */
	/* what srv_features turned off: SRV_NO_* bits */
	unsigned hidden;
	/* a local recipient was accepted without its alias map (unreadable):
	 * the message is queued with "alias database unavailable" */
	bool no_aliases;
	/* SMTP AUTH (sasl_srv.c) */
	struct saslsrv *sasl;
	/* $r and proto=: set by HELO/EHLO and AUTH (NULL before either) */
	const char *proto;
};

/* srv_features letters that turn a feature off */
enum {
	SRV_NO_VERB = 1,        /* B */
	SRV_NO_DSN = 2,         /* D */
	SRV_NO_ETRN = 4,        /* E */
	SRV_NO_EXPN = 8,        /* X */
	SRV_NO_PIPELINING = 16, /* P */
	SRV_NO_AUTH = 32,       /* A */
	SRV_NO_STARTTLS = 64,   /* S */
	SRV_NO_CERTREQ = 128,   /* V: ask no client certificate */
	SRV_SECLAYER = 256,     /* c: no plaintext mechanisms without a security layer */
	SRV_REQUIRE_AUTH = 512, /* l: MAIL only after AUTH */
};

/* What smtpd_unknown_local() found out about a recipient. */
enum local_user { LOCAL_KNOWN, LOCAL_UNKNOWN, LOCAL_NO_ALIASES };
/*
 * A local user the local mailer would not find (no alias, no password
 * entry): LOCAL_UNKNOWN; LOCAL_NO_ALIASES when the alias map cannot be
 * read; LOCAL_KNOWN otherwise (and for other mailers).
 */
struct address;
enum local_user smtpd_unknown_local(const struct address *a);

/*
 * Queues one reply line (CRLF added); printf-style.  A 4xx/5xx reply
 * (but 421) is kept as last_error: the queued message's status.
 */
void smtpd_reply(struct smtpd *s, const char *fmt, ...) SM_PRINTF(2, 3);
/* The same for a refusal that is not the message's status. */
void smtpd_reply_nostatus(struct smtpd *s, const char *fmt, ...) SM_PRINTF(2, 3);

/* A PrivacyOptions word is set (goaway counts for the ones it stands for). */
bool smtpd_privacy(const char *word);

/* The queue ID log lines of the session carry: the transaction's, else the session's. */
const char *smtpd_log_id(struct smtpd *s);

/* $r and proto=: SMTP, ESMTP, ESMTPA (EHLO after AUTH, or AUTH after HELO/EHLO),
 * ESMTPS/ESMTPSA after STARTTLS. */
const char *smtpd_protocol(struct smtpd *s);

/* ", proto=ESMTP[, daemon=NAME]" of the session's from= log lines. */
void smtpd_log_proto(struct smtpd *s, char *buf, size_t size);

/* Log lines: "rejecting server CMD ... due to traffic before response", "who: VRFY x". */
void smtpd_log_traffic(struct smtpd *s, const char *cmd);
void smtpd_log_cmd(struct smtpd *s, const char *cmd, const char *arg, bool rejected);

/* Ends the transaction: the envelope and its state are dropped; a
 * transaction given up after MAIL gets 8.17's from= line with size=0. */
void smtpd_reset_transaction(struct smtpd *s);

/* Sets a macro by its name ("client_addr", "s") in the global set. */
void smtpd_setmacro(const char *name, const char *value);

void smtpd_cmd_mail(struct smtpd *s, char *args);
void smtpd_cmd_rcpt(struct smtpd *s, char *args);
void smtpd_cmd_vrfy(struct smtpd *s, char *args, bool expn);
/* HELP: the HelpFile's lines for the topic, as 214 replies. */
void smtpd_cmd_help(struct smtpd *s, const char *arg);
/* ETRN: a queue run of the daemon for a host or "#group". */
void smtpd_cmd_etrn(struct smtpd *s, char *arg);
void smtpd_cmd_data(struct smtpd *s);
/* STARTTLS (smtpd_tls.c): replies, handshake, the session reset after it. */
void smtpd_cmd_starttls(struct smtpd *s, const char *arg);
/* EHLO lists STARTTLS: a server certificate, not M=S/srv_features S, not after TLS. */
bool smtpd_tls_offer(struct smtpd *s);
/* The listener is an SMTPS one (M=s): TLS before the greeting. */
bool smtpd_tls_smtps(struct smtpd *s);
/* TLS before the greeting; false when it failed (the session ends unheard). */
bool smtpd_tls_smtps_start(struct smtpd *s);
/* Closes the session's TLS (the closing alert) at its end. */
void smtpd_tls_end(struct smtpd *s);
/* Puts e's recipients in 8.17's queue order: by host, as given within a host. */
void smtpd_sort_rcpts(struct smtpd *s);

/* check_* rulesets (smtpd_rs.c) */
enum smtpd_rs_result {
	RS_OK,          /* no $#error: go on */
	RS_REJECT,      /* $#error: the reply was sent */
	RS_DISCARD,     /* $#discard: accept, then drop the message */
	RS_QUARANTINE,  /* $#quarantine: accept, hold in the queue */
};
/*
 * Runs the named ruleset on "p1 $| p2" (p2 NULL: on p1 alone) as 8.17's
 * rscheck does; a $#error result becomes the reply (its code, or
 * 553 5.3.0, with "addr... " from errarg when given).  A ruleset the cf
 * lacks is RS_OK.
 */
enum smtpd_rs_result smtpd_rscheck(struct smtpd *s, const char *ruleset, const char *p1,
				   const char *p2, const char *errarg);
/*
 * The greet_pause ruleset on "client_name $| client_addr": the
 * milliseconds to wait before the greeting ($# N), 0 for none.
 */
long smtpd_greet_pause(struct smtpd *s);
/* The load average has reached the option's value (DelayLA, QueueLA; 0: never). */
bool smtpd_la_over(int option);
/* The srv_features ruleset at connect: its $# letters as SRV_NO_* bits. */
unsigned smtpd_srv_features(struct smtpd *s);
/* The client's macros for the connection (client_addr/name/port/resolve, $_). */
void smtpd_client_macros(struct smtpd *s);
/*
 * The user the client's ident service (RFC 1413) names for connection c,
 * asked within Timeout.ident (smtpd_ident.c); NULL for none (sm_free).
 */
char *smtpd_ident(const struct smtpd_conn *c);

#endif
