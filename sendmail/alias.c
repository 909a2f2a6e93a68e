/*
 * alias.c: aliases: newaliases (-bi) and verification (-bv) (in progress).
 */
#include <stdio.h>

#include "alias.h"
#include "sm.h"

int newaliases_run(void)
{
	fprintf(stderr, "sendmail: mode -bi is not available yet\n");
	return EX_UNAVAILABLE_;
}

int verify_addresses(char **addrs)
{
	(void)addrs;
	fprintf(stderr, "sendmail: mode -bv is not available yet\n");
	return EX_UNAVAILABLE_;
}
