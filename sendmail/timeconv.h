/*
 * timeconv.h: times as sendmail.cf writes them ("90", "5m", "1h30m").
 */
#ifndef TIMECONV_H
#define TIMECONV_H

#include <stddef.h>

/* The largest time we keep (ten years); longer ones are cut to it. */
#define TIME_MAX_SECONDS (10L * 366 * 24 * 60 * 60)

/*
 * Seconds in the first len bytes of p: groups of digits each followed by
 * an optional unit (s m h d w); a group without a unit takes default_unit.
 * An unknown unit counts as seconds.  Never overflows.
 */
long time_convert(const char *p, size_t len, int default_unit);

#endif
