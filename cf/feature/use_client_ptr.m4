divert(-1)
#  feature/use_client_ptr.m4 -- FEATURE(`use_client_ptr'): check_relay uses ${client_ptr} as the client name.
define(`_CF_PART_OK_', `1')
