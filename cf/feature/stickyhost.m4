divert(-1)
#  feature/stickyhost.m4 -- FEATURE(`stickyhost'): user@thishost is kept apart from plain user
#  (LOCAL_RELAY only takes unqualified names; MAIL_HUB keeps the host).
define(`_CF_PART_OK_', `1')
