/*
 * makemap.h: what the parts of the makemap program share: the run's
 * settings (from the command line and the configuration file), the safety
 * checks on the map file (safety.c), reading the text source into a map
 * (input.c) and writing and dumping the map file (mapfile.c).
 */
#ifndef MAKEMAP_H
#define MAKEMAP_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

struct mapdb;

/* The settings of one run. */
struct makemap {
	const char *progname;  /* basename of argv[0], the prefix of messages */
	const char *type;      /* map type as given: hash, btree, dbm, implicit */
	const char *new_type;  /* the type a new map gets (implicit makes hash) */
	const char *mapname;   /* as given, used in messages */
	char *path;            /* the file: mapname plus the type's suffix */
	int delimiter;         /* -t; -1 means any white space */
	int comment;           /* -D; '#' by default */
	bool include_nul;      /* -N */
	bool allow_dups;       /* -d */
	bool allow_empty;      /* -e */
	bool fold;             /* not -f */
	bool append;           /* -o */
	bool replace;          /* -r */
	bool unsafe;           /* -s: links allowed */
	bool dump;             /* -u */
	bool verbose;          /* -v */
	bool sorted;           /* a btree map: dumped in key order */
	bool trusted_set;      /* the cf named a TrustedUser */
	uid_t trusted_uid;
};

/* ---- safety.c ---- */

/* What the checks found out about the map file. */
struct mapfile_state {
	bool exists;    /* the name exists (possibly a dangling link) */
	bool linked;    /* a symbolic link, or more than one hard link */
	struct stat st; /* of the file (links followed), when it exists */
};

/*
 * Checks the directories on the way to mm->path and the file itself as
 * sendmail's makemap does before opening it for reading (mm->dump) or
 * writing, printing a warning for each world- or group-writable directory.
 * Returns 0 or an errno / E_SM_* code (see safefile.h) to report.
 */
int mapfile_check(const struct makemap *mm, struct mapfile_state *state);
/* Prints the directory warnings again (makemap checks the path twice). */
void mapfile_warn_again(const struct makemap *mm);

/* ---- input.c ---- */

/*
 * Reads the text source from in and stores its entries into db; reports
 * bad lines on stderr.  holds_dups: the map keeps duplicate keys (made with
 * -d), where -r adds a duplicate as -d does.  Returns 0 when every line was
 * good, -1 when some were not, or the errno of a read error.
 */
int input_load(const struct makemap *mm, FILE *in, struct mapdb *db, bool holds_dups);

/* ---- mapfile.c ---- */

/*
 * Opens the map for writing (fresh or, with -o, starting from the old
 * contents); *holds_dups tells whether it keeps duplicate keys (-d, or an
 * old map made with -d).  -o -d on an old map made without -d is EINVAL.
 * NULL with *err set.
 */
struct mapdb *mapfile_open_write(const struct makemap *mm, const struct mapfile_state *state,
				 bool *holds_dups, int *err);
/* Sets owner and mode, then puts the new map in place; 0 or an errno. */
int mapfile_commit(const struct makemap *mm, const struct mapfile_state *state,
		   struct mapdb *db);
/*
 * Whether db may be read as mm->type: not when it was recorded as another
 * type (EINVAL, as Berkeley DB refuses a hash file opened as a btree);
 * "implicit" takes any.  *btree tells whether the map is a btree.
 */
int mapfile_match_type(const struct makemap *mm, struct mapdb *db, bool *btree);
/* Prints every entry on stdout (-u); 0 or an errno for a read error. */
int mapfile_dump(const struct makemap *mm, struct mapdb *db);

#endif
