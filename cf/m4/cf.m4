divert(-1)
#
#  cf.m4 -- entry point of this project's sendmail.cf generator.
#
#  Usage:   m4 /path/to/cf/m4/cf.m4 site.mc > sendmail.cf
#      or:  an .mc file that does include(`/path/to/cf/m4/cf.m4')
#
#  Written for this project from the documented meaning of the .mc
#  language; it shares no text with other configuration trees.
#
#  How it works: every macro an .mc file calls (OSTYPE, FEATURE, MAILER,
#  define(`conf...'), ...) only records what was asked for.  Text that
#  follows LOCAL_CONFIG, LOCAL_RULE_n, LOCAL_RULESETS and friends is kept
#  in numbered m4 diversions.  When the input ends, m4wrap runs
#  m4/build.m4 which writes the whole sendmail.cf in a fixed order, so the
#  order of the lines in the .mc file matters much less than it used to.
#
# Included a second time (m4 cf.m4 site.mc, where site.mc includes cf.m4
# itself, as Debian's sendmail.mc does): nothing more to do.  The first
# time m4/load.m4, next to this file, sets everything up.
ifdef(`_CF_LOADED_', `', `include(substr(__file__, 0, eval(len(__file__) - 5))`load.m4')')
divert(0)dnl
