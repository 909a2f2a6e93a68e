divert(-1)
#  feature/block_bad_helo.m4 -- FEATURE(`block_bad_helo'): loopback addresses count as local and may relay.
define(`_CF_PART_OK_', `1')
