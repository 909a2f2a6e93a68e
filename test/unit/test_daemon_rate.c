/*
 * test_daemon_rate.c: ${client_rate} (daemon_rate.c) over the window
 * ConnectionRateWindowSize gives as a cf time: "60", "2m", "1h" and
 * "1m30s" (which a hand-made parser once read as 60 seconds).
 */
#include <time.h>

#include "daemon.h"
#include "options.h"
#include "unit.h"

/* The rate a second connection sees `gap` seconds after a first one,
 * with the window `w`. */
static int rate_after(const char *w, const char *addr, long gap)
{
	option_set("ConnectionRateWindowSize", w, true);
	time_t t0 = 1000000;
	(void)daemon_rate_count(addr, t0);
	return daemon_rate_count(addr, t0 + gap);
}

void unit_run(void)
{
	CHECK_INT("60: 50 s later within", rate_after("60", "192.0.2.1", 50), 2);
	CHECK_INT("60: 70 s later outside", rate_after("60", "192.0.2.2", 70), 1);
	CHECK_INT("2m: 110 s later within", rate_after("2m", "192.0.2.3", 110), 2);
	CHECK_INT("2m: 130 s later outside", rate_after("2m", "192.0.2.4", 130), 1);
	CHECK_INT("1h: 3000 s later within", rate_after("1h", "192.0.2.5", 3000), 2);
	CHECK_INT("1m30s: 80 s later within", rate_after("1m30s", "192.0.2.6", 80), 2);
	CHECK_INT("1m30s: 100 s later outside", rate_after("1m30s", "192.0.2.7", 100), 1);
	daemon_rate_free();
	options_free();
}
