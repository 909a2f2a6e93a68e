/*
 * map.h: keyed lookups (K lines) and the map classes.
 *
 * A map is declared by a K line: a name, a class and arguments.  The
 * generic flags (-o -N -O -m -f -k -v -z -t -a -T -q -A -D -S ...) are
 * parsed here for every class; a class may take the rest of the line its
 * own way.  Maps open lazily on first use; a map that cannot be opened
 * either answers every lookup with a temporary failure (the default) or,
 * with -o, behaves as an empty map.
 */
#ifndef MAP_H
#define MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "sm.h"

#define MAX_MAP_ARGS 10
#define MAXMAPSTACK 12

/* map flags (m->flags) */
#define MF_VALID 0x00000001u      /* declared correctly */
#define MF_INCLNULL 0x00000002u   /* -N: keys carry a trailing NUL */
#define MF_OPTIONAL 0x00000004u   /* -o */
#define MF_NOFOLDCASE 0x00000008u /* -f */
#define MF_MATCHONLY 0x00000010u  /* -m */
#define MF_OPEN 0x00000020u
#define MF_WRITABLE 0x00000040u
#define MF_ALIAS 0x00000080u      /* an alias map */
#define MF_TRY0NULL 0x00000100u   /* try keys without a NUL */
#define MF_TRY1NULL 0x00000200u   /* try keys with a NUL */
#define MF_LOCKED 0x00000400u
#define MF_ALIASWAIT 0x00000800u
#define MF_IMPLHASH 0x00001000u
#define MF_IMPLNDBM 0x00002000u
#define MF_APPEND 0x00004000u     /* -A */
#define MF_KEEPQUOTES 0x00008000u /* -q */
#define MF_NODEFER 0x00010000u    /* -t */
#define MF_REGEX_NOT 0x00020000u  /* regex -n */
#define MF_DEFER 0x00040000u      /* -D */
#define MF_SINGLEMATCH 0x00080000u /* -1 */
#define MF_OPENBOGUS 0x00100000u  /* open failed: answer tempfail */
#define MF_CLOSING 0x00200000u
#define MF_SINGLEDN 0x00400000u   /* -2 */
#define MF_KEEPXFMT 0x00800000u

struct map;

struct map_class {
	const char *name;
	unsigned cflags;
	/* Parses the arguments after the class name; false on error. */
	bool (*parse)(struct map *m, char *args);
	bool (*open)(struct map *m, int mode);
	/*
	 * Returns the value (owned by the map or static; copied by the caller
	 * before the next lookup), or NULL when there is none; *stat is set
	 * to EX_OK, EX_NOTFOUND, EX_TEMPFAIL, EX_UNAVAILABLE ...
	 */
	char *(*lookup)(struct map *m, const char *key, char **args, int *stat);
	void (*store)(struct map *m, const char *key, const char *value);
	void (*close)(struct map *m);
};

#define MCF_ALIASOK 0x0001u    /* may be an alias map */
#define MCF_ALIASONLY 0x0002u
#define MCF_REBUILDABLE 0x0004u
#define MCF_OPTFILE 0x0008u    /* the file argument may be missing */
#define MCF_NOTPERSIST 0x0010u
#define MCF_PARSEPRIV 0x0020u  /* parse fills m->priv; close frees it, opened or not */

#define EX_NOTFOUND 68 /* EX_NOHOST: the key is not in the map */

struct map {
	char *name;
	const struct map_class *cls;
	const struct map_class *orig_cls; /* before a failed open */
	unsigned flags;
	char *file;
	char *domain;   /* class specific (NIS domain, regex pattern ...) */
	char *rebuild;
	char *app;      /* -a */
	char *tapp;     /* -T */
	int spacesub;   /* -S */
	int dq_spacesub; /* -s of the dequote map */
	char *keycol;   /* -k */
	char *valcol;   /* -v */
	int keycolno, valcolno;
	char *coldelim; /* -z */
	int coldelim_char;
	int timeout;    /* -d (dns, socket) */
	int retry;      /* -r */
	int syslog_level;
	char *mopts;    /* other class options kept as text */
	int nstack;
	struct map *stack[MAXMAPSTACK]; /* sequence and switch */
	void *priv;     /* the class's own state */
};

/* Defines a map from the rest of a K line ("name class args"). */
void map_declare(char *line);
/* The map of a name, or NULL. */
struct map *map_find(const char *name);
/*
 * Looks up key in the named map as rewriting does: dequoting and folding
 * the key, substituting %0..%9 and appending -a.  Returns an allocated
 * string or NULL; *stat as for struct map_class.
 */
char *map_lookup_value(struct map *m, const char *key, char **args, int *stat);
/* Opens a map that is not open yet; false if it is unusable. */
bool map_open(struct map *m);
/* Substitutes %n in value with args and appends the -a text. */
char *map_rewrite(struct map *m, const char *value, size_t len, char **args);
void map_register_class(const struct map_class *mc);
const struct map_class *map_class_find(const char *name);
/* Iterates all maps in declaration order. */
void map_foreach(void (*fn)(struct map *m, void *arg), void *arg);
void maps_close_all(void);
/* Forgets the host maps' cached answers (a reused SMTP session process
 * starts each connection as a fresh process would: map_host.c). */
void map_host_cache_clear(void);
void maps_free_all(void);
/* Registers every built-in class (called once at start-up). */
void map_classes_init(void);

/* Helpers for classes. */
bool map_parse_args(struct map *m, char *args);
void strip_quotes(char *s);
void map_fold_key(const struct map *m, const char *key, char *buf, size_t size);

#endif
