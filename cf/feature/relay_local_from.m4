divert(-1)
#  feature/relay_local_from.m4 -- FEATURE(`relay_local_from'): a sender in one of our domains may relay (unsafe).
define(`_CF_PART_OK_', `1')
