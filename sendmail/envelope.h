/*
 * envelope.h: one message in memory: its envelope (sender, recipients and
 * their delivery state), its headers, and where its body lives.
 *
 * This is the contract between the modules that fill an envelope
 * (submission: the command line, -t, SMTP; the queue reader) and the ones
 * that act on it (the queue writer, aliasing, delivery, DSNs, mailq).  All
 * strings of an envelope are allocated in its arena and live until
 * envelope_free(); nothing outside the envelope owns them.
 *
 * The fields follow what sendmail keeps in its queue control file (qf), so
 * the queue writer can save every field and the reader restore it.
 */
#ifndef ENVELOPE_H
#define ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sm.h"

/* Recipient flags (saved in the qf "R" line as sendmail's letters). */
#define RCPT_PRIMARY 0x0001u      /* P: given by the sender (not from an alias) */
#define RCPT_NOTIFY_SUCCESS 0x0002u /* S */
#define RCPT_NOTIFY_FAILURE 0x0004u /* F */
#define RCPT_NOTIFY_DELAY 0x0008u /* D */
#define RCPT_NOTIFY_NEVER 0x0010u /* N */
#define RCPT_HAS_NOTIFY 0x0020u   /* a NOTIFY= parameter was given */
#define RCPT_ALIAS_DONE 0x0040u   /* A: already expanded by aliasing */
#define RCPT_DONE 0x0100u         /* delivered or failed for good: not tried again */
#define RCPT_QUEUED 0x0200u       /* to be tried again later */
#define RCPT_DELAY_SENT 0x0400u   /* a delay DSN was sent */
#define RCPT_BADADDR 0x0800u      /* failed: a DSN is due */
#define RCPT_SENT 0x1000u         /* delivered */
#define RCPT_LOGGED 0x2000u       /* its failure was logged and counted in the exit status */

struct recipient {
	struct recipient *next;
	char *address;     /* the address as given (qf "R" text after the flags) */
	char *orcpt;       /* DSN ORCPT= ("rfc822;user@host"), NULL for none */
	char *final_rcpt;  /* the final recipient for DSNs, NULL for none */
	char *ctladdr;     /* the controlling user ("user:uid:gid"), NULL for none */
	char *status;      /* DSN status "x.y.z" of the last attempt, NULL for none */
	char *diag;        /* the last reply or error text, NULL for none */
	char *mta;         /* the host that gave diag, NULL for none, "" for a Unix-domain socket */
	char *smtp_reply;  /* the SMTP reply that failed it ("550 5.1.1 ..."), NULL for none
	                      (this process only: for its DSN, not saved in the qf) */
	/* a check's failure as 8.17 reports it in DSNs (check_compat): the
	 * transcript lines in place of the recipient's own, and the exit
	 * status given as "X-Unix; N" (only in this process) */
	char *check_transcript;
	int check_exit;
	time_t status_time;
	unsigned flags;    /* RCPT_* */
	char *qf_flags;    /* letters of the qf "R" line this version does not know, NULL for none */
	char *owner;       /* from a list with owner-LIST: the envelope sender it goes out with
	                      (submission splits it off into a clone envelope), NULL for none */
	char *dupkey;      /* alias.c's duplicate key of address, computed once ("" when it
	                      does not parse), NULL until then; this process only */
};

struct header {
	struct header *next;
	char *name;        /* without the colon */
	char *value;       /* the raw text after the colon (leading blanks kept), continuation lines with "\n" */
	char *cond;        /* the ?flags? or ?${macro}? condition of an H line, NULL for none */
	unsigned flags;    /* H_* of the header's definition (headers module) */
};

struct envelope {
	struct sm_arena *arena;
	char id[32];       /* the queue ID, "" until one is assigned */
	char *sender;      /* envelope sender as given ("" for the null sender <>) */
	char *sender_full; /* the full name (-F or from the From: header), NULL for none */
	char *envid;       /* DSN ENVID=, NULL for none */
	char *body_type;   /* "7BIT", "8BITMIME", "BINARYMIME", NULL for none */
	char *auth_param;  /* the AUTH= parameter of MAIL, NULL for none */
	char *queue_dir;   /* the directory of the qf file once it is queued */
	char *qgroup;      /* the queue group name, NULL for the default */
	int dsn_ret;       /* 0 none, 1 RET=FULL, 2 RET=HDRS */
	bool compat_counted; /* a check_compat refusal was counted in the StatusFile */
	long priority;     /* qf "P" */
	time_t ctime;      /* creation time (qf "T") */
	time_t last_try;   /* qf "K" */
	int ntries;        /* qf "N" */
	long body_size;    /* bytes of the df file (qf "S") */
	long qf_hdr_size;  /* read from a qf: each H line's length less 3, summed
	                      (8.17's rough header size for SIZE=), 0 otherwise */
	int hop_count;     /* Received: headers seen */
	unsigned flags;    /* ENV_* */
	char *status_msg;  /* the last status text shown by mailq (qf "M"), NULL for none */
	char *quarantine;  /* the quarantine reason (qf "q"), NULL for none */
	char *smtp_transcript; /* the SMTP errors of this delivery run for a DSN's
	                          transcript (".... while talking to HOST:" ...), NULL for none */
	struct recipient *rcpts;
	struct recipient **rcpts_tail;
	struct header *headers;
	struct header **headers_tail;
	/* macros saved in the qf "$" lines (e.g. $r, $s, ${daemon_flags}) as name=value pairs */
	char **macros;
	size_t nmacros;
	/* queue module state (queue.h) */
	int lock_fd;       /* the open, locked qf file while this process holds it; -1 otherwise */
	char *df_dir;      /* qf "d": the directory of the df file when not the queue's, NULL */
	char *qf_flags;    /* "F" letters this version does not know, NULL for none */
	char **qf_other;   /* qf lines kept verbatim for rewriting ("!", "I" ...) */
	size_t nqf_other;
};

/* Envelope flags (qf "F" letters where sendmail has them). */
#define ENV_WARNING_SENT 0x0001u /* w */
#define ENV_RESPONSE_SENT 0x0002u /* a return receipt was sent (not saved in the qf) */
#define ENV_8BIT_BODY 0x0004u   /* 8: the body has 8-bit bytes */
#define ENV_BOUNCE 0x0008u      /* r: this message is a response (a bounce or DSN) */
#define ENV_DELETE_BCC 0x0010u  /* b: Bcc: must not be sent */
#define ENV_SPLIT 0x0020u       /* s */
#define ENV_HAS_DF 0x0040u      /* the df file exists */
#define ENV_RET_PARAM 0x0080u   /* d: RET= was given */
#define ENV_NO_BODY_RETURN 0x0100u /* n: RET=HDRS: return only the headers */

/* A new empty envelope with its own arena. */
struct envelope *envelope_new(void);
/* Frees e, closing its queue lock (lock_fd) if it holds one. */
void envelope_free(struct envelope *e);
/* Appends a recipient (address copied into the arena); returns it. */
struct recipient *envelope_add_rcpt(struct envelope *e, const char *address, unsigned flags);
/* Appends a header (copied into the arena); returns it. */
struct header *envelope_add_header(struct envelope *e, const char *name, const char *value);
/* The first header of that name (without case), or NULL. */
struct header *envelope_find_header(const struct envelope *e, const char *name);
/* Saves a macro value to go into the qf file. */
void envelope_set_macro(struct envelope *e, const char *name, const char *value);
/*
 * A new envelope holding e's message: its envelope fields (sender, DSN
 * parameters, priority, flags, quarantine reason, status text ...), headers,
 * saved macros and the qf lines kept verbatim, copied into the new arena;
 * no queue ID, lock, queue directory or recipients.
 */
struct envelope *envelope_copy_message(const struct envelope *e);
/* Appends to e a copy of r with all its fields. */
struct recipient *envelope_copy_rcpt(struct envelope *e, const struct recipient *r);

#endif
