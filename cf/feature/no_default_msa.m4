divert(-1)
#  feature/no_default_msa.m4 -- FEATURE(`no_default_msa'): no submission daemon on port 587 unless DAEMON_OPTIONS asks.
define(`_CF_PART_OK_', `1')
