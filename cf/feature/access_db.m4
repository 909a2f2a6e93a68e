divert(-1)
#  feature/access_db.m4 -- FEATURE(`access_db'): the access map for the check_* rulesets.
#  Argument: the map (K line) specification [-T<TMPF> /etc/mail/access].
#  A map given without -T<TMPF> (so a temporary lookup failure would not be
#  told as one) gets it after its class, with a warning, as 8.17's tree
#  does; sequence maps and LDAP are left alone.
define(`_CF_ACCESS_ARG_', defn(`_ARG_'))
ifelse(defn(`_ARG_'), `', `', defn(`_ARG_'), `LDAP', `',
	`ifelse(index(defn(`_ARG_'), `sequence '), `0', `',
		index(defn(`_ARG_'), `<TMPF>'), `-1',
		`errprint(`*** WARNING: missing -T<TMPF> in argument of FEATURE(`access_db',' defn(`_ARG_')`)
')define(`_CF_ACCESS_ARG_', _CF_FIRSTWORD(defn(`_ARG_'))` -T<TMPF> 'substr(defn(`_ARG_'), index(defn(`_ARG_'), ` ')))')')
define(`_ACCESS_SPEC_', _CF_MAPSPEC(`access_db', defn(`_CF_ACCESS_ARG_'), `-T<TMPF> MAIL_SETTINGS_DIR`'access'))
ifelse(defn(`_ARG2_'), `skip', `define(`_ACCESS_SKIP_', `1')')
ifelse(defn(`_ARG2_'), `lookupdotdomain', `define(`_FEAT_lookupdotdomain_', `1')', defn(`_ARG3_'), `lookupdotdomain', `define(`_FEAT_lookupdotdomain_', `1')')
define(`_CF_PART_OK_', `1')
