divert(-1)
#
#  blrules.m4 -- the rules of one FEATURE(`dnsbl'), FEATURE(`enhdnsbl') or
#  FEATURE(`rhsbl'), written to diversion 31 in the order of the .mc;
#  rules.m4 places that diversion in the client checks (ConnCheck).
#  Set by _CF_BL_ADD (setup.m4): _BL_KIND_ (dnsbl, ednsbl, rhsbl),
#  _BL_L_ (the list's domain), _BL_W_ (what to do), _BL_T_ (lookup
#  failures), _BL_V1_ ... _BL_V5_ (enhdnsbl answers that count).
#  Workspace tags: < BL > address, < BLL > answer, < RHS > sender,
#  < RHSX domain > exemption, < RHSL > answer.  Each block leaves "OK"
#  (or an error, which ends the ruleset).
#  The texts with $ signs are kept in macros and written with defn(), so
#  m4 never treats their $1, $@ or $# as macro arguments.
#
changecom()
ifelse(_BL_KIND_, `rhsbl', `define(`_BL_WHO_', `$&{RHS}')define(`_BL_TDSN_', `4.7.1')',
	`define(`_BL_WHO_', `$&{client_addr}')define(`_BL_TDSN_', `4.4.3')')
define(`_BL_TMP_', ifelse(defn(`_BL_T_'), `', `$: OK',
	defn(`_BL_T_'), `t', `$#error $@ '_BL_TDSN_` $: "451 Temporary lookup failure of " 'defn(`_BL_WHO_')` " at '_BL_L_`"',
	`$#error $@ '_BL_TDSN_` $: 'defn(`_BL_T_')))
define(`_BL_ACT_', ifelse(defn(`_BL_W_'), `', ifelse(_BL_KIND_, `rhsbl',
		`$#error $@ 5.7.1 $: "550 Mail from " $&{RHS} " refused by blackhole site '_BL_L_`"',
		`$#error $@ 5.7.1 $: "550 Rejected: " $&{client_addr} " listed at '_BL_L_`"'),
	_BL_KIND_, `rhsbl', `$#error $@ 5.7.1 $: 'defn(`_BL_W_'),
	defn(`_BL_W_'), `discard', `$#discard $: 'ifelse(_BL_KIND_, `dnsbl', _BL_L_, `discard'),
	defn(`_BL_W_'), `quarantine', `$#error $@ quarantine $: '_BL_L_,
	`$#error $@ 5.7.1 $: 'defn(`_BL_W_')))
define(`_BL_LHS_', `ifelse(defn(`$1'), `', `', `R< BLL > 'defn(`$1')`	'defn(`_BL_ACT_')`
')')
divert(31)dnl
ifelse(_BL_KIND_, `rhsbl', `# `rhsbl' _BL_L_: the domain of the sender
R$*			$: < RHS > $>canonify $&f
R< RHS > $+ < @ $+ . >	$: < RHSX $2 > $>RhsExempt $1 < @ $2 >
R< RHS > $*		$: OK
R< RHSX $+ > < OK >	$: OK
R< RHSX $+ > $*		$: < RHSL > $(macro {RHS} $@ $1 $) $(dnsbl $1._BL_L_. $: NOTLISTED $)
R< RHSL > NOTLISTED	$: OK
R< RHSL > $* < TMP >	defn(`_BL_TMP_')
R< RHSL > $+		defn(`_BL_ACT_')
', `# `'ifelse(_BL_KIND_, `dnsbl', `dnsbl', `enhdnsbl') _BL_L_: the client address (IPv4 only)
R$*			$: < BL > $&{client_addr}
R< BL > $-.$-.$-.$-	$: < BLL > $(_BL_KIND_ $4.$3.$2.$1._BL_L_. $: NOTLISTED $)
R< BL > $*		$: OK
R< BLL > NOTLISTED	$: OK
R< BLL > $* < TMP >	defn(`_BL_TMP_')
ifelse(defn(`_BL_V1_'), `', `R< BLL > $+		defn(`_BL_ACT_')
', `_BL_LHS_(`_BL_V1_')_BL_LHS_(`_BL_V2_')_BL_LHS_(`_BL_V3_')_BL_LHS_(`_BL_V4_')_BL_LHS_(`_BL_V5_')')dnl
R< BLL > $*		$: OK
')dnl
divert(-1)
changecom(`#')
