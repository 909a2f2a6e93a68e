define(`_CF_PART_OK_', `1')dnl
divert(-1)
#  mailer/smtp.m4 -- MAILER(`smtp'): smtp, esmtp, smtp8, dsmtp and relay.
#  Settings: SMTP_MAILER_FLAGS, _MAX, _MAXMSGS, _MAXRCPTS, _ARGS, _CHARSET,
#  _LL, _QGRP; ESMTP_, SMTP8_, DSMTP_ and RELAY_MAILER_ARGS/_QGRP;
#  RELAY_MAILER_FLAGS, _MAXMSGS, _CHARSET, _LL.
divert(0)dnl
ifdef(`_CF_EMIT_', `dnl
#  SMTP delivery (`MAILER' smtp)

define(`_SMTP_EQ_', `S=SmtpEnvFrom/SmtpHdrFrom, R=SmtpEnvTo`'ifdef(`_FEAT_allmasquerade_', `/SmtpHdrFrom'), E=\r\n, L=ifdef(`SMTP_MAILER_LL', `SMTP_MAILER_LL', `990'),ifdef(`SMTP_MAILER_MAX', ` M=SMTP_MAILER_MAX,')ifdef(`SMTP_MAILER_MAXMSGS', ` m=SMTP_MAILER_MAXMSGS,')ifdef(`SMTP_MAILER_MAXRCPTS', ` r=SMTP_MAILER_MAXRCPTS,')ifdef(`SMTP_MAILER_CHARSET', ` C=SMTP_MAILER_CHARSET,')')dnl
define(`_SMTP_FL_', `mDFMuX'ifdef(`SMTP_MAILER_FLAGS', `SMTP_MAILER_FLAGS'))dnl
Msmtp,		P=[IPC], F=_CF_FLAGS(`SMTP', _SMTP_FL_`'ifdef(`_CF_MSPFL_', `k5')), _SMTP_EQ_`'ifdef(`SMTP_MAILER_QGRP', ` Q=SMTP_MAILER_QGRP,')
		T=DNS/RFC822/SMTP,
		A=ifdef(`SMTP_MAILER_ARGS', `SMTP_MAILER_ARGS', `TCP $h')
Mesmtp,		P=[IPC], F=_CF_FLAGS(`ESMTP', _SMTP_FL_`a'ifdef(`_CF_MSPFL_', `k5')), _SMTP_EQ_`'ifdef(`ESMTP_MAILER_QGRP', ` Q=ESMTP_MAILER_QGRP,')
		T=DNS/RFC822/SMTP,
		A=ifdef(`ESMTP_MAILER_ARGS', `ESMTP_MAILER_ARGS', `TCP $h')
Msmtp8,		P=[IPC], F=_CF_FLAGS(`SMTP8', _SMTP_FL_`8'ifdef(`_CF_MSPFL_', `k5')), _SMTP_EQ_`'ifdef(`SMTP8_MAILER_QGRP', ` Q=SMTP8_MAILER_QGRP,')
		T=DNS/RFC822/SMTP,
		A=ifdef(`SMTP8_MAILER_ARGS', `SMTP8_MAILER_ARGS', `TCP $h')
Mdsmtp,		P=[IPC], F=_CF_FLAGS(`DSMTP', _SMTP_FL_`a%'ifdef(`_CF_MSPFL_', `k5')), _SMTP_EQ_`'ifdef(`DSMTP_MAILER_QGRP', ` Q=DSMTP_MAILER_QGRP,')
		T=DNS/RFC822/SMTP,
		A=ifdef(`DSMTP_MAILER_ARGS', `DSMTP_MAILER_ARGS', `TCP $h')
Mrelay,		P=[IPC], F=_CF_FLAGS(`RELAY', `mDFMuX'ifdef(`RELAY_MAILER_FLAGS', `RELAY_MAILER_FLAGS', `ifdef(`SMTP_MAILER_FLAGS', `SMTP_MAILER_FLAGS')')`a8'ifdef(`_CF_MSPFL_', `k')), S=SmtpEnvFrom/SmtpHdrFrom, R=AddHost`'ifdef(`_FEAT_allmasquerade_', `/RelayHdrTo'), E=\r\n, L=ifdef(`RELAY_MAILER_LL', `RELAY_MAILER_LL', `2040'),ifdef(`RELAY_MAILER_MAXMSGS', ` m=RELAY_MAILER_MAXMSGS,')ifdef(`RELAY_MAILER_CHARSET', ` C=RELAY_MAILER_CHARSET,')ifdef(`RELAY_MAILER_QGRP', ` Q=RELAY_MAILER_QGRP,')
		T=DNS/RFC822/SMTP,
		A=ifdef(`RELAY_MAILER_ARGS', `RELAY_MAILER_ARGS', `TCP $h')
')dnl
