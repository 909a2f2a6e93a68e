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
#  envelope sender for local delivery
R<@>				$n
R@ <@ $*>			$n
R$+				$: $>AddHostIf $1
ifdef(`_FEAT_local_no_masquerade_', `', `R$*				$: $>MasqEnv $1
')dnl

SLocalEnvTo
#  envelope recipient for local delivery: the bare local part; an
#  envelope sender loses its +detail
R$+ < @ $* >			$: $1
R$+ + $*			$: < $&{addr_type} > $1 + $2
R< e s > $+ + $*		$: $1
R< $* > $+			$: $2

SLocalHdrFrom
#  header sender seen by local users
R<@>				$n
R@ <@ $*>			$n
R$+				$: $>AddHostIf $1
ifdef(`_FEAT_local_no_masquerade_', `', `R$*				$: $>MasqHdr $1
')dnl

SLocalHdrTo
#  header recipients seen by local users
R$+				$: $>AddHostIf $1
ifdef(`_FEAT_allmasquerade_', `ifdef(`_FEAT_local_no_masquerade_', `define(`_CF_LHT_', `1')', `R$*				$: $>MasqHdr $1
')', `define(`_CF_LHT_', `1')')dnl
ifdef(`_CF_LHT_', `R$* < @ *LOCAL* > $*		$: $1 < @ $j . > $2
')dnl

#  envelope and header rewriting of the SMTP-like mailers (smtp, esmtp,
#  smtp8, dsmtp, relay, procmail; local with `local_lmtp')

SSmtpEnvFrom
#  envelope sender: host.UUCP names leave from us, qualified, masqueraded
#  only with `masquerade_envelope'
R$+				$: $>UucpOut $1
R$* :; <@>			$@
R$*				$: $>AddHost $1
R$+				$: $>MasqEnv $1

SSmtpEnvTo
#  envelope recipient (and header recipients unless `allmasquerade')
R$+				$: $>UucpOut $1
R$+				$: $>AddHost $1
R$* < @ *LOCAL* > $*		$: $1 < @ $j . > $2

SSmtpHdrFrom
#  header sender (and header recipients with `allmasquerade'):
#  qualified and masqueraded
R$+				$: $>UucpOut $1
R:; <@>				$@
R$* <@> $*			$@ $1 <@> $2
R< @ $* > $*			$@ < @ $1 > $2
R$*				$: $>AddHost $1
R$+				$: $>MasqHdr $1

SRelayHdrTo
#  relay mailer header recipients with `allmasquerade'
R$+				$: $>AddHost $1
R$+				$: $>MasqHdr $1

Mlocal,		P=ifdef(`LOCAL_MAILER_PATH', `LOCAL_MAILER_PATH', `/bin/mail'), F=_CF_FLAGS(`LOCAL', ifdef(`_NULL_HUB_', `lsDFM5q', `lsDFMAw5:/|@q')`'ifdef(`LOCAL_MAILER_FLAGS', `LOCAL_MAILER_FLAGS', `Prmn9')), S=ifdef(`_CF_LMTP_', `SmtpEnvFrom', `LocalEnvFrom')/LocalHdrFrom, R=LocalEnvTo/LocalHdrTo,ifdef(`LOCAL_MAILER_MAX', ` M=LOCAL_MAILER_MAX,')ifdef(`LOCAL_MAILER_MAXMSGS', ` m=LOCAL_MAILER_MAXMSGS,')ifdef(`LOCAL_MAILER_CHARSET', ` C=LOCAL_MAILER_CHARSET,')ifdef(`LOCAL_MAILER_EOL', ` E=LOCAL_MAILER_EOL,')ifdef(`LOCAL_MAILER_QGRP', ` Q=LOCAL_MAILER_QGRP,')
		T=DNS/RFC822/ifdef(`LOCAL_MAILER_DSN_DIAGNOSTIC_CODE', `LOCAL_MAILER_DSN_DIAGNOSTIC_CODE', `X-Unix'),
		A=ifdef(`LOCAL_MAILER_ARGS', `LOCAL_MAILER_ARGS', `mail -d $u')
Mprog,		P=ifdef(`LOCAL_SHELL_PATH', `LOCAL_SHELL_PATH', `/bin/sh'), F=_CF_FLAGS(`LOCAL_SHELL', `lsDFMoq'ifdef(`LOCAL_SHELL_FLAGS', `LOCAL_SHELL_FLAGS', `eu9')), S=LocalEnvFrom/LocalHdrFrom, R=LocalEnvTo/LocalHdrTo, D=ifdef(`LOCAL_SHELL_DIR', `LOCAL_SHELL_DIR', `$z:/'),ifdef(`LOCAL_PROG_QGRP', ` Q=LOCAL_PROG_QGRP,')
		T=X-Unix/X-Unix/X-Unix,
		A=ifdef(`LOCAL_SHELL_ARGS', `LOCAL_SHELL_ARGS', `sh -c $u')
')dnl
