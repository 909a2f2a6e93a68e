/*
 * deliver_text.c: the text a mailer gets for a message (see
 * deliver_int.h): the UNIX From line (not over SMTP), the headers as
 * headers_write writes them, the empty line and the body, walked as MIME
 * (mime8to7.c: 8-bit parts converted for a 7-bit mailer, multiparts
 * repaired as 8.17 does, EightBitMode mime's labels for undeclared 8-bit
 * data) and then put through the mailer's line rules (mailer_lines.c):
 * E= line ends, F=E ">From ", F=X doubled dots, F=7 stripped eighth bits,
 * L= line limit.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deliver_int.h"
#include "headers.h"
#include "macro.h"
#include "mailer.h"
#include "mailer_lines.h"
#include "mime8to7.h"
#include "options.h"
#include "sm.h"

/* Reads the whole body file into b. */
static int read_body(int body_fd, struct sm_buf *b)
{
	if (lseek(body_fd, 0, SEEK_SET) < 0)
		return errno;
	return sm_buf_read_fd(b, body_fd);
}

/*
 * The MIME walk of a message for mailer m (mime8to7.c): conversion to 7 bits
 * when to7bit and EightBitMode allows it (pass8 converts only a message
 * that declares itself MIME or 8BITMIME); false when it goes as it is.
 */
static bool mime_walk(const struct envelope *e, bool to7bit, bool has8, struct sm_buf *hdr,
		      struct sm_buf *body, struct sm_buf *spans)
{
	const char *ebm = opt_value(OPT_EightBitMode);
	char mode = ebm != NULL && *ebm != '\0' ? (char)sm_lower((unsigned char)*ebm) : 'p';
	bool mime_version = envelope_find_header((struct envelope *)e, "MIME-Version") != NULL;
	bool declared = mime_version ||
			(e->body_type != NULL && sm_strcasecmp(e->body_type, "8BITMIME") == 0);
	const char *cs = opt_value(OPT_DefaultCharSet);
	char *j = macro_expand_id('j');
	struct mime8to7_opts mo = {
		.convert = to7bit && has8 && (mode != 'p' || declared),
		.j = j,
		.qid = e->id,
		.charset = cs != NULL && *cs != '\0' ? cs : "unknown-8bit",
		.hdr_spans = spans,
	};
	/* EightBitMode mime labels undeclared 8-bit data it sends as it is */
	if (!mo.convert && mode == 'm' && has8 && !mime_version) {
		sm_buf_puts(hdr, "MIME-Version: 1.0\n");
		if (envelope_find_header((struct envelope *)e, "Content-Type") == NULL)
			sm_buf_printf(hdr, "Content-Type: text/plain; charset=%s\n", mo.charset);
		if (envelope_find_header((struct envelope *)e, "Content-Transfer-Encoding") == NULL)
			sm_buf_puts(hdr, "Content-Transfer-Encoding: 8bit\n");
	}
	struct sm_buf nh, nb;
	sm_buf_init(&nh);
	sm_buf_init(&nb);
	bool walked = mime8to7(hdr->data != NULL ? hdr->data : "", hdr->len,
			       body->data != NULL ? body->data : "", body->len, &mo, &nh, &nb);
	sm_free(j);
	if (!walked) {
		sm_buf_free(&nh);
		sm_buf_free(&nb);
		return false;
	}
	sm_buf_free(hdr);
	sm_buf_free(body);
	*hdr = nh;
	*body = nb;
	return true;
}

/*
 * The lines of text (LF line ends, the last one's optional) written for the
 * mailer: as body lines when body, except those within the (start, end)
 * pairs of spans (the header lines of MIME parts), which 8.17 writes as
 * header lines.
 */
static void put_lines(const struct mailer_lines *w, const struct sm_buf *text, bool body,
		      const struct sm_buf *spans)
{
	const char *base = text->data != NULL ? text->data : "", *p = base, *end = p + text->len;
	const size_t *sp = spans != NULL ? (const size_t *)(const void *)spans->data : NULL;
	size_t nsp = sp != NULL ? spans->len / (2 * sizeof *sp) : 0, k = 0;
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = lf != NULL ? (size_t)(lf - p) : (size_t)(end - p);
		size_t off = (size_t)(p - base);
		while (k < nsp && sp[2 * k + 1] <= off)
			k++;
		bool in_header = k < nsp && sp[2 * k] <= off;
		mailer_lines_put(w, p, n, body && !in_header);
		p = lf != NULL ? lf + 1 : end;
	}
}

/* Builds the text a mailer gets: headers, empty line, body with the mailer's rules. */
int deliver_message_text(const struct envelope *e, const struct mailer *m, int body_fd,
			 bool to7bit, struct sm_buf *out, bool *has8)
{
	bool ipc = m->path != NULL && m->path[0] == '[' && strcmp(m->path, "[FILE]") != 0;
	struct mailer_lines w;
	mailer_lines_init(&w, m, out);
	if (!mailer_has_flag(m, 'n') && !ipc) {
		/* the UNIX From line (UnixFromLine, "From $g $d"), never over SMTP */
		char date[32];
		struct tm tm;
		time_t now = time(NULL);
		if (localtime_r(&now, &tm) == NULL ||
		    strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &tm) == 0)
			date[0] = '\0';
		macro_set_value(&GlobalMacros, 'd', date);
		const char *ufl = opt_value(OPT_UnixFromLine);
		struct sm_buf tr;
		sm_buf_init(&tr);
		macro_translate(ufl != NULL && *ufl != '\0' ? ufl : "From $g $d", &tr);
		struct sm_buf line;
		sm_buf_init(&line);
		macro_expand(tr.data != NULL ? tr.data : "", &line);
		mailer_lines_put(&w, line.data != NULL ? line.data : "", line.len, false);
		sm_buf_free(&line);
		sm_buf_free(&tr);
	}
	struct sm_buf hdr, body;
	sm_buf_init(&hdr);
	sm_buf_init(&body);
	headers_write(e, m, &hdr);
	int err = read_body(body_fd, &body);
	if (err != 0) {
		sm_buf_free(&hdr);
		sm_buf_free(&body);
		return err;
	}
	bool eight = mime8to7_has8(body.data != NULL ? body.data : "", body.len);
	if (has8 != NULL)
		*has8 = eight;
	struct sm_buf spans;
	sm_buf_init(&spans);
	(void)mime_walk(e, to7bit, eight, &hdr, &body, &spans);
	/* every line through the mailer's line rules, the body's with F=X and F=E */
	put_lines(&w, &hdr, false, NULL);
	sm_buf_free(&hdr);
	sm_buf_puts(out, w.eol);
	put_lines(&w, &body, true, &spans);
	sm_buf_free(&body);
	sm_buf_free(&spans);
	return 0;
}
