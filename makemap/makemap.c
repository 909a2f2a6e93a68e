/*
 * makemap.c: builds database maps from text (placeholder).
 */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "makemap: not yet available\n");
	return 69;
}
