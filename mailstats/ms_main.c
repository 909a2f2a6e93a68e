/*
 * ms_main.c: the mailstats command (sendmail 8.17's mailstats).
 *
 * Owns the command line (-C cf, -c, -f file, -o, -p, -P), opening and
 * locking the statistics file, and the two output formats: the table for
 * people and the program-readable one (-P, and -p which also empties the
 * file so that sendmail starts the counts afresh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ms.h"
#include "sm.h"

#define MS_CF "/etc/mail/sendmail.cf"
#define MS_SUBMIT_CF "/etc/mail/submit.cf"

struct ms_opts {
	const char *cf;
	const char *file;
	bool noname;
	bool program;
	bool reset;
};

static void usage(void)
{
	fprintf(stderr, "usage: mailstats [-C cffile] [-c] [-P] [-f stfile] [-o] [-p]\n");
	exit(EX_USAGE_);
}

static bool row_used(const struct stats_rec *st, int i)
{
	/* Kilobyte counts alone do not show a mailer, as in 8.17. */
	return st->msgs_from[i] != 0 || st->msgs_to[i] != 0 || st->rejected[i] != 0 ||
	       st->discarded[i] != 0 || st->quarantined[i] != 0;
}

static void print_stats(const struct stats_rec *st, const struct ms_cf *cf,
			const struct ms_opts *o, time_t now)
{
	const char *k = o->program ? "" : "K";
	long t[7] = { 0 };
	if (o->program) {
		printf("%ld %ld\n", (long)st->itime, (long)now);
	} else {
		time_t it = st->itime;
		const char *when = ctime(&it);
		printf("Statistics from %s", when != NULL ? when : "?\n");
		printf(" M   msgsfr  bytes_from   msgsto    bytes_to  msgsrej msgsdis msgsqur%s\n",
		       o->noname ? "" : "  Mailer");
	}
	for (int i = 0; i < STATS_MAXMAILERS; i++) {
		if (!row_used(st, i))
			continue;
		long v[7] = { st->msgs_from[i], st->kb_from[i], st->msgs_to[i], st->kb_to[i],
			      st->rejected[i], st->discarded[i], st->quarantined[i] };
		printf("%2d %8ld %10ld%s %8ld %10ld%s   %6ld  %6ld  %6ld", i, v[0], v[1], k,
		       v[2], v[3], k, v[4], v[5], v[6]);
		if (!o->noname)
			printf("  %s", i < cf->nmailers ? cf->mailer[i] : "");
		putchar('\n');
		for (int j = 0; j < 7; j++)
			t[j] = (long)((unsigned long)t[j] + (unsigned long)v[j]);
	}
	if (!o->program)
		printf("=====================================================================\n");
	printf(" T %8ld %10ld%s %8ld %10ld%s   %6ld  %6ld  %6ld\n", t[0], t[1], k, t[2], t[3], k,
	       t[4], t[5], t[6]);
	if (o->program)
		printf(" C %8ld %8ld %6ld\n", st->conn_from, st->conn_to, st->conn_rej);
	else
		printf(" C %8ld %10s  %8ld %10s    %6ld\n", st->conn_from, "", st->conn_to, "",
		       st->conn_rej);
}

static int report(const char *file, enum stats_read_result r, int version)
{
	switch (r) {
	case STATS_OK:
		return 0;
	case STATS_BADMAGIC:
		fprintf(stderr, "mailstats: incorrect magic number in %s\n", file);
		return EX_OSERR_;
	case STATS_BADVERSION:
		fprintf(stderr, "mailstats version (%d) incompatible with %s version (%d)\n",
			STATS_VERSION, file, version);
		return EX_OSERR_;
	case STATS_BADSIZE:
		fprintf(stderr, "mailstats: file size changed.\n");
		return EX_OSERR_;
	case STATS_IOERR:
		break;
	}
	fputs("mailstats: ", stderr);
	perror(file);
	return EX_NOINPUT_;
}

static int run(const struct ms_opts *o, const struct ms_cf *cf)
{
	const char *file = o->file != NULL ? o->file : cf->statusfile;
	if (file == NULL) {
		fprintf(stderr, "mailstats: no statistics file located\n");
		return EX_OSFILE_;
	}
	int fd = open(file, (o->reset ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		fflush(stdout);
		fputs("mailstats: ", stderr);
		perror(file);
		return EX_NOINPUT_;
	}
	struct flock fl = { .l_type = o->reset ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET };
	while (fcntl(fd, F_SETLKW, &fl) < 0 && errno == EINTR)
		;
	struct stats_rec st;
	time_t now = time(NULL);
	enum stats_read_result r = stats_read(fd, &st, now);
	int rc = report(file, r, st.version);
	if (rc == 0) {
		print_stats(&st, cf, o, now);
		if (o->reset && ftruncate(fd, 0) < 0) {
			fprintf(stderr, "mailstats: %s: %s\n", file, strerror(errno));
			rc = EX_IOERR_;
		}
	}
	if (close(fd) < 0 && rc == 0) {
		fprintf(stderr, "mailstats: %s: %s\n", file, strerror(errno));
		rc = EX_IOERR_;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct ms_opts o = { .cf = MS_CF };
	int c;
	while ((c = getopt(argc, argv, "C:cf:opP")) != -1) {
		switch (c) {
		case 'C': o.cf = optarg; break;
		case 'c': o.cf = MS_SUBMIT_CF; break;
		case 'f': o.file = optarg; break;
		case 'o': o.noname = true; break;
		case 'p': o.program = true; o.reset = true; break;
		case 'P': o.program = true; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	struct ms_cf cf;
	int rc = ms_cf_read(o.cf, &cf);
	if (rc == 0)
		rc = run(&o, &cf);
	ms_cf_free(&cf);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (rc == 0)
			rc = EX_IOERR_;
	}
	return rc;
}
