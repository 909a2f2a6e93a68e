divert(-1)
#  feature/relay_hosts_only.m4 -- FEATURE(`relay_hosts_only'): class R and access map RELAY entries name hosts,
#  not domains.
define(`_CF_PART_OK_', `1')
