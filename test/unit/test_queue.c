/*
 * test_queue.c: the queue module: IDs, storing and reading back, hostile
 * qf files, updates and locks, queue runs that set bad files aside, crash
 * safety of queue_store under SIGKILL, and two concurrent runners.
 *
 * With QUEUE_STORE_DIR set it is instead a driver for test/t_queue_list:
 * it queues one message (QUEUE_STORE_SENDER, QUEUE_STORE_RCPTS separated
 * by spaces, QUEUE_STORE_STATUS, the body on standard input) and checks
 * only that this worked (QUEUE_STORE_PRIORITY sets its priority).
 *
 * With QUEUE_RUN_ARGS set (e.g. "-q2s -qGfast") it is a queue runner for
 * test/t_queue_run: it reads QUEUE_CF, applies QUEUE_OPTS ("Name=value"
 * separated by spaces) and runs the queue through queue_cmd_run with a
 * counting delivery callback: it appends "pid id priority ntries conc N"
 * to QUEUE_DELIVER_LOG (N: runners delivering at that moment, counted in
 * QUEUE_CONC_DIR), waits QUEUE_DELIVER_MS milliseconds and removes the
 * message, or with QUEUE_DELIVER_MODE=defer updates it as a deferral.
 * With QUEUE_READ_UPDATE=qf-path it reads that qf and writes it back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "envelope.h"
#include "hostenv.h"
#include "mailer.h"
#include "map.h"
#include "options.h"
#include "queue.h"
#include "queue_int.h"
#include "sm.h"
#include "unit.h"

static void use_dir(const char *dir)
{
	queue_free_all();
	option_set("QueueDirectory", dir, false);
}

static int body_fd(const char *text)
{
	char tmpl[] = "/tmp/qbodyXXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return -1;
	(void)unlink(tmpl);
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	return fd;
}

static struct envelope *sample(void)
{
	struct envelope *e = envelope_new();
	e->sender = sm_arena_strdup(e->arena, "<alice@example.com>");
	e->ctime = 1796142512;
	e->priority = 30100;
	e->body_type = sm_arena_strdup(e->arena, "8BITMIME");
	e->envid = sm_arena_strdup(e->arena, "env1");
	e->flags = ENV_8BIT_BODY | ENV_RET_PARAM;
	envelope_set_macro(e, "r", "ESMTP");
	envelope_set_macro(e, "daemon_flags", "c u");
	struct recipient *r = envelope_add_rcpt(e, "<bob@example.org>",
						RCPT_PRIMARY | RCPT_HAS_NOTIFY | RCPT_NOTIFY_SUCCESS);
	r->orcpt = sm_arena_strdup(e->arena, "rfc822;bob@example.org");
	envelope_add_rcpt(e, "carol", RCPT_PRIMARY | RCPT_NOTIFY_FAILURE | RCPT_NOTIFY_DELAY);
	envelope_add_header(e, "Received", "by x;\n\tTue, 1 Dec 2026");
	struct header *h = envelope_add_header(e, "From", "alice@example.com");
	h->cond = sm_arena_strdup(e->arena, "F");
	envelope_add_header(e, "Evil", "a\nRPFD:mallory");
	return e;
}

static size_t count_prefix(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *de;
	while (d != NULL && (de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	if (d != NULL)
		closedir(d);
	return n;
}

static void test_id(void)
{
	struct envelope *e = envelope_new();
	CHECK_INT("id.ok", queue_new_id(e), 0);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char want[64];
	snprintf(want, sizeof want, "%06ld", (long)getpid());
	CHECK_INT("id.length", strlen(e->id), 8 + strlen(want));
	CHECK_STR("id.pid", e->id + 8, want);
	static const char b60[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx";
	CHECK("id.year_month", e->id[0] == b60[tm.tm_year % 60] && e->id[1] == b60[tm.tm_mon]);
	char first[32];
	strcpy(first, e->id);
	CHECK_INT("id.second", queue_new_id(e), 0);
	CHECK("id.differs", strcmp(first, e->id) != 0);
	envelope_free(e);
}

static void test_store_read(void)
{
	const char *dir = unit_path("q1");
	mkdir(dir, 0700);
	use_dir(dir);
	struct envelope *e = sample();
	int fd = body_fd("line one\nline two\n");
	CHECK_INT("store.ok", queue_store(e, fd), 0);
	close(fd);
	CHECK("store.locked", e->lock_fd >= 0);
	CHECK_INT("store.size", e->body_size, 18);
	CHECK_INT("store.no_tf", count_prefix(dir, "tf"), 0);
	char *qf = queue_file_path(e, 'q');
	int err = 0;
	struct envelope *r = queue_read(qf, &err);
	CHECK("read.ok", r != NULL);
	if (r != NULL) {
		CHECK_STR("read.id", r->id, e->id);
		CHECK_STR("read.sender", r->sender, "<alice@example.com>");
		CHECK_STR("read.envid", r->envid, "env1");
		CHECK_STR("read.bodytype", r->body_type, "8BITMIME");
		CHECK_INT("read.flags", r->flags & (ENV_8BIT_BODY | ENV_RET_PARAM),
			  ENV_8BIT_BODY | ENV_RET_PARAM);
		CHECK_INT("read.priority", r->priority, 30100);
		CHECK_STR("read.rcpt1", r->rcpts ? r->rcpts->address : "", "<bob@example.org>");
		CHECK_STR("read.orcpt", r->rcpts ? r->rcpts->orcpt : "", "rfc822;bob@example.org");
		CHECK("read.rcpt2", r->rcpts && r->rcpts->next &&
		      (r->rcpts->next->flags & RCPT_NOTIFY_DELAY));
		struct header *h = envelope_find_header(r, "Received");
		CHECK_STR("read.folded_header", h ? h->value : "", "by x;\n\tTue, 1 Dec 2026");
		h = envelope_find_header(r, "From");
		CHECK_STR("read.header_cond", h && h->cond ? h->cond : "", "F");
		int nr = 0;
		for (struct recipient *x = r->rcpts; x; x = x->next)
			nr++;
		CHECK_INT("read.no_injected_rcpt", nr, 2);
		CHECK_STR("read.queue_dir", r->queue_dir, dir);
		int dfd = queue_df_open(r);
		char buf[64] = {0};
		CHECK("read.df", dfd >= 0 && read(dfd, buf, sizeof buf - 1) == 18);
		if (dfd >= 0)
			close(dfd);
		/* a second locker is refused while the storer holds it */
		CHECK_INT("lock.held_elsewhere", queue_lock(r), EWOULDBLOCK);
		r->status_msg = sm_arena_strdup(r->arena, "Deferred: Connection refused");
		r->ntries = 1;
		queue_unlock(e);
		CHECK_INT("update.ok", queue_update(r), 0);
		struct envelope *u = queue_read(qf, &err);
		CHECK_STR("update.status", u && u->status_msg ? u->status_msg : "",
			  "Deferred: Connection refused");
		CHECK_INT("update.tries", u ? u->ntries : -1, 1);
		CHECK_INT("update.locked", u ? queue_lock(u) : -1, EWOULDBLOCK);
		envelope_free(u);
		CHECK_INT("remove.ok", queue_remove(r), 0);
		CHECK_INT("remove.gone", count_prefix(dir, "qf") + count_prefix(dir, "df"), 0);
		envelope_free(r);
	}
	sm_free(qf);
	envelope_free(e);
}

static void test_subdirs(void)
{
	const char *dir = unit_path("q2");
	mkdir(dir, 0700);
	char *qd = sm_asprintf("%s/qf", dir), *dd = sm_asprintf("%s/df", dir);
	mkdir(qd, 0700);
	mkdir(dd, 0700);
	use_dir(dir);
	struct envelope *e = sample();
	int fd = body_fd("x\n");
	CHECK_INT("subdir.store", queue_store(e, fd), 0);
	close(fd);
	CHECK_INT("subdir.qf", count_prefix(qd, "qf"), 1);
	CHECK_INT("subdir.df", count_prefix(dd, "df"), 1);
	char *qf = queue_file_path(e, 'q');
	int err;
	struct envelope *r = queue_read(qf, &err);
	CHECK_STR("subdir.queue_dir", r ? r->queue_dir : "", dir);
	envelope_free(r);
	sm_free(qf);
	envelope_free(e);
	sm_free(qd);
	sm_free(dd);
}

static const char *const Bad[] = {
	"", "V8\nT1\nP1\nSa\nRPFD:b\n", "V9\nT1\nSa\nRPFD:b\n.\n", "V8\nTabc\nSa\n.\n",
	"V8\nT1\nRPFD:b\n.\n", "V8\nT1\nSa\nX what\n.\n", "V8\nSa\nR\n.\n",
	"V8\nSa\nHnocolon\n.\n", "\001\002\377", "V8\nSa\nP99999999999999999999999\n.\n",
	"V8\nSa\nH?unterminated\n.\n", "V8\nSa\n.x\n",
};

static void test_hostile(void)
{
	const char *dir = unit_path("q3");
	mkdir(dir, 0700);
	use_dir(dir);
	for (size_t i = 0; i < sizeof Bad / sizeof Bad[0]; i++) {
		char name[64];
		snprintf(name, sizeof name, "q3/qfBAD%04zu", i);
		const char *p = unit_write_file(name, Bad[i]);
		int err = 0;
		struct envelope *e = queue_read(p, &err);
		char cname[64];
		snprintf(cname, sizeof cname, "hostile.rejected_%zu", i);
		unit_check(e == NULL && err == EINVAL, cname, "err %d", err);
		envelope_free(e);
	}
	/* an overlong line */
	const char *big = unit_path("q3/qfBIGLINE");
	FILE *f = fopen(big, "w");
	if (f != NULL) {
		fputs("V8\nSa\nM", f);
		for (int i = 0; i < 2 * 1024 * 1024; i++)
			putc('x', f);
		fputs("\n.\n", f);
		fclose(f);
	}
	int err = 0;
	struct envelope *e = queue_read(big, &err);
	CHECK("hostile.long_line", e == NULL && err == EINVAL);
	envelope_free(e);
	/* random bytes never crash the reader */
	srandom(42);
	int survived = 0;
	for (int i = 0; i < 300; i++) {
		char buf[512];
		size_t n = (size_t)random() % sizeof buf;
		const char *alpha = "V8TKNPMqBFS$ZACQrRH.!\n\t :?{}x\001\377";
		for (size_t j = 0; j < n; j++)
			buf[j] = alpha[(size_t)random() % strlen(alpha)];
		const char *p = unit_path("q3/qfRANDOM");
		FILE *g = fopen(p, "w");
		if (g == NULL)
			break;
		fwrite(buf, 1, n, g);
		fclose(g);
		struct envelope *x = queue_read(p, &err);
		envelope_free(x);
		survived++;
	}
	CHECK_INT("hostile.random", survived, 300);
}

struct run_log {
	int delivered;
	char ids[64][32];
};

static int deliver_remove(struct envelope *e, void *arg)
{
	struct run_log *l = arg;
	if (l->delivered < 64)
		sm_strlcpy(l->ids[l->delivered], e->id, sizeof l->ids[0]);
	l->delivered++;
	return queue_remove(e);
}

static void test_run_corrupt(void)
{
	const char *dir = unit_path("q4");
	mkdir(dir, 0700);
	use_dir(dir);
	for (int i = 0; i < 3; i++) {
		struct envelope *e = sample();
		e->priority = 1000 * (3 - i);
		int fd = body_fd("b\n");
		CHECK_INT("run.store", queue_store(e, fd), 0);
		close(fd);
		envelope_free(e);
	}
	unit_write_file("q4/qfCORRUPT00001", "V8\nT1\nSx\nRPFD:y\n");
	unit_write_file("q4/dfCORRUPT00001", "b\n");
	struct queue_run_opts o;
	memset(&o, 0, sizeof o);
	o.sort = -1;
	o.min_age = -1;
	o.max_run_size = -1;
	struct run_log l;
	memset(&l, 0, sizeof l);
	CHECK_INT("run.ok", queue_run(&o, deliver_remove, &l), 0);
	CHECK_INT("run.delivered", l.delivered, 3);
	CHECK_INT("run.set_aside", count_prefix(dir, "Qf"), 1);
	CHECK_INT("run.no_qf_left", count_prefix(dir, "qf"), 0);
}

/* Kills storers at random moments: every qf that exists is whole. */
static void test_crash(void)
{
	const char *dir = unit_path("q5");
	mkdir(dir, 0700);
	use_dir(dir);
	static char body[200000];
	for (size_t i = 0; i < sizeof body - 1; i++)
		body[i] = (i % 70 == 69) ? '\n' : 'a' + (char)(i % 26);
	int fd = body_fd(body);
	srandom((unsigned)getpid());
	int trials = 0, bad = 0;
	for (int t = 0; t < 200; t++) {
		pid_t pid = fork();
		if (pid == 0) {
			struct envelope *e = sample();
			int rc = queue_store(e, fd);
			_exit(rc == 0 ? 0 : 1);
		}
		if (pid < 0)
			break;
		usleep((useconds_t)(random() % 3000));
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		trials++;
	}
	DIR *d = opendir(dir);
	struct dirent *de;
	int whole = 0;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "qf", 2) != 0)
			continue;
		char *p = sm_asprintf("%s/%s", dir, de->d_name);
		int err;
		struct envelope *e = queue_read(p, &err);
		struct stat st;
		char *df = e ? queue_file_path(e, 'd') : NULL;
		if (e == NULL || df == NULL || stat(df, &st) != 0 ||
		    st.st_size != (off_t)strlen(body))
			bad++;
		else
			whole++;
		sm_free(df);
		sm_free(p);
		envelope_free(e);
	}
	if (d != NULL)
		closedir(d);
	close(fd);
	CHECK_INT("crash.trials", trials, 200);
	unit_check(bad == 0, "crash.no_half_message", "%d broken of %d", bad, whole + bad);
}

static int deliver_log(struct envelope *e, void *arg)
{
	int fd = *(int *)arg;
	char line[64];
	int n = snprintf(line, sizeof line, "%s\n", e->id);
	if (write(fd, line, (size_t)n) != n)
		return EIO;
	usleep(2000);
	return queue_remove(e);
}

static void test_two_runners(void)
{
	const char *dir = unit_path("q6");
	mkdir(dir, 0700);
	use_dir(dir);
	enum { N = 40 };
	for (int i = 0; i < N; i++) {
		struct envelope *e = sample();
		int fd = body_fd("b\n");
		(void)queue_store(e, fd);
		close(fd);
		envelope_free(e);
	}
	const char *logp = unit_path("q6.log");
	int lfd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0600);
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			struct queue_run_opts o;
			memset(&o, 0, sizeof o);
			o.sort = k == 0 ? QSORT_FILENAME : QSORT_RANDOM;
			o.min_age = -1;
			o.max_run_size = -1;
			_exit(queue_run(&o, deliver_log, &lfd) == 0 ? 0 : 1);
		}
	}
	for (int k = 0; k < 2; k++)
		if (kids[k] > 0)
			waitpid(kids[k], NULL, 0);
	close(lfd);
	FILE *f = fopen(logp, "r");
	char seen[N * 2][32];
	int n = 0, dups = 0;
	char line[64];
	while (f != NULL && n < N * 2 && fgets(line, sizeof line, f) != NULL) {
		for (int i = 0; i < n; i++)
			if (strcmp(seen[i], line) == 0)
				dups++;
		sm_strlcpy(seen[n++], line, sizeof seen[0]);
	}
	if (f != NULL)
		fclose(f);
	CHECK_INT("runners.all_delivered", n, N);
	CHECK_INT("runners.no_duplicate", dups, 0);
}

static void driver(const char *dir)
{
	use_dir(dir);
	struct envelope *e = envelope_new();
	const char *s = getenv("QUEUE_STORE_SENDER");
	e->sender = sm_arena_strdup(e->arena, s ? s : "");
	e->ctime = time(NULL);
	e->priority = getenv("QUEUE_STORE_PRIORITY") ? atol(getenv("QUEUE_STORE_PRIORITY")) : 30000;
	const char *st = getenv("QUEUE_STORE_STATUS");
	if (st != NULL && *st != '\0')
		e->status_msg = sm_arena_strdup(e->arena, st);
	char *rc = sm_strdup(getenv("QUEUE_STORE_RCPTS") ? getenv("QUEUE_STORE_RCPTS") : "");
	for (char *tok = strtok(rc, " "); tok != NULL; tok = strtok(NULL, " "))
		envelope_add_rcpt(e, tok, RCPT_PRIMARY | RCPT_NOTIFY_FAILURE | RCPT_NOTIFY_DELAY);
	sm_free(rc);
	envelope_add_header(e, "Subject", "test");
	CHECK_INT("driver.store", queue_store(e, 0), 0);
	envelope_free(e);
}

/* Priorities and precedence classes, values measured on sendmail 8.17. */
static void test_priority(void)
{
	static const struct { const char *name; int value; } P[] = {
		{"first-class", 0}, {"special-delivery", 100}, {"list", -30}, {"bulk", -60}, {"junk", -100},
	};
	NPrecedences = 0;
	for (size_t i = 0; i < sizeof P / sizeof P[0]; i++) {
		Precedences[i].name = sm_strdup(P[i].name);
		Precedences[i].value = P[i].value;
		NPrecedences++;
	}
	struct envelope *e = envelope_new();
	CHECK_INT("prio.class_none", queue_precedence_class(e), 0);
	envelope_add_header(e, "Precedence", "Bulk");
	CHECK_INT("prio.class_bulk", queue_precedence_class(e), -60);
	envelope_free(e);
	e = envelope_new();
	envelope_add_header(e, "Precedence", "bulk ");
	CHECK_INT("prio.class_trailing_blank", queue_precedence_class(e), 0);
	envelope_free(e);
	/* "Subject: a\n\nx\n" to one recipient: 30014; with "Precedence: bulk": 138031 */
	CHECK_INT("prio.plain", queue_priority(14, 1, 0), 30014);
	CHECK_INT("prio.three_rcpts", queue_priority(14, 3, 0), 90014);
	CHECK_INT("prio.bulk", queue_priority(31, 1, -60), 138031);
	CHECK_INT("prio.special", queue_priority(43, 1, 100), -149957);
	option_set("ClassFactor", "10", false);
	option_set("RecipientFactor", "5", false);
	CHECK_INT("prio.factors", queue_priority(100, 2, -3), 140);
	CHECK_INT("prio.saturates", queue_priority(LONG_MAX, 1000, -100000), LONG_MAX);
	e = envelope_new();
	e->priority = 168035;
	queue_retry_priority(e);
	CHECK_INT("prio.retry_default", e->priority, 258035);
	option_set("RetryFactor", "7", false);
	queue_retry_priority(e);
	CHECK_INT("prio.retry_option", e->priority, 258042);
	envelope_free(e);
	/* load average */
	option_set("QueueLA", "16", false);
	CHECK("load.below", !queue_load_defers(10000000, 16));
	CHECK("load.cheap", !queue_load_defers(300000, 17));
	CHECK("load.expensive", queue_load_defers(300001, 17));
	option_set("QueueLA", "100000", false);
}

static void test_timeouts(void)
{
	struct envelope *e = envelope_new();
	e->ctime = 1000000;
	time_t w, r;
	queue_timeouts(e, &w, &r);
	CHECK_INT("timeout.default_return", r, 1000000 + 5 * 86400);
	CHECK_INT("timeout.default_no_warn", w, 0);
	option_set("Timeout.queuereturn", "2", false); /* days */
	option_set("Timeout.queuewarn", "3", false);   /* hours */
	queue_timeouts(e, &w, &r);
	CHECK_INT("timeout.return_days", r, 1000000 + 2 * 86400);
	CHECK_INT("timeout.warn_hours", w, 1000000 + 3 * 3600);
	option_set("Timeout.queuewarn.urgent", "1h", false);
	option_set("Timeout.queuereturn.non-urgent", "30m", false);
	struct header *h = envelope_add_header(e, "Precedence", "special-delivery");
	queue_timeouts(e, &w, &r);
	CHECK_INT("timeout.urgent_warn", w, 1000000 + 3600);
	h->value = sm_arena_strdup(e->arena, "junk");
	queue_timeouts(e, &w, &r);
	CHECK_INT("timeout.non_urgent_return", r, 1000000 + 1800);
	CHECK_INT("timeout.non_urgent_no_warn", w, 0);
	h->value = sm_arena_strdup(e->arena, "first-class");
	option_set("Timeout.queuewarn.dsn", "10m", false);
	e->flags |= ENV_BOUNCE;
	queue_timeouts(e, &w, &r);
	CHECK_INT("timeout.dsn_warn", w, 1000000 + 600);
	CHECK_INT("timeout.dsn_return_falls_back", r, 1000000 + 2 * 86400);
	e->flags = ENV_WARNING_SENT;
	queue_timeouts(e, &w, &r);
	CHECK_INT("timeout.warned_once", w, 0);
	option_set("Timeout.queuereturn", "now", false);
	queue_timeouts(e, &w, &r);
	CHECK("timeout.now", r > 0 && r <= e->ctime);
	envelope_free(e);
	options_free();
	e = envelope_new();
	e->ctime = 1000000;
	option_set("QueueTimeout", "4d/2h", false);
	queue_timeouts(e, &w, &r);
	CHECK_INT("timeout.T_return", r, 1000000 + 4 * 86400);
	CHECK_INT("timeout.T_warn", w, 1000000 + 2 * 3600);
	envelope_free(e);
	options_free();
	option_set("QueueLA", "100000", false);
}

/* What a delivery attempt leaves: statuses per recipient, I after reading. */
static void test_status_lines(void)
{
	const char *dir = unit_path("q7");
	mkdir(dir, 0700);
	use_dir(dir);
	struct envelope *e = sample();
	int fd = body_fd("b\n");
	CHECK_INT("status.store", queue_store(e, fd), 0);
	close(fd);
	e->status_msg = sm_arena_strdup(e->arena, "Deferred: 451 4.2.1 busy");
	e->rcpts->diag = sm_arena_strdup(e->arena, "Deferred: 451 4.2.1 busy");
	e->rcpts->ctladdr = sm_arena_strdup(e->arena, "list:1:0:<list@x>");
	e->rcpts->next->flags |= RCPT_DONE;
	envelope_add_rcpt(e, "<third@example.org>", RCPT_PRIMARY);
	CHECK_INT("status.update", queue_update(e), 0);
	char *qf = queue_file_path(e, 'q');
	FILE *f = fopen(qf, "r");
	char text[4096] = {0};
	size_t n = f != NULL ? fread(text, 1, sizeof text - 1, f) : 0;
	text[n] = '\0';
	if (f != NULL)
		fclose(f);
	CHECK("status.no_inode_first", strstr(text, "\nI") == NULL);
	CHECK_CONTAINS("status.order", text,
		       "MDeferred: 451 4.2.1 busy\nClist:1:0:<list@x>\nQrfc822;bob@example.org\n"
		       "RPNS:<bob@example.org>\nC\nRP:<third@example.org>\n");
	CHECK("status.done_left_out", strstr(text, "carol") == NULL);
	int err;
	struct envelope *r = queue_read(qf, &err);
	CHECK_STR("status.read_envelope", r && r->status_msg ? r->status_msg : "",
		  "Deferred: 451 4.2.1 busy");
	CHECK_STR("status.read_rcpt", r && r->rcpts && r->rcpts->diag ? r->rcpts->diag : "",
		  "Deferred: 451 4.2.1 busy");
	CHECK("status.read_rcpt2_none", r && r->rcpts && r->rcpts->next && r->rcpts->next->diag == NULL);
	queue_unlock(e);
	CHECK_INT("status.update_read", r ? queue_update(r) : -1, 0);
	f = fopen(qf, "r");
	n = f != NULL ? fread(text, 1, sizeof text - 1, f) : 0;
	text[n] = '\0';
	if (f != NULL)
		fclose(f);
	CHECK("status.inode_after_read", strstr(text, "\nI") != NULL);
	envelope_free(r);
	sm_free(qf);
	envelope_free(e);
}

/* The delivery callback of the runner driver. */
static int count_deliver(struct envelope *e, void *arg)
{
	(void)arg;
	const char *cdir = getenv("QUEUE_CONC_DIR");
	char *mine = NULL;
	int conc = 0;
	if (cdir != NULL) {
		mine = sm_asprintf("%s/run.%ld", cdir, (long)getpid());
		int fd = open(mine, O_WRONLY | O_CREAT, 0600);
		if (fd >= 0)
			close(fd);
		conc = (int)count_prefix(cdir, "run.");
	}
	const char *logp = getenv("QUEUE_DELIVER_LOG");
	if (logp != NULL) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
		char line[160];
		int n = snprintf(line, sizeof line, "%ld %s %ld %d conc %d\n", (long)getpid(), e->id,
				 e->priority, e->ntries, conc);
		if (fd < 0 || write(fd, line, (size_t)n) != n)
			fprintf(stderr, "cannot log to %s\n", logp);
		if (fd >= 0)
			close(fd);
	}
	const char *ms = getenv("QUEUE_DELIVER_MS");
	if (ms != NULL)
		usleep((useconds_t)atoi(ms) * 1000);
	if (mine != NULL) {
		unlink(mine);
		sm_free(mine);
	}
	const char *mode = getenv("QUEUE_DELIVER_MODE");
	if (mode != NULL && strcmp(mode, "defer") == 0) {
		e->ntries++;
		e->last_try = time(NULL);
		e->status_msg = sm_arena_strdup(e->arena, "Deferred: 451 4.2.1 mailbox busy");
		for (struct recipient *r = e->rcpts; r != NULL; r = r->next)
			r->diag = sm_arena_strdup(e->arena, "Deferred: 451 4.2.1 mailbox busy");
		return queue_update(e);
	}
	return queue_remove(e);
}

static int run_driver(const char *args)
{
	map_classes_init();
	mailers_init_builtin();
	hostenv_init();
	const char *cf = getenv("QUEUE_CF");
	if (cf != NULL && !readcf(cf))
		return 78;
	char *opts = sm_strdup(getenv("QUEUE_OPTS") ? getenv("QUEUE_OPTS") : "");
	for (char *t = strtok(opts, " "); t != NULL; t = strtok(NULL, " ")) {
		char *eq = strchr(t, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		option_set(t, eq + 1, false);
	}
	sm_free(opts);
	char *a = sm_strdup(args);
	int rc = 0;
	for (char *t = strtok(a, " "); t != NULL && rc == 0; t = strtok(NULL, " ")) {
		if (strcmp(t, "-v") == 0)
			queue_cmdline_verbose();
		else if (strncmp(t, "-q", 2) == 0)
			rc = queue_cmdline_q(t + 2);
	}
	if (rc == 0) { /* the -q flags keep pointers into a */
		queue_set_deliver(count_deliver, NULL);
		rc = queue_cmd_run();
	}
	sm_free(a);
	return rc;
}

/* Reads a qf and writes it back (test/t_queue_run compares the result). */
static int read_update(const char *path)
{
	int err;
	struct envelope *e = queue_read(path, &err);
	if (e == NULL)
		return 1;
	int rc = queue_update(e);
	envelope_free(e);
	return rc == 0 ? 0 : 1;
}

void unit_run(void)
{
	const char *d = getenv("QUEUE_STORE_DIR");
	if (getenv("QUEUE_RUN_ARGS") != NULL || getenv("QUEUE_READ_UPDATE") != NULL) {
		int rc = getenv("QUEUE_RUN_ARGS") != NULL ? run_driver(getenv("QUEUE_RUN_ARGS")) :
			read_update(getenv("QUEUE_READ_UPDATE"));
		queue_free_all();
		options_free();
		exit(rc);
	} else if (d != NULL) {
		driver(d);
	} else {
		test_id();
		test_store_read();
		test_subdirs();
		test_hostile();
		test_run_corrupt();
		test_crash();
		test_two_runners();
		test_priority();
		test_timeouts();
		test_status_lines();
	}
	queue_free_all();
	options_free();
}
