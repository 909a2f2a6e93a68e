define(`_CF_PART_OK_', `1')dnl
divert(-1)
#  mailer/local.m4 -- MAILER(`local'): the local and prog mailers.
#  Read once when the .mc says MAILER(`local') (nothing is written then),
#  and again by build.m4 to write the mailer definitions.
#  Settings: LOCAL_MAILER_PATH, _FLAGS, _ARGS, _MAX, _MAXMSGS, _CHARSET,
#  _EOL, _DSN_DIAGNOSTIC_CODE, _QGRP; LOCAL_SHELL_PATH, _FLAGS, _ARGS, _DIR;
#  LOCAL_PROG_QGRP.
divert(0)dnl
ifdef(`_CF_EMIT_', `dnl
#  local delivery (`MAILER' local)

SLocalEnvFrom
#  envelope sender for local delivery: qualified local names are masqueraded
R<@>				$n			errors come from the mailer daemon
ifdef(`_FEAT_always_add_domain_', `R$+				$: $>Qualify $1
')dnl
ifdef(`_FEAT_masquerade_envelope_', `ifdef(`_FEAT_local_no_masquerade_', `', `R$* < @ $* > $*			$: $>Masq $1 < @ $2 > $3
')')dnl
R$* < @ *LOCAL* > $*		$: $1 < @ $j . > $2

SLocalEnvTo
#  envelope recipient for local delivery: the bare local part
R$+ < @ $* > $*			$1

SLocalHdrFrom
#  header sender seen by local users
ifdef(`_FEAT_always_add_domain_', `R$+				$: $>Qualify $1
')dnl
ifdef(`_FEAT_local_no_masquerade_', `', `R$* < @ $* > $*			$: $>Masq $1 < @ $2 > $3
')dnl
R$* < @ *LOCAL* > $*		$: $1 < @ $j . > $2

SLocalHdrTo
#  header recipients seen by local users
ifdef(`_FEAT_always_add_domain_', `R$+				$: $>Qualify $1
R$* < @ *LOCAL* > $*		$: $1 < @ $j . > $2
')dnl

Mlocal,		P=ifdef(`LOCAL_MAILER_PATH', `LOCAL_MAILER_PATH', `/bin/mail'), F=_CF_FLAGS(`LOCAL', `lsDFMAw5:/|@q'ifdef(`LOCAL_MAILER_FLAGS', `LOCAL_MAILER_FLAGS', `Prmn9')), S=LocalEnvFrom/LocalHdrFrom, R=LocalEnvTo/LocalHdrTo,ifdef(`LOCAL_MAILER_MAX', ` M=LOCAL_MAILER_MAX,')ifdef(`LOCAL_MAILER_MAXMSGS', ` m=LOCAL_MAILER_MAXMSGS,')ifdef(`LOCAL_MAILER_CHARSET', ` C=LOCAL_MAILER_CHARSET,')ifdef(`LOCAL_MAILER_EOL', ` E=LOCAL_MAILER_EOL,')ifdef(`LOCAL_MAILER_QGRP', ` Q=LOCAL_MAILER_QGRP,')
		T=DNS/RFC822/ifdef(`LOCAL_MAILER_DSN_DIAGNOSTIC_CODE', `LOCAL_MAILER_DSN_DIAGNOSTIC_CODE', `X-Unix'),
		A=ifdef(`LOCAL_MAILER_ARGS', `LOCAL_MAILER_ARGS', `mail -d $u')
Mprog,		P=ifdef(`LOCAL_SHELL_PATH', `LOCAL_SHELL_PATH', `/bin/sh'), F=_CF_FLAGS(`LOCAL_SHELL', `lsDFMoq'ifdef(`LOCAL_SHELL_FLAGS', `LOCAL_SHELL_FLAGS', `eu9')), S=LocalEnvFrom/LocalHdrFrom, R=LocalEnvTo/LocalHdrTo, D=ifdef(`LOCAL_SHELL_DIR', `LOCAL_SHELL_DIR', `$z:/'),ifdef(`LOCAL_PROG_QGRP', ` Q=LOCAL_PROG_QGRP,')
		T=X-Unix/X-Unix/X-Unix,
		A=ifdef(`LOCAL_SHELL_ARGS', `LOCAL_SHELL_ARGS', `sh -c $u')
')dnl
