divert(-1)
#  feature/tls_session_features.m4 -- FEATURE(`tls_session_features'): the
#  rulesets tls_srv_features and tls_clt_features look up
#  TLS_Srv_Features:name or address (for a client that sends STARTTLS) and
#  TLS_Clt_Features:name or address (for a server we send STARTTLS to) in
#  the access map and return the options found there.
define(`_CF_PART_OK_', `1')
