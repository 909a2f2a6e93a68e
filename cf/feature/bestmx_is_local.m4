divert(-1)
#  feature/bestmx_is_local.m4 -- FEATURE(`bestmx_is_local' [, `domains']):
#  mail for a domain whose best MX host is one of our names (class w) is
#  local; such domains may also receive relayed mail.  The lookups use the
#  map "bestmx" (DNS); with an argument only those domains (class
#  {LocalMX}) are looked up.
ifelse(defn(`_ARG_'), `', `', `_CF_CLASS(`{LocalMX}', defn(`_ARG_'))define(`_CF_LOCALMX_', `1')')
define(`_CF_PART_OK_', `1')
