/*
 * msp.h: the mail submission program's SMTP client: hands a message to
 * the MTA named by an [IPC] mailer's host (the relay of submit.cf,
 * [127.0.0.1] by default) when sendmail runs as the MSP.
 */
#ifndef MSP_H
#define MSP_H

#include <stdbool.h>
#include <stddef.h>

struct mailer;

struct msp_result {
	int status;   /* EX_OK_, EX_TEMPFAIL_, EX_UNAVAILABLE_, EX_NOHOST_ */
	char dsn[16]; /* "2.0.0", "4.4.1" ... */
	char *text;   /* "Deferred: Connection refused by [127.0.0.1]" or the reply (sm_free) */
};

/* -Ac was given: the mail submission program even without UseMSP. */
void msp_set_cmdline(bool on);
/* True when [IPC] mailers are spoken to over SMTP (-Ac, or UseMSP=True in the cf). */
bool msp_active(void);

struct msp_conn;

/* The port of an [IPC] mailer: from A= "TCP $h port", else "25". */
const char *msp_port(const struct mailer *m);
/*
 * Connects to host (an address literal "[127.0.0.1]" or a name) on m's
 * port; NULL with *r set (4.4.1 "Deferred: Connection refused by HOST",
 * ...) when nothing answers.  verbose prints the SMTP transcript.
 */
struct msp_conn *msp_connect(const struct mailer *m, const char *host, bool verbose,
			     struct msp_result *r);
/*
 * One transaction for n recipients: greeting, EHLO (HELO), MAIL
 * From:<from>, RCPT To:<rcpts[i]> for each, DATA and text (the message as
 * the mailer gets it: CRLF line ends, dots doubled) when the server took
 * any.  Sets r[0..n-1]: EX_OK_ with "Sent (reply)", a refused RCPT's own
 * failure, or the failure of the whole transaction (r[i].text: sm_free).
 */
void msp_transaction(struct msp_conn *c, const char *from, const char *const *rcpts, size_t n,
		     const char *text, size_t len, struct msp_result *r);
/* QUIT ("Closing connection to HOST" when verbose) and frees c. */
void msp_close(struct msp_conn *c);

#endif
