divert(-1)
#  feature/nullclient.m4 -- FEATURE(`nullclient'): send everything to one hub; nothing else.
#  Argument: the hub (required).
ifelse(defn(`_ARG_'), `', `_CF_ERR(`FEATURE(nullclient) needs the name of the hub as its argument')')
define(`_NULL_HUB_', defn(`_ARG_'))
define(`MAIL_HUB', defn(`_ARG_'))
define(`SMART_HOST', defn(`_ARG_'))
define(`_CF_PART_OK_', `1')
