/*
 * ml_msg.c: reading the message into the mbox entry that gets appended.
 *
 * Owns the entry's format, as Debian's 8.17 mail.local writes it: the
 * "From sender ctime-date" line, the message's headers with any
 * Content-Length header line left out, a
 * "Content-Length: N" header giving the body's size, the blank line, the
 * body (a missing last newline added; CRLF line ends become LF), and a
 * blank line after it.  Body lines starting with "From " get a ">" in
 * front: Debian's build relies on the Content-Length header alone, but
 * most mbox readers split at "From " lines and ignore it, so an unquoted
 * one would cut the message in two.  Content-Length counts the body as
 * written.  The entry lives in an unlinked temporary file so that every
 * recipient gets the same bytes.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ml.h"
#include "sm.h"

static const char *default_from(void)
{
	struct passwd *pw = getpwuid(getuid());
	return pw != NULL && pw->pw_name != NULL ? pw->pw_name : "???";
}

static bool is_clen(const char *line)
{
	return sm_strncasecmp(line, "Content-Length:", 15) == 0;
}

struct reader {
	FILE *in;
	bool lmtp;
	bool done;
	bool done_by_dot;
	char *line;
	size_t cap;
};

/* The next line without its end (LF, or CRLF in LMTP); -1 at the end. */
static ssize_t next_line(struct reader *r, bool *had_nl)
{
	if (r->done)
		return -1;
	ssize_t n = getline(&r->line, &r->cap, r->in);
	if (n < 0) {
		r->done = true;
		return -1;
	}
	*had_nl = n > 0 && r->line[n - 1] == '\n';
	if (*had_nl)
		r->line[--n] = '\0';
	if (*had_nl && n > 0 && r->line[n - 1] == '\r')
		r->line[--n] = '\0';
	if (r->lmtp) {
		if (n == 1 && r->line[0] == '.') {
			r->done = r->done_by_dot = true;
			return -1;
		}
		if (r->line[0] == '.') {
			memmove(r->line, r->line + 1, (size_t)n);
			n--;
		}
	}
	return n;
}

FILE *ml_read_message(FILE *in, const char *from, bool lmtp, struct ml_status *st)
{
	struct reader r = { .in = in, .lmtp = lmtp };
	struct sm_buf hdr;
	sm_buf_init(&hdr);
	FILE *body = tmpfile();
	FILE *out = tmpfile();
	if (body == NULL || out == NULL) {
		ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "Unable to open temporary file");
		goto fail;
	}
	bool inhdr = true, had_nl = true, sawline = false;
	long long blen = 0;
	ssize_t n;
	while ((n = next_line(&r, &had_nl)) >= 0) {
		sawline = true;
		if (inhdr) {
			if (n == 0) {
				inhdr = false;
				continue;
			}
			if (!is_clen(r.line)) {
				sm_buf_put(&hdr, r.line, (size_t)n);
				sm_buf_putc(&hdr, '\n');
			}
			continue;
		}
		if (strncmp(r.line, "From ", 5) == 0) {
			if (putc('>', body) == EOF) {
				ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "Temporary file write error");
				goto fail;
			}
			blen++;
		}
		if (fwrite(r.line, 1, (size_t)n, body) != (size_t)n || putc('\n', body) == EOF) {
			ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "Temporary file write error");
			goto fail;
		}
		blen += n + 1;
	}
	if (lmtp && !r.done_by_dot) {
		ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "EOF in DATA");
		st->eof = true;
		goto fail;
	}
	if (ferror(in)) {
		ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "Temporary file read error: %s",
			strerror(errno));
		goto fail;
	}
	time_t now = time(NULL);
	const char *date = ctime(&now);
	if (from == NULL)
		from = default_from();
	fprintf(out, "From %s %s", from, date != NULL ? date : "?\n");
	/* As 8.17 does: a message that never ends its headers gets no
	 * separating blank line at the end, and an empty one a blank line
	 * before the Content-Length header. */
	if (!sawline)
		putc('\n', out);
	if (hdr.len > 0 && fwrite(hdr.data, 1, hdr.len, out) != hdr.len) {
		ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "Temporary file write error");
		goto fail;
	}
	fprintf(out, "Content-Length: %lld\n\n", blen);
	if (fflush(body) != 0 || fseek(body, 0, SEEK_SET) != 0) {
		ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "Temporary file flush error");
		goto fail;
	}
	char buf[8192];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, body)) > 0)
		if (fwrite(buf, 1, got, out) != got)
			break;
	if (!inhdr)
		putc('\n', out);
	if (ferror(body) || fflush(out) != 0 || ferror(out)) {
		ml_fail(st, EX_TEMPFAIL_, "451 4.3.0", "Temporary file write error");
		goto fail;
	}
	fclose(body);
	sm_buf_free(&hdr);
	free(r.line);
	return out;
fail:
	if (body != NULL)
		fclose(body);
	if (out != NULL)
		fclose(out);
	sm_buf_free(&hdr);
	free(r.line);
	return NULL;
}
