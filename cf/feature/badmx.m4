divert(-1)
#  feature/badmx.m4 -- FEATURE(`badmx'): refuse senders whose MX hosts have bad addresses.
define(`_BADMX_RE_', ifelse(defn(`_ARG_'), `', `^(127\.|10\.|0\.0\.0\.0)', `defn(`_ARG_')'))
define(`_CF_PART_OK_', `1')
