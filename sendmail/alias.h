/*
 * alias.h: aliases: the AliasFile list, reading alias source files,
 * newaliases (-bi), lookups, expansion of recipients (aliases, :include:
 * files and .forward files) and verification (-bv).
 *
 * The modules behind it:
 *   aliasfile.c  the AliasFile option, lookups in the alias databases
 *   aliasread.c  the source file reader (continuations, comments, limits)
 *   newaliases.c newaliases / -bi
 *   alias.c      alias_expand(): aliases, :include:, loops, owner-
 *   forward.c    .forward files through ForwardPath
 *   verify.c     -bv
 */
#ifndef ALIAS_H
#define ALIAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct envelope;
struct recipient;

/* Longest physical or logical line of an alias source file, with its newline. */
#define ALIAS_LINE_MAX 8192
/* Default depth of alias recursion (MaxAliasRecursion). */
#define ALIAS_MAX_DEPTH 10
/* Most addresses one alias, include file or .forward may add. */
#define ALIAS_MAX_RCPTS 100000

/* ---- AliasFile (aliasfile.c) ---- */

/* One entry of the AliasFile option: "class:file" (class implicit by default). */
struct alias_src {
	char *cls;  /* "hash", "btree", "implicit", "text", "nis" ... */
	char *args; /* map flags given before the file ("-N"), "" for none */
	char *file; /* the source file (the database is file.db) */
};
/*
 * Splits an AliasFile value into entries (commas separate them, blanks
 * around are dropped; an empty value means "aliases").  Returns the count;
 * *out is malloc'ed, free with alias_src_free().
 */
size_t alias_src_parse(const char *spec, struct alias_src **out);
void alias_src_free(struct alias_src *v, size_t n);
/* True if newaliases rebuilds this class (hash, btree, implicit). */
bool alias_class_rebuildable(const char *cls);
/* True for the alias classes sendmail 8.17 knows. */
bool alias_class_known(const char *cls);
/*
 * Looks name (already folded as the mailer wants) up in every alias map
 * of the AliasFile option, in order.  1 found (*value malloc'ed), 0 not
 * found, -1 a map could not be read (a temporary failure).
 */
int alias_lookup(const char *name, char **value);
/* The same; with missing_db_fails a hash/btree map whose .db file does
 * not exist counts as unreadable (-1), as 8.17's server takes it. */
int alias_lookup_as(const char *name, char **value, bool missing_db_fails);
/* Opens every alias database of AliasFile (not the text ones) for later
 * lookups: the SMTP session does it before giving up root. */
void alias_open_dbs(void);
/* Closes the databases alias_lookup() opened. */
void alias_close_all(void);

/* ---- the source file reader (aliasread.c) ---- */

struct alias_reader {
	FILE *fp;
	const char *fname;
	int lineno;   /* the last physical line read */
	int errline;  /* where the line became too long */
	int pending;  /* a character read ahead, or EOF, or -2 for none */
	char buf[ALIAS_LINE_MAX];
};
void alias_reader_init(struct alias_reader *rd, FILE *fp, const char *fname);
/*
 * The next logical line of the file: continuation lines (starting with a
 * blank) and backslash-newline joined without their newline, comments
 * and empty lines skipped.  Returns a pointer into rd->buf (valid until
 * the next call) or NULL at the end of the file.  Lines too long or
 * starting with a blank are reported ("file: line N: ...") and skipped.
 */
char *alias_reader_next(struct alias_reader *rd);

/* ---- newaliases (newaliases.c) ---- */

/* newaliases / sendmail -bi: rebuilds every alias database; exit status. */
int newaliases_run(void);

/* ---- expansion (alias.c, forward.c) ---- */

/* Flags alias_expand() sets on recipients it adds (beside envelope.h's RCPT_*). */
#define RCPT_PROGRAM 0x00010000u  /* "|program": for the prog mailer */
#define RCPT_FILE 0x00020000u     /* "/file": appended to by file delivery */
#define RCPT_FORWARDED 0x00040000u /* from a .forward: ctladdr names its owner; programs
				    * run through smrsh as that user */
#define RCPT_NOALIAS 0x00080000u  /* not looked up again ("\user", an alias to itself) */
#define RCPT_LOCAL 0x00100000u    /* a local user that exists: deliver to its mailbox */
#define RCPT_REPORTED 0x00200000u /* its failure was reported while expanding */
#define RCPT_DUPLICATE 0x00400000u /* the same as an earlier recipient: dropped
				    * (also has RCPT_ALIAS_DONE) */
#define RCPT_TOLD_BARE 0x00800000u /* reported without its address in front (a broken
				    * loop): logged, bounced and counted that way */
#define RCPT_FAILED_EXPANDING 0x01000000u /* failed while expanding, before any
					   * delivery: first in a DSN's transcript */

struct alias_result {
	int added;          /* recipients added to the envelope */
	int failed;         /* recipients marked failed (RCPT_BADADDR) */
	const char *owner;  /* "owner-NAME" when r was the list NAME and owner-NAME
			     * exists: the envelope sender for r's expansion (arena) */
};

/*
 * Expands recipient r of e, as sendmail does before delivery:
 *  - r's address is parsed (parseaddr, rulesets 3 and 0); an $#error
 *    result marks r failed (RCPT_BADADDR|RCPT_DONE, status and diag);
 *  - if its mailer may alias (F=A) its user is looked up in the alias
 *    maps; the right-hand side is split into addresses, each added as a
 *    new recipient right after r (as sendmail orders them) and expanded
 *    in turn, up to MaxAliasRecursion deep; r gets RCPT_ALIAS_DONE;
 *  - ":include:/path" reads more addresses from a file (safe-file
 *    checks); a file that cannot be read fails that entry only;
 *  - "|program" and "/file" get RCPT_PROGRAM / RCPT_FILE;
 *  - a local user (F=w) that exists and is not aliased gets RCPT_LOCAL,
 *    or is replaced by the addresses of its .forward (ForwardPath; not
 *    with ALIAS_VERIFY); an unknown one fails with 5.1.1 "User unknown"
 *    (reported at once, with file and line, when found in an include
 *    file or .forward, else left in r->diag for the caller);
 *  - failures found while expanding (an unreadable include file, a loop)
 *    are reported at once and get RCPT_REPORTED;
 *  - an address already in the envelope is not added twice; an alias to
 *    itself is delivered as a plain user (RCPT_NOALIAS).
 * Errors are reported through err.h as sendmail words them.  All strings
 * go into e's arena.  Returns 0, or -1 for a temporary failure (an alias
 * map unreadable: r is left with RCPT_QUEUED).
 */
int alias_expand(struct envelope *e, struct recipient *r, unsigned flags,
		 struct alias_result *res);
/* flags of alias_expand() */
#define ALIAS_VERIFY 0x0001u /* -bv: .forward files are not read, as sendmail does */

/*
 * Reads a .forward for a local user (forward.c): tries each entry of
 * ForwardPath (macros $z home, $u user, $w host name expanded) and adds
 * the addresses of the first file that is safe and readable after r.
 * Returns 1 if one was used, 0 if none, -1 on a temporary failure.
 */
int forward_expand(struct envelope *e, struct recipient *r, const char *user, int depth);

/* Internal: adds the comma-separated list text after r at depth (alias.c). */
int alias_add_list(struct envelope *e, struct recipient *r, const char *list, int depth,
		   const char *ctladdr, unsigned extra);
/* Internal: reads addresses from an include file for r (alias.c). */
int alias_include(struct envelope *e, struct recipient *r, const char *path, int depth,
		  const char *ctladdr, bool forward);

/* ---- verification (verify.c) ---- */

/* sendmail -bv: verifies each address of the NULL-ended list; exit status. */
int verify_addresses(char **addrs);

#endif
