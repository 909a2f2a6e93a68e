/*
 * hostenv.h: what sendmail knows about its host and invocation before and
 * after reading its configuration: the host names ($w $j $m $k and the
 * classes w, k, m), the interface addresses (class w), the version ($v),
 * the invoking user ($_), the date ($b) and the built-in macros.
 */
#ifndef HOSTENV_H
#define HOSTENV_H

#define SENDMAIL_VERSION "8.17.1.9"

/* Defines the macros and classes known before the configuration is read. */
void hostenv_init(void);
/* Completes them once the configuration is read (class w gets $j ...). */
void hostenv_after_config(void);
/* Adds [address] and the names of every interface address to class w. */
void hostenv_probe_interfaces(void);

#endif
