divert(-1)
#  feature/loose_relay_check.m4 -- FEATURE(`loose_relay_check'): user%host@relaydomain is not checked again.
define(`_CF_PART_OK_', `1')
