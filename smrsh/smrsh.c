/*
 * smrsh.c: smrsh (placeholder until the program lands).
 */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "smrsh: not yet available\n");
	return 69;
}
