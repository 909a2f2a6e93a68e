/*
 * deliver_exit.c: what a mailer's exit status means (see deliver.h): the
 * text sendmail gives each sysexits code ("User unknown") and the DSN
 * status that goes with it, and the way back from a text to its code
 * (the exit status of a submission, check_compat's carried status).
 */
#include "deliver.h"

#include <string.h>

#include "err.h"
#include "sm.h"

static const struct {
	int code;
	const char *text, *dsn;
} ExitTexts[] = {
	{EX_USAGE_, "Command line usage error", "5.0.0"},
	{EX_DATAERR_, "Data format error", "5.6.0"},
	{EX_NOINPUT_, "Cannot open input", "5.3.0"},
	{EX_NOUSER_, "User unknown", "5.1.1"},
	{EX_NOHOST_, "Host unknown", "5.1.2"},
	{EX_UNAVAILABLE_, "Service unavailable", "5.0.0"},
	{EX_SOFTWARE_, "Internal error", "5.3.0"},
	{EX_OSERR_, "Operating system error", "4.0.0"},
	{EX_OSFILE_, "System file missing", "5.3.5"},
	{EX_CANTCREAT_, "Can't create output", "5.0.0"},
	{EX_IOERR_, "I/O error", "4.0.0"},
	{EX_TEMPFAIL_, "Deferred", "4.0.0"},
	{EX_PROTOCOL_, "Remote protocol error", "5.5.0"},
	{EX_NOPERM_, "Insufficient permission", "5.0.0"},
	{EX_CONFIG_, "Local configuration error", "5.3.5"},
};

const char *deliver_exit_text(int status, const char **dsn)
{
	for (size_t i = 0; i < sizeof ExitTexts / sizeof ExitTexts[0]; i++)
		if (ExitTexts[i].code == status) {
			*dsn = ExitTexts[i].dsn;
			return ExitTexts[i].text;
		}
	*dsn = "5.3.0";
	return NULL;
}

int deliver_exit_of_text(const char *diag)
{
	if (diag == NULL)
		return 0;
	const char *t = err_skip_codes(diag);
	for (size_t i = 0; i < sizeof ExitTexts / sizeof ExitTexts[0]; i++)
		if (strcmp(ExitTexts[i].text, t) == 0)
			return ExitTexts[i].code;
	return 0;
}
