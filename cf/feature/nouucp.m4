divert(-1)
#  feature/nouucp.m4 -- FEATURE(`nouucp'): "!" is not a routing character (argument: nospecial or reject).
define(`_CF_PART_OK_', `1')
