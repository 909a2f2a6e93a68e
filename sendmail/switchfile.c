/*
 * switchfile.c: reads the service switch file (see switchfile.h).
 *
 * Without a file, hosts are looked up in DNS then files, aliases in files,
 * as sendmail does on systems without a switch of their own.
 */
#include "switchfile.h"

#include <stdio.h>
#include <string.h>

#include "options.h"
#include "sm.h"

#define MAX_SERVICES 32
#define MAX_TYPES 8

struct service {
	char name[32];
	char types[MAX_TYPES][16];
	int ntypes;
};

static struct service Services[MAX_SERVICES];
static int NServices = -1;

void switch_reset(void)
{
	NServices = -1;
}

static void load(void)
{
	NServices = 0;
	const char *path = opt_value(OPT_ServiceSwitchFile);
	if (path == NULL)
		path = "/etc/mail/service.switch";
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return;
	char line[512];
	while (fgets(line, sizeof line, f) != NULL && NServices < MAX_SERVICES) {
		char *hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		char *save = NULL;
		char *name = strtok_r(line, " \t\r\n:", &save);
		if (name == NULL)
			continue;
		struct service *s = &Services[NServices];
		memset(s, 0, sizeof *s);
		sm_strlcpy(s->name, name, sizeof s->name);
		for (char *t = strtok_r(NULL, " \t\r\n", &save); t != NULL && s->ntypes < MAX_TYPES;
		     t = strtok_r(NULL, " \t\r\n", &save))
			sm_strlcpy(s->types[s->ntypes++], t, sizeof s->types[0]);
		NServices++;
	}
	fclose(f);
}

int switch_lookup(const char *service, const char **types, int max)
{
	if (NServices < 0)
		load();
	for (int i = 0; i < NServices; i++) {
		if (strcmp(Services[i].name, service) != 0)
			continue;
		int n = 0;
		for (; n < Services[i].ntypes && n < max; n++)
			types[n] = Services[i].types[n];
		return n;
	}
	/* defaults */
	if (strcmp(service, "hosts") == 0 && max >= 2) {
		types[0] = "dns";
		types[1] = "files";
		return 2;
	}
	if ((strcmp(service, "aliases") == 0 || strcmp(service, "passwd") == 0) && max >= 1) {
		types[0] = "files";
		return 1;
	}
	return 0;
}
