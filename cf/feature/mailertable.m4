divert(-1)
#  feature/mailertable.m4 -- FEATURE(`mailertable'): routes per domain (mailer:host).
#  Argument: the map (K line) specification [/etc/mail/mailertable].
define(`_MAILERTABLE_SPEC_', _CF_MAPSPEC(`mailertable', defn(`_ARG_'), `MAIL_SETTINGS_DIR`'mailertable'))
define(`_CF_PART_OK_', `1')
