divert(-1)
#  feature/delay_checks.m4 -- FEATURE(`delay_checks'): check_mail and check_relay run from check_rcpt
#  (argument friend or hater: Spam: entries of the access map).
ifelse(defn(`_ARG_'), `', `', defn(`_ARG_'), `friend', `', defn(`_ARG_'), `hater', `', `_CF_ERR(`FEATURE(delay_checks): the argument must be friend or hater, not "'defn(`_ARG_')`"')')
define(`_DELAY_ARG_', defn(`_ARG_'))
define(`_CF_PART_OK_', `1')
