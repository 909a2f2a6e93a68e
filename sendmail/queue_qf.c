/*
 * queue_qf.c: the text of a queue control (qf) file: writing an envelope
 * as sendmail 8.17 does (version 8) and reading one back.
 *
 * The reader treats the file as hostile: a logical line (with its
 * continuation lines) longer than QF_MAX_LINE, an unknown line letter, a
 * bad number, a missing sender or a missing final "." line make the file
 * invalid (EINVAL), and nothing in it can make us crash or overflow.
 * Lines sendmail writes that we have no field for ("!", "E" ...) are kept
 * verbatim and written back.  Owns nothing beyond the envelopes it returns.
 */
#include "queue_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

int qf_getline(FILE *f, struct sm_buf *b)
{
	sm_buf_reset(b);
	sm_buf_reserve(b, 1); /* b->data is never NULL, even for an empty line */
	bool any = false, toolong = false;
	int c;
	for (;;) {
		c = getc_unlocked(f);
		if (c == EOF)
			break;
		any = true;
		if (c == '\n') {
			int next = getc_unlocked(f);
			if (next != ' ' && next != '\t') {
				if (next != EOF)
					(void)ungetc(next, f);
				break;
			}
			c = '\n';
			if (b->len < QF_MAX_LINE)
				sm_buf_putc(b, c);
			else
				toolong = true;
			c = next;
		}
		if (b->len < QF_MAX_LINE)
			sm_buf_putc(b, c);
		else
			toolong = true;
	}
	if (ferror(f))
		return -1;
	if (toolong) {
		errno = EFBIG;
		return -1;
	}
	return any ? 1 : 0;
}

/* Writes s with line breaks that are not continuations made harmless. */
static void put_text(FILE *f, const char *s, bool folding)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r') {
			if (folding && *s == '\n') {
				putc_unlocked('\n', f);
				if (s[1] != ' ' && s[1] != '\t')
					putc_unlocked('\t', f);
			} else if (*s == '\n' || !folding) {
				putc_unlocked(' ', f);
			}
			continue;
		}
		putc_unlocked(*s, f);
	}
}

static void put_line(FILE *f, char letter, const char *s)
{
	putc_unlocked(letter, f);
	put_text(f, s, false);
	putc_unlocked('\n', f);
}

static const struct {
	unsigned bit;
	char letter;
} EnvFlags[] = {
	{ENV_WARNING_SENT, 'w'}, {ENV_BOUNCE, 'r'}, {ENV_8BIT_BODY, '8'},
	{ENV_DELETE_BCC, 'b'}, {ENV_RET_PARAM, 'd'}, {ENV_NO_BODY_RETURN, 'n'},
	{ENV_SPLIT, 's'},
};

static const struct {
	unsigned bit;
	char letter;
} RcptFlags[] = {
	{RCPT_PRIMARY, 'P'}, {RCPT_HAS_NOTIFY, 'N'}, {RCPT_NOTIFY_SUCCESS, 'S'},
	{RCPT_NOTIFY_FAILURE, 'F'}, {RCPT_NOTIFY_DELAY, 'D'}, {RCPT_ALIAS_DONE, 'A'},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void qf_write(FILE *f, const struct envelope *e, bool with_inode, const struct stat *df_st)
{
	fprintf(f, "V8\nT%lld\nK%lld\nN%d\nP%ld\n", (long long)e->ctime,
		(long long)e->last_try, e->ntries, e->priority);
	if (with_inode && df_st != NULL)
		fprintf(f, "I%u/%u/%llu\n", major(df_st->st_dev), minor(df_st->st_dev),
			(unsigned long long)df_st->st_ino);
	/* 8.17's order: the body type, the quarantine reason, then the status */
	if (e->df_dir != NULL)
		put_line(f, 'd', e->df_dir);
	if (e->body_type != NULL)
		put_line(f, 'B', e->body_type);
	if (e->quarantine != NULL)
		put_line(f, 'q', e->quarantine);
	if (e->status_msg != NULL)
		put_line(f, 'M', e->status_msg);
	char fl[64];
	size_t n = 0;
	for (size_t i = 0; i < NELEM(EnvFlags); i++)
		if (e->flags & EnvFlags[i].bit)
			fl[n++] = EnvFlags[i].letter;
	fl[n] = '\0';
	if (n > 0 || (e->qf_flags != NULL && *e->qf_flags != '\0')) {
		fprintf(f, "F%s", fl);
		put_text(f, e->qf_flags != NULL ? e->qf_flags : "", false);
		putc_unlocked('\n', f);
	}
	for (size_t i = 0; i < e->nmacros; i++) {
		const char *name = e->macros[2 * i], *value = e->macros[2 * i + 1];
		if (strlen(name) == 1 || name[0] == '{')
			fprintf(f, "$%s", name);
		else
			fprintf(f, "${%s}", name);
		put_text(f, value != NULL ? value : "", false);
		putc_unlocked('\n', f);
	}
	put_line(f, 'S', e->sender != NULL ? e->sender : "");
	if (e->envid != NULL)
		put_line(f, 'Z', e->envid);
	if (e->auth_param != NULL)
		put_line(f, 'A', e->auth_param);
	for (size_t i = 0; i < e->nqf_other; i++)
		put_line(f, e->qf_other[i][0], e->qf_other[i] + 1);
	const char *ctl = NULL;
	for (const struct recipient *r = e->rcpts; r != NULL; r = r->next) {
		if (r->flags & RCPT_DONE)
			continue;
		/* the recipient's status (mailq -v shows it under the address)
		 * comes first, then its controlling user, ORCPT, final recipient */
		if (r->diag != NULL && *r->diag != '\0')
			put_line(f, 'M', r->diag);
		if (r->ctladdr != NULL ? (ctl == NULL || strcmp(ctl, r->ctladdr) != 0) : ctl != NULL) {
			put_line(f, 'C', r->ctladdr != NULL ? r->ctladdr : "");
			ctl = r->ctladdr;
		}
		if (r->orcpt != NULL)
			put_line(f, 'Q', r->orcpt);
		if (r->final_rcpt != NULL)
			put_line(f, 'r', r->final_rcpt);
		putc_unlocked('R', f);
		for (size_t i = 0; i < NELEM(RcptFlags); i++)
			if (r->flags & RcptFlags[i].bit)
				putc_unlocked(RcptFlags[i].letter, f);
		if (r->qf_flags != NULL)
			put_text(f, r->qf_flags, false);
		putc_unlocked(':', f);
		put_text(f, r->address, false);
		putc_unlocked('\n', f);
	}
	for (const struct header *h = e->headers; h != NULL; h = h->next) {
		fprintf(f, "H?%s?", h->cond != NULL ? h->cond : "");
		put_text(f, h->name, false);
		/* the raw value: "Name:" and the text after the colon as given */
		putc_unlocked(':', f);
		put_text(f, h->value != NULL ? h->value : "", true);
		putc_unlocked('\n', f);
	}
	fputs(".\n", f);
}
