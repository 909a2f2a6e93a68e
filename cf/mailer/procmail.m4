define(`_CF_PART_OK_', `1')dnl
divert(-1)
#  mailer/procmail.m4 -- MAILER(`procmail'): hands mail to procmail, for
#  use in the mailertable (procmail:/etc/procmailrcs/rcfile).
#  Settings: PROCMAIL_MAILER_PATH, _FLAGS, _ARGS, _MAX, _QGRP.
divert(0)dnl
ifdef(`_CF_EMIT_', `dnl
#  procmail (`MAILER' procmail)
Mprocmail,	P=ifdef(`PROCMAIL_MAILER_PATH', `PROCMAIL_MAILER_PATH', `/usr/local/bin/procmail'), F=_CF_FLAGS(`PROCMAIL', `DFM'ifdef(`PROCMAIL_MAILER_FLAGS', `PROCMAIL_MAILER_FLAGS', `SPhnu9')), S=SmtpEnvFrom/SmtpHdrFrom, R=SmtpEnvTo/SmtpHdrFrom,ifdef(`PROCMAIL_MAILER_MAX', ` M=PROCMAIL_MAILER_MAX,')ifdef(`PROCMAIL_MAILER_QGRP', ` Q=PROCMAIL_MAILER_QGRP,')
		T=DNS/RFC822/X-Unix,
		A=ifdef(`PROCMAIL_MAILER_ARGS', `PROCMAIL_MAILER_ARGS', `procmail -Y -m $h $f $u')
')dnl
