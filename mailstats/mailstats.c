/*
 * mailstats.c: mailstats (placeholder until the program lands).
 */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "mailstats: not yet available\n");
	return 69;
}
