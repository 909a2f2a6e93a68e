/*
 * conf.h: reading sendmail.cf.
 *
 * readcf() interprets every line type of the configuration file: V, D, C,
 * F, O, K, S, R, M, H, P, T, Q, X, E and comments.  Problems are reported as
 * "file: line N: message" and reading goes on, as sendmail does.
 */
#ifndef CONF_H
#define CONF_H

#include <stdbool.h>

extern int ConfigLevel;   /* the V line's level */
extern char *VendorCode;  /* the V line's vendor */

/* Reads a configuration file; false if it could not be opened. */
bool readcf(const char *path);
/* Adds the words of a class file (F line) to a class. */
void fileclass(int cls, const char *spec, const char *fmt, bool optional);

/* Headers (H lines), trusted users (T), precedences (P), queue groups (Q),
 * mail filters (X), environment (E): kept for the parts that use them. */
struct hdr_def {
	char *name;
	char *value;      /* translated text */
	char flags[128];  /* ?flags? */
	int macro;        /* ?${macro}? condition, or -1 */
	struct hdr_def *next;
};
extern struct hdr_def *HeaderDefs;

struct precedence {
	char *name;
	int value;
};
extern struct precedence Precedences[];
extern int NPrecedences;

extern char **TrustedUsers;
extern int NTrustedUsers;
/* user is in class t (a T line of the cf). */
bool conf_trusted_user(const char *user);

struct named_spec {
	char *name;
	char *spec; /* the rest of the line: "P=..., F=..." */
	struct named_spec *next;
};
extern struct named_spec *QueueGroups;
extern struct named_spec *MailFilters;
/* E lines: "NAME=value" strings for the environment of delivery programs. */
extern char **EnvDefs;
extern int NEnvDefs;

/* Parses a quoted configuration value ending at delim (quotes dropped,
 * backslash escapes \r \n \f \b); returns malloc'ed text. */
char *conf_munch(const char *p, const char **endp, int delim);
/* True if a queue group of that name is defined (mqueue always is). */
bool qgroup_exists(const char *name);

void conf_free_all(void);

#endif
