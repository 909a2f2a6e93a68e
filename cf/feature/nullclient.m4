divert(-1)
#  feature/nullclient.m4 -- FEATURE(`nullclient', `hub'): a host that
#  sends all its mail to one hub: mail for other hosts goes to the hub
#  (relay mailer, esmtp for [address] literals), local names too (after
#  aliasing, as with MAIL_HUB), and sender addresses are shown as the hub.
#  The smtp mailers are defined; no other MAILER is needed.
ifelse(defn(`_ARG_'), `', `_CF_ERR(`FEATURE(nullclient) needs the name of the hub as its argument')')
define(`_NULL_HUB_', defn(`_ARG_'))
define(`MAIL_HUB', defn(`_ARG_'))
define(`SMART_HOST', defn(`_ARG_'))
define(`_MASQUERADE_AS_', defn(`_ARG_'))
define(`_FEAT_masquerade_envelope_', `1')
define(`_FEAT_allmasquerade_', `1')
MAILER(`smtp')
define(`_CF_PART_OK_', `1')
