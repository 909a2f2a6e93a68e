/*
 * crackaddr.c: separates an address from the text around it.
 *
 * "Full Name <user@host>" becomes "Full Name <$g>", "user@host (Name)"
 * becomes "$g (Name)": the address proper is replaced by the macro $g so
 * that a rewritten address can be put back in its original decoration.  A
 * phrase holding characters that must be quoted (MustQuoteChars) is
 * quoted; "group: list;" syntax, DECnet "::" forms, unbalanced brackets and
 * over-long input are handled as sendmail does, so headers come out the
 * same.  The result is kept within MAXNAME bytes; past that the scanner
 * keeps only the syntax balanced.
 */
#include <ctype.h>
#include <string.h>

#include "macro.h"
#include "meta.h"
#include "options.h"
#include "parseaddr.h"
#include "token.h"

struct crack {
	char buf[MAXNAME + 1];
	char *bp;      /* output position */
	char *limit;   /* output limit, moved down to keep room for closers */
	char *end;     /* absolute end */
	char *head;    /* start of the current address's output */
};

static void put(struct crack *c, int ch)
{
	if (c->bp < c->end)
		*c->bp++ = (char)ch;
}

static bool must_quote(int ch)
{
	if (strchr("@,;:\\()[]", ch) != NULL)
		return true;
	const char *extra = opt_value(OPT_MustQuoteChars);
	if (extra == NULL)
		extra = "'.";
	return ch != '\0' && strchr(extra, ch) != NULL;
}

/*
 * Rewrites the output from the start of the current address: the text
 * before a '<' or ':' delimiter (which ends just before after), quoted when
 * it holds characters that need it, then the delimiter with the spaces
 * before it.
 */
static void copy_phrase(struct crack *c, const char *from, const char *after, bool quoteit)
{
	c->bp = c->head;
	const char *stop = after;
	if (quoteit) {
		stop = after - 1;
		while (stop > from && isspace((unsigned char)stop[-1]))
			stop--;
		put(c, '"');
	}
	char *phrase = c->bp;
	for (const char *q = from; q < stop; q++) {
		if (c->bp >= c->limit)
			break;
		if (quoteit && *q == '"')
			put(c, '\\');
		put(c, (unsigned char)*q);
	}
	if (quoteit) {
		if (c->bp == phrase)
			c->bp--;
		else
			put(c, '"');
		for (const char *q = stop; q < after; q++)
			put(c, (unsigned char)*q);
	}
}

const char *crackaddr(const char *addr, struct sm_arena *arena)
{
	struct crack c;
	while (*addr != '\0' && isspace((unsigned char)*addr))
		addr++;
	c.end = c.buf + sizeof c.buf - 1;
	c.limit = c.end;
	c.bp = c.head = c.buf;
	const char *p = addr, *addrhead = addr;
	int copylev = 0, anglelev = 0, cmtlev = 0, realcmtlev = 0, realanglelev = 0;
	int bracklev = 0;
	bool qmode = false, realqmode = false, quoteit = false, putgmac = false;
	bool gotcolon = false, gotangle = false, skipping, giveup = false;
	bool colonok = opt_value(OPT_ColonOkInAddr) != NULL &&
		       strchr("tTyY", opt_value(OPT_ColonOkInAddr)[0]) != NULL;
	int ch;

	while ((ch = (unsigned char)*p++) != '\0') {
		/*
		 * Anything inside a quoted string that follows the angle
		 * address makes sendmail give up on the decoration: "<$g>".
		 */
		if (realqmode)
			giveup = true;
		skipping = c.bp >= c.limit;
		if (copylev > 0 && !skipping)
			put(&c, ch);

		if (ch == '\\') {
			if (cmtlev <= 0 && !qmode)
				quoteit = true;
			if ((ch = (unsigned char)*p++) == '\0') {
				p--;
				goto address_char;
			}
			if (copylev > 0 && !skipping)
				put(&c, ch);
			goto address_char;
		}
		if (ch == '"' && cmtlev <= 0) {
			qmode = !qmode;
			if (copylev > 0 && !skipping)
				realqmode = !realqmode;
			continue;
		}
		if (qmode)
			goto address_char;

		if (ch == '(') {
			cmtlev++;
			if (!skipping) {
				c.limit--;
				realcmtlev++;
				if (copylev++ <= 0) {
					if (c.bp != c.head)
						put(&c, ' ');
					put(&c, ch);
				}
			}
		}
		if (cmtlev > 0) {
			if (ch == ')') {
				cmtlev--;
				copylev--;
				if (!skipping) {
					realcmtlev--;
					c.limit++;
				}
			}
			continue;
		} else if (ch == ')') {
			/* an unmatched ')' is dropped */
			if (copylev > 0 && !skipping && c.bp > c.head)
				c.bp--;
		}

		if (ch == '[')
			bracklev++;
		else if (ch == ']')
			bracklev--;

		if (ch == ':' && anglelev <= 0 && bracklev <= 0 && !gotcolon && !colonok) {
			/* DECnet "host::user" and "x:.y" forms are part of the address */
			if (*p == ':' || *p == '.') {
				if (cmtlev <= 0 && !qmode)
					quoteit = true;
				if (copylev > 0 && !skipping) {
					put(&c, ch);
					put(&c, (unsigned char)*p);
				}
				p++;
				goto address_char;
			}
			/* "group:" starts a list; keep the group name as it is */
			gotcolon = true;
			copy_phrase(&c, addrhead, p, quoteit);
			while (isspace((unsigned char)*p))
				put(&c, (unsigned char)*p++);
			copylev = 0;
			putgmac = quoteit = false;
			c.head = c.bp;
			addrhead = p;
			continue;
		}

		if (ch == ';' && copylev <= 0 && !colonok)
			put(&c, ch);

		if (must_quote(ch) && cmtlev <= 0 && !qmode)
			quoteit = true;

		if (ch == '<') {
			if (gotangle)
				quoteit = true;
			gotangle = true;
			anglelev = 1;
			if (!skipping)
				realanglelev = 1;
			copy_phrase(&c, addrhead, p, quoteit);
			copylev = 0;
			putgmac = quoteit = false;
			continue;
		}

		if (ch == '>') {
			if (anglelev > 0) {
				anglelev--;
				if (!skipping) {
					realanglelev--;
					c.limit++;
				}
			} else if (!skipping) {
				/* an unmatched '>' is dropped */
				if (copylev > 0 && c.bp > c.head)
					c.bp--;
				quoteit = true;
				continue;
			}
			if (copylev++ <= 0)
				put(&c, ch);
			continue;
		}

	address_char:
		if (copylev <= 0 && !putgmac) {
			if (c.bp > c.buf && c.bp[-1] == ')')
				put(&c, ' ');
			put(&c, META_MACRO);
			put(&c, 'g');
			putgmac = true;
		}
	}

	if (giveup) {
		char angle_g[5] = {'<', (char)META_MACRO, 'g', '>', '\0'};
		return sm_arena_strdup(arena, angle_g);
	}
	if (realqmode && c.bp < c.end)
		*c.bp++ = '"';
	while (realcmtlev-- > 0 && c.bp < c.end)
		*c.bp++ = ')';
	while (realanglelev-- > 0 && c.bp < c.end)
		*c.bp++ = '>';
	*c.bp = '\0';
	return sm_arena_strdup(arena, c.buf);
}
