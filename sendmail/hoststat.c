/*
 * hoststat.c: the host status cache (see hoststat.h).
 *
 * Owns: the files under HostStatusDirectory (relative to the queue
 * directory when not absolute), one per host, at the path of its name
 * labels reversed, each but the last a directory with a trailing dot
 * ("mx.example.net" is net./example./mx), in 8.17's format: lines V0,
 * E<errno>, H<resolver error>, S<exit status>, D<DSN code>, R<reply>
 * (when there was one), U<time of the update>, "."; whether a host is
 * down (a connection failure younger than Timeout.hoststatus, 30 minutes
 * by default, or one this process saw itself); the -bh listing (host, age, result) and the -bH purge
 * (files older than Timeout.hoststatus go; directories stay).  Without
 * HostStatusDirectory nothing is kept and both modes print nothing.
 */
#include "hoststat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deliver.h"
#include "log.h"
#include "options.h"
#include "smtpc.h"
#include "timeconv.h"

#define MAX_DEPTH 16 /* labels of a host name followed */

/* The directory, or NULL when no status is kept (sm_free). */
static char *status_dir(void)
{
	const char *d = opt_value(OPT_HostStatusDirectory);
	if (d == NULL || *d == '\0')
		return NULL;
	if (d[0] == '/')
		return sm_strdup(d);
	const char *q = opt_value(OPT_QueueDirectory);
	return sm_asprintf("%s/%s", q != NULL ? q : "/var/spool/mqueue", d);
}

/* The file of host (sm_free), creating its directories when mk; NULL if none. */
static char *host_path(const char *host, bool mk)
{
	char *dir = status_dir();
	if (dir == NULL || host == NULL || *host == '\0' || strlen(host) > 255) {
		sm_free(dir);
		return NULL;
	}
	char name[256];
	sm_strlcpy(name, host, sizeof name);
	size_t l = strlen(name);
	if (l > 1 && name[l - 1] == '.')
		name[--l] = '\0';
	struct sm_buf p;
	sm_buf_init(&p);
	sm_buf_puts(&p, dir);
	sm_free(dir);
	bool literal = name[0] == '[';
	for (char *s = name; *s; s++) {
		*s = sm_lower((unsigned char)*s);
		if (*s == '/')
			*s = '_';
	}
	if (literal) {
		sm_buf_printf(&p, "/%s", name);
		return sm_buf_steal(&p);
	}
	/* the labels from the last: every one but the first a directory "label." */
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		char *dot = strrchr(name, '.');
		if (dot == NULL) {
			sm_buf_printf(&p, "/%s", name);
			return sm_buf_steal(&p);
		}
		sm_buf_printf(&p, "/%s.", dot + 1);
		*dot = '\0';
		if (mk && mkdir(p.data, 0755) != 0 && errno != EEXIST)
			break;
	}
	sm_buf_free(&p);
	return NULL;
}

struct hstat {
	int err, herr, status;
	char dsn[16];
	char reply[512];
	long updated;
};

static bool read_status(const char *path, struct hstat *h)
{
	memset(h, 0, sizeof *h);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	char line[1024];
	bool ok = false;
	for (int n = 0; n < 32 && fgets(line, sizeof line, f) != NULL; n++) {
		if (strchr(line, '\n') == NULL && !feof(f)) {
			/* an over-long line (another writer's): its rest is not a record of its own */
			int ch;
			while ((ch = getc(f)) != EOF && ch != '\n')
				;
		}
		line[strcspn(line, "\n")] = '\0';
		switch (line[0]) {
		case 'E': h->err = atoi(line + 1); break;
		case 'H': h->herr = atoi(line + 1); break;
		case 'S': h->status = atoi(line + 1); break;
		case 'D': sm_strlcpy(h->dsn, line + 1, sizeof h->dsn); break;
		case 'R': sm_strlcpy(h->reply, line + 1, sizeof h->reply); break;
		case 'U': h->updated = strtol(line + 1, NULL, 10); break;
		case '.': ok = true; break;
		default: break;
		}
	}
	(void)fclose(f);
	return ok;
}

/* Timeout.hoststatus: how long a status counts (0: never, every host is tried). */
static long status_lifetime(void)
{
	const char *v = opt_timeout("hoststatus");
	if (v == NULL || *v == '\0')
		return 30 * 60;
	return time_convert(v, strlen(v), 's');
}

/*
 * The hosts this process found down (as 8.17's connection cache keeps
 * them): later deliveries of the same run are deferred without trying.
 */
#define MEM_HOSTS 64
static struct {
	char host[256];
	int err;
} DownHosts[MEM_HOSTS];

static void mem_record(const char *host, int err)
{
	int slot = -1;
	for (int i = 0; i < MEM_HOSTS; i++) {
		if (sm_strcasecmp(DownHosts[i].host, host) == 0) {
			slot = i;
			break;
		}
		if (slot < 0 && DownHosts[i].host[0] == '\0')
			slot = i;
	}
	if (slot < 0)
		slot = 0;
	if (err == 0) {
		if (sm_strcasecmp(DownHosts[slot].host, host) == 0)
			DownHosts[slot].host[0] = '\0';
		return;
	}
	sm_strlcpy(DownHosts[slot].host, host, sizeof DownHosts[slot].host);
	DownHosts[slot].err = err;
}

bool hoststat_down_here(const char *host, struct smtpc_result *r)
{
	for (int i = 0; i < MEM_HOSTS; i++)
		if (DownHosts[i].host[0] != '\0' && sm_strcasecmp(DownHosts[i].host, host) == 0) {
			smtpc_connect_failure(DownHosts[i].err, host, r);
			return true;
		}
	return false;
}

bool hoststat_down(const char *host, struct smtpc_result *r)
{
	char *path = host_path(host, false);
	struct hstat h;
	bool down = false;
	if (path != NULL && read_status(path, &h) && h.status == EX_TEMPFAIL_ && h.err != 0 &&
	    (long)time(NULL) - h.updated < status_lifetime()) {
		down = true;
		smtpc_connect_failure(h.err, host, r);
	}
	sm_free(path);
	return down;
}

void hoststat_record(const char *host, int err, int status, const char *dsn, const char *reply)
{
	if (strlen(host) < sizeof DownHosts[0].host)
		mem_record(host, status == EX_TEMPFAIL_ ? err : 0);
	char *path = host_path(host, true);
	if (path == NULL)
		return;
	char *tmp = sm_asprintf("%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (f != NULL) {
		/* 8.17 writes H1 beside a connection's errno */
		fprintf(f, "V0\nE%d\nH%d\nS%d\nD%s\n", err, err != 0, status, dsn != NULL ? dsn : "");
		if (reply != NULL)
			/* no more than read_status keeps (a server's reply is up to 4096 bytes) */
			fprintf(f, "R%.511s\n", reply);
		fprintf(f, "U%ld\n.\n", (long)time(NULL));
		if (fclose(f) != 0 || rename(tmp, path) != 0)
			(void)unlink(tmp);
	}
	sm_free(tmp);
	sm_free(path);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Walks dir (host labels so far in suffix, "example.net"): lists each
 * status file (list) or removes the old ones (purge).
 */
static void walk(const char *dir, const char *suffix, int depth, bool purge, bool *header)
{
	if (depth > MAX_DEPTH)
		return;
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < 100000) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp") != NULL)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = sm_realloc(names, cap * sizeof *names);
		}
		names[n++] = sm_strdup(de->d_name);
	}
	(void)closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		char *path = sm_asprintf("%s/%s", dir, names[i]);
		size_t l = strlen(names[i]);
		char *host = *suffix ? sm_asprintf("%s%s%s", names[i], l > 0 && names[i][l - 1] == '.' ? "" : ".", suffix)
				     : sm_strdup(names[i]);
		struct stat st;
		if (lstat(path, &st) != 0) {
			/* gone since readdir (a purge, a rename): nothing to list */
		} else if (S_ISDIR(st.st_mode)) {
			/* "net." holds the hosts under "net" */
			char *sub = sm_strndup(names[i], l > 0 && names[i][l - 1] == '.' ? l - 1 : l);
			char *suf = *suffix ? sm_asprintf("%s.%s", sub, suffix) : sm_strdup(sub);
			walk(path, suf, depth + 1, purge, header);
			sm_free(suf);
			sm_free(sub);
		} else if (S_ISREG(st.st_mode)) {
			struct hstat h;
			if (purge) {
				/* older than Timeout.hoststatus (0: any second old) */
				if (!read_status(path, &h) || (long)time(NULL) - h.updated > status_lifetime())
					(void)unlink(path);
			} else if (read_status(path, &h)) {
				if (!*header) {
					printf(" -------------- Hostname --------------- How long ago ---------Results---------\n");
					*header = true;
				}
				char ago[32];
				log_delay((long)time(NULL) - h.updated, ago, sizeof ago);
				char res[600];
				if (h.reply[0] != '\0') {
					sm_strlcpy(res, h.reply, sizeof res);
				} else if (h.status != 0) {
					const char *dsn;
					const char *t = deliver_exit_text(h.status, &dsn);
					snprintf(res, sizeof res, "%s%s%s", t != NULL ? t : "Error",
						 h.err != 0 ? ": " : "", h.err != 0 ? strerror(h.err) : "");
				} else {
					sm_strlcpy(res, "OK", sizeof res);
				}
				printf(" %-39s %12s %.25s\n", host, ago, res);
			}
		}
		sm_free(host);
		sm_free(path);
		sm_free(names[i]);
	}
	sm_free(names);
}

int hoststat_list(void)
{
	char *dir = status_dir();
	if (dir == NULL)
		return EX_OK_;
	bool header = false;
	walk(dir, "", 0, false, &header);
	fflush(stdout);
	sm_free(dir);
	return EX_OK_;
}

int hoststat_purge(void)
{
	char *dir = status_dir();
	if (dir == NULL)
		return EX_OK_;
	bool header = false;
	walk(dir, "", 0, true, &header);
	sm_free(dir);
	return EX_OK_;
}
