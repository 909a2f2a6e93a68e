/*
 * alias.h: aliases (AliasFile), newaliases (-bi) and alias expansion.
 */
#ifndef ALIAS_H
#define ALIAS_H

/* newaliases / sendmail -bi: rebuilds every alias database; exit status. */
int newaliases_run(void);
/* sendmail -bv: verifies each address of the NULL-ended list; exit status. */
int verify_addresses(char **addrs);

#endif
