/*
 * daemon_rate.c: ${client_rate} and ${client_connections} for the
 * sessions (FEATURE(ratecontrol) and FEATURE(conncontrol) test them):
 * how many connections each client address made within the last
 * ConnectionRateWindowSize seconds (default 60), counted in the accepting
 * process.  The table is bounded: at most RATE_CLIENTS addresses, the one
 * seen longest ago is forgotten first.  Owns the table.
 */
#include "daemon.h"

#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "sm.h"
#include "timeconv.h"

#define RATE_CLIENTS 4096
#define RATE_SLOTS 60

struct rate_entry {
	char addr[64];
	time_t last;                 /* the last connection */
	time_t slot_start[RATE_SLOTS];
	int slot_count[RATE_SLOTS];
};

static struct rate_entry *Table;
static size_t Used; /* entries in use: the table fills from its start */

/* ConnectionRateWindowSize in seconds: a cf time ("60", "2m", "1m30s"). */
static long window(void)
{
	const char *v = opt_value(OPT_ConnectionRateWindowSize);
	long w = v != NULL && *v != '\0' ? time_convert(v, strlen(v), 's') : 60;
	return w > 0 ? w : 60;
}

int daemon_rate_count(const char *addr, time_t now)
{
	if (addr == NULL || *addr == '\0')
		return 0;
	if (Table == NULL)
		Table = sm_calloc(RATE_CLIENTS, sizeof *Table);
	long w = window();
	/* slots of w/RATE_SLOTS seconds (at least 1) */
	long width = w / RATE_SLOTS > 0 ? w / RATE_SLOTS : 1;
	struct rate_entry *e = NULL, *oldest = &Table[0];
	for (size_t i = 0; i < Used; i++) {
		if (strcmp(Table[i].addr, addr) == 0) {
			e = &Table[i];
			break;
		}
		if (Table[i].last < oldest->last)
			oldest = &Table[i];
	}
	if (e == NULL) {
		e = Used < RATE_CLIENTS ? &Table[Used++] : oldest;
		memset(e, 0, sizeof *e);
		sm_strlcpy(e->addr, addr, sizeof e->addr);
	}
	e->last = now;
	time_t start = now - now % width;
	size_t k = (size_t)((now / width) % RATE_SLOTS);
	if (e->slot_start[k] != start) {
		e->slot_start[k] = start;
		e->slot_count[k] = 0;
	}
	e->slot_count[k]++;
	int n = 0;
	for (size_t i = 0; i < RATE_SLOTS; i++)
		if (e->slot_count[i] > 0 && e->slot_start[i] > now - w)
			n += e->slot_count[i];
	return n;
}

void daemon_rate_free(void)
{
	sm_free(Table);
	Table = NULL;
	Used = 0;
}
