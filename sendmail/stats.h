/*
 * stats.h: the StatusFile (mailer statistics) in sendmail 8.17's format.
 *
 * Owns the on-disk record that sendmail updates and mailstats prints, so
 * that the real mailstats reads a file we wrote and ours reads one the real
 * sendmail wrote.  The file is the machine's native image of this record
 * (little-endian, LP64 on x86-64: 1448 bytes), as 8.17 writes it:
 *
 *   offset  size  field
 *        0     4  magic     0x0001B1DE
 *        4     4  version   4
 *        8     8  itime     time_t, when the counts started
 *       16     2  size      the record's size (1448), then 6 bytes padding
 *       24   3*8  conn_from, conn_to, conn_rej   TCP connections accepted,
 *                 made, and rejected
 *       48  25*8  msgs_from[mailer]   messages received through a mailer
 *      248  25*8  kb_from[mailer]     kilobytes received
 *      448  25*8  msgs_to[mailer]     messages delivered through a mailer
 *      648  25*8  kb_to[mailer]       kilobytes delivered
 *      848  25*8  rejected[mailer]
 *     1048  25*8  discarded[mailer]
 *     1248  25*8  quarantined[mailer]
 *
 * Mailer numbers are the order of definition: 0 prog, 1 *file*,
 * 2 *include*, then the M lines of sendmail.cf.
 *
 * Statistics are kept only when the file exists: sendmail never creates
 * it.  An empty file counts as a fresh record started now.  Updates take
 * an exclusive fcntl lock on the whole file, read, add and write back.
 *
 * For the delivery code, one call per event:
 *
 *   stats_record(statusfile, m->number, false, stats_kbytes(size), STATS_MSG)
 *       after a delivery through mailer m (true for a message received
 *       from mailer m);
 *   stats_record(..., STATS_REJECT / STATS_DISCARD / STATS_QUARANTINE)
 *       for a rejected, discarded or quarantined message (kbytes ignored);
 *   stats_connection(statusfile, STATS_CONN_FROM / _TO / _REJ)
 *       for an accepted, made or rejected SMTP connection.
 *
 * These return 0, or -1 with errno set; a missing file, a NULL or empty
 * name, or a mailer number out of range is not an error (0, nothing done).
 */
#ifndef STATS_H
#define STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define STATS_MAXMAILERS 25
#define STATS_MAGIC 0x0001B1DE
#define STATS_VERSION 4

struct stats_rec {
	int magic;
	int version;
	time_t itime;
	short size;
	long conn_from;
	long conn_to;
	long conn_rej;
	long msgs_from[STATS_MAXMAILERS];
	long kb_from[STATS_MAXMAILERS];
	long msgs_to[STATS_MAXMAILERS];
	long kb_to[STATS_MAXMAILERS];
	long rejected[STATS_MAXMAILERS];
	long discarded[STATS_MAXMAILERS];
	long quarantined[STATS_MAXMAILERS];
};

enum stats_kind { STATS_MSG, STATS_REJECT, STATS_DISCARD, STATS_QUARANTINE };
enum stats_conn { STATS_CONN_FROM, STATS_CONN_TO, STATS_CONN_REJ };

/* Kilobytes as sendmail counts them for a message of that many bytes. */
long stats_kbytes(long bytes);

int stats_record(const char *statusfile, int mailer, bool from, long kbytes,
		 enum stats_kind kind);
int stats_connection(const char *statusfile, enum stats_conn which);

/* A zeroed record with magic, version and size set and itime = now. */
void stats_init(struct stats_rec *st, time_t now);

/*
 * Reads the record from an open file (from its start).  An empty file
 * gives a fresh record.  Returns STATS_OK or why the file is not one.
 */
enum stats_read_result {
	STATS_OK, STATS_IOERR, STATS_BADMAGIC, STATS_BADVERSION, STATS_BADSIZE
};
enum stats_read_result stats_read(int fd, struct stats_rec *st, time_t now);
/* Writes the record at the start of an open file: 0 or -1 (errno). */
int stats_write(int fd, const struct stats_rec *st);

#endif
