/*
 * log.c: writes sendmail's log lines (see log.h).
 *
 * Owns the syslog connection (facility LOG_MAIL, tag "sendmail" or -L),
 * the optional copy of every line into the -D file, and the -X traffic
 * log ("PID >>> line" for what a mailer is sent).  The callers format the
 * lines in sendmail 8.17's form ("from=..., size=..." and "to=...,
 * delay=...").
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static FILE *LogCopy;
static FILE *Traffic;
static char Tag[64] = "sendmail";

void log_open(const char *tag)
{
	if (tag != NULL && *tag != '\0')
		sm_strlcpy(Tag, tag, sizeof Tag);
	openlog(Tag, LOG_PID, LOG_MAIL);
}

void log_set_file(const char *path)
{
	if (LogCopy != NULL)
		(void)fclose(LogCopy);
	LogCopy = fopen(path, "a");
}

bool log_set_traffic(const char *path)
{
	if (Traffic != NULL)
		(void)fclose(Traffic);
	Traffic = fopen(path, "a");
	if (Traffic != NULL)
		setvbuf(Traffic, NULL, _IOLBF, 0);
	return Traffic != NULL;
}

void log_line(int prio, const char *id, const char *fmt, ...)
{
	struct sm_buf b;
	sm_buf_init(&b);
	if (id != NULL && *id != '\0')
		sm_buf_printf(&b, "%s: ", id);
	va_list ap;
	va_start(ap, fmt);
	sm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* syslog lines are cut as sendmail cuts them */
	if (b.len > 2000) {
		b.data[2000] = '\0';
		b.len = 2000;
	}
	syslog(prio, "%s", b.data);
	if (LogCopy != NULL) {
		fprintf(LogCopy, "%s[%ld]: %s\n", Tag, (long)getpid(), b.data);
		(void)fflush(LogCopy);
	}
	sm_buf_free(&b);
}

void log_traffic(char dir, const char *line, size_t len)
{
	if (Traffic == NULL)
		return;
	fprintf(Traffic, "%05ld %s %.*s\n", (long)getpid(), dir == '>' ? ">>>" : "<<<",
		(int)len, line);
}

void log_delay(long secs, char *buf, size_t size)
{
	if (secs < 0)
		secs = 0;
	long d = secs / 86400;
	secs %= 86400;
	if (d > 0)
		snprintf(buf, size, "%ld+%02ld:%02ld:%02ld", d, secs / 3600, (secs / 60) % 60, secs % 60);
	else
		snprintf(buf, size, "%02ld:%02ld:%02ld", secs / 3600, (secs / 60) % 60, secs % 60);
}

void log_close(void)
{
	if (LogCopy != NULL)
		(void)fclose(LogCopy);
	if (Traffic != NULL)
		(void)fclose(Traffic);
	LogCopy = Traffic = NULL;
	closelog();
}
