/*
 * timeconv.c: converts sendmail's time notation to seconds (timeconv.h).
 */
#include "timeconv.h"

#include <ctype.h>

static long unit_seconds(int c)
{
	switch (c) {
	case 'w': return 7L * 24 * 60 * 60;
	case 'd': return 24L * 60 * 60;
	case 'h': return 60L * 60;
	case 'm': return 60;
	default: return 1;
	}
}

long time_convert(const char *p, size_t len, int default_unit)
{
	long total = 0;
	size_t i = 0;
	while (i < len) {
		long n = 0;
		while (i < len && isdigit((unsigned char)p[i])) {
			if (n < TIME_MAX_SECONDS)
				n = n * 10 + (p[i] - '0');
			i++;
		}
		long unit = unit_seconds(default_unit);
		if (i < len)
			unit = unit_seconds((unsigned char)p[i++]);
		if (n > TIME_MAX_SECONDS / unit)
			n = TIME_MAX_SECONDS / unit;
		total += n * unit;
		if (total > TIME_MAX_SECONDS)
			total = TIME_MAX_SECONDS;
	}
	return total;
}
