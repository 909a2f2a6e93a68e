divert(-1)
#  feature/domaintable.m4 -- FEATURE(`domaintable'): domain names renamed in canonify.
#  Argument: the map (K line) specification [/etc/mail/domaintable].
define(`_DOMAINTABLE_SPEC_', _CF_MAPSPEC(`domaintable', defn(`_ARG_'), `MAIL_SETTINGS_DIR`'domaintable'))
define(`_CF_PART_OK_', `1')
