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
R$* < @ $+ > $*			$: $1 < @ $[ $2 $] > $3')
# names we treat as ours or as our masquerade, virtual and generics
# domains are final even when the name service does not know them
R$* < @ $=w > $*		$@ $1 < @ $2 . > $3
R$* < @ ifdef(`_FEAT_masquerade_entire_domain_', `$* $=M > $*		$@ $1 < @ $2 $3 . > $4', `$=M > $*		$@ $1 < @ $2 . > $3')
ifdef(`_VIRTUSER_SPEC_', `R$* < @ ifdef(`_FEAT_virtuser_entire_domain_', `$* $={VirtHost} > $*	$@ $1 < @ $2 $3 . > $4', `$={VirtHost} > $*	$@ $1 < @ $2 . > $3')
')dnl
ifdef(`_GENERICS_SPEC_', `R$* < @ ifdef(`_FEAT_generics_entire_domain_', `$* $=G > $*		$@ $1 < @ $2 $3 . > $4', `$=G > $*		$@ $1 < @ $2 . > $3')
')dnl
R$* < @ $* . . > $*		$@ $1 < @ $2 . > $3

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
# a route address is done
R@ $*				$@ @ $1
ifdef(`_FEAT_nouucp_', `', `# user@host.UUCP is written host!user, whatever the mailer
R$+ @ $- . UUCP			$2 ! $1
')dnl
# user%ours@ours is user@ours
R$+ % $=w @ $=w			$1 @ $2

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
# our host with a routing local part (user%host@ours, "user@host"@ours): parse it again
R$- < @ $=w . > $*		$: $(dequote $1 $) < @ $2 . > $3
R$* $=O $* < @ $=w . > $*	$@ $>parse $>canonify $1 $2 $3
ifdef(`_FEAT_stickyhost_', `ifdef(`MAIL_HUB', `# `stickyhost' with `MAIL_HUB': qualified local names go to the hub as they are
R$+ < @ $=w . > $*		$#_CF_RMAILER(MAIL_HUB, `_RELAY_') $@ $H $: $1 < @ $2 . > $3
')')dnl
# local host names: deliver the local part again as a new address
R$* < @ $=w . > $*		$: $1
R$* < @ $* > $*			$@ $>RouteHost $1 < @ $2 > $3
R$* @ $*			$@ $>parse $>canonify $(dequote $1 @ $2 $)
ifdef(`_FEAT_nopercenthack_', `', `R$* % $*			$@ $>parse $>canonify $(dequote $1 % $2 $)
')dnl
R$*				$: $(dequote $1 $)
R$* @ $*			$@ $>parse $>canonify $1 @ $2
R$+ . UUCP			$@ $>parse $>canonify $1 . UUCP
ifdef(`_FEAT_nouucp_', `', `R$* ! $*			$@ $>parse $>canonify $1 ! $2
')dnl
ifdef(`_FEAT_stickyhost_', `ifdef(`LOCAL_RELAY', `# `stickyhost' with `LOCAL_RELAY': unqualified names go there before aliasing
R$=L				$#_LOCAL_ $: @ $1
R$+				$#_CF_RMAILER(LOCAL_RELAY, `_RELAY_') $@ $R $: $1 < @ $R >
')')dnl
# class L (`LOCAL_USER'): "@ user" tells localaddr to keep them here
R$=L				$#_LOCAL_ $: @ $1
R$+				$#_LOCAL_ $: $1

######################  RouteHost: mail for other hosts  #################

SRouteHost
ifdef(`_FEAT_nouucp_', `', `ifdef(`_MAILER_uucp_', `', `')')dnl
ifdef(`_MAILERTABLE_SPEC_', `# `mailertable': per domain routes
R$* < @ $+ > $*			$: $>MailerTable $1 < @ $2 > $3 $| $2
')dnl
ifdef(`_FEAT_bestmx_is_local_', `# `bestmx_is_local': a domain whose best MX host is one of our names is local
ifdef(`_CF_LOCALMX_', `R$* < @ $={LocalMX} . > $*	$: $1 < @ $2 . > $3 < MX $(bestmx $2 . $) >',
`R$* < @ $+ > $*			$: $1 < @ $2 > $3 < MX $(bestmx $2 $) >')
R$* $=O $* < @ $+ > $* < MX $=w . >	$@ $>parse $>canonify $1 $2 $3
R$+ < @ $+ > $* < MX $=w . >	$#_LOCAL_ $@ $: $1
R$* < MX $* >			$: $1
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
R< ? ! > $*			$@
R< ? error : $-.$-.$- : $+ > $*	$#error $@ $1.$2.$3 $: $4
R< ? error : $- $+ > $*		$#error $@ $1 $: $2
R< ? $+ > $*			$@ < NEW > $1
R$*				$@
')dnl

######################  localaddr (ruleset 5)  ###########################
#  Local names after aliasing: +detail, unknown users, hubs.

SLocal_localaddr
Slocaladdr=5
ifdef(`_FEAT_msp_', `# `msp': every recipient goes to the MTA (${MTAHost}) by the relay mailer
R$*				$: $>canonify $1
R< @ $+ >			$#error $@ 5.1.3 $: "553 User address required"
R$* < @ $+ . > $*		$: $1 < @ $2 > $3
R$* < @ $+ > $*			$#_RELAY_ $@ ${MTAHost} $: $1 < @ $2 > $3
R$+				$#_RELAY_ $@ ${MTAHost} $: $1 < @ $j >
', `dnl
# the hook Local_localaddr: $#ok leaves the address alone, another $# decides
R$+				$: $1 <?> $>Local_localaddr $1
R$+ <?> $#ok			$@ $1
R$+ <?> $#$*			$#$2
R$+ <?> $*			$: $1
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

')dnl
######################  qualifying and masquerading  #####################
#  The S= and R= rulesets of the mailers (below, with the mailers) are
#  built from these.  *LOCAL* stands for this host; final writes $j.

SAddHost
#  A name without a host part gets *LOCAL*; a host part stays.
R$* < @ $* > $*			$@ $1 < @ $2 > $3
R$+				$@ $1 < @ *LOCAL* >

SAddHostIf
#  The same, but only with `always_add_domain'.
ifdef(`_FEAT_always_add_domain_', `R$+				$@ $>AddHost $1
')dnl

SUucpOut
#  For the SMTP mailers: user < @ host.UUCP. > leaves as host!user from
#  this host (or stays when host is the host we deliver to).
R< @ $+ > $*			$@ < @ $1 > $2
R$+ < @ $+ . UUCP . >		$: < U $2 > $1
R$+ < @ $* > $*			$@ $1 < @ $2 > $3
R< U $&h > $- ! $+		$@ $2 < @ $1 . UUCP . >
R< U $&h > $- . $+ ! $+		$@ $3 < @ $1 . $2 >
R< U $&h > $+			$@ $1 < @ $&h . UUCP . >
R< U $+ > $+			$@ $1 ! $2 < @ *LOCAL* >

SMasqHdr
#  Header senders (and envelope senders with `masquerade_envelope'):
#  ifdef(`_GENERICS_SPEC_', `the genericstable first, then ')class N stays, exposed users (class E)
#  keep this host, names of class M ifdef(`_FEAT_limited_masquerade_', `', `and w ')become $M, *LOCAL* too.
ifdef(`_GENERICS_SPEC_', `R$+				$: $>Generics $1
R< NEW > $+			$@ $1
R< NEWLOCAL > $+		$: $1
')dnl
R$* < @ $* $=N . >		$@ $1 < @ $2 $3 . >
R$=E < @ *LOCAL* >		$@ $1 < @ $j . >
ifdef(`_FEAT_masquerade_entire_domain_', `R$=E < @ $* $=M . >		$@ $1 < @ $2 $3 . >
', `R$=E < @ $=M . >		$@ $1 < @ $2 . >
')dnl
ifdef(`_FEAT_limited_masquerade_', `', `R$=E < @ $=w . >		$@ $1 < @ $2 . >
')dnl
ifdef(`_MASQUERADE_AS_', `ifdef(`_FEAT_masquerade_entire_domain_', `R$* < @ $* $=M . > $*		$@ $1 < @ $M . > $4
', `R$* < @ $=M . > $*		$@ $1 < @ $M . > $3
')dnl
ifdef(`_FEAT_limited_masquerade_', `', `R$* < @ $=w . > $*		$@ $1 < @ $M . > $3
')dnl
R$* < @ *LOCAL* > $*		$@ $1 < @ $M . > $2
')dnl
R$* < @ *LOCAL* > $*		$@ $1 < @ $j . > $2

SMasqEnv
#  Envelope senders: masqueraded only with `masquerade_envelope'.
ifdef(`_FEAT_masquerade_envelope_', `R$+				$@ $>MasqHdr $1
', `R$* < @ *LOCAL* > $*		$: $1 < @ $j . > $2
')dnl

ifdef(`_GENERICS_SPEC_', `SGenerics
#  `genericstable' for local names (*LOCAL*, looked up with $j) and
#  names in class G`'ifdef(`_FEAT_generics_entire_domain_', ` and its subdomains').  Keys in this order: user@domain;
#  for user+detail, user+*@domain (%1: the detail) and user@domain;
#  @domain (%1: the user; not for *LOCAL*); user; user+* and user.
#  Output: unchanged, < NEW > address (a new qualified address, not
#  masqueraded any more) or < NEWLOCAL > address (a new local name).
R$+ < @ *LOCAL* >		$: < G $j > $1 < @ *LOCAL* >
ifdef(`_FEAT_generics_entire_domain_', `R$+ < @ $* $=G . >		$: < G $2 $3 > $1 < @ $2 $3 . >
', `R$+ < @ $=G . >		$: < G $2 > $1 < @ $2 . >
')dnl
R< G $+ > $+ < @ $+ >		$: < $(generics $2 @ $1 $: ? $) > $2 < @ $3 > < $1 >
R< ? > $+ + $* < @ $+ > < $+ >	$: < $(generics $1 + * @ $4 $@ $2 $: ? $) > $1 + $2 < @ $3 > < $4 >
R< ? > $+ + $* < @ $+ > < $+ >	$: < $(generics $1 @ $4 $: ? $) > $1 + $2 < @ $3 > < $4 >
R< ? > $+ < @ $+ . > < $+ >	$: < $(generics @ $3 $@ $1 $: ? $) > $1 < @ $2 . > < $3 >
R< ? > $+ < @ $+ > < $+ >	$: < $(generics $1 $: ? $) > $1 < @ $2 > < $3 >
R< ? > $+ + $* < @ $+ > < $+ >	$: < $(generics $1 + * $@ $2 $: ? $) > $1 + $2 < @ $3 > < $4 >
R< ? > $+ + $* < @ $+ > < $+ >	$: < $(generics $1 $: ? $) > $1 + $2 < @ $3 > < $4 >
R< ? > $+ < @ $+ > < $+ >	$@ $1 < @ $2 >
R< $+ @ $+ > $*			$@ < NEW > $>canonify $1 @ $2
R< $+ > $*			$@ < NEWLOCAL > $>canonify $1 @ *LOCAL*

')dnl
######################  access map and relaying  #########################
define(`_CF_RHO_', ifdef(`_FEAT_relay_hosts_only_', `H', `+'))dnl

ifdef(`_ACCESS_SPEC_', `SA_Dom
#  `access_db': input < Tag > < + or - > domain; tries Tag:domain (and the
#  untagged domain when +), then the parent domains.  Output: < value >
#  or < ? >.
R< $+ > < $- >			$@ < ? >
R< $+ > < $- > $+ . 		$: < $1 > < $2 > $3
R< $+ > < $- > $+		$: < $1 > < $2 > $3 < $(access $1 : $3 $: ? $) >
R< $+ > < + > $+ < ? >		$: < $1 > < + > $2 < $(access $2 $: ? $) >
R< $+ > < H > $+ < ? >		$: < $1 > < H > $2 < $(access $2 $: ? $) >
ifdef(`_ACCESS_SKIP_', `R< $+ > < $- > $+ < SKIP >	$@ < ? >
')dnl
# < H >: this host name only (relaying with `relay_hosts_only')
R< $+ > < H > $+ < $* >		$@ < $3 >
ifdef(`_FEAT_lookupdotdomain_', `R< $+ > < $- > $- . $+ < ? >	$: < $1 > < $2 > $3 . $4 < $(access $1 : . $4 $: ? $) >
R< $+ > < + > $- . $+ < ? >	$: < $1 > < + > $2 . $3 < $(access . $3 $: ? $) >
')dnl
R< $+ > < $- > $- . $+ < ? >	$@ $>A_Dom < $1 > < $2 > $4
R< $+ > < $- > $+ < $* >	$@ < $4 >

SA_Addr
#  `access_db': input < Tag > < + or - > address; tries Tag:address (and
#  the bare address when +), then the shorter networks (1.2.3.4, 1.2.3,
#  1.2, 1; IPv6 by groups).  Output: < value > or < ? >.
R< $+ > < $- >			$@ < ? >
R< $+ > < $- > $+		$: < $1 > < $2 > $3 < $(access $1 : $3 $: ? $) >
R< $+ > < + > $+ < ? >		$: < $1 > < + > $2 < $(access $2 $: ? $) >
ifdef(`_ACCESS_SKIP_', `R< $+ > < $- > $+ < SKIP >	$@ < ? >
')dnl
R< $+ > < $- > $+ . $- < ? >	$@ $>A_Addr < $1 > < $2 > $3
R< $+ > < $- > $+ : $- < ? >	$@ $>A_Addr < $1 > < $2 > $3
R< $+ > < $- > $+ : < ? >	$@ $>A_Addr < $1 > < $2 > $3
R< $+ > < $- > $+ < $* >	$@ < $4 >

SA_Host
#  `access_db': input < Tag > < + or - > name $| address: the name (and
#  its parent domains), then the address (and its networks).
R< $+ > < $- > $* $| $*		$: < $1 > < $2 > $4 $| $>A_Dom < $1 > < $2 > $3
R< $+ > < $- > $* $| < ? >	$@ $>A_Addr < $1 > < $2 > $3
R< $+ > < $- > $* $| $*		$@ $4

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
SClientCheck
#  The checks of a connecting client: Local_check_relay, then ConnCheck.
#  Input: client name $| client address.
R$*				$: $1 $| $>Local_check_relay $1
R$* $| $* $| $#$*		$#$3
R$* $| $* $| $*			$@ $>ConnCheck $1 $| $2

Scheck_relay
#  Called with  client name $| client address  when a client connects.
ifdef(`_FEAT_delay_checks_', `# `delay_checks': the client checks run from check_rcpt instead
ifdef(`_CF_RATE_NODELAY_', `# `ratecontrol' with nodelay
R$*				$: $>RateControl $1
')dnl
ifdef(`_CF_CONN_NODELAY_', `# `conncontrol' with nodelay
R$*				$: $>ConnControl $1
')dnl
R$*				$@ OK
', `R$*				$@ $>ClientCheck $1
')dnl

SConnCheck
#  Input: client name $| client address.
ifdef(`_FEAT_use_client_ptr_', `# `use_client_ptr': the unverified name of the client address
R$* $| $*			$: $&{client_ptr} $| $2
')dnl
ifdef(`_ACCESS_SPEC_', `# `access_db': Connect:name (and its domains), else Connect:address (and its networks)
R$* $| $*			$: $1 $| $2 $| $>A_Host < Connect > < + > $1 $| $2
R$* $| $* $| < ? >		$: $1 $| $2
R$* $| $* $| < OK >		$@ OK
R$* $| $* $| < RELAY >		$@ RELAY
R$* $| $* $| < REJECT >		$#error $@ 5.7.1 $: _REJECT_MSG_
R$* $| $* $| < DISCARD >	$#discard $: discard
R$* $| $* $| < QUARANTINE : $+ >	$#error $@ quarantine $: $3
R$* $| $* $| < ERROR : $-.$-.$- : $+ >	$#error $@ $3.$4.$5 $: $6
R$* $| $* $| < ERROR : $+ >	$#error $: $3
R$* $| $* $| < $* < TMPF > >	$#error $@ 4.3.0 $: "451 Temporary system failure. Please try again later."
R$* $| $* $| < $+ >		$#error $: $3
')dnl
undivert(31)dnl
ifdef(`_FEAT_require_rdns_', `# `require_rdns': the client address must map back to a name
R$*				$: < RDNS > $&{client_addr} $| $&{client_resolve}
R< RDNS > $=R $*		$@ RELAY
R< RDNS > $* $| OK		$@ OK
R< RDNS > $* $| FAIL		$#error $@ 5.7.1 $: 550 Fix reverse DNS for $1
R< RDNS > $* $| TEMP		$#error $@ 4.1.8 $: 451 Client IP address $1 does not resolve
R< RDNS > $* $| FORGED		$#error $@ 4.1.8 $: 451 Possibly forged hostname for $1
R< RDNS > $*			$: OK
')dnl
ifdef(`_FEAT_ratecontrol_', `ifdef(`_CF_RATE_NODELAY_', `', `# `ratecontrol'
R$*				$: $>RateControl $1
')')dnl
ifdef(`_FEAT_conncontrol_', `ifdef(`_CF_CONN_NODELAY_', `', `# `conncontrol'
R$*				$: $>ConnControl $1
')')dnl
R$*				$@ OK

ifdef(`_CF_HAVE_DNSBL_', `SRhsExempt
#  `rhsbl': input user < @ domain >.  < OK > when the access map has OK or
#  RELAY for rhs:user@domain, user@domain, rhs:domain or domain (or a
#  parent domain).
ifdef(`_ACCESS_SPEC_', `R$+ < @ $+ >			$: < $(access rhs:$1@$2 $: ? $) > $1 < @ $2 >
R< ? > $+ < @ $+ >		$: < $(access $1@$2 $: ? $) > $1 < @ $2 >
R< ? > $+ < @ $+ >		$: $>A_Dom < rhs > < + > $2
R< OK > $*			$@ < OK >
R< RELAY > $*			$@ < OK >
')dnl
R$*				$@ < ? >

')dnl
ifdef(`_FEAT_ratecontrol_', `SRateControl
#  `ratecontrol': ClientRate:address (or network; ClientRate: alone is the
#  default) in the access map is the most connections a client may open
#  per ConnectionRateWindowSize; 0 is no limit.
R$*				$: $>A_Addr < ClientRate > < - > $&{client_addr}
R< ? >				$: < $(access ClientRate: $: ? $) >
R< ? >				$@ OK
R< 0 >				$@ OK
R< $* < TMPF > >		$#error $@ 4.3.0 $: "451 Temporary system failure. Please try again later."
R< $- >				$: < $1 > $(arith l $@ $1 $@ $&{client_rate} $)
R< $- > TRUE			$#error $@ 4.3.2 $: ifdef(`_CF_RATE_TERM_', `421', `452') Connection rate limit exceeded.
R$*				$@ OK

')dnl
ifdef(`_FEAT_conncontrol_', `SConnControl
#  `conncontrol': ClientConn:address (or network; ClientConn: alone is the
#  default) in the access map is the most open connections of a client;
#  0 is no limit.
R$*				$: $>A_Addr < ClientConn > < - > $&{client_addr}
R< ? >				$: < $(access ClientConn: $: ? $) >
R< ? >				$@ OK
R< 0 >				$@ OK
R< $* < TMPF > >		$#error $@ 4.3.0 $: "451 Temporary system failure. Please try again later."
R< $- >				$: < $1 > $(arith l $@ $1 $@ $&{client_connections} $)
R< $- > TRUE			$#error $@ 4.3.2 $: ifdef(`_CF_CONN_TERM_', `421', `452') Too many open connections.
R$*				$@ OK

')dnl
SLocal_check_mail
SMailCheck
#  The checks of a sender: Local_check_mail, then SenderCheck.
R$*				$: $1 $| $>Local_check_mail $1
R$* $| $#$*			$#$2
R$* $| $*			$@ $>SenderCheck $1

Scheck_mail
#  Called with the MAIL FROM address.
ifdef(`_FEAT_delay_checks_', `# `delay_checks': the sender checks run from check_rcpt instead
R$*				$@ OK
', `R$*				$@ $>MailCheck $1
')dnl

SSenderCheck
#  Input: the sender address.  Output: $#error / $#discard, or it is fine.
# a client that used STARTTLS must meet the TLS_Clt: requirements
R$*				$: $1 $| $>tls_client $&{verify} $| MAIL
R$* $| $#$*			$#$2
R$* $| $*			$: $1
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
R$* $| < SKIP >			$@ < SKIP >
R$* $| < REJECT >		$@ $>A_Verdict < REJECT >
R$* $| < DISCARD >		$@ $>A_Verdict < DISCARD >
R$* $| < QUARANTINE : $+ >	$@ $>A_Verdict < QUARANTINE : $2 >
R$* $| < ERROR : $+ >		$@ $>A_Verdict < ERROR : $2 >
# any other value (TEMPFAIL, a typo) refuses the sender with its text, as 8.17
R$* $| < $+ >			$#error $: $2
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
ifdef(`_FEAT_badmx_', `# `badmx'
R$* < @ $+ < OKR > > $*		$: $1 < @ $2 > $3
R$* < @ $+ > $*			$@ $>BadMX $2
')dnl
R$*				$@ < OK >

ifdef(`_FEAT_badmx_', `SBadMX
#  `badmx': input a sender domain.  Its MX hosts (map mxlist, "a.:b.")
#  must be host names, and their addresses (map dnsA) must not match
#  the pattern of the feature.
R$+				$: < $1 > $(mxlist $1 $) :
R< $+ > $* < TEMP > :		$#error $@ 4.1.2 $: "450 MX lookup failure for " $1
R< $+ > $*			$: < $1 > $>MXWalk < N > $2
R< $+ > < ILLEGAL >		$#error $@ 5.1.2 $: "550 Illegal MX record for host " $1
R< $+ > < I >			$#error $@ 5.1.2 $: "550 Invalid MX record for host " $1
R$*				$@ < OK >

SMXWalk
#  Input: < state > host : host : ... ; state N (all fine so far) or I (an
#  MX host with a bad address seen).  An MX that is an IP number wins.
R< $- > 			$@ < $1 >
R< $- > :			$@ < $1 >
R< $- > : $+			$@ $>MXWalk < $1 > $2
R< $- > $+ : $*			$: < $1 > < $(badmxname $2 $) > $2 : $3
R< $- > < $* < BADMX > > $*	$@ < ILLEGAL >
R< $- > < $* > $+ : $*		$: < $1 > < $(dnsA $3 $) > $4
R< $- > < $* > $*		$: < $1 > < $(badmxaddr $2 $) > $3
R< $- > < $* < BADMXIP > > $*	$@ $>MXWalk < I > $3
R< $- > < $* > $*		$@ $>MXWalk < $1 > $3

')dnl

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
R$* $| < $* >			$: $1 $| $>MailCheck < $&f >
R$* $| $#error $*		$#error $2
R$* $| $#discard $*		$#discard $2
R$* $| $#$*			$: $1 $| SKIP
R$* $| SKIP			$@ RELAY
R$* $| $*			$: $1 $| $>ClientCheck $&{client_name} $| $&{client_addr}
R$* $| $#error $*		$#error $2
R$* $| $#discard $*		$#discard $2
ifdef(`_FEAT_block_bad_helo_', `# `block_bad_helo': the HELO name must be qualified and not ours
R$* $| $*			$: $1 $| $>HeloCheck < $&{auth_authen} > < $&{client_addr} > [ $&s ]
R$* $| $#error $*		$#error $2
')dnl
')dnl
R$* $| $*			$@ $2

ifdef(`_FEAT_block_bad_helo_', `SHeloCheck
#  `block_bad_helo': input < SASL user > < client address > [ HELO name ].
#  Authenticated clients, class R addresses and sendmail -bs (address 0)
#  pass; a name in class w (our own, or a loopback literal) or one with no
#  dot (but an IPv6 literal) is refused.
R< > < $=R $* > $*		$@ OK
R< > < 0 > $*			$@ OK
R< > < $* > $=w			$#error $@ 5.7.1 $: "550 bogus HELO name used: " $&s
R< > < $* > [ $=w ]		$#error $@ 5.7.1 $: "550 bogus HELO name used: " $&s
R< > < $* > [ IPv6 : $+ ]	$@ OK
R< > < $* > [ $+ . $+ ]		$@ OK
R< > < $* > $*			$#error $@ 5.7.1 $: "550 bogus HELO name used: " $&s
R$*				$@ OK

')dnl
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
R< REJECT >			$#error $@ 5.2.1 $: ifdef(`confRCPTREJ_MSG', `confRCPTREJ_MSG', `"550 Mailbox disabled for this recipient"')
R< DISCARD >			$#discard $: discard
R< ERROR : $+ >			$@ $>A_Verdict < ERROR : $1 >
R< QUARANTINE : $+ >		$@ $>A_Verdict < QUARANTINE : $1 >
R$*				$@ < ? >

')dnl
SRelayTo
#  Input: a canonified recipient.  RELAY when we may accept it.
R$* < @ $+ . > $*		$1 < @ $2 > $3
# quotes would hide a "@", "%" or "!" in the local part from the rules below
R$* < @ $+ > $*			$: $(dequote $1 $) < @ $2 > $3
ifdef(`_NOUUCP_REJECT_', `# `nouucp' with reject: a "!" makes it a recipient on another host
R$* ! $*			$@ $>RelayRemote $1 ! $2
')dnl
ifdef(`_NOPERCENT_REJECT_', `# `nopercenthack' with reject: so does a "%"
R$* % $*			$@ $>RelayRemote $1 % $2
')dnl
# one of our names: look at the local part again (user%host@ours ...)
R$* < @ $=w > $*		$@ $>RelayTo $>canonify $(dequote $1 $)
R$* < @ $+ > $*			$: $1 < @ $2 > $3 $| $>RelayDomain $2
ifdef(`_FEAT_loose_relay_check_', `# `loose_relay_check': a domain we relay for takes any local part
', `R$* $=O $* < @ $+ > $* $| < RELAY >	$@ $>RelayTo $>canonify $1 $2 $3
')dnl
R$* < @ $+ > $* $| < RELAY >	$@ RELAY
R$* < @ $+ > $* $| $*		$: $1 < @ $2 > $3 $| $>RelayClient < $&{client_addr} > < $&{client_name} >
R$* $| $#$*			$#$2
R$* $| < RELAY >		$@ RELAY
R$* < @ $+ > $* $| $*		$#error $@ 5.7.1 $: _RELAY_MSG_
# unqualified: a local name, unless it is a quoted address ("user@host"):
# what the quotes hold is judged as an address
R$*				$: $1 $| $>canonify $(dequote $1 $)
R$* $| $* < @ $+ > $*		$@ $>RelayTo $2 < @ $3 > $4
ifdef(`_NOUUCP_REJECT_', `R$* $| $* ! $*			$@ $>RelayRemote $2 ! $3
')dnl
ifdef(`_NOPERCENT_REJECT_', `R$* $| $* % $*			$@ $>RelayRemote $2 % $3
')dnl
R$*				$@ RELAY

SRelayRemote
#  A recipient on another host: RELAY when the client may relay.
R$*				$: $1 $| $>RelayClient < $&{client_addr} > < $&{client_name} >
R$* $| $#$*			$#$2
R$* $| < RELAY >		$@ RELAY
R$*				$#error $@ 5.7.1 $: _RELAY_MSG_

SRelayDomain
#  Input: a recipient domain.  < RELAY > when we relay for it.
R$=R				$@ < RELAY >
ifdef(`_FEAT_relay_hosts_only_', `', `R$* . $=R			$@ < RELAY >
')dnl
ifdef(`_FEAT_relay_entire_domain_', `# `relay_entire_domain'
R$=m				$@ < RELAY >
R$* . $=m			$@ < RELAY >
')dnl
ifdef(`_FEAT_relay_based_on_MX_', `define(`_CF_MXRELAY_', `1')')dnl
ifdef(`_FEAT_bestmx_is_local_', `define(`_CF_MXRELAY_', `1')')dnl
ifdef(`_CF_MXRELAY_', `# `relay_based_on_MX' / `bestmx_is_local': our MX hosts
R$+				$: $1 < $(bestmx $1 $: ? $) >
R$+ < $* $=w . $* >		$@ < RELAY >
R$+ < $* $=w $* >		$@ < RELAY >
R$+ < $* >			$: $1
')dnl
ifdef(`_ACCESS_SPEC_', `R$+				$: $>A_Dom < To > < _CF_RHO_ > $1
R< RELAY >			$@ < RELAY >
')dnl
R$*				$@ < ? >

SLocal_Relay_Auth
SRelayClient
#  Input: < client address > < client name >.  < RELAY > when the client
#  may send mail to other hosts.
R< > < $* >			$@ < RELAY >
R< $* > < $* >			$: < $1 > < $2 > $| $>Local_Relay_Auth $&{auth_type}
R$* $| $#error $*		$#error $2
R$* $| $#$*			$@ < RELAY >
R$* $| $*			$: $1
ifdef(`_ACCESS_SPEC_', `# STARTTLS: a verified certificate whose issuer (CERTISSUER:) or
# subject (CERTSUBJECT:, when the issuer entry says SUBJECT) is RELAY
R< $* > < $* >			$: < $1 > < $2 > $| < $&{verify} >
R$* $| < OK >			$: $1 $| $>CertRelay $&{cert_issuer}
R$* $| < TRUSTED >		$: $1 $| $>CertRelay $&{cert_issuer}
R$* $| < RELAY >		$@ < RELAY >
R$* $| $*			$: $1
')dnl
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
ifdef(`_ACCESS_SPEC_', `R< $+ > < $* >			$: < $1 > < $2 > $| $>A_Addr < Connect > < + > $1
R$* $| < RELAY >		$@ < RELAY >
R$* $| $*			$: $1
')dnl
# the client's name counts only when looking it up went right; else say why
R< $* > < $* >			$: < $1 > < $2 > $| < $&{client_resolve} >
R$* $| < TEMP >			$#error $@ 4.4.0 $: "450 Relaying temporarily denied. Cannot resolve PTR record for " $&{client_addr}
R$* $| < FORGED >		$#error $@ 5.7.1 $: "550 Relaying denied. IP name possibly forged " $&{client_name}
R$* $| < FAIL >			$#error $@ 5.7.1 $: "550 Relaying denied. IP name lookup failed " $&{client_name}
R$* $| $*			$: $1
R< $* > < $=w >			$@ < RELAY >
ifdef(`_FEAT_relay_hosts_only_', `R< $* > < $=R >			$@ < RELAY >', `R< $* > < $* $=R >		$@ < RELAY >')
ifdef(`_FEAT_relay_entire_domain_', `R< $* > < $* $=m >		$@ < RELAY >
')dnl
ifdef(`_ACCESS_SPEC_', `R< $* > < $+ >			$: $>A_Dom < Connect > < _CF_RHO_ > $2
R< RELAY >			$@ < RELAY >
')dnl
R$*				$@ < ? >

ifdef(`_ACCESS_SPEC_', `SCertRelay
#  Input: ${cert_issuer}.  < RELAY > when the access map allows relaying.
R$+				$: < $(access CERTISSUER:$1 $: ? $) >
R< SUBJECT >			$: < $(access CERTSUBJECT:$&{cert_subject} $: ? $) >
R< RELAY >			$@ < RELAY >
R$*				$@ < ? >

')dnl
######################  other rulesets the binary calls  #################

SLocal_trust_auth

Strust_auth
#  Called with the AUTH= parameter of MAIL FROM: it is trusted when the
#  client authenticated as that very user, or when Local_trust_auth
#  resolves to something.
R$*				$: < $&{auth_type} > $1
R< > $*				$#error $@ 5.7.1 $: "550 not authenticated"
R< $* > $&{auth_authen}		$@ identical
R< $* > < $&{auth_authen} >	$@ identical
R< $* > $*			$: $2 $| $>Local_trust_auth $2
R$* $| $#$*			$#$2
R$*				$#error $@ 5.7.1 $: "550 " $&{auth_authen} " not allowed to act as " $&{auth_author}

Scheck_compat
#  Called with  sender $| recipient  before each delivery.
ifdef(`_FEAT_compat_check_', `# `compat_check': Compat:sender<@>recipient in the access map
R< $+ > $| $*			$: $1 $| $2
R$* $| < $+ >			$: $1 $| $2
R$+ $| $+			$: < $(access Compat:$1<@>$2 $: OK $) >
R$* $| $*			$@ ok
R< DISCARD : $* >		$#discard $: $1 " - discarded by check_compat"
R< DISCARD $* >			$#discard $: $1 " - discarded by check_compat"
R< TEMP : $* >			$#error $@ TEMPFAIL $: $1 " error from check_compat. Try again later"
R< ERROR : $* >			$#error $@ UNAVAILABLE $: $1 " error from check_compat"
')dnl

ifdef(`_FEAT_greet_pause_', `SLocal_greet_pause

Sgreet_pause
#  `greet_pause': called with  client name $| client address; returns
#  $# and the milliseconds to wait before the greeting.
R$*				$: < $1 > $| $>Local_greet_pause $1
R< $* > $| $#$*			$#$2
R< $* > $| $*			$: $1
ifdef(`_ACCESS_SPEC_', `# GreetPause:name (and its domains), else GreetPause:address (and networks)
R$* $| $*			$: $>A_Host < GreetPause > < - > $1 $| $2
R< $* < TMPF > >		$@
R< ? >				$: ?
R< $- >				$# $1
')dnl
ifelse(defn(`_GREET_ARG_'), `', `R$*				$@', `R$*				$# _GREET_ARG_')

')dnl
ifdef(`_FEAT_queuegroup_', `Squeuegroup
#  `queuegroup': called with a recipient address; QGRP:address or
#  QGRP:domain (and parent domains) in the access map name its queue group.
R< $+ >				$1
R$+ @ $+			$: $>QgrpLookup $1 @ $2
ifelse(defn(`_QGRP_ARG_'), `', `R< ? >				$@', `R< ? >				$# _QGRP_ARG_')
R< $+ >				$# $1

SQgrpLookup
R$+ @ $+			$: < $(access qgrp:$1@$2 $: ? $) > $2
R< ? > $+			$@ $>A_Dom < qgrp > < - > $1
R< $+ > $*			$@ < $1 >

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

Stls_client
#  As a server: called with  ${verify} $| STARTTLS  after STARTTLS and
#  ${verify} $| MAIL  at MAIL FROM.  Requirements: TLS_Clt: entries.
_CF_LOCALHOOK(`tls_client', `LTLSCLT')dnl
R$*				$: $(macro {TLS_Peer} $@ $&{client_name} $) $1
ifdef(`_ACCESS_SPEC_', `R$* $| $*			$: $1 $| $>TlsReq < TLS_Clt > $&{client_name} $| $&{client_addr}
R$* $| < $* < TMPF > >		$#error $@ 4.3.0 $: "451 Temporary system failure. Please try again later."
R$* $| < $* >			$@ $>TLS_connection $1 $| < $2 >
')dnl
R$* $| $*			$@ $>TLS_connection $1 $| < ? >

Stls_server
#  As a client: called with ${verify} after STARTTLS (or when it was not
#  used).  Requirements: TLS_Srv: entries.
_CF_LOCALHOOK(`tls_server', `LTLSSRV')dnl
R$*				$: $(macro {TLS_Peer} $@ $&{server_name} $) $1
ifdef(`_ACCESS_SPEC_', `R$*				$: $1 $| $>TlsReq < TLS_Srv > $&{server_name} $| $&{server_addr}
R$* $| < $* < TMPF > >		$#error $@ 4.3.0 $: "451 Temporary system failure. Please try again later."
R$* $| < $* >			$@ $>TLS_connection $1 $| < $2 >
')dnl
R$*				$@ $>TLS_connection $1 $| < ? >

Stls_rcpt
#  As a client: called with each recipient before RCPT TO.
#  Requirements: TLS_Rcpt:user@domain, TLS_Rcpt:user@, TLS_Rcpt:domain
#  (and parent domains), TLS_Rcpt: (any recipient).
_CF_LOCALHOOK(`tls_rcpt', `LTLSRCPT')dnl
ifdef(`_ACCESS_SPEC_', `R$*				$: $(macro {TLS_Peer} $@ $&{server_name} $) $1
R$+				$: < R > $>canonify $1
R< R > $+ < @ $+ . >		< R > $1 < @ $2 >
R< R > $+ < @ $+ >		$: < $(access TLS_Rcpt:$1@$2 $: ? $) > $1 < @ $2 >
R< ? > $+ < @ $+ >		$: < $(access TLS_Rcpt:$1@ $: ? $) > $1 < @ $2 >
R< ? > $+ < @ $+ >		$: $>A_Dom < TLS_Rcpt > < - > $2
R< R > $+			$: < $(access TLS_Rcpt:$1@ $: ? $) >
R< ? > $*			$: < $(access TLS_Rcpt: $: ? $) >
R< ? >				$@ OK
R< $* < TMPF > > $*		$#error $@ 4.3.0 $: "451 Temporary system failure. Please try again later."
R< $+ > $*			$@ $>TLS_connection $&{verify} $| < $1 >
')dnl

ifdef(`_ACCESS_SPEC_', `STlsReq
#  Input: < Tag > name $| address.  Tag:name (and its domains), else
#  Tag:address (and networks), else Tag: alone.  Output: < value > or < ? >.
R< $+ > $* $| $*		$: < $1 > $>A_Host < $1 > < - > $2 $| $3
R< $+ > < ? >			$@ < $(access $1: $: ? $) >
R< $+ > < $* >			$@ < $2 >

')dnl
STLS_connection
#  Input: ${verify} $| < requirement > (< ? >: none).  Requirements:
#  VERIFY, VERIFY:bits, ENCR:bits, each with an optional PERM+ or TEMP+
#  in front (the reply: 503 5.7.0, 403 4.7.0; else 454 4.7.0) and
#  +extension++extension... after it (CN, CN:name, CS:subject,
#  CI:issuer, CITag:tag, see TLSExt).
R$* $| < $* >			$: $1 $| < > < $2 >
R$* $| < > < PERM + $+ >	$: $1 $| < 503 : 5.7.0 > < $2 >
R$* $| < > < TEMP + $+ >	$: $1 $| < 403 : 4.7.0 > < $2 >
R$* $| < > < VERIFY $* >	$: $1 $| < 454 : 4.7.0 > < VERIFY $2 >
R$* $| < > < ENCR $* >		$: $1 $| < 454 : 4.7.0 > < ENCR $2 >
# failures of the handshake itself end the connection
RSOFTWARE $| < $- : $+ > $*	$#error $@ $2 $: $1 " TLS handshake failed."
RSOFTWARE $| $*			$#error $@ 4.7.0 $: "454 TLS handshake failed."
RPROTOCOL $| < $- : $+ > $*	$#error $@ $2 $: $1 " STARTTLS failed."
RPROTOCOL $| $*			$#error $@ 4.7.0 $: "454 STARTTLS failed."
RDANE_FAIL $| < $- : $+ > $*	$#error $@ $2 $: $1 " DANE check failed."
RDANE_FAIL $| $*		$#error $@ 4.7.0 $: "454 DANE check failed."
RCONFIG $| < $- : $+ > $*	$#error $@ $2 $: $1 " STARTTLS temporarily not possible."
RCONFIG $| $*			$#error $@ 4.7.0 $: "454 STARTTLS temporarily not possible."
# no requirement
R$* $| < > $*			$@ OK
# split: < kind bits > < extensions > < code > verify
R$* $| < $+ > < VERIFY >	$: < VERIFY > < > < $2 > $1
R$* $| < $+ > < VERIFY + $+ >	$: < VERIFY > < $3 > < $2 > $1
R$* $| < $+ > < VERIFY : $- >	$: < VERIFY $3 > < > < $2 > $1
R$* $| < $+ > < VERIFY : $- + $+ >	$: < VERIFY $3 > < $4 > < $2 > $1
R$* $| < $+ > < ENCR : $- >	$: < ENCR $3 > < > < $2 > $1
R$* $| < $+ > < ENCR : $- + $+ >	$: < ENCR $3 > < $4 > < $2 > $1
R$* $| $*			$@ OK
# VERIFY: the certificate of the other side must have been verified
R< VERIFY > < > < $+ > OK	$@ OK
R< VERIFY > < > < $+ > TRUSTED	$@ OK
R< VERIFY $* > < $* > < $+ > OK	$: < BITS $1 > < $2 > < $3 >
R< VERIFY $* > < $* > < $+ > TRUSTED	$: < BITS $1 > < $2 > < $3 >
R< VERIFY $* > < $* > < $- : $+ >	$#error $@ $4 $: $3 " authentication required"
R< VERIFY $* > < $* > < $- : $+ > FAIL	$#error $@ $4 $: $3 " authentication failed"
R< VERIFY $* > < $* > < $- : $+ > NO	$#error $@ $4 $: $3 " not authenticated"
R< VERIFY $* > < $* > < $- : $+ > NOT	$#error $@ $4 $: $3 " no authentication requested"
R< VERIFY $* > < $* > < $- : $+ > NONE	$#error $@ $4 $: $3 " other side does not support STARTTLS"
R< VERIFY $* > < $* > < $- : $+ > CLEAR	$#error $@ $4 $: $3 " STARTTLS disabled locally"
# (as in sendmail, the text names the extensions, not ${verify})
R< VERIFY $* > < $* > < $- : $+ > $+	$#error $@ $4 $: $3 " authentication failure " $2
R< ENCR $- > < $* > < $+ > $*	$: < BITS $1 > < $2 > < $3 >
# the key length: the larger of ${cipher_bits} and ${auth_ssf}
R< BITS > $*			$: < BITS 0 > $1
R< BITS $- > < $* > < $+ >	$: < BITS $1 > < $2 > < $3 > $>TLSMaxBits $&{cipher_bits} : $&{auth_ssf}
R< BITS $- > < $* > < $+ > $-	$: < BITS $1 > < $2 > < $3 > $4 $(arith l $@ $4 $@ $1 $)
R< BITS $- > < $* > < $- : $+ > $- TRUE	$#error $@ $4 $: $3 " encryption too weak " $5 " less than " $1
R< BITS $- > < > < $+ > $*	$@ OK
R< BITS $- > < $+ > < $+ > $*	$@ $>TLSExt < $2 > < $3 >

STLSMaxBits
#  Input: bits : bits (either may be missing).  Output: the larger one.
R:				$@ 0
R: $-				$@ $1
R$- :				$@ $1
R$- : $-			$: $1 : $2 < $(arith l $@ $1 $@ $2 $) >
R$- : $- < TRUE >		$@ $2
R$- : $- < $* >			$@ $1

STLSExt
#  Input: < ext ++ ext ... > < code : dsn >: each extension must hold.
R< > < $+ >			$@ OK
R< $+ ++ $+ > < $+ >		$: < $1 > < $3 > < $2 >
R< $+ > < $+ >			$: < $1 > < $2 > < >
R< CN > < $+ > < $* >		$: < CN : $&{TLS_Peer} > < $1 > < $2 >
R< CN : $&{cn_subject} > < $+ > < $* >	$@ $>TLSExt < $2 > < $1 >
R< CN : $+ > < $- : $+ > < $* >	$#error $@ $3 $: $2 " CN " $&{cn_subject} " does not match " $1
R< CS : $&{cert_subject} > < $+ > < $* >	$@ $>TLSExt < $2 > < $1 >
R< CS : $+ > < $- : $+ > < $* >	$#error $@ $3 $: $2 " Cert Subject " $&{cert_subject} " does not match " $1
R< CI : $&{cert_issuer} > < $+ > < $* >	$@ $>TLSExt < $2 > < $1 >
R< CI : $+ > < $- : $+ > < $* >	$#error $@ $3 $: $2 " Cert Issuer " $&{cert_issuer} " does not match " $1
ifdef(`_ACCESS_SPEC_', `R< CITag : $- > < $+ > < $* >	$: < $(access $1:$&{cert_issuer} $: ? $) > < $2 > < $3 >
R< OK > < $+ > < $* >		$@ $>TLSExt < $2 > < $1 >
R< $* > < $- : $+ > < $* >	$#error $@ $3 $: $2 " Cert Issuer " $&{cert_issuer} " not acceptable"
')dnl
R$*				$@ OK

Ssrv_features
#  Called when a client connects: $# and the SMTP features to change
#  (Srv_Features: entries).
_CF_LOCALHOOK(`srv_features', `LSRVF')dnl
ifdef(`_ACCESS_SPEC_', `R$*				$: $>TlsReq < Srv_Features > $&{client_name} $| $&{client_addr}
R< ? >				$@ OK
R< $* < TMPF > >		$#temp
R< $+ >				$# $1
')dnl

Sclt_features
#  Called when we connect to a server: $# and the client features to
#  change (Clt_Features: entries; looked up, as sendmail does, by the
#  client macros).
_CF_LOCALHOOK(`clt_features', `LCLTF')dnl
ifdef(`_ACCESS_SPEC_', `R$*				$: $>TlsReq < Clt_Features > $&{client_name} $| $&{client_addr}
R< ? >				$@ OK
R< $* < TMPF > >		$#temp
R< $+ >				$# $1
')dnl

Stry_tls
#  Called when we connect to a server: Try_TLS: NO means no STARTTLS.
_CF_LOCALHOOK(`try_tls', `LTRYTLS')dnl
ifdef(`_ACCESS_SPEC_', `R$*				$: $>TlsReq < Try_TLS > $&{server_name} $| $&{server_addr}
R< ? >				$@ OK
R< $* < TMPF > >		$#error $@ 4.3.0 $: "451 Temporary system failure. Please try again later."
R< NO >				$#error $@ 5.7.1 $: "550 do not try TLS with " $&{server_name} " ["$&{server_addr}"]"
')dnl

ifdef(`_FEAT_tls_session_features_', `ifdef(`_ACCESS_SPEC_', `Stls_srv_features
#  `tls_session_features': called with  client name $| address  when the
#  client sends STARTTLS; TLS_Srv_Features: entries.
R$* $| $*			$: $>A_Host < TLS_Srv_Features > < - > $1 $| $2
R< ? >				$@ ""
R< $+ >				$@ $1

Stls_clt_features
#  `tls_session_features': called with  server name $| address  before we
#  send STARTTLS; TLS_Clt_Features: entries.
R$* $| $*			$: $>A_Host < TLS_Clt_Features > < - > $1 $| $2
R< ? >				$@ ""
R< $+ >				$@ $1

')')dnl
Sauthinfo
#  Called before AUTH as a client: $# and the AUTH data (in an MSP's
#  configuration too, for a submission server that wants AUTH).
ifdef(`_AUTHINFO_SPEC_', `# `authinfo': AuthInfo:server name, AuthInfo:server address, AuthInfo:
R$*				$: < $(authinfo AuthInfo:$&{server_name} $: ? $) >
R< ? >				$: < $(authinfo AuthInfo:$&{server_addr} $: ? $) >
R< ? >				$: < $(authinfo AuthInfo: $: ? $) >
R< ? >				$@ no
R< $* >				$# $1
', `ifdef(`_ACCESS_SPEC_', `R$*				$: $>TlsReq < AuthInfo > $&{server_name} $| $&{server_addr}
R< ? >				$@ no
R< $* >				$# $1
')')dnl
