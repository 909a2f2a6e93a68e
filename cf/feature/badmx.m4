divert(-1)
#  feature/badmx.m4 -- FEATURE(`badmx' [, `regex']): refuse MAIL FROM
#  addresses whose domain has an MX record that is an IP number (or
#  empty), or whose MX hosts have addresses matching regex
#  [^(127\.|10\.|0\.0\.0\.0)].  Uses the maps "mxlist" (bestmx) and "dnsA"
#  (dns A records).
define(`_BADMX_RE_', ifelse(defn(`_ARG_'), `', `^(127\.|10\.|0\.0\.0\.0)', `defn(`_ARG_')'))
define(`_CF_PART_OK_', `1')
