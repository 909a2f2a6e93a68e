divert(-1)
#  feature/check_other.m4 -- FEATURE(`check_other'): end the session on commands that match a pattern.
define(`_CHECK_OTHER_RE_', ifelse(defn(`_ARG_'), `', `^[[:print:]]+ *:', `defn(`_ARG_')'))
define(`_CF_PART_OK_', `1')
