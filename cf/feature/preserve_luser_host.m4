divert(-1)
#  feature/preserve_luser_host.m4 -- FEATURE(`preserve_luser_host'): LUSER_RELAY keeps the recipient host.
define(`_CF_PART_OK_', `1')
