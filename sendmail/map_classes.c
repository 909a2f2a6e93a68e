/*
 * map_classes.c: the list of built-in map classes.
 */
#include "map.h"

extern const struct map_class TextMapClass, HashMapClass, BtreeMapClass, DbmMapClass,
	ImplicitMapClass, NullMapClass, DequoteMapClass, StabMapClass, MacroMapClass,
	ArithMapClass, ArpaMapClass, SyslogMapClass, UserMapClass, ProgramMapClass,
	SequenceMapClass, SwitchMapClass, RegexMapClass, HostMapClass, BestmxMapClass,
	DnsMapClass, SocketMapClass;

void map_classes_init(void)
{
	static const struct map_class *const all[] = {
		&TextMapClass, &HashMapClass, &BtreeMapClass, &DbmMapClass, &ImplicitMapClass,
		&NullMapClass, &DequoteMapClass, &StabMapClass, &MacroMapClass, &ArithMapClass,
		&ArpaMapClass, &SyslogMapClass, &UserMapClass, &ProgramMapClass,
		&SequenceMapClass, &SwitchMapClass, &RegexMapClass, &HostMapClass,
		&BestmxMapClass, &DnsMapClass, &SocketMapClass,
	};
	for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++)
		map_register_class(all[i]);
}
