divert(-1)
#  feature/rhsbl.m4 -- FEATURE(`rhsbl', `list.example' [, message [, temp]]):
#  refuse mail whose sender domain is listed in a DNS based right hand
#  side block list (looked up as DOMAIN.list.example through the map
#  "dnsbl"; ${RHS} holds the domain for messages).  Only senders whose
#  domain canonifies (ends in a dot) are looked up; access map entries
#  rhs:address, rhs:domain (or untagged) with OK or RELAY exempt them.
#  message: a full error text [550 Mail from DOMAIN refused by blackhole
#  site LIST]; temp: `t' or a full error text makes lookup failures
#  temporary errors.  Runs with the client checks (check_relay, or at
#  RCPT time with delay_checks).
ifelse(defn(`_ARG_'), `', `_CF_ERR(`FEATURE(`rhsbl') needs the domain of the block list as its first argument')')
_CF_BL_CHECK(defn(`_ARG_'))
define(`_CF_HAVE_DNSBL_', `1')
_CF_BL_ADD(`rhsbl', defn(`_ARG_'), defn(`_ARG2_'), defn(`_ARG3_'), `')
define(`_CF_PART_OK_', `1')
