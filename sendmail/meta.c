/*
 * meta.c: translation between "$x" operator letters and their byte codes.
 */
#include "meta.h"

static const struct {
	char letter;
	unsigned char code;
} meta_table[] = {
	{'*', META_MATCHZANY}, {'+', META_MATCHANY},   {'-', META_MATCHONE},
	{'=', META_MATCHCLASS}, {'~', META_MATCHNCLASS}, {'#', META_CANONNET},
	{'@', META_CANONHOST}, {':', META_CANONUSER},  {'>', META_CALLSUBR},
	{'?', META_CONDIF},     {'|', META_CONDELSE},   {'.', META_CONDFI},
	{'[', META_HOSTBEGIN},  {']', META_HOSTEND},    {'(', META_LOOKUPBEGIN},
	{')', META_LOOKUPEND},  {'&', META_DMACRO},
};

int meta_letter(int c)
{
	for (unsigned i = 0; i < sizeof meta_table / sizeof meta_table[0]; i++)
		if (meta_table[i].code == c)
			return meta_table[i].letter;
	return 0;
}

int meta_from_letter(int letter)
{
	for (unsigned i = 0; i < sizeof meta_table / sizeof meta_table[0]; i++)
		if (meta_table[i].letter == letter)
			return meta_table[i].code;
	return 0;
}
