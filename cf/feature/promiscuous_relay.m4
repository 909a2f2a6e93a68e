divert(-1)
#  feature/promiscuous_relay.m4 -- FEATURE(`promiscuous_relay'): anyone may relay through this host (unsafe).
define(`_CF_PART_OK_', `1')
