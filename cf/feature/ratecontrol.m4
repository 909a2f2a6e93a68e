divert(-1)
#  feature/ratecontrol.m4 -- FEATURE(`ratecontrol' [, `nodelay' [, `terminate']]):
#  limit the connection rate of clients (ClientRate: entries of the
#  access map: the most connections per ConnectionRateWindowSize).  Runs at the end of the client checks; with
#  delay_checks at RCPT time unless `nodelay' (then delay_checks must come
#  first in the .mc).  `terminate': the refusal is 421 (the session ends)
#  instead of 452.  Needs FEATURE(`access_db').
ifelse(defn(`_ARG_'), `', `', defn(`_ARG_'), `nodelay', `', `_CF_ERR(`FEATURE(ratecontrol): the first argument must be empty or nodelay, not "'defn(`_ARG_')`"')')
ifelse(defn(`_ARG2_'), `', `', defn(`_ARG2_'), `terminate', `', `_CF_ERR(`FEATURE(ratecontrol): the second argument must be empty or terminate, not "'defn(`_ARG2_')`"')')
ifelse(defn(`_ARG_'), `nodelay', `ifdef(`_FEAT_delay_checks_', `define(`_CF_RATE_NODELAY_', `1')',
	`_CF_ERR(`FEATURE(ratecontrol, nodelay) needs FEATURE(delay_checks) earlier in the .mc file')')')
ifelse(defn(`_ARG2_'), `terminate', `define(`_CF_RATE_TERM_', `1')')
_CF_NEEDS_ACCESS(`ratecontrol')
define(`_CF_PART_OK_', `1')
