divert(-1)
#  feature/relay_based_on_MX.m4 -- FEATURE(`relay_based_on_MX'): we relay for domains whose MX points to us.
define(`_CF_PART_OK_', `1')
