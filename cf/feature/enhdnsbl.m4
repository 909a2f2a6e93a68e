divert(-1)
#  feature/enhdnsbl.m4 -- FEATURE(`enhdnsbl'): like dnsbl; handled the same way by this tree.
FEATURE(`dnsbl', defn(`_ARG_'), defn(`_ARG2_'), defn(`_ARG3_'))
define(`_CF_PART_OK_', `1')
