divert(-1)
#  feature/masquerade_entire_domain.m4 -- FEATURE(`masquerade_entire_domain'): hosts below the class M domains are masqueraded.
define(`_CF_PART_OK_', `1')
