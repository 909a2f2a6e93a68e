divert(-1)
#  feature/tls_session_features.m4 -- FEATURE(`tls_session_features'): access map TLS_Srv_features/TLS_Clt_features.
define(`_CF_PART_OK_', `1')
