/*
 * map_text.c: the "text" map class, lookups in a plain text file.
 *
 * Each line holds columns separated by the -z delimiter (or by white
 * space); -k names the key column and -v the value column (both 0 unless
 * given, so a bare text map answers with the key it found).  Lines starting
 * with '#' are comments.  The file is read on every lookup, as sendmail
 * does, so edits take effect at once.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "map.h"
#include "safefile.h"
#include "token.h"

static bool text_parse(struct map *m, char *args)
{
	if (!map_parse_args(m, args))
		return false;
	m->keycolno = m->keycol ? atoi(m->keycol) : 0;
	m->valcolno = m->valcol ? atoi(m->valcol) : 0;
	return true;
}

static bool text_open(struct map *m, int mode)
{
	(void)mode;
	if (m->file == NULL || m->file[0] != '/') {
		syserr("text map \"%s\": file name required", m->name);
		return false;
	}
	int e = safefile_check(m->file, SFF_REGONLY | SFF_MAPFILE | SFF_NOWWFILES, S_IRUSR, NULL);
	if (e != 0) {
		/*
		 * sendmail's message carries the errno its checks left behind:
		 * a missing file behind an unsafe directory says so, a missing
		 * file alone does not.
		 */
		struct stat st;
		bool missing = e != ENOENT && stat(m->file, &st) < 0 && errno == ENOENT;
		if (!(m->flags & MF_OPTIONAL))
			syserr("text map \"%s\": unsafe map file %s%s%s", m->name, m->file,
			       missing ? ": " : "", missing ? sm_errstring(ENOENT) : "");
		return false;
	}
	return true;
}

/*
 * Copies column col of line into out; false if the line has fewer columns.
 * With blanks as the delimiter, a run of blanks separates two columns and
 * the column copied starts at its first non-blank, so a line with leading
 * blanks has the same first word as column 0 and column 1 (as sendmail
 * reads it).
 */
static bool text_column(const char *line, int col, int delim, char *out, size_t size)
{
	const char *p = line;
	for (int i = 0; i < col; i++) {
		if (delim < 0) {
			while (*p != '\0' && !isspace((unsigned char)*p))
				p++;
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '\0')
				return false;
		} else {
			p = strchr(p, delim);
			if (p == NULL)
				return false;
			p++;
		}
	}
	const char *e;
	if (delim < 0) {
		while (isspace((unsigned char)*p))
			p++;
		e = p;
		while (*e != '\0' && !isspace((unsigned char)*e))
			e++;
	} else {
		e = p;
		while (*e != '\0' && *e != delim)
			e++;
	}
	size_t n = (size_t)(e - p);
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static char *text_lookup(struct map *m, const char *key, char **args, int *stat)
{
	char folded[MAXLINE];
	map_fold_key(m, key, folded, sizeof folded);
	FILE *f = fopen(m->file, "r");
	if (f == NULL) {
		*stat = EX_UNAVAILABLE_;
		return NULL;
	}
	char line[MAXLINE];
	char col[MAXLINE];
	char *result = NULL;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#')
			continue;
		if (!text_column(line, m->keycolno, m->coldelim_char, col, sizeof col))
			continue;
		/* keys compare without case even with -f, as in sendmail */
		if (sm_strcasecmp(col, folded) != 0)
			continue;
		if (!text_column(line, m->valcolno, m->coldelim_char, col, sizeof col))
			continue;
		if (m->flags & MF_MATCHONLY)
			result = map_rewrite(m, key, strlen(key), NULL);
		else
			result = map_rewrite(m, col, strlen(col), args);
		break;
	}
	fclose(f);
	if (result == NULL)
		*stat = EX_NOTFOUND;
	return result;
}

const struct map_class TextMapClass = {
	"text", MCF_ALIASOK, text_parse, text_open, text_lookup, NULL, NULL,
};
