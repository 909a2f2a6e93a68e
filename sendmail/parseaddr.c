/*
 * parseaddr.c: address parsing into mailer triples (placeholder).
 */
#include "parseaddr.h"

#include <stdio.h>

#include "err.h"

void testmode_tryflags(char *args)
{
	(void)args;
}

void testmode_try(char *args, struct sm_arena *arena)
{
	(void)args, (void)arena;
}

void testmode_parse(char *args, struct sm_arena *arena)
{
	(void)args, (void)arena;
}
