divert(-1)
#  feature/authinfo.m4 -- FEATURE(`authinfo'): client AUTH data from a separate map.
#  Argument: the map (K line) specification [/etc/mail/authinfo].
define(`_AUTHINFO_SPEC_', _CF_MAPSPEC(`authinfo', defn(`_ARG_'), `MAIL_SETTINGS_DIR`'authinfo'))
define(`_CF_PART_OK_', `1')
