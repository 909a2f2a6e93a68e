divert(-1)
#  feature/nopercenthack.m4 -- FEATURE(`nopercenthack'): "%" is not a routing character (argument: nospecial or reject).
define(`_CF_PART_OK_', `1')
