/*
 * switchfile.h: the service switch (ServiceSwitchFile, default
 * /etc/mail/service.switch): which sources answer for hosts, aliases,
 * passwd ... and in what order.
 */
#ifndef SWITCHFILE_H
#define SWITCHFILE_H

/*
 * Fills types with the sources of a service ("files", "dns", "nis" ...) in
 * order and returns their number.  The strings stay valid until the
 * switch file is read again.
 */
int switch_lookup(const char *service, const char **types, int max);
/* Forgets the cached file (after the option changed). */
void switch_reset(void);

#endif
