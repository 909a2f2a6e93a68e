/*
 * parseaddr.h: from an address to a mailer triple and back out again.
 *
 * parseaddr() runs an address through rulesets 3 and 0 and builds the
 * resolved {mailer, host, user}; remotename() rewrites an address into the
 * form a given mailer wants (rulesets 3, 1 or 2, the mailer's S= or R=,
 * then 4); crackaddr() separates an address from its comments and phrase,
 * leaving "$g" in its place.  The test mode commands /parse, /try and
 * /tryflags show them.
 */
#ifndef PARSEADDR_H
#define PARSEADDR_H

#include <stdbool.h>

#include "sm.h"

struct mailer;

/* flags for parseaddr and remotename */
#define RF_SENDERADDR 0x001u /* a sender address (else a recipient) */
#define RF_HEADERADDR 0x002u /* a header address (else the envelope) */
#define RF_CANONICAL 0x004u  /* strip comment information */
#define RF_ADDDOMAIN 0x008u  /* OK to do domain extension */

enum addr_state { QS_OK, QS_BADADDR, QS_QUEUEUP };

struct address {
	struct mailer *mailer;
	char *host;   /* NULL for none */
	char *user;
	char *paddr;  /* the address as given */
	enum addr_state state;
	char *status; /* a DSN status from $#error $@ x.y.z */
};

/*
 * Builds the triple from a workspace ruleset 0 (or a check ruleset)
 * resolved: "$# mailer $@ host $: user"; a $#error one is reported with
 * usrerr() (its reply and status codes) and gives QS_BADADDR, or
 * QS_QUEUEUP for a 4xx code.
 */
struct address *buildaddr(char **tv, struct address *a, unsigned flags, struct sm_arena *arena);
/* The "*error*" pseudo mailer that $#error resolves to. */
extern struct mailer ErrorMailer;

/*
 * Parses addr (up to delim) into a; strings are allocated in arena.
 * Returns a, or NULL when the address cannot be parsed at all.  *delimp,
 * if given, receives the position where parsing stopped.
 */
struct address *parseaddr(const char *addr, struct address *a, unsigned flags, int delim,
			  const char **delimp, bool isrcpt, struct sm_arena *arena);
/*
 * Refuses addresses longer than 255 bytes or holding bytes of the operator
 * range (replacing those with '?' in place); reports and returns true.
 */
bool invalid_address(char *addr, bool isrcpt);

/* addr without one pair of enclosing angle brackets: its start, *len bytes. */
const char *addr_unbracket(const char *addr, size_t *len);
/* The address as the mailer wants it; *rstat EX_TEMPFAIL on map trouble. */
const char *remotename(const char *name, const struct mailer *m, unsigned flags, int *rstat,
		       struct sm_arena *arena);
/* The "fancy" form of an address: comments and phrase kept, "$g" for it. */
const char *crackaddr(const char *addr, struct sm_arena *arena);

void testmode_tryflags(char *args);
void testmode_try(char *args, struct sm_arena *arena);
void testmode_parse(char *args, struct sm_arena *arena);

#endif
