dnl  wrappers.m4 -- included at the end of test .mc files (both cf trees).
dnl  Test mode cannot type the $| operator, so these rulesets build the
dnl  inputs the binary passes to the rulesets it calls by name, with the
dnl  real $| between the parts ("a ; b" on the -bt line becomes "a $| b").
LOCAL_RULESETS
Scheck_T_relay
R$*		$: $>check_relay $&{client_name} $| $&{client_addr}
Scheck_T_compat
R$* ; $*	$: $>check_compat $1 $| $2
Scheck_T_eoh
R$* ; $*	$: $>check_eoh $1 $| $2
Stls_T_client
R$* ; $*	$: $>tls_client $1 $| $2
Sgreet_T_pause
R$*		$: $>greet_pause $&{client_name} $| $&{client_addr}
Stls_T_srv
R$*		$: $>tls_srv_features $&{client_name} $| $&{client_addr}
Stls_T_clt
R$*		$: $>tls_clt_features $&{server_name} $| $&{server_addr}
Sauthinfo_T
R$*		$: $>authinfo $&{server_name} $| $&{server_addr}
