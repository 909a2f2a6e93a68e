/*
 * queue_id.c: queue IDs in sendmail 8.17's form.
 *
 * An ID is YMDhmsNNpppppp: the year (since 1900, modulo 60), month (0-11),
 * day, hour, minute and second of the current UTC time, each one character
 * of the base-60 alphabet 0-9 A-Z a-x; a two-character sequence number that
 * starts at a random value in each process and advances with each ID; and
 * the process ID as at least six decimal digits.  Owns the sequence.
 */
#include "queue_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char Base60[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx";

static int Sequence = -1;
static pid_t SequencePid;

int queue_new_id(struct envelope *e)
{
	time_t now = time(NULL);
	struct tm tm;
	if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL)
		return errno != 0 ? errno : EINVAL;
	pid_t pid = getpid();
	if (Sequence < 0 || SequencePid != pid) {
		struct timeval tv;
		(void)gettimeofday(&tv, NULL);
		srandom((unsigned)(tv.tv_usec ^ tv.tv_sec ^ ((unsigned)pid << 8)));
		Sequence = (int)(random() % (60 * 60));
		SequencePid = pid;
	}
	int seq = Sequence;
	Sequence = (Sequence + 1) % (60 * 60);
	int year = tm.tm_year % 60;
	if (year < 0)
		year += 60;
	int n = snprintf(e->id, sizeof e->id, "%c%c%c%c%c%c%c%c%06ld",
			 Base60[year], Base60[tm.tm_mon % 60], Base60[tm.tm_mday % 60],
			 Base60[tm.tm_hour % 60], Base60[tm.tm_min % 60], Base60[tm.tm_sec % 60],
			 Base60[seq / 60], Base60[seq % 60], (long)pid);
	if (n < 0 || (size_t)n >= sizeof e->id)
		return ENAMETOOLONG;
	return 0;
}

bool queue_id_valid(const char *id)
{
	size_t n = 0;
	for (const char *p = id; *p != '\0'; p++, n++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || c == '/')
			return false;
	}
	return n > 0 && n < QUEUE_MAX_ID;
}
