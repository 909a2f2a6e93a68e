divert(-1)
#  feature/access_db.m4 -- FEATURE(`access_db'): the access map for the check_* rulesets.
#  Argument: the map (K line) specification [-T<TMPF> /etc/mail/access].
define(`_ACCESS_SPEC_', _CF_MAPSPEC(`access_db', defn(`_ARG_'), `-T<TMPF> MAIL_SETTINGS_DIR`'access'))
ifelse(defn(`_ARG2_'), `skip', `define(`_ACCESS_SKIP_', `1')')
ifelse(defn(`_ARG2_'), `lookupdotdomain', `define(`_FEAT_lookupdotdomain_', `1')', defn(`_ARG3_'), `lookupdotdomain', `define(`_FEAT_lookupdotdomain_', `1')')
define(`_CF_PART_OK_', `1')
