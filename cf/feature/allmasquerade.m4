divert(-1)
#  feature/allmasquerade.m4 -- FEATURE(`allmasquerade'): recipient addresses are masqueraded too.
define(`_CF_PART_OK_', `1')
