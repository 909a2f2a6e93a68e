/*
 * queue_prio.c: message priorities and queue timeouts as sendmail 8.17
 * computes them: the precedence class of a message (its Precedence:
 * header looked up in the P lines), the priority a new message gets
 * (size - class * ClassFactor + recipients * RecipientFactor), the
 * RetryFactor added each time a queue run processes it, and when a
 * delay warning (Timeout.queuewarn) and a bounce (Timeout.queuereturn)
 * are due for its precedence (urgent, normal, non-urgent, dsn), and
 * whether the load average (QueueLA, QueueFactor) keeps a message waiting;
 * the load average itself (the one reader, for the SMTP daemon and server
 * too).  Owns nothing; reads the options and the P lines of the configuration.
 */
#include "queue_int.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "options.h"
#include "timeconv.h"

/* A numeric option, or dflt when it is not set or not a number. */
static long factor(enum option_id id, long dflt)
{
	const char *v = opt_value(id);
	if (v == NULL)
		return dflt;
	while (*v == ' ' || *v == '\t')
		v++;
	char *end;
	long n = strtol(v, &end, 10);
	return end == v ? dflt : n;
}

int queue_precedence_class(const struct envelope *e)
{
	const struct header *h = envelope_find_header(e, "Precedence");
	if (h == NULL || h->value == NULL)
		return 0;
	const char *v = h->value;
	while (*v == ' ' || *v == '\t')
		v++;
	/* the whole value, without case; trailing blanks or comments make it unknown */
	for (int i = 0; i < NPrecedences; i++)
		if (sm_strcasecmp(Precedences[i].name, v) == 0)
			return Precedences[i].value;
	return 0;
}

/* a + b, saturated */
static long sat_add(long a, long b)
{
	if (b > 0 && a > LONG_MAX - b)
		return LONG_MAX;
	if (b < 0 && a < LONG_MIN - b)
		return LONG_MIN;
	return a + b;
}

static long sat_mul(long a, long b)
{
	long r;
	if (__builtin_mul_overflow(a, b, &r))
		return (a > 0) == (b > 0) ? LONG_MAX : LONG_MIN;
	return r;
}

long queue_priority(long msgsize, int nrcpts, int pclass)
{
	long p = msgsize;
	p = sat_add(p, sat_mul(-(long)pclass, factor(OPT_ClassFactor, 1800)));
	p = sat_add(p, sat_mul(nrcpts, factor(OPT_RecipientFactor, 30000)));
	return p;
}

void queue_retry_priority(struct envelope *e)
{
	e->priority = sat_add(e->priority, factor(OPT_RetryFactor, 90000));
}

/*
 * The value of Timeout.<what>.<cls>, else Timeout.<what>, else the part of
 * the old T option ("return/warn"), else NULL.
 */
static const char *timeout_text(const char *what, const char *cls, char *buf, size_t len)
{
	char name[64];
	const char *v = NULL;
	if (cls != NULL) {
		snprintf(name, sizeof name, "%s.%s", what, cls);
		v = opt_timeout(name);
	}
	if (v == NULL)
		v = opt_timeout(what);
	if (v != NULL)
		return v;
	const char *t = opt_value(OPT_QueueTimeout);
	if (t == NULL)
		return NULL;
	const char *slash = strchr(t, '/');
	if (strcmp(what, "queuereturn") == 0) {
		size_t n = slash != NULL ? (size_t)(slash - t) : strlen(t);
		if (n >= len)
			n = len - 1;
		memcpy(buf, t, n);
		buf[n] = '\0';
		return buf;
	}
	return slash != NULL ? slash + 1 : NULL;
}

/* Seconds of a timeout value; "now" is 0. */
static long seconds(const char *v, int unit)
{
	while (*v == ' ' || *v == '\t')
		v++;
	if (sm_strcasecmp(v, "now") == 0)
		return 0;
	return time_convert(v, strlen(v), unit);
}

void queue_timeouts(const struct envelope *e, time_t *warn_at, time_t *return_at)
{
	int pclass = queue_precedence_class(e);
	const char *cls = pclass > 0 ? "urgent" : pclass < 0 ? "non-urgent" : "normal";
	if (pclass == 0 && (e->flags & ENV_BOUNCE) &&
	    (opt_timeout("queuereturn.dsn") != NULL || opt_timeout("queuewarn.dsn") != NULL))
		cls = "dsn";
	char buf[128];
	const char *r = timeout_text("queuereturn", cls, buf, sizeof buf);
	if (r == NULL && strcmp(cls, "dsn") == 0)
		r = timeout_text("queuereturn", "normal", buf, sizeof buf);
	long ret = r != NULL ? seconds(r, 'd') : 5L * 24 * 60 * 60;
	/* 0 and "now" return the message at its next attempt */
	*return_at = e->ctime + (time_t)ret;
	if (*return_at <= 0)
		*return_at = 1;
	*warn_at = 0;
	if (pclass < 0 || (e->flags & ENV_WARNING_SENT))
		return; /* no delay warnings for negative precedences, only one warning */
	const char *w = timeout_text("queuewarn", cls, buf, sizeof buf);
	if (w == NULL && strcmp(cls, "dsn") == 0)
		w = timeout_text("queuewarn", "normal", buf, sizeof buf);
	long warn = w != NULL ? seconds(w, 'h') : 0;
	if (warn > 0)
		*warn_at = e->ctime + (time_t)warn;
}

double load_average(void)
{
	char buf[128];
	int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof buf - 1);
		(void)close(fd);
		if (n > 0) {
			buf[n] = '\0';
			char *end;
			double la = strtod(buf, &end);
			if (end != buf)
				return la;
		}
	}
	double avg[1];
	if (getloadavg(avg, 1) != 1)
		return 0;
	return avg[0];
}

int queue_load_average(void)
{
	return (int)(load_average() + 0.5);
}

bool queue_load_defers(long pri, int la)
{
	long qla = factor(OPT_QueueLA, 0);
	if (qla <= 0) {
		/* asked once: mailq asks for every message (glibc reads /sys each time) */
		static long ncpu;
		if (ncpu <= 0) {
			long n = sysconf(_SC_NPROCESSORS_ONLN);
			ncpu = n > 0 ? n : 1;
		}
		qla = 8 * ncpu;
	}
	if (la <= qla)
		return false;
	long qf = factor(OPT_QueueFactor, 600000);
	return pri > qf / (la - qla + 1);
}
