divert(-1)
#  feature/nocanonify.m4 -- FEATURE(`nocanonify'): no name service lookups for host names
#  (argument canonify_hosts: single names are still looked up).
ifelse(defn(`_ARG_'), `', `', defn(`_ARG_'), `canonify_hosts', `', `_CF_ERR(`FEATURE(nocanonify): the argument must be empty or canonify_hosts, not "'defn(`_ARG_')`"')')
define(`_NOCANON_ARG_', defn(`_ARG_'))
define(`_CF_PART_OK_', `1')
