/*
 * collect.c: reads a submitted message (see collect.h): from standard
 * input (collect), or from the SMTP server's DATA lines (collect_from).
 *
 * Owns the reading rules of a message: the
 * "From " line, header lines and their continuations, the end of the
 * headers, the "." rules without -i, CRLF to LF, 8-bit detection (and
 * EightBitMode strict's refusal of undeclared 8-bit data) and the
 * size limits (MaxHeadersLength, MaxMessageSize: a body over it is counted
 * but no longer stored).  Headers go into the
 * envelope with the raw text after the colon (leading blanks kept, as
 * sendmail 8.17 keeps them); the body goes to a temporary file: in memory
 * up to COLLECT_MEM_MAX, then an unlinked file in the given directory.
 */
#include "collect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "options.h"
#include "sm.h"

bool collect_strict_refuses(const struct envelope *e, bool eight)
{
	const char *ebm = opt_value(OPT_EightBitMode);
	if (!eight || ebm == NULL || sm_lower((unsigned char)*ebm) != 's')
		return false;
	if (e->body_type != NULL && sm_strcasecmp(e->body_type, "8BITMIME") == 0)
		return false;
	return envelope_find_header((struct envelope *)e, "MIME-Version") == NULL;
}

bool collect_is_header(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && line[i] != ':') {
		unsigned char c = (unsigned char)line[i];
		if (c <= ' ' || c >= 127)
			break;
		i++;
	}
	/* "Name :" is a header too */
	size_t j = i;
	while (j < len && (line[j] == ' ' || line[j] == '\t'))
		j++;
	return i > 0 && j < len && line[j] == ':';
}

/* Reads one line without its end into b; false at end of input. */
static bool read_line(FILE *in, struct sm_buf *b, bool *had_nl)
{
	sm_buf_reset(b);
	int c;
	*had_nl = false;
	while ((c = getc(in)) != EOF) {
		if (c == '\n') {
			*had_nl = true;
			break;
		}
		sm_buf_putc(b, c);
	}
	if (c == EOF && b->len == 0)
		return false;
	if (b->len > 0 && b->data[b->len - 1] == '\r') {
		b->data[--b->len] = '\0';
	}
	return true;
}

/*
 * The body's temporary file starts in memory (memfd_create): most
 * messages are small, and a file created and unlinked in the queue
 * directory for each of them cost an inode allocation and release there
 * (a tenth of the kernel time of accepting a message).  A body that
 * grows over COLLECT_MEM_MAX moves to an unlinked file in tmpdir.
 */
#define COLLECT_MEM_MAX (1024 * 1024)

struct body_out {
	int fd;
	bool in_memory;     /* fd is a memfd, moved to a file past COLLECT_MEM_MAX */
	const char *tmpdir;
	long long written;  /* bytes in fd */
	char buf[16384];
	size_t n;
	int err;
};

/* An unlinked temporary file in tmpdir (or /tmp); -errno on failure. */
static int temp_file(const char *tmpdir)
{
	char *path = sm_asprintf("%s/smcollXXXXXX", tmpdir != NULL ? tmpdir : "/tmp");
	int fd = mkstemp(path);
	int err = errno;
	if (fd >= 0)
		(void)unlink(path);
	sm_free(path);
	return fd >= 0 ? fd : -err;
}

/* The body so far moves from memory to a file in tmpdir. */
static int body_to_file(struct body_out *o)
{
	int fd = temp_file(o->tmpdir);
	if (fd < 0)
		return -fd;
	char b[65536];
	ssize_t r;
	if (lseek(o->fd, 0, SEEK_SET) < 0) {
		int err = errno;
		(void)close(fd);
		return err;
	}
	while ((r = read(o->fd, b, sizeof b)) > 0) {
		int err = sm_write_all(fd, b, (size_t)r);
		if (err != 0) {
			(void)close(fd);
			return err;
		}
	}
	if (r < 0) {
		int err = errno;
		(void)close(fd);
		return err;
	}
	(void)close(o->fd);
	o->fd = fd;
	o->in_memory = false;
	return 0;
}

static int body_write(struct body_out *o, const char *p, size_t n)
{
	if (o->in_memory && o->written + (long long)n > COLLECT_MEM_MAX) {
		int err = body_to_file(o);
		if (err != 0)
			return err;
	}
	o->written += (long long)n;
	return sm_write_all(o->fd, p, n);
}

static void body_put(struct body_out *o, const char *p, size_t n)
{
	/* nothing to add (p may be NULL then: memcpy must not see it) */
	if (o->err != 0 || n == 0)
		return;
	if (o->n + n > sizeof o->buf) {
		o->err = body_write(o, o->buf, o->n);
		o->n = 0;
		if (o->err != 0)
			return;
		if (n > sizeof o->buf) {
			o->err = body_write(o, p, n);
			return;
		}
	}
	memcpy(o->buf + o->n, p, n);
	o->n += n;
}

static void add_header_line(struct envelope *e, const char *text, size_t len)
{
	const char *colon = memchr(text, ':', len);
	size_t nlen = (size_t)(colon - text);
	while (nlen > 0 && (text[nlen - 1] == ' ' || text[nlen - 1] == '\t'))
		nlen--;
	char *name = sm_strndup(text, nlen);
	/* the raw text after the colon, blanks included, as 8.17 keeps it */
	const char *v = colon + 1;
	char *value = sm_strndup(v, len - (size_t)(v - text));
	envelope_add_header(e, name, value);
	sm_free(name);
	sm_free(value);
}

/*
 * A line source for the reader: the next line without its end into b, or
 * a piece of a long line (partial: more of the same line follows); false
 * at the end.
 */
struct line_source {
	bool (*next)(void *arg, struct sm_buf *b, bool *partial);
	void *arg;
	bool partial; /* the line src_next() returned last goes on */
	/* one line read ahead (continuation lines are known by the next line) */
	bool have_ahead;
	bool ahead_ok;
	bool ahead_partial;
	struct sm_buf ahead;
};

static bool src_next(struct line_source *src, struct sm_buf *b)
{
	if (src->have_ahead) {
		src->have_ahead = false;
		sm_buf_reset(b);
		if (src->ahead_ok)
			sm_buf_put(b, src->ahead.data != NULL ? src->ahead.data : "", src->ahead.len);
		src->partial = src->ahead_ok && src->ahead_partial;
		return src->ahead_ok;
	}
	bool partial = false;
	bool ok = src->next(src->arg, b, &partial);
	src->partial = ok && partial;
	return ok;
}

/*
 * Reads the rest of a long line whose first piece was just read: up to
 * room more bytes are appended to keep (NULL: none); returns the bytes.
 */
static long src_rest(struct line_source *src, struct sm_buf *keep, size_t room,
		     struct sm_buf *scratch)
{
	long n = 0;
	while (src->partial && src_next(src, scratch)) {
		n += (long)scratch->len;
		size_t take = keep == NULL ? 0 : scratch->len < room ? scratch->len : room;
		if (take > 0) {
			sm_buf_put(keep, scratch->data, take);
			room -= take;
		}
	}
	return n;
}

/* True when the next line continues a header (starts with a blank); it stays unread. */
static bool src_continues(struct line_source *src)
{
	if (!src->have_ahead) {
		src->ahead_partial = false;
		src->ahead_ok = src->next(src->arg, &src->ahead, &src->ahead_partial);
		src->have_ahead = true;
	}
	return src->ahead_ok && src->ahead.len > 0 &&
	       (src->ahead.data[0] == ' ' || src->ahead.data[0] == '\t');
}

static bool file_next(void *arg, struct sm_buf *b, bool *partial)
{
	bool had_nl;
	*partial = false;
	return read_line(arg, b, &had_nl);
}

static int collect_lines(struct line_source *src, struct envelope *e, bool ignore_dots,
			 const char *tmpdir, struct collect_result *res);

int collect(FILE *in, struct envelope *e, bool ignore_dots, const char *tmpdir,
	    struct collect_result *res)
{
	struct line_source src = {.next = file_next, .arg = in};
	sm_buf_init(&src.ahead);
	int rc = collect_lines(&src, e, ignore_dots, tmpdir, res);
	sm_buf_free(&src.ahead);
	return rc;
}

int collect_from(bool (*next)(void *arg, struct sm_buf *line, bool *partial), void *arg,
		 struct envelope *e, const char *tmpdir, struct collect_result *res)
{
	struct line_source src = {.next = next, .arg = arg};
	sm_buf_init(&src.ahead);
	int rc = collect_lines(&src, e, true, tmpdir, res);
	sm_buf_free(&src.ahead);
	return rc;
}

static int collect_lines(struct line_source *src, struct envelope *e, bool ignore_dots,
			 const char *tmpdir, struct collect_result *res)
{
	memset(res, 0, sizeof *res);
	res->body_fd = -1;
	bool in_memory = true;
	int fd = memfd_create("smcoll", MFD_CLOEXEC);
	if (fd < 0) {
		in_memory = false;
		fd = temp_file(tmpdir);
		if (fd < 0)
			return -fd;
	}

	long maxhdr = COLLECT_DEFAULT_MAX_HEADERS;
	const char *mh = opt_value(OPT_MaxHeadersLength);
	if (mh != NULL && atol(mh) > 0)
		maxhdr = atol(mh);
	long maxsize = 0;
	const char *ms = opt_value(OPT_MaxMessageSize);
	if (ms != NULL)
		maxsize = atol(ms);

	struct body_out *out = sm_calloc(1, sizeof *out);
	out->fd = fd;
	out->in_memory = in_memory;
	out->tmpdir = tmpdir;
	struct sm_buf line, hdr, scratch;
	sm_buf_init(&line);
	sm_buf_init(&hdr);
	sm_buf_init(&scratch);
	bool in_headers = true, first = true;
	bool cont = false; /* line is the rest of a long body line */
	long hdrtotal = 0;
	bool have_line = src_next(src, &line);
	while (have_line) {
		if (!ignore_dots && !cont && line.len >= 1 && line.data[0] == '.') {
			if (line.len == 1 && !src->partial)
				break;
			if (line.len >= 2 && line.data[1] == '.') {
				memmove(line.data, line.data + 1, line.len);
				line.len--;
			}
		}
		if (in_headers) {
			if (first && line.len >= 5 && memcmp(line.data, "From ", 5) == 0) {
				first = false;
				(void)src_rest(src, NULL, 0, &scratch);
				have_line = src_next(src, &line);
				continue;
			}
			first = false;
			if (line.len == 0) {
				in_headers = false;
				res->size += 1;
				have_line = src_next(src, &line);
				continue;
			}
			if (!collect_is_header(line.data, line.len)) {
				/* not a header: the body starts here (the empty line
				 * written before it is not counted, as in 8.17) */
				in_headers = false;
				continue;
			}
			/* every byte of the header counts, COLLECT_MAX_HEADER_LINE are kept */
			sm_buf_reset(&hdr);
			size_t keep = line.len < COLLECT_MAX_HEADER_LINE ? line.len : COLLECT_MAX_HEADER_LINE;
			sm_buf_put(&hdr, line.data, keep);
			long hbytes = (long)line.len +
				      src_rest(src, &hdr, COLLECT_MAX_HEADER_LINE - hdr.len, &scratch);
			/* continuation lines */
			while (src_continues(src)) {
				if (!src_next(src, &line))
					break;
				hbytes += (long)line.len + 1;
				if (hdr.len + line.len + 1 <= COLLECT_MAX_HEADER_LINE) {
					sm_buf_putc(&hdr, '\n');
					sm_buf_put(&hdr, line.data, line.len);
					hbytes += src_rest(src, &hdr, COLLECT_MAX_HEADER_LINE - hdr.len,
							   &scratch);
				} else {
					hbytes += src_rest(src, NULL, 0, &scratch);
				}
			}
			res->size += hbytes + 1;
			hdrtotal += hbytes + 1;
			for (size_t i = 0; i < hdr.len && !res->header8bit; i++)
				res->header8bit = (unsigned char)hdr.data[i] >= 0x80;
			if (hdrtotal > maxhdr)
				res->headers_too_large = true;
			else
				add_header_line(e, hdr.data, hdr.len);
			have_line = src_next(src, &line);
			continue;
		}
		for (size_t i = 0; i < line.len; i++)
			if ((unsigned char)line.data[i] >= 0x80) {
				res->eightbit = true;
				break;
			}
		/* a piece of a long line goes on in the next one: no newline yet */
		bool ends = !src->partial;
		res->size += (long)line.len + (ends ? 1 : 0);
		/* past MaxMessageSize the message is refused: the rest is only
		 * counted (for the replies and logs), never stored, so that a
		 * client cannot fill the disk */
		if (maxsize > 0 && res->size > maxsize)
			res->too_large = true;
		if (!res->too_large) {
			body_put(out, line.data, line.len);
			if (ends)
				body_put(out, "\n", 1);
		}
		cont = !ends;
		have_line = src_next(src, &line);
	}
	if (out->err == 0 && out->n > 0)
		out->err = body_write(out, out->buf, out->n);
	int err = out->err;
	fd = out->fd; /* a file now when the body outgrew memory */
	sm_free(out);
	sm_buf_free(&line);
	sm_buf_free(&hdr);
	sm_buf_free(&scratch);
	if (err == 0 && lseek(fd, 0, SEEK_SET) < 0)
		err = errno;
	if (err != 0) {
		(void)close(fd);
		return err;
	}
	if (maxsize > 0 && res->size > maxsize)
		res->too_large = true;
	if (res->eightbit)
		e->flags |= ENV_8BIT_BODY;
	res->body_fd = fd;
	return 0;
}
