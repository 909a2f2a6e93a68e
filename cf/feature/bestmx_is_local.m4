divert(-1)
#  feature/bestmx_is_local.m4 -- FEATURE(`bestmx_is_local'): domains whose best MX is us are local (needs DNS).
define(`_CF_PART_OK_', `1')
