divert(-1)
#  feature/dnsbl.m4 -- FEATURE(`dnsbl', `list.example' [, what [, temp]]):
#  refuse clients whose IPv4 address is listed in a DNS block list.
#  what: empty (550 Rejected: ADDRESS listed at LIST), `discard',
#  `quarantine', or a full error text.  temp: empty (lookup failures are
#  ignored), `t' (451 Temporary lookup failure of ADDRESS at LIST) or a
#  full error text.  May be given several times.  The lookups use the
#  map "dnsbl" (DNSBL_MAP, default `dns -R A', plus DNSBL_MAP_OPT).
ifelse(defn(`_ARG_'), `', `_CF_ERR(`FEATURE(dnsbl) needs the domain of the block list as its first argument')')
_CF_BL_CHECK(defn(`_ARG_'))
define(`_CF_HAVE_DNSBL_', `1')
_CF_BL_ADD(`dnsbl', defn(`_ARG_'), defn(`_ARG2_'), defn(`_ARG3_'), `')
define(`_CF_PART_OK_', `1')
