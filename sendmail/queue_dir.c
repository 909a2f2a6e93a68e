/*
 * queue_dir.c: where queue files live.
 *
 * Owns the list of queue groups, their expanded directories and how they
 * are run (Interval=, Runners=, Flags=, Nice=, Jobs= of their Q lines): the
 * default group "mqueue" uses the QueueDirectory option, each Q line of
 * sendmail.cf its P= path (a relative path is taken below the base
 * directory: QueueDirectory, or its parent when it ends in a "*"
 * wildcard).  A path ending in "*" stands for every directory whose name
 * starts with what precedes the "*".  Also builds the path of each queue
 * file, in the qf/, df/ or xf/ subdirectory when the queue directory has one.
 */
#include "queue_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "options.h"
#include "timeconv.h"

struct qgroup {
	char *name;
	char **dirs; /* NULL-terminated */
	struct queue_group_info info;
};

static struct qgroup *Groups;
static size_t NGroups;
static char **AllDirs;

const char *queue_base_dir(void)
{
	const char *q = opt_value(OPT_QueueDirectory);
	return (q != NULL && *q != '\0') ? q : "/var/spool/mqueue";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void push(char ***v, size_t *n, char *s)
{
	*v = sm_realloc(*v, (*n + 2) * sizeof **v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* Expands one path (with a possible trailing "*") into directories. */
static void expand(const char *path, char ***v, size_t *n)
{
	size_t len = strlen(path);
	if (len == 0 || path[len - 1] != '*') {
		push(v, n, sm_strdup(path));
		return;
	}
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? sm_strdup(".") :
		slash == path ? sm_strdup("/") : sm_strndup(path, (size_t)(slash - path));
	const char *prefix = slash == NULL ? path : slash + 1;
	size_t plen = strlen(prefix) - 1;
	DIR *d = opendir(dir);
	size_t first = *n;
	if (d != NULL) {
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' || strncmp(de->d_name, prefix, plen) != 0)
				continue;
			char *full = sm_asprintf("%s%s%s", dir,
						 strcmp(dir, "/") == 0 ? "" : "/", de->d_name);
			struct stat st;
			if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
				push(v, n, full);
			else
				sm_free(full);
		}
		(void)closedir(d);
	}
	if (*n > first)
		qsort(*v + first, *n - first, sizeof **v, cmp_str);
	sm_free(dir);
}

/* The value of field code (first letter) of a Q line's field list, malloc'ed, or NULL. */
static char *group_field(const char *spec, int want)
{
	const char *p = spec;
	while (*p != '\0') {
		while (*p == ',' || sm_isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		int code = (unsigned char)*p;
		while (*p != '\0' && *p != '=' && *p != ',')
			p++;
		if (*p != '=')
			return NULL;
		p++;
		const char *end;
		char *v = conf_munch(p, &end, ',');
		p = end;
		if (code == want)
			return v;
		sm_free(v);
	}
	return NULL;
}

static long num_field(const char *spec, int code, long dflt, long min, long max)
{
	char *v = spec != NULL ? group_field(spec, code) : NULL;
	if (v == NULL)
		return dflt;
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v || n < min)
		n = dflt;
	if (n > max)
		n = max;
	sm_free(v);
	return n;
}

/* Runners, Interval, Flags, Nice and Jobs of a Q line (spec NULL: mqueue). */
static void group_params(struct qgroup *g, const char *spec)
{
	struct queue_group_info *i = &g->info;
	i->name = g->name;
	i->dirs = g->dirs;
	i->interval = -1;
	char *v = spec != NULL ? group_field(spec, 'I') : NULL;
	if (v != NULL) {
		i->interval = time_convert(v, strlen(v), 'm');
		sm_free(v);
	}
	v = spec != NULL ? group_field(spec, 'F') : NULL;
	i->parallel = v != NULL && strchr(v, 'f') != NULL;
	sm_free(v);
	long dflt = 1;
	const char *m = opt_value(OPT_MaxRunnersPerQueue);
	if (m != NULL && strtol(m, NULL, 10) > 0)
		dflt = strtol(m, NULL, 10);
	i->runners = (int)num_field(spec, 'R', dflt, 0, 1000);
	if (i->runners > 1 && !i->parallel)
		i->runners = 1; /* several runners need F=f */
	i->nice = (int)num_field(spec, 'N', 0, 0, 39);
	i->jobs = num_field(spec, 'J', 0, 0, LONG_MAX);
}

static void add_group(const char *name, const char *path, const char *spec)
{
	Groups = sm_realloc(Groups, (NGroups + 1) * sizeof *Groups);
	struct qgroup *g = &Groups[NGroups++];
	g->name = sm_strdup(name);
	g->dirs = sm_calloc(1, sizeof *g->dirs); /* a wildcard may match nothing */
	size_t n = 0;
	expand(path, &g->dirs, &n);
	group_params(g, spec);
}

static void init_groups(void)
{
	if (Groups != NULL)
		return;
	const char *base = queue_base_dir();
	struct named_spec *mq = NULL;
	for (struct named_spec *q = QueueGroups; q != NULL; q = q->next)
		if (strcmp(q->name, "mqueue") == 0)
			mq = q;
	add_group("mqueue", base, mq != NULL ? mq->spec : NULL);
	char *root;
	size_t blen = strlen(base);
	if (blen > 0 && base[blen - 1] == '*') {
		const char *slash = strrchr(base, '/');
		root = slash == NULL ? sm_strdup(".") : sm_strndup(base, (size_t)(slash - base));
	} else {
		root = sm_strdup(base);
	}
	for (struct named_spec *q = QueueGroups; q != NULL; q = q->next) {
		if (strcmp(q->name, "mqueue") == 0)
			continue;
		char *p = group_field(q->spec, 'P');
		if (p == NULL)
			continue;
		char *full = p[0] == '/' ? sm_strdup(p) : sm_asprintf("%s/%s", root, p);
		add_group(q->name, full, q->spec);
		sm_free(full);
		sm_free(p);
	}
	sm_free(root);
	size_t n = 0;
	AllDirs = sm_calloc(1, sizeof *AllDirs);
	for (size_t i = 0; i < NGroups; i++)
		for (char **d = Groups[i].dirs; *d != NULL; d++)
			push(&AllDirs, &n, *d);
}

char **queue_dirs(const char *qgroup)
{
	init_groups();
	if (qgroup == NULL)
		return AllDirs;
	for (size_t i = 0; i < NGroups; i++)
		if (strcmp(Groups[i].name, qgroup) == 0)
			return Groups[i].dirs;
	return NULL;
}

size_t queue_group_count(void)
{
	init_groups();
	return NGroups;
}

const struct queue_group_info *queue_group_get(size_t i)
{
	init_groups();
	return i < NGroups ? &Groups[i].info : NULL;
}

void queue_free_all(void)
{
	for (size_t i = 0; i < NGroups; i++) {
		for (char **d = Groups[i].dirs; *d != NULL; d++)
			sm_free(*d);
		sm_free(Groups[i].dirs);
		sm_free(Groups[i].name);
	}
	sm_free(Groups);
	sm_free(AllDirs);
	Groups = NULL;
	AllDirs = NULL;
	NGroups = 0;
}

static const char *kind_subdir(char kind)
{
	switch (kind) {
	case 'd':
		return "df";
	case 'x':
		return "xf";
	default:
		return "qf"; /* qf, tf, Qf, hf */
	}
}

char *queue_kind_dir(const char *dir, char kind)
{
	char *sub = sm_asprintf("%s/%s", dir, kind_subdir(kind));
	struct stat st;
	if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
		return sub;
	sm_free(sub);
	return sm_strdup(dir);
}

char *queue_path(const char *dir, const char *df_dir, char kind, const char *id)
{
	char *kd = queue_kind_dir(kind == 'd' && df_dir != NULL ? df_dir : dir, kind);
	char *p = sm_asprintf("%s/%cf%s", kd, kind, id);
	sm_free(kd);
	return p;
}

char *queue_relpath(const char *dir, char kind, const char *id)
{
	char *kd = queue_kind_dir(dir, kind);
	char *p = strcmp(kd, dir) == 0 ? sm_asprintf("./%cf%s", kind, id)
				       : sm_asprintf("%s/%cf%s", kind_subdir(kind), kind, id);
	sm_free(kd);
	return p;
}

char *queue_file_path(const struct envelope *e, char kind)
{
	return queue_path(e->queue_dir != NULL ? e->queue_dir : queue_base_dir(),
			  e->df_dir, kind, e->id);
}

int queue_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int rc = fsync(fd) == 0 ? 0 : errno;
	if (close(fd) != 0 && rc == 0)
		rc = errno;
	return rc;
}

int queue_check_dirs(FILE *out)
{
	init_groups();
	const char *base = queue_base_dir();
	size_t len = strlen(base);
	if (len > 0 && base[len - 1] == '*') {
		if (Groups[0].dirs[0] == NULL) {
			fprintf(out, "can not opendir(%.*s): %s\n", (int)(len - 1), base,
				strerror(ENOENT));
			return ENOENT;
		}
		return 0;
	}
	struct stat st;
	if (stat(base, &st) != 0 || !S_ISDIR(st.st_mode)) {
		int err = errno != 0 ? errno : ENOTDIR;
		if (S_ISDIR(st.st_mode) == 0 && errno == 0)
			err = ENOTDIR;
		fprintf(out, "can not chdir(%s/): %s\n", base, strerror(err));
		return err;
	}
	return 0;
}
