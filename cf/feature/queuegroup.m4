divert(-1)
#  feature/queuegroup.m4 -- FEATURE(`queuegroup'): queue group from QGRP: access map entries
#  (argument: the default group).
define(`_QGRP_ARG_', defn(`_ARG_'))
_CF_NEEDS_ACCESS(`queuegroup')
define(`_CF_PART_OK_', `1')
