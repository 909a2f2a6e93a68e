/*
 * err.c: formats and writes error messages (see err.h).
 *
 * Messages go to standard output, interleaved with the output of the mode
 * that caused them, which is where sendmail writes them in test mode and
 * while reading its configuration; while ErrReplySink is set (an SMTP
 * session, check_compat's capture) they go to it instead, as replies.
 */
#include "err.h"

#include "safefile.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int Errors;
bool ErrQuiet;
int ExitStat;

/* addresses in front of messages are cut to this many bytes */
#define MAXSHORTSTR 203

static const char *CfFile;
static int CfLine;
static const char *ErrAddress;
void (*ErrReplySink)(const char *text, bool is_error);

const char *err_cf_position(int *line)
{
	*line = CfLine;
	return CfFile;
}

void err_set_cf_position(const char *file, int line)
{
	CfFile = file;
	CfLine = line;
}

const char *err_set_address(const char *addr)
{
	const char *old = ErrAddress;
	ErrAddress = addr;
	return old;
}

const char *err_skip_codes(const char *m)
{
	if (isdigit((unsigned char)m[0]) && isdigit((unsigned char)m[1]) &&
	    isdigit((unsigned char)m[2]) && (m[3] == ' ' || m[3] == '-')) {
		m += 4;
		const char *p = m;
		if (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p))
				p++;
			if (*p == '.') {
				p++;
				while (isdigit((unsigned char)*p))
					p++;
				if (*p == '.') {
					p++;
					while (isdigit((unsigned char)*p))
						p++;
					if (*p == ' ')
						m = p + 1;
				}
			}
		}
	}
	return m;
}

static void emit(const char *prefix_addr, bool seven_bit, bool is_error, const char *fmt,
		 va_list ap)
{
	struct sm_buf b, line;
	sm_buf_init(&b);
	sm_buf_init(&line);
	sm_buf_vprintf(&b, fmt, ap);
	const char *m = err_skip_codes(b.data ? b.data : "");
	/* an SMTP session: the codes stay, in front of the address */
	if (ErrReplySink != NULL && b.data != NULL)
		sm_buf_put(&line, b.data, (size_t)(m - b.data));
	if (CfFile != NULL)
		sm_buf_printf(&line, "%s: line %d: ", CfFile, CfLine);
	if (prefix_addr != NULL) {
		/* a long address keeps its start and its end */
		size_t alen = strlen(prefix_addr);
		int half = (MAXSHORTSTR - 3) / 2;
		if (alen >= MAXSHORTSTR)
			sm_buf_printf(&line, "%.*s...%s... ", half, prefix_addr,
				      prefix_addr + alen - half);
		else
			sm_buf_printf(&line, "%s... ", prefix_addr);
	}
	sm_buf_puts(&line, m);
	sm_buf_putc(&line, '\n');
	/* errors are shown 7-bit, as sendmail shows them; a byte 0x80 ends them */
	if (seven_bit) {
		for (size_t i = 0; i < line.len; i++) {
			line.data[i] = (char)((unsigned char)line.data[i] & 0x7f);
			if (line.data[i] == '\0') {
				line.data[i] = '\n';
				line.len = i + 1;
				break;
			}
		}
	}
	if (ErrReplySink != NULL) {
		line.data[--line.len] = '\0';
		ErrReplySink(line.data, is_error);
	} else {
		fflush(stdout);
		fwrite(line.data, 1, line.len, stdout);
		fflush(stdout);
	}
	sm_buf_free(&b);
	sm_buf_free(&line);
}

void usrerr(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!ErrQuiet)
		emit(ErrAddress, true, true, fmt, ap);
	va_end(ap);
	Errors++;
}

static void vsyserr(int err, const char *fmt, va_list ap)
{
	struct sm_buf m, b;
	sm_buf_init(&m);
	sm_buf_init(&b);
	sm_buf_vprintf(&m, fmt, ap);
	if (err != 0)
		sm_buf_printf(&m, ": %s", sm_errstring(err));
	if (CfFile != NULL)
		sm_buf_printf(&b, "%s: line %d: ", CfFile, CfLine);
	sm_buf_puts(&b, err_skip_codes(m.data ? m.data : ""));
	/* Operator bytes are shown 7-bit, as sendmail's messages show them. */
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] >= 0x80)
			b.data[i] = (char)((unsigned char)b.data[i] & 0x7f);
	if (ErrReplySink != NULL) {
		const char *t = m.data ? m.data : "";
		char *r = t != err_skip_codes(t) ? sm_asprintf("%s", t) : sm_asprintf("451 4.0.0 %s", t);
		ErrReplySink(r, true);
		sm_free(r);
	} else {
		fflush(stdout);
		printf("%s\n", b.data);
		fflush(stdout);
	}
	sm_buf_free(&m);
	sm_buf_free(&b);
	Errors++;
	if (ExitStat == 0)
		ExitStat = err != 0 ? EX_OSERR_ : EX_SOFTWARE_;
}

void syserr(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsyserr(0, fmt, ap);
	va_end(ap);
}

void syserr_errno(int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsyserr(err, fmt, ap);
	va_end(ap);
}

void cfwarning(const char *fmt, ...)
{
	struct sm_buf b;
	sm_buf_init(&b);
	if (CfFile != NULL)
		sm_buf_printf(&b, "%s: line %d: ", CfFile, CfLine);
	va_list ap;
	va_start(ap, fmt);
	sm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fflush(stdout);
	printf("%s\n", b.data);
	fflush(stdout);
	sm_buf_free(&b);
}

void message(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(NULL, false, false, fmt, ap);
	va_end(ap);
}
