divert(-1)
#  feature/local_no_masquerade.m4 -- FEATURE(`local_no_masquerade'): no masquerading for the local mailer.
define(`_CF_PART_OK_', `1')
