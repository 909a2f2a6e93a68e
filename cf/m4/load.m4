divert(-1)
#  load.m4 -- read once by cf.m4: finds the tree, loads the .mc macros
#  and arranges for build.m4 to write sendmail.cf at the end of the input.
define(`_CF_LOADED_', `1')

# The root of the tree: the directory above the one holding this file.
# -D_CF_DIR_=/path/ (with the trailing slash) overrides it.
ifdef(`_CF_DIR_', `',
	`define(`_CF_DIR_', substr(__file__, 0, eval(len(__file__) - len(`m4/load.m4'))))')
ifelse(_CF_DIR_, `', `define(`_CF_DIR_', `./')')

# Site files under /etc/mail/m4/ (Debian's sendmail.mc includes
# dialup.m4 and provider.m4 from there) are optional: a missing one is
# skipped as sinclude would skip it.  Every other include stays strict.
define(`_CF_M4_INCLUDE_', defn(`include'))
define(`include', `ifelse(index(`$1', `/etc/mail/m4/'), `0', `sinclude(`$1')', `_CF_M4_INCLUDE_(`$1')')')

include(_CF_DIR_`m4/setup.m4')
m4wrap(`_CF_FINISH_')
