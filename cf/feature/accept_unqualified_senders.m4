divert(-1)
#  feature/accept_unqualified_senders.m4 -- FEATURE(`accept_unqualified_senders'): MAIL FROM without a domain is accepted.
define(`_CF_PART_OK_', `1')
