/*
 * unit.h: a very small unit test framework.
 *
 * Every check prints one line: "PASS name" or "FAIL name: detail".  A test
 * program is one test/unit/test_*.c file that defines unit_run(); unit.c
 * provides main(), which calls it and exits non-zero if any check failed.
 * Helpers give each program a private temporary directory (removed at the
 * end) and a way to capture what the code under test prints on stdout.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdbool.h>
#include <stddef.h>

/* Defined by each test file: runs every check. */
void unit_run(void);

/* The number of checks that passed and failed so far. */
extern int UnitPassed, UnitFailed;

/* Records one check; detail (printf format) is printed only on failure. */
bool unit_check(bool ok, const char *name, const char *detail, ...)
	__attribute__((format(printf, 3, 4)));
bool unit_check_str(const char *name, const char *got, const char *want);
bool unit_check_int(const char *name, long long got, long long want);
/* True if hay contains needle (NULL hay never does). */
bool unit_check_contains(const char *name, const char *hay, const char *needle);

#define CHECK(name, cond) unit_check((cond), (name), "%s", #cond)
#define CHECK_STR(name, got, want) unit_check_str((name), (got), (want))
#define CHECK_INT(name, got, want) unit_check_int((name), (long long)(got), (long long)(want))
#define CHECK_CONTAINS(name, hay, needle) unit_check_contains((name), (hay), (needle))

/* A private directory for the program's files, created on first use. */
const char *unit_tmpdir(void);
/* Writes content to a file of the temporary directory; returns its path. */
const char *unit_write_file(const char *name, const char *content);
/* The path of a name in the temporary directory (kept until exit). */
const char *unit_path(const char *name);

/*
 * Captures standard output (where the code under test writes its
 * messages): unit_capture_end() returns what was printed since
 * unit_capture_begin(); the text stays valid until the next capture.
 */
void unit_capture_begin(void);
const char *unit_capture_end(void);

/* A printable rendering of bytes for failure details (static buffer). */
const char *unit_show(const char *s);

#endif
