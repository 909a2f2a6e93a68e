divert(-1)
#  feature/genericstable.m4 -- FEATURE(`genericstable'): outgoing sender names rewritten by a map.
#  Argument: the map (K line) specification [/etc/mail/genericstable].
define(`_GENERICS_SPEC_', _CF_MAPSPEC(`genericstable', defn(`_ARG_'), `MAIL_SETTINGS_DIR`'genericstable'))
define(`_CF_PART_OK_', `1')
