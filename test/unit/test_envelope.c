/*
 * test_envelope.c: unit checks of envelope.c's copies.  An owner split
 * (submit_accept.c) sends part of a message as a copy made by
 * envelope_copy_message: the copy must keep the message's quarantine
 * reason (else the split part escapes the quarantine), its status text,
 * the qf letters and lines this version does not know.
 */
#include <string.h>

#include "envelope.h"
#include "unit.h"

void unit_run(void)
{
	struct envelope *e = envelope_new();
	e->sender = sm_arena_strdup(e->arena, "alice@example.org");
	e->quarantine = sm_arena_strdup(e->arena, "held by check_rcpt");
	e->status_msg = sm_arena_strdup(e->arena, "Deferred: Connection refused");
	e->qf_flags = sm_arena_strdup(e->arena, "X");
	static const char *const other[] = {"!future line", "Isomething"};
	e->qf_other = sm_arena_alloc(e->arena, 2 * sizeof *e->qf_other);
	for (size_t i = 0; i < 2; i++)
		e->qf_other[i] = sm_arena_strdup(e->arena, other[i]);
	e->nqf_other = 2;
	(void)envelope_add_header(e, "Subject", " hi");

	struct envelope *c = envelope_copy_message(e);
	CHECK_STR("copy keeps the quarantine", c->quarantine, "held by check_rcpt");
	CHECK("quarantine in the copy's arena", c->quarantine != e->quarantine);
	CHECK_STR("copy keeps the status text", c->status_msg, "Deferred: Connection refused");
	CHECK_STR("copy keeps unknown F letters", c->qf_flags, "X");
	CHECK_INT("copy keeps the verbatim qf lines", c->nqf_other, 2);
	if (c->nqf_other == 2) {
		CHECK_STR("verbatim line 1", c->qf_other[0], "!future line");
		CHECK_STR("verbatim line 2", c->qf_other[1], "Isomething");
	}
	CHECK_STR("copy keeps the sender", c->sender, "alice@example.org");
	CHECK("copy has no recipients", c->rcpts == NULL);
	envelope_free(e); /* the copy must not point into e's arena */
	CHECK_STR("copy outlives the original", c->quarantine, "held by check_rcpt");
	envelope_free(c);

	/* nothing set: nothing invented */
	e = envelope_new();
	c = envelope_copy_message(e);
	CHECK("no quarantine stays none", c->quarantine == NULL && c->status_msg == NULL &&
					    c->qf_flags == NULL && c->nqf_other == 0 &&
					    c->qf_other == NULL);
	envelope_free(c);
	envelope_free(e);
}
