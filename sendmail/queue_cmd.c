/*
 * queue_cmd.c: the queue's part of the command line: -q flags (-q[time],
 * -qI/-qR/-qS/-qQ with "!", -qf, -qp[time], -qG group), -v, the -bp/-bP
 * (mailq) modes and the -q run itself.  Owns the selection the flags
 * build and the registered delivery callback.
 */
#include "queue.h"

#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "priv.h"
#include "queue_int.h"
#include "sm.h"

static struct queue_select Sel;
static bool Verbose;
static bool Foreground, Persistent, RunWanted;
static long Interval;
static queue_deliver_fn Deliver;
static void *DeliverArg;

/* A -q time ("15m", "1h30"; minutes by default); false after saying
 * which units are wrong, as sendmail does. */
static bool parse_interval(const char *s, long *out)
{
	long total = 0;
	bool ok = true;
	while (*s != '\0') {
		long n = 0;
		while (*s >= '0' && *s <= '9') {
			if (n < 100000000L)
				n = n * 10 + (*s - '0');
			s++;
		}
		long unit = 60;
		switch (*s) {
		case '\0': break;
		case 's': unit = 1; s++; break;
		case 'm': unit = 60; s++; break;
		case 'h': unit = 3600; s++; break;
		case 'd': unit = 86400; s++; break;
		case 'w': unit = 7 * 86400; s++; break;
		default:
			fprintf(stderr, "Invalid time unit `%c'\n", *s);
			ok = false;
			s++;
			break;
		}
		if (total < 100L * 365 * 86400)
			total += n * unit;
	}
	*out = total;
	return ok;
}

int queue_cmdline_q(const char *arg)
{
	if (arg == NULL)
		arg = "";
	RunWanted = true;
	switch (*arg) {
	case 'f':
		Foreground = true;
		return 0;
	case 'p':
		Persistent = true;
		return parse_interval(arg + 1, &Interval) ? 0 : EX_USAGE_;
	case 'G':
		Sel.qgroup = arg + 1;
		return 0;
	default:
		break;
	}
	bool negate = false;
	const char *p = arg;
	if (*p == '!') {
		negate = true;
		p++;
	}
	if (*p == 'I' || *p == 'R' || *p == 'S' || *p == 'Q') {
		if (*p == 'Q' && p[1] == '\0' && !negate) {
			Sel.quarantined = true;
			return 0;
		}
		if (*p == 'Q')
			Sel.quarantined = true;
		if (Sel.nfilters >= QUEUE_MAX_FILTERS) {
			fprintf(stderr, "Too many queue selection options\n");
			return EX_USAGE_;
		}
		struct queue_filter *f = &Sel.filters[Sel.nfilters++];
		f->kind = *p;
		f->negate = negate;
		f->text = p + 1;
		return 0;
	}
	return parse_interval(arg, &Interval) ? 0 : EX_USAGE_;
}

bool queue_cmd_wanted(char mode)
{
	return RunWanted && mode == 'm';
}

void queue_set_deliver(queue_deliver_fn deliver, void *arg)
{
	Deliver = deliver;
	DeliverArg = arg;
}

/*
 * PrivacyOptions restrictmailq: only root and the members of the queue
 * directory's group may list the queue; restrictqrun: only root and the
 * owner of the queue directory may run it.  The directory is the
 * QueueDirectory (its first match when it has a "*").
 */
/* The caller's own groups only (real gid, supplementary groups), as 8.17
 * checks: with the set-group-id install the effective gid is the queue's
 * group for every user, so counting it would let everyone list the queue. */
static bool in_queue_group(const struct stat *st)
{
	if (priv_caller_gid() == st->st_gid)
		return true;
	int n = getgroups(0, NULL);
	if (n <= 0)
		return false;
	gid_t *groups = sm_calloc((size_t)n, sizeof *groups);
	n = getgroups(n, groups); /* -1 if they changed meanwhile: refused */
	bool in = false;
	for (int i = 0; i < n && !in; i++)
		in = groups[i] == st->st_gid;
	sm_free(groups);
	return in;
}

static bool queue_dir_stat(struct stat *st)
{
	char **dirs = queue_dirs(NULL);
	const char *d = dirs != NULL && dirs[0] != NULL ? dirs[0] : queue_base_dir();
	return stat(d, st) == 0;
}

int queue_cmd_run(void)
{
	struct stat qst;
	if (priv_caller_uid() != 0 && opt_privacy_word("restrictqrun") &&
	    (!queue_dir_stat(&qst) || qst.st_uid != priv_caller_uid())) {
		printf("You do not have permission to process the queue\n");
		return EX_NOPERM_;
	}
	if (Deliver == NULL) {
		fprintf(stderr, "sendmail: queue runs need the delivery module (not available yet)\n");
		return EX_UNAVAILABLE_;
	}
	struct queue_runner_opts o;
	memset(&o, 0, sizeof o);
	o.run.sel = Sel;
	o.run.sort = -1;
	o.run.min_age = -1;
	o.run.max_run_size = -1;
	o.run.verbose = Verbose;
	o.interval = Interval;
	o.persistent = Persistent;
	o.foreground = Foreground;
	int rc = queue_runner(&o, Deliver, DeliverArg);
	queue_free_all();
	return rc;
}

bool queue_cmd_daemon_opts(struct queue_runner_opts *o)
{
	memset(o, 0, sizeof *o);
	o->run.sel = Sel;
	o->run.sort = -1;
	o->run.min_age = -1;
	o->run.max_run_size = -1;
	o->interval = Interval;
	o->persistent = Persistent;
	return RunWanted && (Interval > 0 || Persistent);
}

void queue_cmdline_verbose(void)
{
	Verbose = true;
}

const struct queue_select *queue_cmdline_select(void)
{
	return &Sel;
}

int queue_cmd_list(char mode)
{
	struct stat qst;
	if (priv_caller_uid() != 0 && opt_privacy_word("restrictmailq") &&
	    (!queue_dir_stat(&qst) || !in_queue_group(&qst))) {
		printf("You are not permitted to see the queue\n\t\tTotal requests: 0\n");
		return EX_OK_;
	}
	struct queue_print_opts o;
	memset(&o, 0, sizeof o);
	o.sel = Sel;
	o.verbose = Verbose;
	o.counts = mode == 'P';
	int rc = queue_print(stdout, &o);
	if (fflush(stdout) != 0 && rc == EX_OK_)
		rc = EX_IOERR_;
	queue_free_all();
	return rc;
}
