divert(-1)
#  feature/virtusertable.m4 -- FEATURE(`virtusertable'): aliases per domain for local and virtual domains.
#  Argument: the map (K line) specification [/etc/mail/virtusertable].
define(`_VIRTUSER_SPEC_', _CF_MAPSPEC(`virtusertable', defn(`_ARG_'), `MAIL_SETTINGS_DIR`'virtusertable'))
define(`_CF_PART_OK_', `1')
