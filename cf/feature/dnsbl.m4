divert(-1)
#  feature/dnsbl.m4 -- FEATURE(`dnsbl'): refuse clients listed in a DNS block list.
#  Arguments: list domain (required), message or discard/quarantine,
#  t (temporary errors count) or a message for them.
ifelse(defn(`_ARG_'), `', `_CF_ERR(`FEATURE(dnsbl) needs the domain of the block list as its argument')')
define(`_DNSBL_MAPS_', `Kdnsbl host -T<TEMP> -a. ifdef(`DNSBL_MAP_OPT', `DNSBL_MAP_OPT')
')
define(`_DNSBL_RULES_', ifdef(`_DNSBL_RULES_', `defn(`_DNSBL_RULES_')')`R<?> $+ .			$: < $(dnsbl $1 . '_ARG_` . $: OK $) > $1 .
R< $+ . > $+ .			'ifelse(defn(`_ARG2_'), `discard', `$#discard $: discard', defn(`_ARG2_'), `quarantine', `$#error $@ quarantine $: "Mail from " $&{client_addr} " refused"', defn(`_ARG2_'), `', `$#error $@ 5.7.1 $: "550 Rejected: " $&{client_addr} " listed at '_ARG_`"', `$#error $@ 5.7.1 $: '_ARG2_)`
'ifelse(defn(`_ARG3_'), `', `', defn(`_ARG3_'), `t', `R< TEMP > $+ .			$#error $@ 4.4.3 $: "451 Temporary lookup failure of " $&{client_addr} " at '_ARG_`"
', `R< TEMP > $+ .			$#error $@ 4.4.3 $: '_ARG3_`
')`R< $* > $+ .			$: <?> $2 .
')
