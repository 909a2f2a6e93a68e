dnl  rules.m4 -- the rulesets.  Included by build.m4 where the rules go.
dnl  Rules are plain text here; ifdef() blocks add the rules of FEATUREs.
dnl  Each block starts with a comment naming what asked for it.
######################  canonify (ruleset 3)  ###########################
#  Brings an address into the form  local < @ host . >  with the host
#  part in angle brackets ("focused") and, where possible, canonical.

Scanonify=3
# the null address, written in any of its forms
R$@				$@ <@>
R<>				$@ <@>
R$* < > $*			$@ <@>
R@				$@ <@>
# an empty group "name:;"
R$+ : ;				$@ :; <@>
# keep only what is between the outermost angle brackets
R$* < $* < $* > $* > $*		$2 < $3 > $4
R$* < $+ > $*			$2
R<>				$@ <@>
# source routes: @a,@b:user@c is delivered as user@c
R@ [ $* ] : $+			$2
R@ $+ , $+			$2
R@ $+ : $+			$2
# a group phrase before an address: "name: user@host;"
R$+ : $* @ $+			$2 @ $3
R$* ;				$1
# put the host after the last @ between angle brackets
R$+ @ $+			$: $1 < @ $2 >
R$+ < @ $* @ $+ >		$1 @ $2 < @ $3 >
R$+ @				$: $1 < @ >
R@ $+				$: < @ $1 >
undivert(14)dnl
R$* < @ $* > $*			$@ $>CanonHost $1 < @ $2 > $3
# no @: a group phrase without an address part
R$+ : $+			$2
ifdef(`_FEAT_nouucp_', `# `nouucp': "!" is not a routing character', `# host!user (UUCP style)
R$- ! $+			$@ $>CanonHost $2 < @ $1 . UUCP >
R$+ . $- ! $+			$@ $>CanonHost $3 < @ $1 . $2 >')
ifdef(`_FEAT_nopercenthack_', `# `nopercenthack': "%" is not a routing character', `# user%host: the last % acts as an @
R$+ % $+			$: $1 < @ $2 >
R$+ < @ $+ % $+ >		$1 % $2 < @ $3 >
R$* < @ $* > $*			$@ $>CanonHost $1 < @ $2 > $3')

######################  CanonHost: the host part  ########################
#  Input: local < @ host > rest.  Known hosts get a trailing dot.

SCanonHost
R$* < @ > $*			$@ $1 < @ > $2
R$* < @ localhost > $*		$@ $1 < @ $j . > $2
R$* < @ localhost . $m > $*	$@ $1 < @ $j . > $2
R$* < @ localhost . > $*	$@ $1 < @ $j . > $2
ifdef(`_FEAT_nouucp_', `', `ifdef(`_FEAT_nocanonify_', `', `R$* < @ $+ . UUCP > $*		$@ $1 < @ $2 . UUCP . > $3
')')dnl
# names that already end in a dot stay as they are; pseudo domains get one
R$* < @ $+ . > $*		$@ $1 < @ $2 . > $3
R$* < @ $* $=P > $*		$@ $1 < @ $2 $3 . > $4
R$* < @ [ $+ ] > $*		$@ $1 < @ [ $2 ] > $3
ifdef(`_DOMAINTABLE_SPEC_', `# `domaintable': rename domains
R$* < @ $+ > $*			$: $1 < @ $(domaintable $2 $) > $3
')dnl
R$* < @ $=w > $*		$@ $1 < @ $2 . > $3
ifdef(`_FEAT_nocanonify_', `# `nocanonify': no name service lookups, except for some domains
ifdef(`_CF_HAVE_CANONIFY_', `R$* < @ $* $={Canonify} > $*	$@ $1 < @ $[ $2 $3 $] > $4
')dnl
ifelse(defn(`_NOCANON_ARG_'), `canonify_hosts', `R$* < @ $- > $*		$@ $1 < @ $[ $2 $] > $3
')dnl
R$* < @ $+ . $+ > $*		$@ $1 < @ $2 . $3 . > $4', `# ask the name service for the canonical name (it adds the dot)
R$* < @ $+ > $*			$@ $1 < @ $[ $2 $] > $3')

######################  final (ruleset 4)  ###############################
#  Undoes the focusing of canonify for the outside world.

Sfinal=4
R$+ :; <@>			$@ $1 :
R$* <@>				$@
R:; <@>				$@
R$* < @ $+ . > $*		$1 < @ $2 > $3
R$* < @ *LOCAL* > $*		$1 < @ $j > $2
R$* < $+ > $*			$1 $2 $3
R@ $+ : @ $+ : $+		@ $1 , @ $2 : $3

######################  rulesets 1 and 2  ###############################

S1
undivert(12)dnl

S2
undivert(13)dnl

######################  parse (ruleset 0)  ###############################
#  Chooses the mailer ($#), host ($@) and user ($:) for a recipient.

Sparse=0
R<@>				$#_LOCAL_ $: <@>
R$* :; <@>			$#error $@ 5.1.3 $: "553 List:; syntax illegal for recipient addresses"
R< @ $+ >			$#error $@ 5.1.3 $: "553 User address required"
R$+ < @ >			$#error $@ 5.1.3 $: "553 Hostname required"
R$* @ $* < @ $* > $*		$#error $@ 5.1.3 $: "553 Invalid route address"
R$* < @ $* . . $* > $*		$#error $@ 5.1.2 $: "553 Invalid host name"
R$* < @ . $* > $*		$#error $@ 5.1.2 $: "553 Invalid host name"
R$* < $* < $* > $* > $*		$#error $@ 5.1.3 $: "553 Invalid address"
undivert(11)dnl
ifdef(`_FEAT_redirect_', `# `redirect': address.REDIRECT (set by an alias) means the user moved
R$* < @ $+ . REDIRECT . >	$#error $@ 5.1.1 $: "551 User has moved; please try " < $1 @ $2 >
R$* < @ $+ . REDIRECT >		$#error $@ 5.1.1 $: "551 User has moved; please try " < $1 @ $2 >
')dnl
ifdef(`_VIRTUSER_SPEC_', `# `virtusertable': per domain aliases for local and virtual domains
R$+ < @ $* > $*			$: $1 < @ $2 > $3 $| $>VirtLookup $1 < @ $2 >
R$* $| $#$*			$#$2
R$* $| < NEW > $*		$@ $>parse $>canonify $2
R$* $| $*			$: $1
')dnl
ifdef(`_FEAT_stickyhost_', `ifdef(`MAIL_HUB', `# `stickyhost' with `MAIL_HUB': qualified local names go to the hub as they are
R$+ < @ $=w . > $*		$#_CF_RMAILER(MAIL_HUB, `_RELAY_') $@ $H $: $1 < @ $2 . > $3
')')dnl
# local host names: deliver the local part again as a new address
R$* < @ $=w . > $*		$: $1
R$* < @ $* > $*			$@ $>RouteHost $1 < @ $2 > $3
R$* @ $*			$@ $>parse $>canonify $(dequote $1 @ $2 $)
R$* % $*			$@ $>parse $>canonify $(dequote $1 % $2 $)
R$*				$: $(dequote $1 $)
R$* @ $*			$@ $>parse $>canonify $1 @ $2
R$+ . UUCP			$@ $>parse $>canonify $1 . UUCP
ifdef(`_FEAT_nouucp_', `', `R$* ! $*			$@ $>parse $>canonify $1 ! $2
')dnl
ifdef(`_FEAT_stickyhost_', `ifdef(`LOCAL_RELAY', `# `stickyhost' with `LOCAL_RELAY': unqualified names go there before aliasing
R$=L				$#_LOCAL_ $: @ $1
R$+				$#_CF_RMAILER(LOCAL_RELAY, `_RELAY_') $@ $R $: $1 < @ $R >
')')dnl
ifdef(`MAIL_HUB', `R$=L				$#_LOCAL_ $: @ $1
', `ifdef(`LOCAL_RELAY', `R$=L				$#_LOCAL_ $: @ $1
')')dnl
R$+				$#_LOCAL_ $: $1

######################  RouteHost: mail for other hosts  #################

SRouteHost
ifdef(`_FEAT_nouucp_', `', `ifdef(`_MAILER_uucp_', `', `')')dnl
ifdef(`_MAILERTABLE_SPEC_', `# `mailertable': per domain routes
R$* < @ $+ > $*			$: $>MailerTable $1 < @ $2 > $3 $| $2
')dnl
undivert(16)dnl
ifdef(`SMART_HOST', `# `SMART_HOST': everything else goes to the smart host
R$* < @ [ $+ ] > $*		$#_CF_RMAILER(SMART_HOST, `_SMTP_') $@ $S $: $1 < @ [ $2 ] > $3
R$* < @ $* > $*			$#_CF_RMAILER(SMART_HOST, `_RELAY_') $@ $S $: $1 < @ $2 > $3
')dnl
R$* < @ $* > $*			$#_SMTP_ $@ $2 $: $1 < @ $2 > $3

ifdef(`_MAILERTABLE_SPEC_', `######################  `mailertable' lookups  ##########################

SMailerTable
#  Input: address $| host.  Output: a mailer triple, or the address.
R$* $| $+ .			$1 $| $2
R$* $| $+			$: $1 $| $2 $| < $(mailertable $2 $: ? $) >
R$* $| $- . $+ $| < ? >		$: $1 $| $2 . $3 $| $>MTWalk $2 $| $3
R$* $| $+ $| < ? >		$: $1 $| $2 $| < $(mailertable . $: ? $) >
R$* $| $+ $| < ? >		$@ $1
R$* $| $+ $| < $+ >		$@ $>MTTriple $1 $| $2 $| $3

SMTWalk
#  Input: cut off part $| domain.  Looks up .domain (%1 is the cut off
#  part), then the parent domains.  Output: < value > or < ? >.
R$+ $| $+			$: $1 $| $2 $| < $(mailertable . $2 $@ $1 $: ? $) >
R$+ $| $- . $+ $| < ? >		$@ $>MTWalk $1 . $2 $| $3
R$+ $| $+ $| < $* >		$@ < $3 >

SMTTriple
#  Input: address $| host $| value from the table.
R$* $| $+ $| error : $-.$-.$- : $+	$#error $@ $3.$4.$5 $: $6
R$* $| $+ $| error : $+		$#error $: $3
R$+ < @ $+ . > $* $| $+ $| local :	$#_LOCAL_ $@ $1 @ $2 $: $1
R$+ < @ $+ > $* $| $+ $| local :	$#_LOCAL_ $@ $1 @ $2 $: $1
R$+ < @ $+ . > $* $| $+ $| local : $+	$#_LOCAL_ $@ $1 @ $2 $: $5
R$+ < @ $+ > $* $| $+ $| local : $+	$#_LOCAL_ $@ $1 @ $2 $: $5
R$* $| $+ $| $- : $+			$#$3 $@ $4 $: $1
R$* $| $+ $| $*				$@ $1
')dnl
ifdef(`_VIRTUSER_SPEC_', `######################  `virtusertable' lookups  ########################
#  Input: user < @ domain . >.  Output $#error, $@ new address or nothing.

SVirtLookup
R$+ < @ $+ . >			$: $1 < @ $2 >
R$+ < @ $=w >			$: < ! > $1 < @ $2 >
ifdef(`_CF_HAVE_VIRTHOST_', `ifdef(`_FEAT_virtuser_entire_domain_', `R$+ < @ $* $={VirtHost} >		$: < ! > $1 < @ $2 $3 >
', `R$+ < @ $={VirtHost} >	$: < ! > $1 < @ $2 >
')')dnl
R< ! > $+ + $* < @ $+ >		$: < ? $(virtuser $1 + $2 @ $3 $@ $1 $@ $2 $@ + $2 $: ! $) > $1 + $2 < @ $3 >
R< ? ! > $+ + $* < @ $+ >	$: < ? $(virtuser $1 + * @ $3 $@ $1 $@ $2 $@ + $2 $: ! $) > $1 + $2 < @ $3 >
R< ? ! > $+ + $* < @ $+ >	$: < ? $(virtuser $1 @ $3 $@ $1 $@ $2 $@ + $2 $: ! $) > $1 + $2 < @ $3 >
R< ? ! > $+ + $* < @ $+ >	$: < ? $(virtuser + * @ $3 $@ $1 $@ $2 $@ + $2 $: ! $) > $1 + $2 < @ $3 >
R< ? ! > $+ + $* < @ $+ >	$: < ? $(virtuser @ $3 $@ $1 $@ $2 $@ + $2 $: ! $) > $1 + $2 < @ $3 >
R< ! > $+ < @ $+ >		$: < ? $(virtuser $1 @ $2 $@ $1 $: ! $) > $1 < @ $2 >
R< ? ! > $+ < @ $+ >		$: < ? $(virtuser @ $2 $@ $1 $: ! $) > $1 < @ $2 >
ifdef(`_FEAT_virtuser_entire_domain_', `R< ? ! > $+ < @ $- . $+ >	$: < ! > $1 < @ $3 >
R< ! > $+ < @ $+ >		$: < ? $(virtuser @ $2 $@ $1 $: ! $) > $1 < @ $2 >
')dnl
R< ? ! > $*			$@
R< ? error : $-.$-.$- : $+ > $*	$#error $@ $1.$2.$3 $: $4
R< ? error : $- $+ > $*		$#error $@ $1 $: $2
R< ? $+ > $*			$@ < NEW > $1
R$*				$@
')dnl

######################  localaddr (ruleset 5)  ###########################
#  Local names after aliasing: +detail, unknown users, hubs.

Slocaladdr=5
ifdef(`_FEAT_preserve_local_plus_detail_', `# `preserve_local_plus_detail': keep user+detail as it is
R$+ + $*			$#_LOCAL_ $@ $&h $: $1 + $2
', `# user+detail: deliver to user, the detail goes in the host part
R$+ + $*			$#_LOCAL_ $@ + $2 $: $1 + *
')dnl
ifdef(`LUSER_RELAY', `# `LUSER_RELAY': names that are no local user go there
R$+				$: < $(user $1 $) > $1
R< $+ <> > $+			$: $2
ifelse(_CF_RMAILER(LUSER_RELAY, `_RELAY_'), `local',
`R< $+ > $+			$#_LOCAL_ $@ $2 $: $L',
`ifdef(`_FEAT_preserve_luser_host_', `R< $+ > $+			$#_CF_RMAILER(LUSER_RELAY, `_RELAY_') $@ $L $: $2 < @ $&h >',
`R< $+ > $+			$#_CF_RMAILER(LUSER_RELAY, `_RELAY_') $@ $L $: $2 < @ $L >')')
')dnl
ifdef(`MAIL_HUB', `# `MAIL_HUB': local names go to the hub
R$+				$#_CF_RMAILER(MAIL_HUB, `_RELAY_') $@ $H $: $1 < @ $H >
', `ifdef(`LOCAL_RELAY', `ifdef(`_FEAT_stickyhost_', `', `# `LOCAL_RELAY': local names (but class L) go to the relay
R$=L				$@ $1
R$+				$#_CF_RMAILER(LOCAL_RELAY, `_RELAY_') $@ $R $: $1 < @ $R >
')')')dnl

######################  qualifying and masquerading  #####################

SQualify
#  Adds this host to unqualified addresses (not to the null address).
R$* <@>				$@ $1 <@>
ifdef(`_FEAT_nouucp_', `', `# host.UUCP addresses leave as host!user from this host
R$+ < @ $+ . UUCP . > $*	$: $2 ! $1
R$+ < @ $+ . UUCP > $*		$: $2 ! $1
')dnl
R$*:; <@>			$@ $1 :; <@>
R$* < @ $* > $*			$@ $1 < @ $2 > $3
R$+				$@ $1 < @ *LOCAL* >

SMasq
#  Input: a qualified address (*LOCAL* stands for this host).  Local
#  names become the masquerade name ($M, or $j when there is none).
ifdef(`_GENERICS_SPEC_', `# `genericstable'
R$+ < @ *LOCAL* > $*		$: $>Generics $1 < @ *LOCAL* > $2
R$+ < @ $+ > $*			$: $>Generics $1 < @ $2 > $3
R< NEW > $*			$: $>Qualify $>canonify $1
')dnl
R$=E < @ *LOCAL* > $*		$@ $1 < @ $j . > $2
R$=E < @ $=w . > $*		$@ $1 < @ $2 . > $3
R$=E < @ $=w > $*		$@ $1 < @ $2 > $3
ifdef(`_CF_HAVE_N_', `R$* < @ $* $=N . > $*		$@ $1 < @ $2 $3 . > $4
R$* < @ $* $=N > $*		$@ $1 < @ $2 $3 > $4
')dnl
ifdef(`_MASQUERADE_AS_', `R$* < @ *LOCAL* > $*		$@ $1 < @ $M . > $2
ifdef(`_FEAT_limited_masquerade_', `', `R$* < @ $=w . > $*		$@ $1 < @ $M . > $3
R$* < @ $=w > $*		$@ $1 < @ $M . > $3
')dnl
R$* < @ $=M . > $*		$@ $1 < @ $M . > $3
R$* < @ $=M > $*		$@ $1 < @ $M . > $3
ifdef(`_FEAT_masquerade_entire_domain_', `R$* < @ $* . $=M . > $*		$@ $1 < @ $M . > $4
R$* < @ $* . $=M > $*		$@ $1 < @ $M . > $4
')')dnl
R$* < @ *LOCAL* > $*		$@ $1 < @ $j . > $2

ifdef(`_GENERICS_SPEC_', `SGenerics
#  `genericstable': user@domain, @domain (%1 is the user) and user are
#  looked up for local names and domains of class G.
#  Output: the address as it was, or < NEW > the new address.
R$+ < @ $+ . > $*		$: $1 < @ $2 > $3
R$+ < @ *LOCAL* > $*		$: < ! > $1 < @ *LOCAL* > $2
ifdef(`_FEAT_generics_entire_domain_', `R$+ < @ $* $=G > $*		$: < ! > $1 < @ $2 $3 > $4
', `R$+ < @ $=G > $*		$: < ! > $1 < @ $2 > $3
')dnl
R< ! > $+ < @ $+ > $*		$: < $(generics $1 @ $2 $: ! $) > $1 < @ $2 > $3
R< ! > $+ < @ $+ > $*		$: < $(generics @ $2 $@ $1 $: ! $) > $1 < @ $2 > $3
R< ! > $+ < @ $+ > $*		$: < $(generics $1 $: ! $) > $1 < @ $2 > $3
R< ! > $*			$@ $1
R< $+ > $*			$@ < NEW > $1

')dnl
SMasqEnv
#  Envelope addresses: qualified; masqueraded with `masquerade_envelope'.
R$+				$: $>Qualify $1
ifdef(`_FEAT_masquerade_envelope_', `R$+				$: $>Masq $1
', `R$* < @ *LOCAL* > $*		$: $1 < @ $j . > $2
')dnl

SMasqHdr
#  Header addresses: qualified and masqueraded.
R$+				$: $>Qualify $1
R$+				$: $>Masq $1

######################  access map and relaying  #########################

ifdef(`_ACCESS_SPEC_', `SA_Dom
#  `access_db': input < Tag > < + or - > domain; tries Tag:domain (and the
#  untagged domain when +), then the parent domains.  Output: < value >
#  or < ? >.
R< $+ > < $- >			$@ < ? >
R< $+ > < $- > $+ . 		$: < $1 > < $2 > $3
R< $+ > < $- > $+		$: < $1 > < $2 > $3 < $(access $1 : $3 $: ? $) >
R< $+ > < + > $+ < ? >		$: < $1 > < + > $2 < $(access $2 $: ? $) >
R< $+ > < $- > $+ < SKIP >	$@ < ? >
ifdef(`_FEAT_lookupdotdomain_', `R< $+ > < $- > $- . $+ < ? >	$: < $1 > < $2 > $3 . $4 < $(access $1 : . $4 $: ? $) >
')dnl
ifdef(`_FEAT_relay_hosts_only_', `', `R< $+ > < $- > $- . $+ < ? >	$@ $>A_Dom < $1 > < $2 > $4
')dnl
R< $+ > < $- > $+ < $* >	$@ < $4 >

SA_Addr
#  `access_db': input < Tag > address; tries Tag:address and then the
#  shorter networks (1.2.3.4, 1.2.3, 1.2, 1; IPv6 by groups).
R< $+ >				$@ < ? >
R< $+ > $+			$: < $1 > $2 < $(access $1 : $2 $: ? $) >
R< $+ > $+ < ? >		$: < $1 > $2 < $(access $2 $: ? $) >
R< $+ > $+ < SKIP >		$@ < ? >
R< $+ > $+ . $- < ? >		$@ $>A_Addr < $1 > $2
R< $+ > $+ : $- < ? >		$@ $>A_Addr < $1 > $2
R< $+ > $+ : < ? >		$@ $>A_Addr < $1 > $2
R< $+ > $+ < $* >		$@ < $3 >

')dnl
SA_Verdict
#  Input: < value > from the access map.  Output: a $# result, or the
#  value itself when it neither rejects nor discards.
R< REJECT >			$#error $@ 5.7.1 $: _REJECT_MSG_
R< DISCARD >			$#discard $: discard
R< QUARANTINE : $+ >		$#error $@ quarantine $: $1
R< ERROR : $-.$-.$- : $+ >	$#error $@ $1.$2.$3 $: $4
R< ERROR : $+ >			$#error $: $1
R< $+ >				$@ < $1 >

SLocal_check_relay
Scheck_relay
#  Called with  client name $| client address  when a client connects.
R$*				$: $1 $| $>Local_check_relay $1
R$* $| $* $| $#$*		$#$3
R$* $| $* $| $*			$: $1 $| $2
ifdef(`_FEAT_delay_checks_', `# `delay_checks': the checks run from check_rcpt instead
R$*				$@ OK
')dnl
R$*				$@ $>ConnCheck $1

SConnCheck
#  Input: client name $| client address.
ifdef(`_FEAT_use_client_ptr_', `# `use_client_ptr'
R$* $| $*			$: $&{client_ptr} $| $2
')dnl
ifdef(`_ACCESS_SPEC_', `R$* $| $*			$: $1 $| $2 $| $>A_Dom < Connect > < + > $1
R$* $| $* $| < ? >		$: $1 $| $2 $| $>A_Addr < Connect > $2
R$* $| $* $| < ? >		$: $1 $| $2
R$* $| $* $| < OK >		$@ OK
R$* $| $* $| < RELAY >		$@ RELAY
R$* $| $* $| < $+ >		$@ $>A_Verdict < $3 >
')dnl
ifdef(`_DNSBL_RULES_', `# `dnsbl' / `enhdnsbl'
R$* $| $*			$: $&{client_addr}
R$-.$-.$-.$-			$: <?> $4.$3.$2.$1 .
_DNSBL_RULES_')dnl
ifdef(`_FEAT_ratecontrol_', `# `ratecontrol'
R$*				$: $>RateControl $1
R$#$*				$#$1
')dnl
ifdef(`_FEAT_conncontrol_', `# `conncontrol'
R$*				$: $>ConnControl $1
R$#$*				$#$1
')dnl
R$*				$@ OK

SLocal_check_mail
Scheck_mail
#  Called with the MAIL FROM address.
R$*				$: $1 $| $>Local_check_mail $1
R$* $| $#$*			$#$2
R$* $| $*			$: $1
ifdef(`_FEAT_delay_checks_', `# `delay_checks': the checks run from check_rcpt instead
R$*				$@ OK
')dnl
R$*				$@ $>SenderCheck $1

SSenderCheck
#  Input: the sender address.  Output: $#error / $#discard, or it is fine.
R<>				$@ < OK >
R$*				$: $>canonify $1
R<@>				$@ < OK >
R$* < @ $+ . > $*		$1 < @ $2 > $3
ifdef(`_ACCESS_SPEC_', `# `access_db': From:user@domain, From:domain (and parents), From:user@
R$+ < @ $+ > $*			$: $1 < @ $2 > $| < $(access From : $1 @ $2 $: ? $) >
R$+ < @ $+ > $| < ? >		$: $1 < @ $2 > $| < $(access $1 @ $2 $: ? $) >
R$+ < @ $+ > $| < ? >		$: $1 < @ $2 > $| $>A_Dom < From > < + > $2
R$+ < @ $+ > $| < ? >		$: $1 < @ $2 > $| < $(access From : $1 @ $: ? $) >
R$+ < @ $+ > $| < ? >		$: $1 < @ $2 > $| < $(access $1 @ $: ? $) >
R$- $| < ? >			$: $1 $| < $(access From : $1 @ $: ? $) >
R$* $| < ? >			$: $1
R$* $| < OK >			$#OK
R$* $| < RELAY >		$#RELAY
R$* $| < $+ >			$@ $>A_Verdict < $2 >
')dnl
R$* < @ $+ > $*			$@ $>SenderHost $1 < @ $2 > $3
ifdef(`_FEAT_accept_unqualified_senders_', `# `accept_unqualified_senders'
R$*				$@ < OK >
', `R$*				$: < $&{daemon_flags} > $1
R< $* u $* > $*			$@ < OK >
R< $* > $*			$#error $@ 5.5.4 $: "553 Domain name required for sender address " $&f
')dnl

SSenderHost
#  Input: a qualified sender.  The domain must exist.
ifdef(`_FEAT_accept_unresolvable_domains_', `# `accept_unresolvable_domains'
', `R$* < @ $=w > $*		$@ < OK >
R$* < @ $+ > $*			$: $1 < @ $(resolve $2 $: $2 <PERM> $) > $3
R$* < @ $+ <PERM> > $*		$#error $@ 5.1.8 $: "553 Domain of sender address " $&f " does not exist"
R$* < @ $+ <TEMP> > $*		$#error $@ 4.1.8 $: "451 Domain of sender address " $&f " does not resolve"
')dnl
R$*				$@ < OK >

SLocal_check_rcpt
Scheck_rcpt
#  Called with each RCPT TO address.
R$*				$: $1 $| $>Local_check_rcpt $1
R$* $| $#$*			$#$2
R$* $| $*			$: $1
R$*				$: $1 $| $>RcptCheck $1
R$* $| $#$*			$#$2
ifdef(`_FEAT_delay_checks_', `# `delay_checks': the sender and client checks run here
R$* $| $*			$: $1
ifelse(defn(`_DELAY_ARG_'), `friend', `R$*				$: $1 $| $>SpamTag $1
R$* $| < FRIEND >		$: $1 $| SKIP',
defn(`_DELAY_ARG_'), `hater', `R$*				$: $1 $| $>SpamTag $1
R$* $| < HATER >		$: $1 $| < CHECK >
R$* $| < $* >			$: $1 $| SKIP',
`R$*				$: $1 $| < CHECK >')
R$* $| < $* >			$: $1 $| < CHECK >
R$* $| < CHECK >		$: $1 $| < $&{auth_type} >
R$* $| < $={TrustAuthMech} >	$: $1 $| SKIP
R$* $| < $* >			$: $1 $| $>SenderCheck < $&f >
R$* $| $#error $*		$#error $2
R$* $| $#discard $*		$#discard $2
R$* $| $#$*			$: $1 $| SKIP
R$* $| SKIP			$@ RELAY
R$* $| $*			$: $1 $| $>ConnCheck $&{client_name} $| $&{client_addr}
R$* $| $#error $*		$#error $2
R$* $| $#discard $*		$#discard $2
')dnl
R$* $| $*			$@ $2

ifelse(defn(`_DELAY_ARG_'), `', `', `SSpamTag
#  `delay_checks' friend/hater: Spam:user@domain, Spam:user@, Spam:domain
R$*				$: $>canonify $1
R$+ < @ $+ . > $*		$: $1 < @ $2 > $3
R$+ < @ $+ > $*			$: < $(access Spam : $1 @ $2 $: ? $) > $1 < @ $2 >
R< ? > $+ < @ $=w >		$: < $(access Spam : $1 @ $: ? $) > $1 < @ $2 >
R< ? > $+ < @ $+ >		$: $>A_Dom < Spam > < - > $2
R< $+ > $*			$@ < $1 >
R$*				$@ < ? >
')dnl

SRcptCheck
R$*				$: $>canonify $1
R<@>				$#error $@ nouser $: "553 User address required"
R$* :; <@>			$#error $@ 5.1.3 $: "553 List:; syntax illegal for recipient addresses"
R$* @ $* < @ $* > $*		$#error $@ 5.1.3 $: "553 Invalid route address"
R$* < @ $* . . $* > $*		$#error $@ 5.1.2 $: "553 Invalid host name"
R$* < @ . $* > $*		$#error $@ 5.1.2 $: "553 Invalid host name"
R$* < @ $+ . > $*		$1 < @ $2 > $3
ifdef(`_FEAT_blocklist_recipients_', `# `blocklist_recipients'
R$*				$: $1 $| $>BlockRcpt $1
R$* $| $#$*			$#$2
R$* $| $*			$: $1
')dnl
ifdef(`_FEAT_promiscuous_relay_', `# `promiscuous_relay': anything goes
R$*				$@ RELAY
')dnl
R$*				$@ $>RelayTo $1

ifdef(`_FEAT_blocklist_recipients_', `SBlockRcpt
#  `blocklist_recipients': To:user@domain, To:user@ (local), To:domain
R$+ < @ $+ > $*			$: $1 < @ $2 > $| < $(access To : $1 @ $2 $: ? $) >
R$+ < @ $+ > $| < ? >		$: $1 < @ $2 > $| < $(access $1 @ $2 $: ? $) >
R$+ < @ $=w > $| < ? >		$: $1 < @ $2 > $| < $(access To : $1 @ $: ? $) >
R$+ < @ $=w > $| < ? >		$: $1 < @ $2 > $| < $(access $1 @ $: ? $) >
R$+ < @ $+ > $| < ? >		$: $1 < @ $2 > $| $>A_Dom < To > < + > $2
R$+ < @ $+ > $| $*		$@ $>BlockVerdict $3
R$+				$: $1 $| < $(access To : $1 @ $: ? $) >
R$+ $| < ? >			$: $1 $| < $(access $1 @ $: ? $) >
R$+ $| $*			$@ $>BlockVerdict $2

SBlockVerdict
R< REJECT >			$#error $@ 5.2.1 $: "550 Mailbox disabled for this recipient"
R< DISCARD >			$#discard $: discard
R< ERROR : $+ >			$@ $>A_Verdict < ERROR : $1 >
R< QUARANTINE : $+ >		$@ $>A_Verdict < QUARANTINE : $1 >
R$*				$@ < ? >

')dnl
SRelayTo
#  Input: a canonified recipient.  RELAY when we may accept it.
R$* < @ $+ . > $*		$1 < @ $2 > $3
# one of our names: look at the local part again (user%host@ours ...)
R$* < @ $=w > $*		$@ $>RelayTo $>canonify $(dequote $1 $)
R$* < @ $+ > $*			$: $1 < @ $2 > $3 $| $>RelayDomain $2
ifdef(`_FEAT_loose_relay_check_', `# `loose_relay_check': a domain we relay for takes any local part
', `R$* $=O $* < @ $+ > $* $| < RELAY >	$@ $>RelayTo $>canonify $1 $2 $3
')dnl
R$* < @ $+ > $* $| < RELAY >	$@ RELAY
R$* < @ $+ > $* $| $*		$: $1 < @ $2 > $3 $| $>RelayClient < $&{client_addr} > < $&{client_name} >
R$* $| < RELAY >		$@ RELAY
R$* < @ $+ > $* $| $*		$#error $@ 5.7.1 $: _RELAY_MSG_
# unqualified: a local name
R$*				$@ RELAY

SRelayDomain
#  Input: a recipient domain.  < RELAY > when we relay for it.
R$=R				$@ < RELAY >
ifdef(`_FEAT_relay_hosts_only_', `', `R$* . $=R			$@ < RELAY >
')dnl
ifdef(`_FEAT_relay_entire_domain_', `# `relay_entire_domain'
R$=m				$@ < RELAY >
R$* . $=m			$@ < RELAY >
')dnl
ifdef(`_FEAT_relay_based_on_MX_', `# `relay_based_on_MX'
R$+				$: $1 < $(bestmx $1 $: ? $) >
R$+ < $* $=w . $* >		$@ < RELAY >
R$+ < $* $=w $* >		$@ < RELAY >
R$+ < $* >			$: $1
')dnl
ifdef(`_ACCESS_SPEC_', `R$+				$: $>A_Dom < To > < + > $1
R< RELAY >			$@ < RELAY >
')dnl
R$*				$@ < ? >

SLocal_Relay_Auth
SRelayClient
#  Input: < client address > < client name >.  < RELAY > when the client
#  may send mail to other hosts.
R< > < $* >			$@ < RELAY >
R< $* > < $* >			$: < $1 > < $2 > $| $>Local_Relay_Auth $&{auth_type}
R$* $| $#$*			$@ < RELAY >
R$* $| $*			$: $1
R< $* > < $* >			$: < $1 > < $2 > $| < $&{auth_type} >
R$* $| < $={TrustAuthMech} >	$@ < RELAY >
R$* $| $*			$: $1
ifdef(`_FEAT_relay_local_from_', `# `relay_local_from': a sender in one of our domains
R< $* > < $* >			$: < $1 > < $2 > $| $>canonify $&f
R$* $| $* < @ $=w . > $*	$@ < RELAY >
R$* $| $* < @ $=w > $*		$@ < RELAY >
R$* $| $*			$: $1
')dnl
ifdef(`_FEAT_relay_mail_from_', `# `relay_mail_from': a sender listed as RELAY in the access map
R< $* > < $* >			$: < $1 > < $2 > $| $>canonify $&f
R$* $| $+ < @ $+ . > $*		$: $1 $| $2 < @ $3 >
R$* $| $+ < @ $+ > $*		$: $1 $| < $(access From : $2 @ $3 $: ? $) > $2 < @ $3 >
R$* $| < RELAY > $*		$@ < RELAY >
ifelse(defn(`_RELAYMAILFROM_ARG_'), `domain', `R$* $| < $* > $+ < @ $+ >	$: $1 $| $>A_Dom < From > < - > $4
R$* $| < RELAY >		$@ < RELAY >
')dnl
R$* $| $*			$: $1
')dnl
R< $=R > < $* >			$@ < RELAY >
R< $=R . $* > < $* >		$@ < RELAY >
R< $=R : $* > < $* >		$@ < RELAY >
ifdef(`_ACCESS_SPEC_', `R< $+ > < $* >			$: < $1 > < $2 > $| $>A_Addr < Connect > $1
R$* $| < RELAY >		$@ < RELAY >
R$* $| $*			$: $1
')dnl
R< $* > < $=w >			$@ < RELAY >
R< $* > < $* $=R >		$@ < RELAY >
ifdef(`_FEAT_relay_entire_domain_', `R< $* > < $* $=m >		$@ < RELAY >
')dnl
ifdef(`_ACCESS_SPEC_', `R< $* > < $+ >			$: $>A_Dom < Connect > < + > $2
R< RELAY >			$@ < RELAY >
')dnl
R$*				$@ < ? >

######################  other rulesets the binary calls  #################

SLocal_trust_auth
Strust_auth
#  AUTH= of MAIL FROM is trusted when it names the authenticated user.
R$*				$: $1 $| $>Local_trust_auth $1
R$* $| $#$*			$#$2
R$* $| $*			$: $1 $| $&{auth_authen}
R$* $| $*			$: $1
R$&{auth_authen}		$@ OK
R$*				$#error $@ 5.7.1 $: "550 not authenticated"

Scheck_compat
ifdef(`_FEAT_compat_check_', `# `compat_check': Compat:sender<@>recipient in the access map
R$* $| $*			$: $1 $| $2 $| < $(access Compat : $1 < @ > $2 $: ? $) >
R$* $| $* $| < DISCARD >	$#discard $: discard
R$* $| $* $| < TEMP : $+ >	$#error $@ 4.7.1 $: $3
R$* $| $* $| < ERROR : $+ >	$#error $@ 5.7.1 $: $3
')dnl

Sgreet_pause
ifdef(`_FEAT_greet_pause_', `# `greet_pause': milliseconds to wait before the greeting
R$*				$: < $&{client_addr} >
ifdef(`_ACCESS_SPEC_', `R< $+ >				$: $>A_Addr < GreetPause > $1
R< $- >				$@ $#pause $: $1
R$*				$: $>A_Dom < GreetPause > < - > $&{client_name}
R< $- >				$@ $#pause $: $1
')dnl
ifelse(defn(`_GREET_ARG_'), `', `', `R$*				$#pause $: _GREET_ARG_
')dnl
')dnl

Squeuegroup
ifdef(`_FEAT_queuegroup_', `# `queuegroup': QGRP:address or QGRP:domain in the access map
R$*				$: $>canonify $1
R$+ < @ $+ . >			$: $1 < @ $2 >
R$+ < @ $+ >			$: < $(access QGRP : $1 @ $2 $: ? $) > $1 < @ $2 >
R< ? > $+ < @ $+ >		$: $>A_Dom < QGRP > < - > $2
R< ? >				$: < ? >
ifelse(defn(`_QGRP_ARG_'), `', `R< ? >				$@', `R< ? >				$# _QGRP_ARG_')
R< $+ >				$# $1
')dnl

Scheck_data
Scheck_eoh
Scheck_eom
Scheck_etrn
Scheck_expn
Scheck_vrfy
ifdef(`_FEAT_check_other_', `Scheck_other
# `check_other'
R$*				$: $(check_other $&{currHeader} $)
R@MATCH				$#error $@ 4.7.0 $: 421 bad command
')dnl

######################  STARTTLS and AUTH client rulesets  ###############

Stls_server
#  Called with ${verify} after STARTTLS as a client.
R SOFTWARE			$#error $@ 4.7.0 $: "403 TLS handshake."
ifdef(`_CF_HAVE_LTLSSRV_', `undivert(23)')dnl

Stls_client
#  Called with ${verify} $| STARTTLS or MAIL as a server.
R SOFTWARE $| $*		$#error $@ 4.7.0 $: "403 TLS handshake."
ifdef(`_CF_HAVE_LTLSCLT_', `undivert(22)')dnl

Stls_rcpt
ifdef(`_CF_HAVE_LTLSRCPT_', `undivert(21)')dnl

Ssrv_features
ifdef(`_ACCESS_SPEC_', `R$*				$: $>A_Dom < Srv_Features > < - > $&{client_name}
R< ? >				$: $>A_Addr < Srv_Features > $&{client_addr}
R< ? >				$: < $(access Srv_Features : $: ? $) >
R< ? >				$@
R< $* >				$# $1
')dnl
ifdef(`_CF_HAVE_LSRVF_', `undivert(18)')dnl

Sclt_features
ifdef(`_ACCESS_SPEC_', `R$*				$: $>A_Dom < Clt_Features > < - > $&{server_name}
R< ? >				$: $>A_Addr < Clt_Features > $&{server_addr}
R< ? >				$: < $(access Clt_Features : $: ? $) >
R< ? >				$@
R< $* >				$# $1
')dnl
ifdef(`_CF_HAVE_LCLTF_', `undivert(19)')dnl

Stry_tls
ifdef(`_ACCESS_SPEC_', `R$*				$: $>A_Dom < Try_TLS > < - > $&{server_name}
R< ? >				$: $>A_Addr < Try_TLS > $&{server_addr}
R< ? >				$: < $(access Try_TLS : $: ? $) >
R< NO >				$#error $: NO
')dnl
ifdef(`_CF_HAVE_LTRYTLS_', `undivert(20)')dnl

ifdef(`_FEAT_msp_', `', `Sauthinfo
ifdef(`_AUTHINFO_SPEC_', `# `authinfo'
R$*				$: < $(authinfo AuthInfo : $&{server_name} $: ? $) >
R< ? >				$: < $(authinfo AuthInfo : $&{server_addr} $: ? $) >
R< ? >				$: < $(authinfo AuthInfo : $: ? $) >
R< ? >				$@ no
R< $* >				$# $1
', `ifdef(`_ACCESS_SPEC_', `R$*				$: < $(access AuthInfo : $&{server_name} $: ? $) >
R< ? >				$: < $(access AuthInfo : $&{server_addr} $: ? $) >
R< ? >				$: < $(access AuthInfo : $: ? $) >
R< ? >				$@ no
R< $* >				$# $1
')')dnl
')dnl
