/*
 * options.c: option names, values and their immediate effects.
 *
 * The table lists the options in sendmail 8.17's own order, which decides
 * how an abbreviated name is resolved and what an ambiguous one reports.
 */
#include "options.h"

#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "macro.h"
#include "mime_hdrlen.h"
#include "rewrite.h"
#include "sm.h"
#include "token.h"

struct option_def {
	const char *name;
	char letter;
};

static const struct option_def OptionTab[OPT_COUNT] = {
#define OPTION_DEF(name, c) [OPT_##name] = {#name, c},
	OPTION_LIST(OPTION_DEF)
#undef OPTION_DEF
};

/* Lookup order: sendmail's table puts Timeout between DontPruneRoutes and StatusFile. */
static int OptionOrder[OPT_COUNT];

static char *OptValues[OPT_COUNT];
static struct sm_hash Timeouts; /* timeout name -> value */
/* every DaemonPortOptions value in order: each one is a listener */
static char **DaemonPorts;
static size_t NDaemonPorts;
bool DontBlame[DBS_COUNT];

static const char *const TimeoutNames[] = {
	"initial", "mail", "rcpt", "datainit", "datablock", "datafinal", "command",
	"rset", "helo", "quit", "misc", "ident", "fileopen", "connect", "iconnect",
	"aconnect", "queuewarn", "queuewarn.*", "queuewarn.normal", "queuewarn.urgent",
	"queuewarn.non-urgent", "queuereturn", "queuereturn.*", "queuereturn.normal",
	"queuereturn.urgent", "queuereturn.non-urgent", "hoststatus", "resolver.retrans",
	"resolver.retrans.normal", "resolver.retrans.first", "resolver.retry",
	"resolver.retry.normal", "resolver.retry.first", "control", "lhlo", "auth",
	"starttls", "queuewarn.dsn", "queuereturn.dsn", NULL,
};

static const char *const DbsNames[DBS_COUNT] = {
	"safe", "assumesafechown", "groupwritabledirpathsafe", "groupwritableforwardfilesafe",
	"groupwritableincludefilesafe", "groupwritablealiasfile", "worldwritablealiasfile",
	"forwardfileinunsafedirpath", "includefileinunsafedirpath", "mapinunsafedirpath",
	"linkedaliasfileinwritabledir", "linkedclassfileinwritabledir", "linkedmapinwritabledir",
	"filedeliverytohardlink", "filedeliverytosymlink", "writemaptohardlink",
	"writemaptosymlink", "writestatstohardlink", "writestatstosymlink",
	"classfileinunsafedirpath", "errorheaderinunsafedirpath", "helpfileinunsafedirpath",
	"runprograminunsafedirpath", "runwritableprogram", "nonrootsafeaddr", "truststickybit",
	"insufficiententropy", "groupreadablesasldbfile", "groupwritablesasldbfile",
	"groupwritableforwardfile", "groupwritableincludefile", "worldwritableforwardfile",
	"worldwritableincludefile", "groupreadablekeyfile", "forwardfileingroupwritabledirpath",
	"includefileingroupwritabledirpath", "linkedforwardfileinwritabledir",
	"linkedincludefileinwritabledir", "linkedserviceswitchfileinwritabledir",
	"dontwarnforwardfileinunsafedirpath", "forwardfileinunsafedirpathsafe",
	"includefileinunsafedirpathsafe", "groupreadabledefaultauthinfofile", "certowner",
};

static void build_order(void)
{
	if (OptionOrder[0] != OptionOrder[1])
		return;
	int n = 0;
	for (int i = 0; i < OPT_COUNT; i++) {
		if (i == OPT_Timeout)
			continue;
		OptionOrder[n++] = i;
		if (i == OPT_DontPruneRoutes)
			OptionOrder[n++] = OPT_Timeout;
	}
}

const char *opt_value(enum option_id id)
{
	return OptValues[id];
}

const char *const *opt_daemon_ports(size_t *n)
{
	*n = NDaemonPorts;
	return (const char *const *)DaemonPorts;
}

const char *opt_timeout(const char *name)
{
	return Timeouts.nslots ? sm_hash_get(&Timeouts, name) : NULL;
}

static void set_dontblame(const char *value)
{
	char *copy = sm_strdup(value);
	char *save = NULL;
	for (char *w = strtok_r(copy, " \t,", &save); w != NULL; w = strtok_r(NULL, " \t,", &save)) {
		int i;
		for (i = 0; i < DBS_COUNT; i++)
			if (sm_strcasecmp(w, DbsNames[i]) == 0)
				break;
		if (i == DBS_COUNT) {
			syserr("readcf: DontBlameSendmail option: %s unrecognized", w);
			continue;
		}
		if (i == DBS_SAFE)
			memset(DontBlame, 0, sizeof DontBlame);
		else
			DontBlame[i] = true;
	}
	sm_free(copy);
}

/* The words of PrivacyOptions; "public" sets nothing. */
static const char *const PrivacyWords[] = {
	"public", "needmailhelo", "needexpnhelo", "needvrfyhelo", "noexpn", "novrfy", "noetrn",
	"noverb", "restrictmailq", "restrictqrun", "restrictexpand", "noreceipts", "nobodyreturn",
	"goaway", "authwarnings", "noactualrecipient", NULL,
};

/* An unknown PrivacyOptions word is reported as 8.17 reports it (and ignored). */
static void check_privacy(const char *value)
{
	char *copy = sm_strdup(value);
	char *save = NULL;
	for (char *w = strtok_r(copy, ", \t", &save); w != NULL; w = strtok_r(NULL, ", \t", &save)) {
		/* a "+" or "-" in front is not part of the word */
		if (*w == '+' || *w == '-')
			w++;
		if (*w == '\0')
			continue;
		int i = 0;
		while (PrivacyWords[i] != NULL && sm_strcasecmp(w, PrivacyWords[i]) != 0)
			i++;
		if (PrivacyWords[i] == NULL)
			syserr("readcf: Op line: %s unrecognized", w);
	}
	sm_free(copy);
}

static bool valid_timeout_name(const char *n)
{
	for (int i = 0; TimeoutNames[i] != NULL; i++)
		if (sm_strcasecmp(n, TimeoutNames[i]) == 0)
			return true;
	return false;
}

static void set_timeouts(const char *value)
{
	/* "name=value,name=value" (the old r option) or one value for all */
	if (Timeouts.nslots == 0)
		sm_hash_init(&Timeouts, true);
	char *copy = sm_strdup(value);
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		item = sm_trim(item);
		char *eq = strchr(item, '=');
		if (eq == NULL) {
			sm_free(sm_hash_put(&Timeouts, "*", sm_strdup(item)));
			continue;
		}
		*eq = '\0';
		char *n = sm_trim(item);
		if (!valid_timeout_name(n)) {
			syserr("settimeout: invalid timeout %s", n);
			continue;
		}
		sm_free(sm_hash_put(&Timeouts, n, sm_strdup(sm_trim(eq + 1))));
	}
	sm_free(copy);
}

bool opt_delivery_mode_valid(const char *v)
{
	return *v == '\0' || strchr("ibqds", *v) != NULL;
}

/*
 * RunAsUser naming an unknown user or group: 8.17's error, with the
 * position of the line that set it.  Reported by options_check_final()
 * once the command line has had its say: a -O RunAsUser there replaces
 * the cf's (8.17 ignores the cf's line then).
 */
static char *RunAsError, *RunAsErrorFile;
static int RunAsErrorLine;

static void check_user(const char *v)
{
	sm_free(RunAsError);
	sm_free(RunAsErrorFile);
	RunAsError = RunAsErrorFile = NULL;
	if (*v == '\0')
		return;
	char *copy = sm_strdup(v);
	char *colon = strchr(copy, ':');
	if (colon != NULL)
		*colon++ = '\0';
	if (!(*copy >= '0' && *copy <= '9') && getpwnam(copy) == NULL)
		RunAsError = sm_asprintf("readcf: option RunAsUser: unknown user %s", copy);
	else if (colon != NULL && *colon != '\0' && !(*colon >= '0' && *colon <= '9') &&
		 getgrnam(colon) == NULL)
		RunAsError = sm_asprintf("readcf: option RunAsUser: unknown group %s", colon);
	sm_free(copy);
	const char *file = err_cf_position(&RunAsErrorLine);
	if (RunAsError != NULL && file != NULL)
		RunAsErrorFile = sm_strdup(file);
}

bool options_check_final(void)
{
	if (RunAsError == NULL)
		return true;
	err_set_cf_position(RunAsErrorFile, RunAsErrorLine);
	syserr("%s", RunAsError);
	err_set_cf_position(NULL, 0);
	return false;
}

static void check_value(int id, const char *v)
{
	switch (id) {
	case OPT_DeliveryMode:
		if (!opt_delivery_mode_valid(v)) {
			syserr("Unknown delivery mode %c", *v);
			exit(EX_USAGE_);
		}
		if (*v == 'd')
			RewriteDeferMode = true;
		break;
	case OPT_EightBitMode:
		if (*v != '\0' && strchr("mps", sm_lower((unsigned char)*v)) == NULL) {
			syserr("Unknown 8-bit mode %c", *v);
			exit(EX_USAGE_);
		}
		break;
	case OPT_MaxMimeHeaderLength: {
		/* 8.17 warns on standard output about limits it finds too low */
		long n, m;
		mime_hdrlen_parse(v, &n, &m);
		if (n > 0 && n < 128)
			printf("Warning: MaxMimeHeaderLength: header length limit set lower than 128\n");
		if (m > 0 && m < 40)
			printf("Warning: MaxMimeHeaderLength: field length limit set lower than 40\n");
		(void)fflush(stdout);
		break;
	}
	case OPT_QueueSortOrder: {
		static const char *const orders[] = {"priority", "host", "filename", "time",
						     "random", "modification", "none", NULL};
		bool ok = *v == '\0';
		for (int i = 0; orders[i] != NULL && !ok; i++)
			ok = sm_lower((unsigned char)*v) == orders[i][0];
		if (!ok)
			syserr("Invalid queue sort order \"%s\"", v);
		break;
	}
	case OPT_BlankSub:
		SpaceSub = *v != '\0' ? (unsigned char)*v : ' ';
		break;
	case OPT_OperatorChars:
		macro_define('o', v);
		tok_operators_changed();
		break;
	case OPT_DontBlameSendmail:
		set_dontblame(v);
		break;
	case OPT_PrivacyOptions:
		check_privacy(v);
		break;
	case OPT_RunAsUser:
		check_user(v);
		break;
	}
}

/* The option called name (or a unique abbreviation of it); -1 unknown,
 * -2 ambiguous.  quiet: no message (a second look at the same name). */
static int find_option_as(const char *name, bool quiet)
{
	build_order();
	for (int k = 0; k < OPT_COUNT; k++) {
		int i = OptionOrder[k];
		if (sm_strcasecmp(name, OptionTab[i].name) == 0)
			return i;
	}
	int found = -1;
	size_t len = strlen(name);
	for (int k = 0; k < OPT_COUNT && len > 0; k++) {
		int i = OptionOrder[k];
		if (sm_strncasecmp(name, OptionTab[i].name, len) != 0)
			continue;
		if (found >= 0) {
			if (!quiet)
				syserr("readcf: ambiguous option name %s (matches %s and %s)", name,
				       OptionTab[found].name, OptionTab[i].name);
			return -2;
		}
		found = i;
	}
	if (found >= 0 && !quiet)
		cfwarning("Option %s used as abbreviation for %s", name, OptionTab[found].name);
	return found;
}

static int find_option(const char *name)
{
	return find_option_as(name, false);
}

static void store(int id, const char *value)
{
	if (id == OPT_Timeout) {
		set_timeouts(value);
	} else {
		if (id == OPT_DaemonPortOptions) {
			DaemonPorts = sm_realloc(DaemonPorts, (NDaemonPorts + 1) * sizeof *DaemonPorts);
			DaemonPorts[NDaemonPorts++] = sm_strdup(value);
		}
		char *v = sm_strdup(value);
		if (id == OPT_PrivacyOptions && OptValues[id] != NULL && OptValues[id][0] != '\0' &&
		    *value != '\0') {
			/* each setting adds its flags, from the cf and the command
			 * line, root or not, as 8.17 does: nothing can take one away */
			sm_free(v);
			v = sm_asprintf("%s,%s", OptValues[id], value);
		}
		sm_free(OptValues[id]);
		OptValues[id] = v;
	}
	check_value(id, value);
}

void option_set(const char *name, const char *value, bool fromcf)
{
	(void)fromcf;
	if (name[0] != '\0' && name[1] == '\0') {
		for (int i = 0; i < OPT_COUNT; i++) {
			if (OptionTab[i].letter == name[0]) {
				store(i, value);
				return;
			}
		}
		if (name[0] == 'M') {
			/* OMxvalue defines macro x */
			const char *endp;
			int id = macro_parse_name(value, &endp);
			if (id != MACRO_NONE)
				macro_define(id, endp);
			return;
		}
		syserr("readcf: unknown option name 0x%x", (unsigned char)name[0]);
		return;
	}
	/* Timeout.name and Milter.name carry a sub-option */
	const char *dot = strchr(name, '.');
	char base[64];
	size_t blen = dot ? (size_t)(dot - name) : strlen(name);
	if (blen >= sizeof base)
		blen = sizeof base - 1;
	memcpy(base, name, blen);
	base[blen] = '\0';
	int id = find_option(base);
	if (id == -2)
		return;
	if (id < 0) {
		syserr("readcf: unknown option name %s", name);
		return;
	}
	if (dot != NULL && id == OPT_Timeout) {
		if (!valid_timeout_name(dot + 1)) {
			syserr("settimeout: invalid timeout %s", dot + 1);
			return;
		}
		if (Timeouts.nslots == 0)
			sm_hash_init(&Timeouts, true);
		sm_free(sm_hash_put(&Timeouts, dot + 1, sm_strdup(value)));
		return;
	}
	if (dot != NULL && id != OPT_Milter) {
		syserr("setoption: %s does not support suboptions, ignoring .%s",
		       OptionTab[id].name, dot + 1);
	}
	store(id, value);
}

void option_line(const char *text, bool fromcf)
{
	if (text[0] == ' ') {
		/* long form: " Name=value" */
		const char *p = text + 1;
		const char *eq = strchr(p, '=');
		size_t nlen = eq ? (size_t)(eq - p) : strlen(p);
		while (nlen > 0 && sm_isspace((unsigned char)p[nlen - 1]))
			nlen--;
		char *name = sm_strndup(p, nlen);
		const char *value = eq ? eq + 1 : "";
		while (sm_isspace((unsigned char)*value))
			value++;
		char *v = sm_strdup(value);
		size_t vl = strlen(v);
		while (vl > 0 && sm_isspace((unsigned char)v[vl - 1]))
			v[--vl] = '\0';
		if (*name == '\0')
			syserr("readcf: null option name");
		else
			option_set(name, v, fromcf);
		sm_free(name);
		sm_free(v);
		return;
	}
	char letter[2] = {text[0], '\0'};
	if (text[0] == '\0') {
		syserr("readcf: unknown option name 0x0");
		return;
	}
	option_set(letter, text + 1, fromcf);
}

static void free_timeout(void *p)
{
	sm_free(p);
}

void options_free(void)
{
	sm_free(RunAsError);
	sm_free(RunAsErrorFile);
	RunAsError = RunAsErrorFile = NULL;
	for (int i = 0; i < OPT_COUNT; i++) {
		sm_free(OptValues[i]);
		OptValues[i] = NULL;
	}
	sm_hash_free(&Timeouts, free_timeout);
	for (size_t i = 0; i < NDaemonPorts; i++)
		sm_free(DaemonPorts[i]);
	sm_free(DaemonPorts);
	DaemonPorts = NULL;
	NDaemonPorts = 0;
}

/*
 * The options a caller who is not root may set on the command line and
 * keep the set-group-id privileges of the install: the ones 8.17 keeps
 * them for (found by experiment: every other option, and every macro but
 * $r and $s through -oM, makes it give them up).
 */
static const char *const SafeOptions[] = {
	"SevenBitInput", "EightBitMode", "MinFreeBlocks", "CheckpointInterval",
	"DeliveryMode", "ErrorMode", "IgnoreDots", "SendMimeErrors", "LogLevel", "MeToo",
	"OldStyleHeaders", "PrivacyOptions", "SuperSafe", "Verbose", "QueueSortOrder",
	"MinQueueAge", "DefaultCharSet", "DialDelay", "NoRecipientAction", "ColonOkInAddr",
	"MaxQueueRunSize", "SingleLineFromHeader", "AllowBogusHELO", "MaxRecipientsPerMessage",
	"BadRcptThrottle", "BadRcptShutdown", "BadRcptShutdownGood", "RejectNUL", NULL};

bool option_is_safe(const char *text)
{
	int id;
	if (text[0] == ' ') {
		const char *p = text + 1;
		size_t n = strcspn(p, "=.");
		while (n > 0 && sm_isspace((unsigned char)p[n - 1]))
			n--;
		char *name = sm_strndup(p, n);
		id = find_option_as(name, true); /* option_line() reports it later */
		sm_free(name);
	} else if (text[0] == 'M') {
		/* -oMx: the macros $r (protocol) and $s (sender host) only */
		return text[1] == 'r' || text[1] == 's';
	} else {
		id = -1;
		for (int i = 0; i < OPT_COUNT && text[0] != '\0'; i++)
			if (OptionTab[i].letter == text[0])
				id = i;
	}
	if (id < 0)
		return false;
	for (int i = 0; SafeOptions[i] != NULL; i++)
		if (strcmp(SafeOptions[i], OptionTab[id].name) == 0)
			return true;
	return false;
}

/* Whether PrivacyOptions names word; with goaway, also the words goaway stands for. */
static bool privacy_has(const char *word, bool with_goaway)
{
	const char *p = opt_value(OPT_PrivacyOptions);
	if (p == NULL)
		return false;
	static const char *const goaway[] = {"needmailhelo", "needexpnhelo", "needvrfyhelo",
					     "noexpn", "novrfy", "noverb",
					     "authwarnings", "noreceipts", "nobodyreturn",
					     "noactualrecipient", NULL};
	bool in_goaway = false;
	for (int i = 0; with_goaway && goaway[i] != NULL; i++)
		if (strcmp(goaway[i], word) == 0)
			in_goaway = true;
	char *copy = sm_strdup(p);
	bool found = false;
	char *save = NULL;
	for (char *w = strtok_r(copy, ", \t", &save); w != NULL; w = strtok_r(NULL, ", \t", &save)) {
		/* "+word" and "-word" set the word too, as in 8.17 */
		if (*w == '+' || *w == '-')
			w++;
		if (sm_strcasecmp(w, word) == 0 || (in_goaway && sm_strcasecmp(w, "goaway") == 0))
			found = true;
	}
	sm_free(copy);
	return found;
}

bool opt_privacy(const char *word)
{
	return privacy_has(word, true);
}

bool opt_privacy_word(const char *word)
{
	return privacy_has(word, false);
}
