/*
 * input.c: reads makemap's text source (standard input) and stores its
 * entries in the map.
 *
 * It owns the line format, as sendmail 8.17's makemap reads it:
 * - input is taken in pieces of at most 1023 bytes; a piece that does not
 *   end a line (unless the input ends there) is refused as too long and the
 *   rest of that line counts as the next line, line numbers included;
 *   a NUL byte ends the line's text there;
 * - empty lines and lines starting with the comment character are skipped;
 * - the key runs to the first white space (or -t character); the value
 *   starts after the run of white space (or -t characters) that follows and
 *   keeps everything to the end of the line, trailing blanks included;
 * - with white space as the delimiter a line may not start with white space;
 * - the key is folded to lower case (ASCII letters only) unless -f; an empty
 *   value is an error unless -e.
 * Problems are reported as "makemap: mapname: line N: ..." on stderr.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "makemap.h"
#include "mapdb.h"
#include "sm.h"

/* The size of the line buffer, hence the longest line: one less, newline included. */
#define LINE_BUFSIZE 1024

static void line_error(const struct makemap *mm, unsigned long lineno, const char *fmt, ...)
	SM_PRINTF(3, 4);

static void line_error(const struct makemap *mm, unsigned long lineno, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: %s: line %lu: ", mm->progname, mm->mapname, lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool is_delimiter(const struct makemap *mm, char c)
{
	if (mm->delimiter < 0)
		return sm_isspace((unsigned char)c);
	return (unsigned char)c == mm->delimiter;
}

/* Parses and stores one line (without its newline); false for a bad line. */
static bool load_line(const struct makemap *mm, struct mapdb *db, bool holds_dups,
		      unsigned long lineno, char *line)
{
	if (line[0] == '\0' || (unsigned char)line[0] == mm->comment)
		return true;
	if (mm->delimiter < 0 && sm_isspace((unsigned char)line[0])) {
		line_error(mm, lineno, "syntax error (leading space)");
		return false;
	}
	char *key = line;
	char *p = key;
	while (*p != '\0' && !is_delimiter(mm, *p))
		p++;
	if (*p != '\0') {
		*p++ = '\0';
		while (*p != '\0' && is_delimiter(mm, *p))
			p++;
	}
	char *value = p;
	if (mm->fold)
		sm_lowercase(key);
	if (*value == '\0' && !mm->allow_empty) {
		line_error(mm, lineno, "no RHS for LHS %s", key);
		return false;
	}
	if (mm->verbose)
		printf("key=`%s', val=`%s'\n", key, value);
	size_t extra = mm->include_nul ? 1 : 0;
	size_t klen = strlen(key) + extra;
	size_t vlen = strlen(value) + extra;
	errno = 0;
	int r;
	if (holds_dups && (mm->allow_dups || mm->replace))
		r = mapdb_store_dup(db, key, klen, value, vlen);
	else
		r = mapdb_store(db, key, klen, value, vlen, mm->replace && !holds_dups);
	if (r == 1) {
		line_error(mm, lineno, "key %s: duplicate key", key);
		return false;
	}
	if (r < 0) {
		line_error(mm, lineno, "key %s: put error: %s", key, strerror(errno != 0 ? errno : EIO));
		return false;
	}
	return true;
}

int input_load(const struct makemap *mm, FILE *in, struct mapdb *db, bool holds_dups)
{
	char buf[LINE_BUFSIZE];
	unsigned long lineno = 0;
	bool good = true;
	while (fgets(buf, sizeof buf, in) != NULL) {
		lineno++;
		char *newline = strchr(buf, '\n');
		if (newline == NULL && !feof(in)) {
			line_error(mm, lineno, "line too long (%d bytes max)", LINE_BUFSIZE);
			good = false;
			continue;
		}
		if (newline != NULL)
			*newline = '\0';
		if (!load_line(mm, db, holds_dups, lineno, buf))
			good = false;
	}
	if (ferror(in))
		return errno != 0 ? errno : EIO;
	return good ? 0 : -1;
}
