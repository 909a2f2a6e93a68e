/*
 * log.h: sendmail's syslog lines (LOG_MAIL) and the -X traffic log.
 */
#ifndef LOG_H
#define LOG_H

#include <stdbool.h>
#include <time.h>

#include "sm.h"

/* Opens syslog with the tag ("sendmail" or -L tag). */
void log_open(const char *tag);
/* -D file: every log line is also appended there (for test runs). */
void log_set_file(const char *path);
/* -X file: the traffic log (lines to and from mailers). */
bool log_set_traffic(const char *path);
/* "<id>: text" at priority prio (LOG_INFO ...); no "id: " when id is NULL or empty. */
void log_line(int prio, const char *id, const char *fmt, ...) SM_PRINTF(3, 4);
/* One line of traffic: dir is '>' (to a mailer) or '<' (from it). */
void log_traffic(char dir, const char *line, size_t len);
/* "00:00:05" or "1+02:03:04". */
void log_delay(long secs, char *buf, size_t size);
void log_close(void);

#endif
