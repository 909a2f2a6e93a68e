divert(-1)
#  feature/local_lmtp.m4 -- FEATURE(`local_lmtp'): an LMTP speaking program delivers local mail.
#  Arguments: path [confEBINDIR/mail.local], argv [mail.local -l].
define(`LOCAL_MAILER_PATH', ifelse(defn(`_ARG_'), `', `confEBINDIR`/mail.local'', `defn(`_ARG_')'))
define(`LOCAL_MAILER_ARGS', ifelse(defn(`_ARG2_'), `', `mail.local -l', `defn(`_ARG2_')'))
define(`LOCAL_MAILER_FLAGS', `PSXmnz9')
define(`_CF_LMTP_', `1')
define(`LOCAL_MAILER_DSN_DIAGNOSTIC_CODE', `SMTP')
define(`_CF_PART_OK_', `1')
