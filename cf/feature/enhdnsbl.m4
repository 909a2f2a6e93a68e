divert(-1)
#  feature/enhdnsbl.m4 -- FEATURE(`enhdnsbl', `list.example' [, what [, temp
#  [, value ...]]]): like dnsbl, but through the map "ednsbl" (a dns map
#  for A records, answers end in a dot; EDNSBL_TO sets its retry count,
#  default 5) and, when values are given (up to five, such as
#  `127.0.0.2.' or `127.0.0.$-.'), only those answers count.
ifelse(defn(`_ARG_'), `', `_CF_ERR(`FEATURE(`enhdnsbl') needs the domain of the block list as its first argument')')
_CF_BL_CHECK(defn(`_ARG_'))
define(`_CF_HAVE_EDNSBL_', `1')
_CF_BL_ADD(`ednsbl', defn(`_ARG_'), defn(`_ARG2_'), defn(`_ARG3_'), defn(`_ARG4_'), defn(`_ARG5_'), defn(`_ARG6_'), defn(`_ARG7_'), defn(`_ARG8_'))
define(`_CF_PART_OK_', `1')
