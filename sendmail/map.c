/*
 * map.c: the map registry, K line parsing and the generic lookup path.
 *
 * Owns every struct map (declared by K lines or built in) and the table of
 * map classes.  Classes live in map_*.c and register themselves through
 * map_classes_init().
 */
#include "map.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rewrite.h"
#include "timeconv.h"
#include "token.h"

static struct sm_hash Maps;     /* name -> struct map */
static struct map **MapList;    /* declaration order */
static size_t NMaps, CapMaps;
static struct sm_hash Classes;  /* name -> struct map_class */

void map_register_class(const struct map_class *mc)
{
	if (Classes.nslots == 0)
		sm_hash_init(&Classes, true);
	sm_hash_put(&Classes, mc->name, (void *)mc);
}

const struct map_class *map_class_find(const char *name)
{
	return Classes.nslots ? sm_hash_get(&Classes, name) : NULL;
}

struct map *map_find(const char *name)
{
	return Maps.nslots ? sm_hash_get(&Maps, name) : NULL;
}

void map_foreach(void (*fn)(struct map *m, void *arg), void *arg)
{
	for (size_t i = 0; i < NMaps; i++)
		fn(MapList[i], arg);
}

static void map_free(struct map *m)
{
	if (m->cls != NULL && m->cls->close != NULL &&
	    (((m->flags & MF_OPEN) && !(m->flags & MF_OPENBOGUS)) ||
	     (m->cls->cflags & MCF_PARSEPRIV)))
		m->cls->close(m);
	sm_free(m->name);
	sm_free(m->file);
	sm_free(m->domain);
	sm_free(m->rebuild);
	sm_free(m->app);
	sm_free(m->tapp);
	sm_free(m->keycol);
	sm_free(m->valcol);
	sm_free(m->coldelim);
	sm_free(m->mopts);
	sm_free(m);
}

static struct map *map_enter(const char *name)
{
	if (Maps.nslots == 0)
		sm_hash_init(&Maps, false);
	struct map *m = sm_hash_get(&Maps, name);
	if (m != NULL) {
		/*
		 * A redefinition reads its flags into the same map, as sendmail
		 * does: flags and texts of the earlier K line stay unless the
		 * new one gives them again.  What the old class built goes.
		 */
		if (m->cls != NULL && m->cls->close != NULL &&
		    (((m->flags & MF_OPEN) && !(m->flags & MF_OPENBOGUS)) ||
		     (m->cls->cflags & MCF_PARSEPRIV)))
			m->cls->close(m);
		m->priv = NULL;
		m->nstack = 0;
		m->flags &= ~(MF_OPEN | MF_OPENBOGUS | MF_VALID);
		return m;
	}
	m = sm_calloc(1, sizeof *m);
	m->name = sm_strdup(name);
	m->spacesub = SpaceSub;
	m->coldelim_char = -1;
	sm_hash_put(&Maps, name, m);
	if (NMaps == CapMaps) {
		CapMaps = CapMaps ? CapMaps * 2 : 32;
		MapList = sm_realloc(MapList, CapMaps * sizeof *MapList);
	}
	MapList[NMaps++] = m;
	return m;
}

void map_declare(char *line)
{
	char *p = line;
	while (sm_isspace((unsigned char)*p))
		p++;
	char *name = p;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
		p++;
	if (p == name) {
		syserr("readcf: config K line: no map name");
		return;
	}
	if (*p != '\0') {
		if (!sm_isspace((unsigned char)*p)) {
			syserr("readcf: config K line, map %.*s: no map class", (int)(p - name), name);
			return;
		}
		*p++ = '\0';
	}
	while (sm_isspace((unsigned char)*p))
		p++;
	if (!isalnum((unsigned char)*p)) {
		syserr("readcf: config K line, map %s: no map class", name);
		return;
	}
	char *cname = p;
	while (*p != '\0' && !sm_isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	const struct map_class *mc = map_class_find(cname);
	if (mc == NULL) {
		syserr("readcf: map %s: class %s not available", name, cname);
		return;
	}
	struct map *m = map_enter(name);
	m->cls = mc;
	if (mc->parse(m, p))
		m->flags |= MF_VALID;
}

bool map_open(struct map *m)
{
	if (m->flags & MF_OPEN)
		return true;
	if (!(m->flags & MF_VALID))
		return false;
	if (m->cls->open == NULL || m->cls->open(m, 0)) {
		m->flags |= MF_OPEN;
		return true;
	}
	if (!(m->flags & MF_OPTIONAL)) {
		/* answer tempfail from now on */
		m->flags |= MF_OPEN | MF_OPENBOGUS;
		return true;
	}
	m->flags &= ~MF_VALID;
	return false;
}

void map_fold_key(const struct map *m, const char *key, char *buf, size_t size)
{
	sm_strlcpy(buf, key, size);
	if (!(m->flags & MF_NOFOLDCASE))
		sm_lowercase(buf);
}

void strip_quotes(char *s)
{
	char *q = s;
	for (char *p = s; *p; p++) {
		if (*p == '\\') {
			if (*++p == '\0')
				break;
		} else if (*p == '"') {
			continue;
		}
		*q++ = *p;
	}
	*q = '\0';
}

/*
 * The flags every class shares, then the file name, then (kept as text)
 * whatever follows it.
 */
bool map_parse_args(struct map *m, char *p)
{
	m->flags |= MF_TRY0NULL | MF_TRY1NULL;
	for (;;) {
		while (sm_isspace((unsigned char)*p))
			p++;
		if (*p != '-')
			break;
		p++;
		switch (*p) {
		case 'A': m->flags |= MF_APPEND; break;
		case 'a': sm_free(m->app); m->app = sm_strndup(p + 1, strcspn(p + 1, " \t\n")); break;
		case 'D': m->flags |= MF_DEFER; break;
		case 'd':
			m->timeout = (int)time_convert(p + 1, strcspn(p + 1, " \t\n"), 's');
			break;
		case 'f': m->flags |= MF_NOFOLDCASE; break;
		case 'k':
			while (sm_isspace((unsigned char)*++p))
				;
			sm_free(m->keycol);
			m->keycol = sm_strndup(p, strcspn(p, " \t\n"));
			break;
		case 'm': m->flags |= MF_MATCHONLY; break;
		case 'N': m->flags |= MF_INCLNULL; m->flags &= ~MF_TRY0NULL; break;
		case 'O': m->flags &= ~MF_TRY1NULL; break;
		case 'o': m->flags |= MF_OPTIONAL; break;
		case 'q': m->flags |= MF_KEEPQUOTES; break;
		case 'r': m->retry = atoi(p + 1); break;
		case 'S': m->spacesub = (unsigned char)p[1]; break;
		case 'T': sm_free(m->tapp); m->tapp = sm_strndup(p + 1, strcspn(p + 1, " \t\n")); break;
		case 't': m->flags |= MF_NODEFER; break;
		case 'v':
			while (sm_isspace((unsigned char)*++p))
				;
			sm_free(m->valcol);
			m->valcol = sm_strndup(p, strcspn(p, " \t\n"));
			break;
		case 'z':
			if (p[1] != '\\') {
				m->coldelim_char = (unsigned char)p[1];
			} else {
				switch (p[2]) {
				case 'n': m->coldelim_char = '\n'; break;
				case 't': m->coldelim_char = '\t'; break;
				default: m->coldelim_char = '\\'; break;
				}
			}
			break;
		case '1': m->flags |= MF_SINGLEMATCH; break;
		case '2': m->flags |= MF_SINGLEDN; break;
		default:
			syserr("Illegal option %c map %s", *p, m->name);
			break;
		}
		while (*p != '\0' && !sm_isspace((unsigned char)*p))
			p++;
	}
	if (*p != '\0') {
		char *f = p;
		while (*p != '\0' && !sm_isspace((unsigned char)*p))
			p++;
		sm_free(m->file);
		m->file = sm_strndup(f, (size_t)(p - f));
		while (sm_isspace((unsigned char)*p))
			p++;
		if (*p != '\0') {
			sm_free(m->rebuild);
			m->rebuild = sm_strdup(p);
		}
	}
	if (m->file == NULL && !(m->cls->cflags & MCF_OPTFILE)) {
		syserr("No file name for %s map %s", m->cls->name, m->name);
		return false;
	}
	return true;
}

char *map_lookup_value(struct map *m, const char *key, char **args, int *stat)
{
	*stat = EX_OK_;
	if (!(m->flags & MF_OPEN) && !map_open(m))
		return NULL;
	if (m->flags & MF_OPENBOGUS) {
		*stat = EX_TEMPFAIL_;
		return NULL;
	}
	if (RewriteDeferMode && (m->flags & MF_DEFER)) {
		*stat = EX_TEMPFAIL_;
		return NULL;
	}
	char buf[MAXLINE];
	sm_strlcpy(buf, key, sizeof buf);
	if (!(m->flags & MF_KEEPQUOTES))
		strip_quotes(buf);
	char *v = m->cls->lookup(m, buf, args, stat);
	if (v == NULL)
		return NULL;
	return sm_strdup(v);
}

char *map_rewrite(struct map *m, const char *s, size_t slen, char **av)
{
	static struct sm_buf out;
	sm_buf_reset(&out);
	sm_buf_reserve(&out, slen + 1);
	for (size_t i = 0; i < slen && s[i] != '\0'; i++) {
		int c = (unsigned char)s[i];
		if (c != '%' || av == NULL) {
			sm_buf_putc(&out, c);
			continue;
		}
		if (i + 1 >= slen || s[i + 1] == '\0') {
			sm_buf_putc(&out, '%');
			continue;
		}
		c = (unsigned char)s[++i];
		if (c == '%') {
			sm_buf_putc(&out, '%');
			continue;
		}
		if (!isdigit(c)) {
			sm_buf_putc(&out, '%');
			sm_buf_putc(&out, c);
			continue;
		}
		char **ap = av;
		for (int n = c - '0'; n > 0 && *ap != NULL; n--)
			ap++;
		if (*ap != NULL)
			sm_buf_puts(&out, *ap);
	}
	if (m->app != NULL)
		sm_buf_puts(&out, m->app);
	if (out.data == NULL)
		sm_buf_puts(&out, "");
	return out.data;
}

void maps_close_all(void)
{
	for (size_t i = 0; i < NMaps; i++) {
		struct map *m = MapList[i];
		if ((m->flags & MF_OPEN) && !(m->flags & MF_OPENBOGUS) && m->cls->close != NULL)
			m->cls->close(m);
		m->flags &= ~(MF_OPEN | MF_OPENBOGUS);
	}
}

void maps_free_all(void)
{
	for (size_t i = 0; i < NMaps; i++)
		map_free(MapList[i]);
	sm_free(MapList);
	MapList = NULL;
	NMaps = CapMaps = 0;
	sm_hash_free(&Maps, NULL);
}
