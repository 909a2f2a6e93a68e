/*
 * sasl_srv.h: SMTP AUTH on the server side (RFC 4954) with Cyrus SASL 2,
 * as sendmail 8.17 offers it: the library set up once per process with
 * the application name "Sendmail" (so it reads /etc/sasl2/Sendmail.conf),
 * one SASL connection per session, the AUTH keyword of EHLO, the AUTH
 * command, the AUTH= parameter of MAIL, the {auth_*} macros and the
 * security layer a mechanism may negotiate (sasl_layer.c).
 *
 * The session (smtpd*.c) calls these hooks; everything SASL is here.
 */
#ifndef SASL_SRV_H
#define SASL_SRV_H

#include <stdbool.h>

struct smtpd;
struct saslsrv;

/*
 * sasl_server_init("Sendmail") once per process: the daemon calls it at
 * start (as root; its session workers inherit the set-up, so a changed
 * Sendmail.conf counts after a SIGHUP, as in 8.17); a -bs session when
 * it starts.  False when the library cannot be used (AUTH then gets
 * 503 5.3.3 AUTH not available).
 */
bool saslsrv_process_init(void);

/*
 * The session's SASL state, made when the session starts (after the
 * client's macros and srv_features).  When AUTH is not offered (library
 * unusable, srv_features A, DaemonPortOptions M=A) AUTH gets 503, but
 * AUTH= of MAIL is still handled, as 8.17 does.
 */
struct saslsrv *saslsrv_session_new(struct smtpd *s);
void saslsrv_session_free(struct saslsrv *a);

/*
 * The external security layer of the session (TLS) has been set up: its
 * strength in bits and the authentication id it proves ({cert_subject}),
 * NULL for none.  The mechanism list is made again (EXTERNAL, and
 * plaintext mechanisms that AuthOptions p held back).  The TLS module
 * calls it after a STARTTLS handshake.
 */
void saslsrv_external(struct smtpd *s, unsigned ssf, const char *authid);

/* The text after "250-" of EHLO's AUTH line ("AUTH PLAIN LOGIN"), NULL for none. */
const char *saslsrv_ehlo_keyword(struct smtpd *s);

/* The AUTH command (arg: "MECH [initial-response]"). */
void saslsrv_cmd_auth(struct smtpd *s, char *arg);

/* The client authenticated in this session. */
bool saslsrv_authenticated(const struct smtpd *s);
/* A SASL security layer wraps the session's stream (no STARTTLS under it). */
bool saslsrv_layer_active(const struct smtpd *s);

/*
 * MAIL without authentication where it is required (srv_features l,
 * DaemonPortOptions M=a): true after the 530 reply.
 */
bool saslsrv_mail_refused(struct smtpd *s);

/*
 * The AUTH= parameter of MAIL (value NULL when MAIL has none): checks its
 * xtext, sets {auth_author}, asks trust_auth and keeps what the queue file
 * records as the message's AUTH parameter (e's auth_param).  False after
 * the 501 reply for a bad value.  As in 8.17 the parameter counts as
 * given (a second one is a duplicate) until RSET, HELO/EHLO or the end of
 * a message, even when its MAIL was refused.
 */
bool saslsrv_mail_param(struct smtpd *s, const char *value);
/* RSET, HELO/EHLO, a message accepted: the next MAIL may give AUTH= again. */
void saslsrv_forget_param(struct smtpd *s);

#endif
