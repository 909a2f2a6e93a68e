divert(-1)
#  feature/relay_mail_from.m4 -- FEATURE(`relay_mail_from'): a sender listed as RELAY (From:) may relay
#  (argument domain: its domain too).
ifelse(defn(`_ARG_'), `', `', defn(`_ARG_'), `domain', `', `_CF_ERR(`FEATURE(relay_mail_from): the argument must be empty or domain, not "'defn(`_ARG_')`"')')
define(`_RELAYMAILFROM_ARG_', defn(`_ARG_'))
define(`_CF_PART_OK_', `1')
