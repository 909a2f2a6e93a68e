divert(-1)
#  feature/nouucp.m4 -- FEATURE(`nouucp', `reject' or `nospecial'):
#  "!" is no routing character: host!user is not turned into
#  user@host.UUCP and final writes no host!user forms.  With `reject',
#  check_rcpt treats a recipient with a "!" in it as one for another host
#  (relaying it needs a client that may relay); with `nospecial' it is a
#  plain character.  The argument is required.
ifelse(defn(`_ARG_'), `reject', `define(`_NOUUCP_REJECT_', `1')',
	defn(`_ARG_'), `nospecial', `',
	defn(`_ARG_'), `', `_CF_ERR(`FEATURE(nouucp) needs an argument: reject or nospecial')',
	`_CF_ERR(`FEATURE(nouucp): the argument must be reject or nospecial, not "'defn(`_ARG_')`"')')
define(`_CF_PART_OK_', `1')
