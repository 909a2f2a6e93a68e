divert(-1)
#  feature/accept_unresolvable_domains.m4 -- FEATURE(`accept_unresolvable_domains'): senders whose domain does not resolve
#  are accepted.
define(`_CF_PART_OK_', `1')
