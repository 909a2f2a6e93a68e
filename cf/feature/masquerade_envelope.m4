divert(-1)
#  feature/masquerade_envelope.m4 -- FEATURE(`masquerade_envelope'): envelope addresses are masqueraded too.
define(`_CF_PART_OK_', `1')
