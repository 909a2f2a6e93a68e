/*
 * macro.c: macro names, values, expansion and "$" translation.
 *
 * Expansion follows sendmail: the result of an expansion is scanned again
 * when it still holds operator bytes (a value that names another macro),
 * up to ten levels deep; the result is cut at MAXLINE bytes; "$?x" tests
 * whether x has a non-empty value, "$|" and "$." outside a conditional are
 * copied as they are.
 */
#include "macro.h"

#include <ctype.h>
#include <string.h>

#include "err.h"
#include "meta.h"
#include "token.h"

#define FIRST_LONG_ID 256
#define MAX_MACRO_RECURSION 10
#define MAX_MACRO_NAME 25 /* bytes in a {name} */

static struct sm_hash LongIds;    /* name -> id + 1 */
static char **LongNames;          /* id - FIRST_LONG_ID -> "{name}" */
static size_t NLong, CapLong;

struct macro_set GlobalMacros;
struct macro_set *CurMacros = &GlobalMacros;

int macro_id(const char *name, size_t len, bool create)
{
	if (len == 1)
		return (unsigned char)name[0];
	if (LongIds.nslots == 0)
		sm_hash_init(&LongIds, false);
	void *v = sm_hash_getn(&LongIds, name, len);
	if (v != NULL)
		return (int)(intptr_t)v - 1;
	if (!create)
		return MACRO_NONE;
	if (NLong == CapLong) {
		CapLong = CapLong ? CapLong * 2 : 64;
		LongNames = sm_realloc(LongNames, CapLong * sizeof *LongNames);
	}
	char *key = sm_strndup(name, len);
	int id = FIRST_LONG_ID + (int)NLong;
	LongNames[NLong++] = sm_asprintf("{%s}", key);
	sm_hash_put(&LongIds, key, (void *)(intptr_t)(id + 1));
	sm_free(key);
	return id;
}

int macro_scan_name(const char *p, const char **endp)
{
	if (*p == '\0') {
		*endp = p;
		return MACRO_NONE;
	}
	if (*p != '{') {
		*endp = p + 1;
		return (unsigned char)*p;
	}
	const char *e = strchr(p + 1, '}');
	if (e == NULL || e == p + 1) {
		*endp = e ? e + 1 : p + strlen(p);
		return MACRO_NONE;
	}
	*endp = e + 1;
	return macro_id(p + 1, (size_t)(e - p - 1), true);
}

int macro_parse_name(const char *p, const char **endp)
{
	if (*p == '\0') {
		*endp = p;
		syserr("Name required for macro/class");
		return MACRO_NONE;
	}
	if (*p != '{') {
		*endp = p + 1;
		return (unsigned char)*p;
	}
	if (p[1] == '}') {
		*endp = p + 2;
		syserr("Name required for macro/class");
		return MACRO_NONE;
	}
	/* letters, digits and '_' make the name; other bytes are reported and skipped */
	char name[MAX_MACRO_NAME + 1];
	size_t n = 0;
	const char *q = p + 1;
	bool bad = false;
	for (; *q != '\0' && *q != '}'; q++) {
		if (n >= MAX_MACRO_NAME) {
			name[n] = '\0';
			syserr("Macro/class name ({%s}) too long (%d chars max)", name, MAX_MACRO_NAME);
			bad = true;
			break;
		}
		unsigned char c = (unsigned char)*q;
		if (c < 0x80 && (isalnum(c) || c == '_'))
			name[n++] = (char)c;
		else
			syserr("Invalid macro/class character %c", c);
	}
	name[n] = '\0';
	if (!bad && *q != '}') {
		syserr("Unbalanced { on %s", name);
		bad = true;
	}
	if (bad) {
		while (*q != '\0' && *q != '}')
			q++;
		*endp = *q == '}' ? q + 1 : q;
		syserr("Unable to assign macro/class ID (mid = 0x%x)", (unsigned)-1);
		return MACRO_NONE;
	}
	*endp = q + 1;
	if (n == 1)
		return (unsigned char)name[0];
	return macro_id(name, n, true);
}

const char *macro_name(int id)
{
	static char one[2];
	if (id >= FIRST_LONG_ID && (size_t)(id - FIRST_LONG_ID) < NLong)
		return LongNames[id - FIRST_LONG_ID];
	one[0] = (char)id;
	one[1] = '\0';
	return one;
}

void macro_set_value(struct macro_set *ms, int id, const char *value)
{
	if (id < 0)
		return;
	if ((size_t)id >= ms->nval) {
		size_t n = ms->nval ? ms->nval : 512;
		while (n <= (size_t)id)
			n *= 2;
		ms->val = sm_realloc(ms->val, n * sizeof *ms->val);
		memset(ms->val + ms->nval, 0, (n - ms->nval) * sizeof *ms->val);
		ms->nval = n;
	}
	sm_free(ms->val[id]);
	ms->val[id] = value != NULL ? sm_strdup(value) : NULL;
}

const char *macro_get(int id)
{
	if (id < 0)
		return NULL;
	for (struct macro_set *ms = CurMacros; ms != NULL; ms = ms->parent)
		if ((size_t)id < ms->nval && ms->val[id] != NULL)
			return ms->val[id];
	return NULL;
}

void macro_set_free(struct macro_set *ms)
{
	for (size_t i = 0; i < ms->nval; i++)
		sm_free(ms->val[i]);
	sm_free(ms->val);
	ms->val = NULL;
	ms->nval = 0;
}

void macro_set_copy(struct macro_set *dst, const struct macro_set *src)
{
	macro_set_free(dst);
	if (src->nval == 0)
		return;
	dst->val = sm_calloc(src->nval, sizeof *dst->val);
	dst->nval = src->nval;
	for (size_t i = 0; i < src->nval; i++)
		if (src->val[i] != NULL)
			dst->val[i] = sm_strdup(src->val[i]);
}

static bool expand_once(const char *s, struct sm_buf *out)
{
	bool again = false;
	bool skipping = false;
	int iflev = 0, skiplev = 0;
	size_t limit = MAXLINE - 1;

	while (*s != '\0') {
		int c = (unsigned char)*s++;
		const char *value = NULL;
		const char *endp;
		switch (c) {
		case META_CONDIF:
			iflev++;
			{
				int id = macro_scan_name(s, &endp);
				s = endp;
				if (skipping) {
					skiplev++;
				} else {
					const char *v = macro_get(id);
					skipping = v == NULL || *v == '\0';
				}
			}
			continue;
		case META_CONDELSE:
			if (iflev == 0)
				break;
			if (skiplev == 0)
				skipping = !skipping;
			continue;
		case META_CONDFI:
			if (iflev == 0)
				break;
			iflev--;
			if (skiplev == 0)
				skipping = false;
			if (skipping)
				skiplev--;
			continue;
		case META_MACRO: {
			int id = macro_scan_name(s, &endp);
			if (id == MACRO_NONE) {
				s = endp;
				continue;
			}
			s = endp;
			value = macro_get(id);
			if (value == NULL)
				continue;
			break;
		}
		}
		if (skipping || out->len >= limit)
			continue;
		if (value == NULL) {
			sm_buf_putc(out, c);
			continue;
		}
		bool quoted = false;
		for (const unsigned char *v = (const unsigned char *)value; *v; v++) {
			if (out->len >= limit)
				break;
			if (!quoted && meta_reserved(*v))
				again = true;
			sm_buf_putc(out, *v);
			quoted = *v == META_QUOTE;
		}
	}
	return again;
}

void macro_expand(const char *s, struct sm_buf *out)
{
	struct sm_buf a, b;
	sm_buf_init(&a);
	sm_buf_init(&b);
	bool again = expand_once(s, &a);
	for (int depth = 1; again && depth <= MAX_MACRO_RECURSION; depth++) {
		sm_buf_reset(&b);
		again = expand_once(a.data, &b);
		struct sm_buf t = a;
		a = b;
		b = t;
		/* A value with operator bytes but no macros left is final. */
		if (again && strchr(a.data, META_MACRO) == NULL && strchr(a.data, META_CONDIF) == NULL)
			again = false;
	}
	if (again)
		syserr("expand: recursion too deep (%d max)", MAX_MACRO_RECURSION);
	sm_buf_put(out, a.data ? a.data : "", a.len);
	sm_buf_free(&a);
	sm_buf_free(&b);
}

void macro_translate(const char *in, struct sm_buf *out)
{
	/*
	 * As in sendmail, every "$x" becomes META_MACRO followed by a macro
	 * name; the operators ($*, $#, $1 ...) are macros whose values are
	 * the operator bytes, so they turn into those bytes on expansion.
	 * "$=", "$~", "$&" and "$?" keep their letter and then name a macro
	 * or class.  "{x}" with a one-letter name is the same as "x".
	 */
	const char *p = in;
	while (*p != '\0') {
		if (*p != '$' || p[1] == '\0') {
			sm_buf_putc(out, *p++);
			continue;
		}
		p++;
		if (*p == '$') {
			sm_buf_putc(out, '$');
			p++;
			continue;
		}
		sm_buf_putc(out, META_MACRO);
		if (*p == '=' || *p == '~' || *p == '&' || *p == '?') {
			sm_buf_putc(out, *p++);
			if (*p == '\0')
				syserr("Name required for macro/class");
		}
		if (*p == '{') {
			const char *e = strchr(p, '}');
			if (e == NULL) {
				syserr("Unbalanced { on %s", p + 1);
				syserr("Unable to assign macro/class ID (mid = 0x%x)", (unsigned)-1);
				sm_buf_puts(out, p);
				p += strlen(p);
			} else if (e == p + 1) {
				syserr("Name required for macro/class");
				p = e + 1;
			} else if (e - p == 2) {
				sm_buf_putc(out, p[1]);
				p = e + 1;
			} else {
				sm_buf_put(out, p, (size_t)(e - p + 1));
				p = e + 1;
			}
		} else if (*p != '\0') {
			sm_buf_putc(out, *p++);
		}
	}
}

void macro_define_operators(void)
{
	static const char letters[] = "*+-=~#@:>?|.[]()&";
	char buf[3];
	for (const char *p = letters; *p; p++) {
		buf[0] = (char)meta_from_letter(*p);
		buf[1] = '\0';
		macro_define((unsigned char)*p, buf);
	}
	buf[0] = (char)META_MATCHREPL;
	buf[2] = '\0';
	for (char c = '0'; c <= '9'; c++) {
		buf[1] = c;
		macro_define((unsigned char)c, buf);
	}
}

char *macro_expand_id(int id)
{
	struct sm_buf b;
	sm_buf_init(&b);
	const char *v = macro_get(id);
	if (v != NULL)
		macro_expand(v, &b);
	return sm_buf_steal(&b);
}
