divert(-1)
#  feature/greet_pause.m4 -- FEATURE(`greet_pause'): wait before the SMTP greeting (argument: milliseconds;
#  GreetPause: entries of the access map win).
define(`_GREET_ARG_', defn(`_ARG_'))
define(`_CF_PART_OK_', `1')
