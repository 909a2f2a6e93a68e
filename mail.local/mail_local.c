/*
 * mail_local.c: mail.local (placeholder until the program lands).
 */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "mail.local: not yet available\n");
	return 69;
}
