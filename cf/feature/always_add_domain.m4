divert(-1)
#  feature/always_add_domain.m4 -- FEATURE(`always_add_domain'): local addresses are qualified even for local delivery.
define(`_CF_PART_OK_', `1')
