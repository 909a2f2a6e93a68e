/*
 * makemap.c: the makemap program: builds a database map (hash, btree,
 * dbm) for sendmail from text on standard input, or dumps one (-u).
 *
 * It owns the command line (sendmail 8.17's makemap flags, usage text and
 * exit codes), reading the TrustedUser option from the configuration file
 * (-C, by default /etc/mail/sendmail.cf), the map types and their file
 * names, and the order of the steps: check the file (safety.c), open it,
 * read the input (input.c), put the map in place (mapfile.c).
 *
 * Maps are GDBM files written through sendmail/mapdb.c, the module our
 * sendmail reads them with; see doc/makemap.md.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "makemap.h"
#include "mapdb.h"
#include "safefile.h"
#include "sm.h"

#define DEFAULT_CF "/etc/mail/sendmail.cf"

/* The map types: name, file suffix, and what -x shows as the extension. */
static const struct map_type {
	const char *name;
	const char *suffix;
	const char *shown_ext;
} map_types[] = {
	{"hash", ".db", "db"},
	{"btree", ".db", "db"},
	{"dbm", ".pag", "pag"},
	{"implicit", ".db", ""},
};
#define N_MAP_TYPES (sizeof map_types / sizeof map_types[0])

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash != NULL ? slash + 1 : path;
}

/* Exit status after flushing standard output, whose failure is reported. */
static int finish(const char *progname, int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: standard output: %s\n", progname,
			strerror(errno != 0 ? errno : EIO));
		if (status == EX_OK_)
			status = EX_IOERR_;
	}
	return status;
}

static int usage(const char *progname)
{
	int indent = (int)(strlen("Usage: ") + strlen(progname) + 1);
	fprintf(stderr,
		"Usage: %s [-C cffile] [-N] [-c cachesize] [-D commentchar]\n"
		"%*s[-d] [-e] [-f] [-i type] [-l] [-o] [-r] [-s] [-t delimiter]\n"
		"%*s[-u] [-v] type mapname\n",
		progname, indent, "", indent, "");
	return EX_USAGE_;
}

/* -l, -x (with extensions) and -L (preceded by the two words the real one prints). */
static int list_types(const char *progname, bool with_ext, bool long_list)
{
	if (long_list)
		printf("cf\nCF\n");
	for (size_t i = 0; i < N_MAP_TYPES; i++) {
		if (with_ext)
			printf("%s:%s\n", map_types[i].name, map_types[i].shown_ext);
		else
			printf("%s\n", map_types[i].name);
	}
	return finish(progname, EX_OK_);
}

/*
 * A TrustedUser value: digits are a user id (taken as the C int they
 * convert to, as the real makemap does), anything else a login name.
 */
static void set_trusted_user(struct makemap *mm, const char *value)
{
	if (isdigit((unsigned char)value[0])) {
		long id = strtol(value, NULL, 10);
		mm->trusted_uid = (uid_t)(unsigned int)(unsigned long)id;
		mm->trusted_set = true;
		return;
	}
	struct passwd *pw = getpwnam(value);
	if (pw == NULL) {
		fprintf(stderr, "TrustedUser: unknown user %s\n", value);
		mm->trusted_set = false;
		return;
	}
	mm->trusted_uid = pw->pw_uid;
	mm->trusted_set = true;
}

/*
 * Reads the configuration file for "O TrustedUser=name" lines (the option
 * name in any case, blanks allowed around '=', the last one counts).
 * Returns 0 or EX_NOINPUT when the file cannot be opened.
 */
static int read_cf(struct makemap *mm, const char *cfpath)
{
	FILE *f = fopen(cfpath, "r");
	if (f == NULL) {
		fprintf(stderr, "makemap: %s: %s\n", cfpath, strerror(errno));
		return EX_NOINPUT_;
	}
	static const char option[] = "TrustedUser";
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (strncmp(line, "O ", 2) != 0)
			continue;
		char *name = line + 2;
		char *p = name;
		while (*p != '\0' && !sm_isspace((unsigned char)*p) && *p != '=')
			p++;
		if ((size_t)(p - name) != strlen(option) ||
		    sm_strncasecmp(name, option, strlen(option)) != 0)
			continue;
		while (sm_isspace((unsigned char)*p))
			p++;
		if (*p != '=')
			continue;
		p++;
		while (sm_isspace((unsigned char)*p))
			p++;
		set_trusted_user(mm, p);
	}
	free(line);
	fclose(f);
	return 0;
}

static int open_error(const struct makemap *mm, const char *why)
{
	fprintf(stderr, "%s: error opening type %s map %s: %s\n", mm->progname, mm->type,
		mm->mapname, why);
	return EX_CANTCREAT_;
}

/* The map file's name: hash and btree maps get ".db" unless it is there already. */
static char *map_path(const char *mapname, const struct map_type *t)
{
	size_t n = strlen(mapname);
	if (strcmp(t->suffix, ".db") == 0 && n >= 3 && strcmp(mapname + n - 3, ".db") == 0)
		return sm_strdup(mapname);
	return sm_asprintf("%s%s", mapname, t->suffix);
}

/* Standard input, output and error must be open, or files we open would take their place. */
static bool std_fds_open(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int nfd = open("/dev/null", O_RDWR);
		if (nfd != fd) {
			if (nfd >= 0)
				close(nfd);
			return false;
		}
	}
	return true;
}

static int dump_map(struct makemap *mm)
{
	int e = 0;
	struct mapdb *db = mapdb_open_read(mm->path, &e);
	if (db == NULL)
		return open_error(mm, sm_errstring(e));
	e = mapfile_match_type(mm, db, &mm->sorted);
	if (e == 0 && mm->allow_dups && mapdb_has_dups(db) != 1)
		e = EINVAL; /* -d asks for a map made to hold duplicates */
	if (e != 0) {
		mapdb_close(db);
		return open_error(mm, sm_errstring(e));
	}
	e = mapfile_dump(mm, db);
	mapdb_close(db);
	if (e != 0) {
		fprintf(stderr, "%s: %s: read error: %s\n", mm->progname, mm->mapname, strerror(e));
		return finish(mm->progname, EX_IOERR_);
	}
	return finish(mm->progname, EX_OK_);
}

/*
 * The new map file being written beside the old map: a signal that ends
 * us first (hangup, interrupt, termination, broken pipe) removes it.
 */
static volatile sig_atomic_t cleanup_armed;
static int cleanup_dirfd = -1;
static char cleanup_name[NAME_MAX + 1];
static const int fatal_signals[] = {SIGHUP, SIGINT, SIGTERM, SIGPIPE};
#define N_FATAL_SIGNALS (sizeof fatal_signals / sizeof fatal_signals[0])

static void remove_temp_and_die(int sig)
{
	if (cleanup_armed)
		unlinkat(cleanup_dirfd, cleanup_name, 0);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void arm_cleanup(struct mapdb *db)
{
	int dirfd = -1;
	const char *name = NULL;
	if (!mapdb_temp_file(db, &dirfd, &name) || strlen(name) >= sizeof cleanup_name)
		return;
	cleanup_dirfd = dirfd;
	sm_strlcpy(cleanup_name, name, sizeof cleanup_name);
	cleanup_armed = 1;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = remove_temp_and_die;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_FATAL_SIGNALS; i++) {
		struct sigaction old;
		/* a signal ignored by whoever started us (nohup) stays ignored */
		if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN &&
		    sigaction(fatal_signals[i], &sa, NULL) != 0)
			fprintf(stderr, "%s: cannot catch signal %d: %s\n", "makemap", fatal_signals[i],
				strerror(errno));
	}
}

/* Blocks (or unblocks) the signals while the file is renamed or removed. */
static void hold_signals(bool hold)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < N_FATAL_SIGNALS; i++)
		sigaddset(&set, fatal_signals[i]);
	if (sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL) != 0)
		fprintf(stderr, "makemap: sigprocmask: %s\n", strerror(errno));
}

static int build_map(struct makemap *mm, const struct mapfile_state *state)
{
	int e = 0;
	bool holds_dups = false;
	/* no signal between creating the new file and knowing to remove it */
	hold_signals(true);
	struct mapdb *db = mapfile_open_write(mm, state, &holds_dups, &e);
	if (db == NULL) {
		hold_signals(false);
		return open_error(mm, sm_errstring(e));
	}
	arm_cleanup(db);
	hold_signals(false);
	int r = input_load(mm, stdin, db, holds_dups);
	hold_signals(true);
	if (r > 0) {
		/* keep the old map rather than install a truncated one */
		fprintf(stderr, "%s: %s: read error: %s\n", mm->progname, mm->mapname, strerror(r));
		mapdb_abort(db);
		cleanup_armed = 0;
		hold_signals(false);
		return finish(mm->progname, EX_IOERR_);
	}
	e = mapfile_commit(mm, state, db);
	cleanup_armed = 0;
	hold_signals(false);
	if (e != 0) {
		fprintf(stderr, "%s: close(%s): %s\n", mm->progname, mm->mapname, strerror(e));
		return finish(mm->progname, EX_IOERR_);
	}
	return finish(mm->progname, r < 0 ? EX_DATAERR_ : EX_OK_);
}

int main(int argc, char **argv)
{
	if (!std_fds_open())
		return EX_OSERR_;
	struct makemap mm = {
		.progname = argc > 0 && argv[0] != NULL ? base_name(argv[0]) : "makemap",
		.delimiter = -1,
		.comment = '#',
		.fold = true,
	};
	const char *cfpath = DEFAULT_CF;
	int c;
	while ((c = getopt(argc, argv, "C:D:LNc:defi:lorst:uvx")) != -1) {
		switch (c) {
		case 'C':
			cfpath = optarg;
			break;
		case 'D':
			mm.comment = (unsigned char)optarg[0];
			break;
		case 'L':
			return list_types(mm.progname, false, true);
		case 'N':
			mm.include_nul = true;
			break;
		case 'c':
			/* a cache size: GDBM manages its own cache */
			break;
		case 'd':
			mm.allow_dups = true;
			break;
		case 'e':
			mm.allow_empty = true;
			break;
		case 'f':
			mm.fold = false;
			break;
		case 'i':
			/* a fallback type for one not compiled in: every type is */
			break;
		case 'l':
			return list_types(mm.progname, false, false);
		case 'o':
			mm.append = true;
			break;
		case 'r':
			mm.replace = true;
			break;
		case 's':
			mm.unsafe = true;
			break;
		case 't':
			if (optarg[0] == '\0')
				fprintf(stderr, "Invalid separator\n");
			else
				mm.delimiter = (unsigned char)optarg[0];
			break;
		case 'u':
			mm.dump = true;
			break;
		case 'v':
			mm.verbose = true;
			break;
		case 'x':
			return list_types(mm.progname, true, false);
		default:
			return usage(mm.progname);
		}
	}
	if (argc - optind != 2)
		return usage(mm.progname);
	mm.type = argv[optind];
	mm.mapname = argv[optind + 1];

	int status = read_cf(&mm, cfpath);
	if (status != 0)
		return status;

	const struct map_type *type = NULL;
	for (size_t i = 0; i < N_MAP_TYPES && type == NULL; i++)
		if (strcmp(map_types[i].name, mm.type) == 0)
			type = &map_types[i];
	if (type == NULL)
		return open_error(&mm, "Unknown database type");
	if (strlen(mm.mapname) + strlen(type->suffix) >= PATH_MAX)
		return open_error(&mm, "Name too long");
	mm.path = map_path(mm.mapname, type);
	mm.new_type = strcmp(type->name, "implicit") == 0 ? "hash" : type->name;

	struct mapfile_state state;
	int e = mapfile_check(&mm, &state);
	if (e != 0) {
		status = open_error(&mm, sm_errstring(e));
	} else {
		mapfile_warn_again(&mm);
		status = mm.dump ? dump_map(&mm) : build_map(&mm, &state);
	}
	sm_free(mm.path);
	return status;
}
