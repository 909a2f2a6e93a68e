/*
 * praliases.c: praliases (placeholder until the program lands).
 */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "praliases: not yet available\n");
	return 69;
}
