divert(-1)
#  feature/require_rdns.m4 -- FEATURE(`require_rdns'): refuse clients whose
#  address has no working reverse DNS (${client_resolve}): FAIL is a 550,
#  TEMP and FORGED a 451.  Addresses in class R are exempt, and so are
#  clients the access map accepts (Connect: OK or RELAY).
define(`_CF_PART_OK_', `1')
