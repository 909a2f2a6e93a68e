/*
 * aliasread.c: reads alias source files (see alias.h) into logical lines.
 *
 * Owns the line rules of an alias file as sendmail 8.17 applies them:
 * a line ending in a backslash goes on with the next line; lines that
 * start with a blank continue the previous line (joined without the
 * newline); empty lines and comments ("#", with their continuation lines)
 * are skipped; a line of ALIAS_LINE_MAX - 1 bytes or more, alone or joined,
 * is refused ("alias line too long"), as is a line that starts with a
 * blank where no alias precedes ("Non-continuation line starts with
 * space").  Errors name the file and the last line read.
 */
#include <string.h>

#include "alias.h"
#include "err.h"

void alias_reader_init(struct alias_reader *rd, FILE *fp, const char *fname)
{
	rd->fp = fp;
	rd->fname = fname;
	rd->lineno = 0;
	rd->pending = -2;
	rd->buf[0] = '\0';
}

static int next_char(struct alias_reader *rd)
{
	if (rd->pending != -2) {
		int c = rd->pending;
		rd->pending = -2;
		return c;
	}
	return getc(rd->fp);
}

static int peek_char(struct alias_reader *rd)
{
	if (rd->pending == -2)
		rd->pending = getc(rd->fp);
	return rd->pending;
}

/*
 * Appends one physical line (and the lines a trailing backslash joins to
 * it) to rd->buf at *len.  Returns 1 for a line, 0 at the end of the file
 * (nothing read); sets *toolong when the text does not fit (the rest of
 * the line is read and dropped).  *empty is set for a line with no bytes.
 */
static int read_physical(struct alias_reader *rd, size_t *len, bool *toolong, bool *empty)
{
	const size_t max = sizeof rd->buf - 2;
	int c = next_char(rd);
	if (c == EOF)
		return 0;
	rd->lineno++;
	size_t start = *len;
	bool nul = false;
	for (;;) {
		if (c == EOF || c == '\n') {
			if (c == '\n' && *len > start && rd->buf[*len - 1] == '\\' && !*toolong) {
				/* backslash-newline: the next line goes on this one */
				(*len)--;
				c = next_char(rd);
				if (c == EOF)
					break;
				rd->lineno++;
				continue;
			}
			break;
		}
		if (c == '\0')
			nul = true; /* the rest of the line is not seen, as with a C string */
		if (!nul && !*toolong) {
			if (*len >= max) {
				*toolong = true;
				rd->errline = rd->lineno;
			}
			else
				rd->buf[(*len)++] = (char)c;
		}
		c = next_char(rd);
	}
	rd->buf[*len] = '\0';
	*empty = (*len == start && !nul);
	return 1;
}

char *alias_reader_next(struct alias_reader *rd)
{
	for (;;) {
		size_t len = 0;
		bool toolong = false, empty = false;
		if (read_physical(rd, &len, &toolong, &empty) == 0)
			return NULL;
		if (empty && !toolong)
			continue;
		/* continuation lines */
		for (;;) {
			int c = peek_char(rd);
			if (c != ' ' && c != '\t')
				break;
			bool e2 = false;
			if (read_physical(rd, &len, &toolong, &e2) == 0)
				break;
		}
		if (toolong) {
			err_set_cf_position(rd->fname, rd->errline);
			syserr("alias line too long");
			err_set_cf_position(NULL, 0);
			continue;
		}
		if (rd->buf[0] == '#')
			continue;
		if (rd->buf[0] == ' ' || rd->buf[0] == '\t') {
			err_set_cf_position(rd->fname, rd->lineno);
			syserr("Non-continuation line starts with space");
			err_set_cf_position(NULL, 0);
			continue;
		}
		if (rd->buf[0] == '\0')
			continue;
		return rd->buf;
	}
}
