/*
 * smtpd_data.c: the DATA command: reading the message from the session
 * (CRLF lines, dot-stuffing, the final "."), the checks after it, and the
 * hand-off to submit_accept() that queues and delivers it.
 *
 * Owns the data phase's rules as sendmail 8.17 (with its SMTP smuggling
 * fix) has them: a bare CR or a bare LF anywhere in the data ends the
 * session with 421 (so "<LF>.<CR><LF>" can never end a message), input
 * sent on after DATA before the 354 is a protocol error, and the limits
 * of MaxMessageSize, MaxHeadersLength and MaxHopCount.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "collect.h"
#include "deliver.h"
#include "err.h"
#include "headers.h"
#include "log.h"
#include "macro.h"
#include "options.h"
#include "queue.h"
#include "sasl_srv.h"
#include "smtpd_int.h"
#include "submit.h"

/* What ended the data: the "." line, or a failure. */
enum data_end { DATA_DOT, DATA_BARE_CR, DATA_BARE_LF, DATA_LOST, DATA_TIMEOUT };

struct data_reader {
	struct smtpd *s;
	enum data_end end;
	bool done;
	bool seven_bit;
	bool in_body;   /* the empty line after the headers was read */
	bool mid_line;  /* the last piece handed out was not a whole line's end */
	long fail_len;  /* bytes of the line that ended the data badly, -1 for none */
	/* check_eoh's size of the headers as 8.17 counts it: the header
	 * lines with their newlines and the line that ends them (the empty
	 * one, or the first that is no header) */
	long eoh_bytes;
	bool eoh_done;
};

/*
 * collect_from()'s line source: one data line, dots undone, or a piece of
 * a line longer than SMTPD_MAX_DATALINE (*partial: the line goes on; 8.17
 * keeps such lines whole); false at the end.
 */
static bool data_line(void *arg, struct sm_buf *b, bool *partial)
{
	struct data_reader *dr = arg;
	*partial = false;
	if (dr->done)
		return false;
	bool bare_cr;
	int ending;
	bool first = !dr->mid_line;
	int r = smtpd_io_getdata(&dr->s->io, b, SMTPD_MAX_DATALINE, dr->s->timeout_data, &ending,
				 &bare_cr);
	if (r < 0 || r == 0 || ending == SMTPD_LINE_NONE || bare_cr || ending == SMTPD_LINE_LF) {
		dr->done = true;
		/* what 8.17 counts of the bad line: the bytes before the bad one, a leading dot not */
		if (r > 0) {
			size_t upto = b->len;
			if (bare_cr) {
				const char *cr = memchr(b->data, '\r', b->len);
				upto = cr != NULL ? (size_t)(cr - b->data) : b->len;
			}
			if (first && upto > 0 && b->data[0] == '.')
				upto--;
			dr->fail_len = (long)upto;
		} else {
			dr->fail_len = -1;
		}
		dr->end = r < 0 && dr->s->io.timed_out ? DATA_TIMEOUT
			  : bare_cr                    ? DATA_BARE_CR
			  : r > 0 && ending == SMTPD_LINE_LF ? DATA_BARE_LF
							     : DATA_LOST;
		return false;
	}
	*partial = ending == SMTPD_LINE_PART;
	dr->mid_line = *partial;
	if (!first) {
		/* the rest of a long line: no dot rules, no header start */
		if (!dr->eoh_done)
			dr->eoh_bytes += (long)b->len + (*partial ? 0 : 1);
	} else {
		if (b->len == 0)
			dr->in_body = true;
		if (!dr->eoh_done && !(b->len == 1 && b->data[0] == '.' && !*partial)) {
			dr->eoh_bytes += (long)b->len + (*partial ? 0 : 1);
			bool more = b->len > 0 && ((dr->eoh_bytes > (long)b->len + 1 &&
						    (b->data[0] == ' ' || b->data[0] == '\t')) ||
						   collect_is_header(b->data, b->len));
			if (!more)
				dr->eoh_done = true;
		}
		if (b->len == 1 && b->data[0] == '.' && !*partial) {
			dr->done = true;
			dr->end = DATA_DOT;
			return false;
		}
		if (b->len >= 1 && b->data[0] == '.') {
			memmove(b->data, b->data + 1, b->len);
			b->len--;
		}
	}
	/* BODY=7BIT: 8.17 keeps seven bits of each byte */
	if (dr->seven_bit)
		for (size_t i = 0; i < b->len; i++)
			b->data[i] = (char)((unsigned char)b->data[i] & 0x7f);
	return true;
}

/* 8.17's from= line of a message that was not accepted (size as it counted it). */
static void log_from(struct smtpd *s, long size)
{
	struct envelope *e = s->e;
	struct header *mid = envelope_find_header(e, "Message-Id");
	const char *midv = mid != NULL ? mid->value : "";
	while (*midv == ' ' || *midv == '\t')
		midv++;
	char proto[128];
	smtpd_log_proto(s, proto, sizeof proto);
	log_line(LOG_INFO, e->id, "from=%s, size=%ld, class=0, nrcpts=%d%s%s%s%s%s, relay=%s",
		 e->sender, size, s->nrcpts, *midv ? ", msgid=" : "", midv,
		 e->body_type != NULL ? ", bodytype=" : "", e->body_type != NULL ? e->body_type : "",
		 proto, macro_get('_') != NULL ? macro_get('_') : "localhost");
}

/* The from= line of a message not accepted, with the H lines' headers (its Message-Id:). */
static void log_refused_from(struct smtpd *s, long size)
{
	deliver_set_macros(s->e);
	headers_add_defaults(s->e);
	log_from(s, size);
}

/* The to= line of each recipient of a message not accepted. */
static void log_refused_to(struct smtpd *s, long size, const char *stat)
{
	struct envelope *e = s->e;
	long pri = queue_priority(size, s->nrcpts, queue_precedence_class(e));
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
		log_line(LOG_INFO, e->id, "to=%s, delay=00:00:00, pri=%ld, stat=%s", r->address, pri,
			 stat);
}

/* Reads and drops the rest of the data after a failure to store it. */
static void drain(struct data_reader *dr)
{
	struct sm_buf b;
	sm_buf_init(&b);
	int n = 0;
	bool partial;
	while (data_line(dr, &b, &partial) && n < 10000000)
		n++;
	sm_buf_free(&b);
}

static void lost(struct smtpd *s, enum data_end end, bool in_body, long size)
{
	char *j = macro_expand_id('j');
	switch (end) {
	case DATA_BARE_CR:
	case DATA_BARE_LF: {
		const char *what = end == DATA_BARE_CR ? "Bare carriage return (CR) not allowed"
						       : "Bare linefeed (LF) not allowed";
		smtpd_reply(s, "421 4.5.0 %s", what);
		const char *name = macro_get(macro_id("client_name", 11, true));
		log_line(LOG_NOTICE, s->e->id,
			 "collect: relay=%s, from=%s, info=%s, where=%s, status=tempfail",
			 name != NULL ? name : "localhost", s->e->sender, what,
			 in_body ? "body" : "header");
		log_from(s, size);
		break;
	}
	case DATA_TIMEOUT:
		smtpd_reply(s, "421 4.4.1 %s Lost input channel from %s", j,
			    macro_get('_') ? macro_get('_') : "localhost");
		log_line(LOG_NOTICE, s->e->id, "timeout waiting for input from %s during message collect",
			 macro_get('_') ? macro_get('_') : "localhost");
		break;
	default:
		smtpd_reply(s, "421 4.4.1 collect: relay=%s, from=%s, info=unexpected close",
			    macro_get(macro_id("client_name", 11, true)) != NULL
				    ? macro_get(macro_id("client_name", 11, true))
				    : "localhost",
			    s->e->sender);
		log_line(LOG_NOTICE, s->e->id, "collect: premature EOM: unexpected close");
		log_line(LOG_NOTICE, s->e->id, "collect: relay=%s, from=%s, info=unexpected close",
			 macro_get(macro_id("client_name", 11, true)) != NULL
				 ? macro_get(macro_id("client_name", 11, true))
				 : "localhost",
			 s->e->sender);
		log_from(s, size);
		break;
	}
	sm_free(j);
	s->quit = true;
}

/*
 * check_eoh on "headers $| bytes"; a refusal (replied) is logged as 8.17
 * logs it, with a to= line for each recipient.  True when refused.
 */
static bool eoh_refused(struct smtpd *s, const struct data_reader *dr, int nheaders, long size)
{
	char n[24], bytes[24];
	snprintf(n, sizeof n, "%d", nheaders);
	snprintf(bytes, sizeof bytes, "%ld", dr->eoh_bytes);
	const char *before = s->last_told;
	enum smtpd_rs_result rr = smtpd_rscheck(s, "check_eoh", n, bytes, NULL);
	if (rr == RS_DISCARD)
		s->discard = true;
	if (rr != RS_REJECT)
		return false;
	/* the refusal is not the status of the next message */
	sm_free(s->last_error);
	s->last_error = NULL;
	log_refused_from(s, size);
	/* the status is the reply's text without its codes */
	log_refused_to(s, size, s->last_told != NULL && s->last_told != before
					? err_skip_codes(s->last_told) : "");
	return true;
}

/*
 * The to= lines 8.17 logs for a message queued because an alias map
 * could not be read: every recipient with its mailer, stat=queued.
 */
static void log_queued(struct smtpd *s, long size)
{
	struct envelope *e = s->e;
	long pri = queue_priority(size, s->nrcpts, queue_precedence_class(e));
	/* each address's mailer (the last recipient of an address wins), indexed */
	struct sm_hash mailers;
	sm_hash_init(&mailers, false);
	for (size_t i = 0; i < s->nkeys; i++)
		(void)sm_hash_put(&mailers, s->rkeys[i].addr, (void *)s->rkeys[i].mailer);
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next) {
		const char *mailer = sm_hash_get(&mailers, r->address);
		log_line(LOG_INFO, e->id, "to=%s, delay=00:00:00, mailer=%s, pri=%ld, stat=queued",
			 r->address, mailer != NULL ? mailer : "", pri);
	}
	sm_hash_free(&mailers, NULL);
}

void smtpd_cmd_data(struct smtpd *s)
{
	if (s->e == NULL) {
		smtpd_reply(s, "503 5.0.0 Need MAIL command");
		return;
	}
	if (s->nrcpts == 0) {
		smtpd_reply(s, "503 5.0.0 Need RCPT (recipient)");
		return;
	}
	/* the message may not come before the 354 (no PIPELINING past DATA) */
	if (smtpd_io_pending(&s->io)) {
		smtpd_reply(s, "554 5.5.0 SMTP protocol error");
		smtpd_log_traffic(s, "DATA");
		s->quit = true;
		return;
	}
	enum smtpd_rs_result rr = smtpd_rscheck(s, "check_data", macro_get(macro_id("nrcpts", 6, true)),
						 NULL, NULL);
	if (rr == RS_REJECT)
		return;
	if (rr == RS_DISCARD)
		s->discard = true;
	smtpd_reply(s, "354 End data with <CR><LF>.<CR><LF>");
	/* from here on the collector logs what becomes of the message */
	s->accepted = true;

	struct envelope *e = s->e;
	struct data_reader dr = {.s = s, .fail_len = -1, .seven_bit = e->body_type != NULL &&
							 strcmp(e->body_type, "7BIT") == 0};
	char **dirs = queue_dirs(NULL);
	struct collect_result cr;
	int err = collect_from(data_line, &dr, e, dirs != NULL && dirs[0] != NULL ? dirs[0] : "/tmp",
			       &cr);
	if (err != 0) {
		drain(&dr);
		if (dr.end != DATA_DOT) {
			lost(s, dr.end, dr.in_body, 0);
			smtpd_reset_transaction(s);
			return;
		}
		smtpd_reply(s, "451 4.3.0 Temporary system failure. Please try again later.");
		smtpd_reset_transaction(s);
		return;
	}
	if (dr.end != DATA_DOT) {
		/* the collector may stop before the data does (a header it refuses) */
		(void)close(cr.body_fd);
		/* 8.17 counts the bad line's bytes before the bad one too */
		long size = dr.fail_len >= 0 ? cr.size + dr.fail_len : cr.size;
		lost(s, dr.end, dr.in_body, size);
		smtpd_reset_transaction(s);
		return;
	}
	int nheaders = 0;
	for (struct header *h = e->headers; h != NULL; h = h->next) {
		nheaders++;
		if (sm_strcasecmp(h->name, "Received") == 0)
			e->hop_count++;
	}
	headers_normalize(e);
	const char *reject = NULL;
	char *rbuf = NULL;
	bool eight_refused = false;
	if (!cr.too_large && !cr.headers_too_large && eoh_refused(s, &dr, nheaders, cr.size)) {
		(void)close(cr.body_fd);
		smtpd_reset_transaction(s);
		return;
	}
	const char *ms = opt_value(OPT_MaxMessageSize);
	const char *cname = macro_get(macro_id("client_name", 11, true));
	if (cname == NULL)
		cname = "localhost";
	if (cr.headers_too_large) {
		const char *mh = opt_value(OPT_MaxHeadersLength);
		long hmax = mh != NULL && atol(mh) > 0 ? atol(mh) : (long)COLLECT_DEFAULT_MAX_HEADERS;
		log_line(LOG_NOTICE, e->id, "headers too large (%ld max) from %s during message collect",
			 hmax, cname);
	}
	if (cr.too_large) {
		rbuf = sm_asprintf("552 5.2.3 Message exceeds maximum fixed size (%s)", ms);
		reject = rbuf;
		log_refused_from(s, cr.size);
		log_line(LOG_NOTICE, e->id, "message size (%ld) exceeds maximum (%s)", cr.size, ms);
		log_refused_to(s, cr.size, rbuf + 10);
	} else if (cr.headers_too_large) {
		const char *mh = opt_value(OPT_MaxHeadersLength);
		rbuf = sm_asprintf("552 5.6.0 Headers too large (%ld max)",
				   mh != NULL && atol(mh) > 0 ? atol(mh) : (long)COLLECT_DEFAULT_MAX_HEADERS);
		reject = rbuf;
		log_refused_from(s, cr.size);
		log_refused_to(s, cr.size, rbuf + 10);
	} else if (collect_strict_refuses(e, cr.eightbit || cr.header8bit)) {
		/* not kept as the status of the session's next message (8.17) */
		eight_refused = true;
		reject = "554 5.6.1 Eight bit data not allowed";
		log_refused_from(s, cr.size);
		log_refused_to(s, cr.size, reject + 10);
	}
	/* too many hops (MaxHopCount): 8.17 accepts the message, delivery fails it */
	if (reject == NULL) {
		rr = smtpd_rscheck(s, "check_eom", macro_get(macro_id("msg_size", 8, true)), NULL, NULL);
		if (rr == RS_REJECT) {
			(void)close(cr.body_fd);
			smtpd_reset_transaction(s);
			return;
		}
		if (rr == RS_DISCARD)
			s->discard = true;
	}
	if (reject != NULL) {
		if (eight_refused)
			smtpd_reply_nostatus(s, "%s", reject);
		else
			smtpd_reply(s, "%s", reject);
		sm_free(rbuf);
		(void)close(cr.body_fd);
		smtpd_reset_transaction(s);
		return;
	}
	/* BODY=: 8BITMIME with a 7-bit body is kept as 7BIT; with BODY=7BIT the body counts as 7-bit */
	if (e->body_type != NULL && strcmp(e->body_type, "8BITMIME") == 0 &&
	    !(e->flags & ENV_8BIT_BODY))
		e->body_type = sm_arena_strdup(e->arena, "7BIT");
	else if (e->body_type != NULL && strcmp(e->body_type, "7BIT") == 0)
		e->flags &= ~ENV_8BIT_BODY;
	if (s->last_error != NULL)
		e->status_msg = sm_arena_strdup(e->arena, s->last_error);
	if (s->no_aliases)
		e->status_msg = sm_arena_strdup(e->arena, SMTPD_NO_ALIASES);
	smtpd_sort_rcpts(s);
	if (s->quarantine != NULL)
		e->quarantine = sm_arena_strdup(e->arena, s->quarantine);
	/* what the queue file keeps of the session */
	envelope_set_macro(e, "_", macro_get('_') ? macro_get('_') : "");
	envelope_set_macro(e, "r", smtpd_protocol(s));
	if (s->helo != NULL)
		envelope_set_macro(e, "s", s->helo);
	const char *df = macro_get(macro_id("daemon_flags", 12, true));
	envelope_set_macro(e, "{daemon_flags}", df != NULL ? df : "");
	e->flags |= ENV_SPLIT;
	/* a message with recipient headers: Bcc: is not passed on */
	if (envelope_find_header(e, "To") != NULL || envelope_find_header(e, "Cc") != NULL ||
	    envelope_find_header(e, "Bcc") != NULL)
		e->flags |= ENV_DELETE_BCC;
	if (s->discard) {
		log_refused_from(s, cr.size);
		log_line(LOG_INFO, e->id, "discarded");
		s->accepted = true;
		smtpd_reply(s, "250 2.0.0 %s Message accepted for delivery", e->id);
		(void)close(cr.body_fd);
		smtpd_reset_transaction(s);
		return;
	}
	const char *dm = opt_value(OPT_DeliveryMode);
	char mode = dm != NULL && *dm != '\0' ? (char)sm_lower((unsigned char)*dm) : 'b';
	/* QueueLA: at that load average messages are queued, not delivered */
	if (mode != 'd' && smtpd_la_over(OPT_QueueLA))
		mode = 'q';
	char extra[128];
	smtpd_log_proto(s, extra, sizeof extra);
	struct submit_accept acc = {
		.cr = &cr,
		.nrcpts = s->nrcpts,
		.nok = s->nrcpts,
		.single = s->nrcpts == 1 && s->nunknown == 0 ? s->single_rcpt : NULL,
		.invoker = NULL,
		.verbose = s->verbose,
		.mode = mode,
		.smtp = true,
		.log_extra = extra,
		.session_fds = {s->conn->in_fd, s->conn->out_fd},
		.request_delivery = s->conn->request_delivery,
		.request_arg = s->conn->request_arg,
	};
	/* no HELO: PrivacyOptions authwarnings says so in a header */
	char *nohelo = NULL;
	const char *warnings[2] = {NULL, NULL};
	if (s->helo == NULL && smtpd_privacy("authwarnings")) {
		char *j = macro_expand_id('j');
		char *who = macro_expand_id('_');
		nohelo = sm_asprintf("%s: %s didn't use HELO protocol", j, who);
		sm_free(who);
		sm_free(j);
	}
	char *hv = nohelo != NULL ? sm_asprintf(" %s", nohelo) : NULL;
	warnings[0] = hv;
	acc.auth_warnings = warnings;
	/* the reply comes before a delivery in the foreground */
	smtpd_io_flush(&s->io);
	/* a delivery that failed at once (-odi) gives -bs its exit status, as in 8.17 */
	int rc = submit_accept(e, &acc);
	if (rc != EX_OK_ && rc != EX_TEMPFAIL_ && (ExitStat == EX_OK_ || ExitStat == EX_TEMPFAIL_))
		ExitStat = rc;
	/* submit_accept logged the from= line */
	if (s->no_aliases && (mode == 'q' || mode == 'd'))
		log_queued(s, cr.size);
	s->accepted = true;
	sm_free(hv);
	sm_free(nohelo);
	if (acc.queued) {
		smtpd_reply(s, "250 2.0.0 %s Message accepted for delivery", e->id);
		sm_free(s->last_error);
		s->last_error = NULL;
		s->ret_seen = false;
		saslsrv_forget_param(s);
	}
	else if (acc.no_space)
		smtpd_reply(s, "452 4.3.1 Insufficient disk space; try again later");
	else
		smtpd_reply(s, "451 4.3.0 Temporary system failure. Please try again later.");
	(void)close(cr.body_fd);
	smtpd_reset_transaction(s);
}
