divert(-1)
#  feature/greet_pause.m4 -- FEATURE(`greet_pause'): wait before the SMTP greeting (argument: milliseconds;
#  GreetPause: entries of the access map win).
ifelse(regexp(defn(`_ARG_'), `^[0-9]*$'), `0', `', `_CF_ERR(`FEATURE(greet_pause): the argument must be a number of milliseconds, not "'defn(`_ARG_')`"')')
define(`_GREET_ARG_', defn(`_ARG_'))
define(`_CF_PART_OK_', `1')
