dnl  maps.m4 -- DNS-free answers for the DNS maps the FEATUREs declare
dnl  (dnsbl, enhdnsbl, rhsbl, badmx, bestmx_is_local, relay_based_on_MX):
dnl  the same map names, redefined as text maps after the cf's own K lines.
LOCAL_CONFIG
Kdnsbl text -z\t -v1 -o _TESTDIR_/dnsbl
Kednsbl text -a. -z\t -v1 -o _TESTDIR_/ednsbl
Kbestmx text -z\t -v1 -o _TESTDIR_/bestmx
Kmxlist text -z\t -v1 -o _TESTDIR_/mxlist
KdnsA text -z\t -v1 -o _TESTDIR_/dnsa
