divert(-1)
#  feature/preserve_local_plus_detail.m4 -- FEATURE(`preserve_local_plus_detail'): user+detail is passed as is to the local mailer.
define(`_CF_PART_OK_', `1')
