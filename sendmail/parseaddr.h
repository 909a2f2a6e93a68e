/*
 * parseaddr.h: turning an address into a mailer triple (ruleset 3, then 0),
 * rewriting it for a mailer (remotename), and crackaddr; with the test mode
 * commands that show them (/parse, /try, /tryflags).
 */
#ifndef PARSEADDR_H
#define PARSEADDR_H

#include "sm.h"

void testmode_tryflags(char *args);
void testmode_try(char *args, struct sm_arena *arena);
void testmode_parse(char *args, struct sm_arena *arena);

#endif
