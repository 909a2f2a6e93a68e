divert(-1)
#  feature/relay_entire_domain.m4 -- FEATURE(`relay_entire_domain'): hosts in our domain (class m) may relay.
define(`_CF_PART_OK_', `1')
