/*
 * fuzz_qf.c: queue control files (qf) as hostile input: whatever lies in
 * a queue directory (a crash, another program, a disk error) is listed
 * by mailq, read by the queue runner and written back after a delivery
 * attempt.
 *
 * Each input becomes the qf file of one message in a private queue
 * directory (on /dev/shm when it exists, so the fsyncs of the writer stay
 * cheap).  The queue is listed as mailq and mailq -v print it, the file
 * is read, written back as a runner does after an attempt, and read
 * again: what we wrote ourselves must always read back.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "envelope.h"
#include "macro.h"
#include "mailer.h"
#include "map.h"
#include "queue.h"
#include "sm.h"

#include "fuzz_dir.h"

#define MAX_FUZZ_INPUT 16384
#define QUEUE_ID "0B1JXYZ0000123"

static const char *QueueDir;
static char QfPath[sizeof FuzzDir + 32];
static FILE *DevNull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A configuration with nothing but the queue directory. */
static void read_config(void)
{
	char cfpath[sizeof FuzzDir + 16];
	snprintf(cfpath, sizeof cfpath, "%s.cf", QueueDir);
	FILE *f = fopen(cfpath, "w");
	if (f == NULL)
		abort();
	fprintf(f, "V10\nO QueueDirectory=%s\nO QueueSortOrder=filename\n"
		   "Mlocal, P=/bin/true, F=lsDFMAw5:/|@qPn9S, S=10, R=20, A=true $u\n",
		QueueDir);
	if (fclose(f) != 0 || !readcf(cfpath))
		abort();
	(void)unlink(cfpath);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	DevNull = fopen("/dev/null", "w");
	if (DevNull == NULL)
		abort();
	QueueDir = fuzz_dir_make("fuzzqf");
	snprintf(QfPath, sizeof QfPath, "%s/qf" QUEUE_ID, QueueDir);
	map_classes_init();
	macro_define_operators();
	mailers_init_builtin();
	read_config();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_FUZZ_INPUT)
		return 0;
	fuzz_dir_empty(QueueDir);
	FILE *f = fopen(QfPath, "w");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();

	/* mailq and mailq -v */
	struct queue_print_opts po;
	memset(&po, 0, sizeof po);
	(void)queue_print(DevNull, &po);
	po.verbose = true;
	(void)queue_print(DevNull, &po);

	int err = 0;
	struct envelope *e = queue_read(QfPath, &err);
	if (e != NULL) {
		/* written back after an attempt: it must read back */
		e->ntries++;
		e->status_msg = "Deferred: fuzz";
		int rc = queue_update(e);
		envelope_free(e);
		if (rc == 0) {
			struct stat st;
			const char *again = stat(QfPath, &st) == 0 ? QfPath : NULL;
			char hf[sizeof QfPath];
			if (again == NULL) {
				/* a quarantined message is written as hf */
				snprintf(hf, sizeof hf, "%s/hf" QUEUE_ID, QueueDir);
				again = hf;
			}
			struct envelope *e2 = queue_read(again, &err);
			if (e2 == NULL) {
				fprintf(stderr, "a qf we wrote does not read back: %s\n", strerror(err));
				abort();
			}
			envelope_free(e2);
		}
	}
	fuzz_dir_empty(QueueDir);
	return 0;
}
