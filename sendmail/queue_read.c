/*
 * queue_read.c: reading a qf file into an envelope (queue_read).
 *
 * The file is hostile input: every line is bounded (qf_getline), numbers
 * are checked, unknown line letters, a missing sender and a missing final
 * "." line make it invalid (EINVAL, with the reason logged), and no input
 * can overflow a buffer.  Owns nothing beyond the envelope it returns.
 */
#include "queue_int.h"

#include "headers.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static bool get_long(const char *s, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static char *qdup(struct envelope *e, const char *s)
{
	return sm_arena_strdup(e->arena, s);
}

/* The letters of envelope flags ("F" line); unknown ones are kept. */
static void read_flags(struct envelope *e, const char *s)
{
	static const char letters[] = "wr8bdns";
	static const unsigned bits[] = {ENV_WARNING_SENT, ENV_BOUNCE, ENV_8BIT_BODY,
					ENV_DELETE_BCC, ENV_RET_PARAM, ENV_NO_BODY_RETURN, ENV_SPLIT};
	struct sm_buf other;
	sm_buf_init(&other);
	for (; *s != '\0'; s++) {
		const char *p = strchr(letters, *s);
		if (p != NULL)
			e->flags |= bits[p - letters];
		else
			sm_buf_putc(&other, *s);
	}
	if (other.len > 0)
		e->qf_flags = qdup(e, other.data);
	sm_buf_free(&other);
}

static bool read_rcpt(struct envelope *e, const char *s, const char *ctl, char **orcpt,
		      char **final, char **diag)
{
	const char *colon = strchr(s, ':');
	const char *addr = s;
	unsigned flags = 0;
	struct sm_buf other;
	sm_buf_init(&other);
	if (colon != NULL) {
		bool letters = true;
		for (const char *p = s; p < colon; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
				letters = false;
		if (letters) {
			for (const char *p = s; p < colon; p++) {
				static const char known[] = "PNSFDA";
				static const unsigned bits[] = {RCPT_PRIMARY, RCPT_HAS_NOTIFY,
								RCPT_NOTIFY_SUCCESS, RCPT_NOTIFY_FAILURE,
								RCPT_NOTIFY_DELAY, RCPT_ALIAS_DONE};
				const char *k = strchr(known, *p);
				if (k != NULL)
					flags |= bits[k - known];
				else
					sm_buf_putc(&other, *p);
			}
			addr = colon + 1;
		}
	}
	if (*addr == '\0') {
		sm_buf_free(&other);
		return false;
	}
	if ((flags & RCPT_HAS_NOTIFY) &&
	    !(flags & (RCPT_NOTIFY_SUCCESS | RCPT_NOTIFY_FAILURE | RCPT_NOTIFY_DELAY)))
		flags |= RCPT_NOTIFY_NEVER;
	struct recipient *r = envelope_add_rcpt(e, addr, flags | RCPT_QUEUED);
	if (other.len > 0)
		r->qf_flags = qdup(e, other.data);
	sm_buf_free(&other);
	r->ctladdr = ctl != NULL ? qdup(e, ctl) : NULL;
	r->orcpt = *orcpt;
	r->final_rcpt = *final;
	r->diag = *diag;
	*orcpt = *final = *diag = NULL;
	return true;
}

static bool read_header(struct envelope *e, const char *s)
{
	char *cond = NULL;
	if (*s == '?') {
		const char *end = strchr(s + 1, '?');
		if (end == NULL)
			return false;
		if (end > s + 1)
			cond = sm_arena_strndup(e->arena, s + 1, (size_t)(end - s - 1));
		s = end + 1;
	}
	const char *colon = strchr(s, ':');
	if (colon == NULL || colon == s)
		return false;
	for (const char *p = s; p < colon; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	char *name = sm_arena_strndup(e->arena, s, (size_t)(colon - s));
	/* the raw value after the colon, leading blanks kept */
	struct header *h = envelope_add_header(e, name, colon + 1);
	h->cond = cond;
	/*
	 * A Return-Path: with a condition is the configuration's H line, its
	 * value expanded for each mailer ($g); the message's own has none and
	 * is never sent (headers_write).
	 */
	if (cond != NULL && sm_strcasecmp(name, "Return-Path") == 0)
		h->flags |= H_DEFAULT | H_UNEXPANDED;
	return true;
}

static void keep_other(struct envelope *e, const char *line)
{
	char **v = sm_arena_alloc(e->arena, (e->nqf_other + 1) * sizeof *v);
	if (e->nqf_other > 0)
		memcpy(v, e->qf_other, e->nqf_other * sizeof *v);
	v[e->nqf_other++] = qdup(e, line);
	e->qf_other = v;
}

static void read_macro(struct envelope *e, const char *s)
{
	if (*s == '{') {
		const char *end = strchr(s, '}');
		if (end != NULL) {
			char *name = sm_arena_strndup(e->arena, s + 1, (size_t)(end - s - 1));
			envelope_set_macro(e, name, end + 1);
			return;
		}
	}
	char name[2] = {*s, '\0'};
	if (*s != '\0')
		envelope_set_macro(e, name, s + 1);
}

/* Parses the lines of f; NULL on error with the reason in *why. */
static struct envelope *parse(FILE *f, const char **why)
{
	struct envelope *e = envelope_new();
	struct sm_buf b;
	sm_buf_init(&b);
	char *ctl = NULL, *orcpt = NULL, *final = NULL, *diag = NULL;
	bool done = false, have_sender = false;
	long long v;
	int lineno = 0;
	int rc = 0;
	*why = NULL;
	while (*why == NULL && (rc = qf_getline(f, &b)) > 0) {
		lineno++;
		const char *s = b.data + 1;
		if (memchr(b.data, '\0', b.len) != NULL) {
			*why = "NUL byte in line";
			break;
		}
		switch (b.data[0]) {
		case 'V':
			if (lineno != 1 || !get_long(s, 0, 8, &v))
				*why = "bad version line";
			break;
		case 'T':
		case 'K':
			if (!get_long(s, 0, LLONG_MAX, &v))
				*why = "bad time";
			else if (b.data[0] == 'T')
				e->ctime = (time_t)v;
			else
				e->last_try = (time_t)v;
			break;
		case 'N':
			if (!get_long(s, 0, INT_MAX, &v))
				*why = "bad number of tries";
			else
				e->ntries = (int)v;
			break;
		case 'P':
			if (!get_long(s, LONG_MIN, LONG_MAX, &v))
				*why = "bad priority";
			else
				e->priority = (long)v;
			break;
		case 'I':
			break; /* rewritten from the df file */
		case 'M':
			/* before the sender: the message's status; after it: the
			 * status of the recipient that follows */
			if (have_sender)
				diag = qdup(e, s);
			else
				e->status_msg = qdup(e, s);
			break;
		case 'q':
			e->quarantine = qdup(e, s);
			break;
		case 'd':
			e->df_dir = qdup(e, s);
			break;
		case 'B':
			e->body_type = qdup(e, s);
			break;
		case 'F':
			read_flags(e, s);
			/* RET= is kept as these two flags: the SMTP client passes it on */
			if (e->flags & ENV_RET_PARAM)
				e->dsn_ret = (e->flags & ENV_NO_BODY_RETURN) ? 2 : 1;
			break;
		case '$':
			read_macro(e, s);
			break;
		case 'S':
			e->sender = qdup(e, s);
			have_sender = true;
			break;
		case 'Z':
			e->envid = qdup(e, s);
			break;
		case 'A':
			e->auth_param = qdup(e, s);
			break;
		case 'C':
			ctl = *s != '\0' ? qdup(e, s) : NULL;
			break;
		case 'Q':
			orcpt = qdup(e, s);
			break;
		case 'r':
			final = qdup(e, s);
			break;
		case 'R':
			if (!read_rcpt(e, s, ctl, &orcpt, &final, &diag))
				*why = "empty recipient";
			break;
		case 'H':
			/* counted as 8.17 counts it: the raw line less "H??" */
			e->qf_hdr_size += (long)b.len - 3;
			if (!read_header(e, s))
				*why = "bad header line";
			break;
		case '!':
		case 'E':
		case 'G':
		case 'j':
			keep_other(e, b.data);
			break;
		case '.':
			if (b.len == 1)
				done = true;
			else
				*why = "bad line";
			break;
		default:
			*why = "bad line";
			break;
		}
		if (done)
			break;
	}
	if (*why == NULL && rc < 0)
		*why = errno == EFBIG ? "line too long" : "read error";
	else if (*why == NULL && !done)
		*why = "incomplete queue file";
	else if (*why == NULL && !have_sender)
		*why = "no sender";
	sm_buf_free(&b);
	if (*why != NULL) {
		envelope_free(e);
		return NULL;
	}
	return e;
}

/*
 * A qf file root did not write: the daemon's SMTP sessions run without
 * root and write their queue files as their own user, and root delivers
 * them.  What such a file says can only be what an SMTP client can ask
 * for, so nothing in it may claim more: every recipient is one the
 * sender gave (so "|program" and "/file" are refused as for any client,
 * and aliases are expanded by root), none runs as a controlling user,
 * and the data file is the queue's own (no "d" directory elsewhere).  A
 * session that was taken over therefore gains nothing from writing the
 * queue.  Once root has rewritten the file after an attempt, it is
 * root's and trusted again.
 */
static void distrust(struct envelope *e)
{
	e->flags |= ENV_UNTRUSTED;
	e->df_dir = NULL;
	for (struct recipient *r = e->rcpts; r != NULL; r = r->next) {
		r->flags |= RCPT_PRIMARY;
		r->flags &= ~RCPT_ALIAS_DONE;
		r->ctladdr = NULL;
		r->owner = NULL;
	}
}

struct envelope *queue_read(const char *qf_path, int *err)
{
	const char *base = strrchr(qf_path, '/');
	base = base == NULL ? qf_path : base + 1;
	if (strlen(base) < 3 || base[1] != 'f' || !queue_id_valid(base + 2)) {
		*err = EINVAL;
		return NULL;
	}
	int fd = open(qf_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*err = fd < 0 ? errno : EINVAL;
		if (fd >= 0)
			(void)close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
	if (f == NULL) {
		*err = errno;
		(void)close(fd);
		return NULL;
	}
	const char *why;
	struct envelope *e = parse(f, &why);
	(void)fclose(f);
	if (e == NULL) {
		queue_log(LOG_ERR, "%s: %s: %s", base + 2, qf_path, why);
		*err = EINVAL;
		return NULL;
	}
	sm_strlcpy(e->id, base + 2, sizeof e->id);
	char *dir = base == qf_path ? sm_strdup(".") :
		sm_strndup(qf_path, (size_t)(base - 1 - qf_path));
	const char *db = strrchr(dir, '/');
	db = db == NULL ? dir : db + 1;
	if (strcmp(db, "qf") == 0) {
		if (db == dir)
			strcpy(dir, ".");
		else if (db - 1 == dir)
			dir[1] = '\0';
		else
			dir[db - 1 - dir] = '\0';
	}
	e->queue_dir = qdup(e, dir);
	sm_free(dir);
	e->flags |= ENV_HAS_DF | ENV_QF_READ;
	if (geteuid() == 0 && st.st_uid != 0)
		distrust(e);
	*err = 0;
	return e;
}
