/*
 * queue_cmd.c: the queue's part of the command line: -q flags (-q[time],
 * -qI/-qR/-qS/-qQ with "!", -qf, -qp, -qG group), -v, and the -bp/-bP
 * (mailq) modes.  Owns the selection the flags build.
 */
#include "queue.h"

#include <stdio.h>
#include <string.h>

#include "sm.h"

static struct queue_select Sel;
static bool Verbose;
static bool Foreground, Persistent;
static const char *Interval;

int queue_cmdline_q(const char *arg)
{
	if (arg == NULL)
		arg = "";
	switch (*arg) {
	case 'f':
		Foreground = true;
		return 0;
	case 'p':
		Persistent = true;
		Interval = arg[1] != '\0' ? arg + 1 : NULL;
		return 0;
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
	Interval = *arg != '\0' ? arg : NULL;
	return 0;
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
