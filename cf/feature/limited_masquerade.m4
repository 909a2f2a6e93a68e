divert(-1)
#  feature/limited_masquerade.m4 -- FEATURE(`limited_masquerade'): only class M domains are masqueraded, not class w.
define(`_CF_PART_OK_', `1')
