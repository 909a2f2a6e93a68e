/*
 * queue_run.c: one pass of a queue run (queue_run): every directory of
 * the selected queue group(s) is scanned, its messages sorted
 * (QueueSortOrder) and cut to MaxQueueRunSize; a message the load
 * average makes too expensive (QueueLA) waits; each one is locked (a
 * message locked by another runner, ours or sendmail's, is skipped), read
 * (a bad qf is set aside as Qf and the run goes on), checked against
 * MinQueueAge, and handed to the delivery callback.  Owns nothing.
 */
#include "queue_scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "options.h"

static long option_long(enum option_id id, long dflt)
{
	const char *v = opt_value(id);
	if (v == NULL || *v == '\0')
		return dflt;
	char *end;
	long n = strtol(v, &end, 10);
	return end == v ? dflt : n;
}

/* MinQueueAge in seconds (its default unit is minutes). */
static long min_age_option(void)
{
	const char *v = opt_value(OPT_MinQueueAge);
	if (v == NULL || *v == '\0')
		return 0;
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v || n < 0)
		return 0;
	long total = 0;
	for (;;) {
		long mult = 60;
		switch (*end) {
		case 's': mult = 1; end++; break;
		case 'm': mult = 60; end++; break;
		case 'h': mult = 3600; end++; break;
		case 'd': mult = 86400; end++; break;
		case 'w': mult = 7 * 86400; end++; break;
		default: break;
		}
		total += n * mult;
		if (*end < '0' || *end > '9')
			break;
		n = strtol(end, &end, 10);
	}
	return total;
}

/* Works on one message; true when it was handed to the callback. */
static bool run_one(const char *dir, const struct queue_entry *q, long min_age, bool subset,
		    int la, queue_deliver_fn deliver, void *arg)
{
	if (queue_load_defers((long)q->priority, la))
		return false; /* too expensive for the load average: a later run */
	char *qd = queue_kind_dir(dir, 'q');
	char *path = sm_asprintf("%s/%s", qd, q->name);
	sm_free(qd);
	/* lock before reading, so what we read is what nobody else changes */
	struct envelope probe;
	memset(&probe, 0, sizeof probe);
	sm_strlcpy(probe.id, q->name + 2, sizeof probe.id);
	probe.queue_dir = (char *)dir;
	probe.quarantine = q->name[0] == 'h' ? (char *)"" : NULL;
	probe.lock_fd = -1;
	if (queue_lock(&probe) != 0) {
		sm_free(path);
		return false; /* locked by another runner, or gone */
	}
	int err;
	struct envelope *e = queue_read(path, &err);
	if (e == NULL) {
		if (err == EINVAL && q->name[0] == 'q')
			queue_set_aside(dir, q->name + 2, "unreadable queue file");
		queue_unlock(&probe);
		sm_free(path);
		return false;
	}
	e->lock_fd = probe.lock_fd;
	sm_free(path);
	if (!subset && min_age > 0 && e->last_try > 0 && time(NULL) - e->last_try < min_age) {
		envelope_free(e);
		return false;
	}
	queue_retry_priority(e); /* each processing lowers its priority */
	(void)deliver(e, arg);
	envelope_free(e); /* releases the lock */
	return true;
}

int queue_run(const struct queue_run_opts *opts, queue_deliver_fn deliver, void *arg)
{
	return queue_run_count(opts, deliver, arg, NULL);
}

int queue_run_count(const struct queue_run_opts *opts, queue_deliver_fn deliver, void *arg,
		    size_t *processed)
{
	if (processed != NULL)
		*processed = 0;
	char **dirs = queue_dirs(opts->sel.qgroup);
	if (dirs == NULL)
		return ENOENT;
	int sort = opts->sort >= 0 ? opts->sort : queue_sort_option();
	long min_age = opts->min_age >= 0 ? opts->min_age : min_age_option();
	long max = opts->max_run_size >= 0 ? opts->max_run_size :
		option_long(OPT_MaxQueueRunSize, 0);
	bool subset = opts->sel.nfilters > 0;
	QueueVerbose = opts->verbose;
	int rc = 0;
	for (char **d = dirs; *d != NULL; d++) {
		struct queue_list l;
		int la = queue_load_average();
		int err = queue_scan(*d, &opts->sel, sort, max, NULL, false, &l);
		if (err != 0) {
			queue_log(LOG_ERR, "cannot open queue directory %s: %s", *d, strerror(err));
			rc = err;
			continue;
		}
		for (size_t i = 0; i < l.n && !QueueStop; i++)
			if (run_one(*d, &l.v[i], min_age, subset, la, deliver, arg) && processed != NULL)
				(*processed)++;
		queue_scan_free(&l);
	}
	return rc;
}
