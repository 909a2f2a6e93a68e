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
ifdef(`_CF_LOADED_', `errprint(`cf.m4: included twice
')m4exit(1)')
define(`_CF_LOADED_', `1')

# The root of the tree: the directory above the one holding this file.
# -D_CF_DIR_=/path/ (with the trailing slash) overrides it.
ifdef(`_CF_DIR_', `',
	`define(`_CF_DIR_', substr(__file__, 0, eval(len(__file__) - len(`m4/cf.m4'))))')
ifelse(_CF_DIR_, `', `define(`_CF_DIR_', `./')')

include(_CF_DIR_`m4/setup.m4')
m4wrap(`_CF_FINISH_')
divert(0)dnl
