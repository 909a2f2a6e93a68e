divert(-1)
#  feature/block_bad_helo.m4 -- FEATURE(`block_bad_helo'): at RCPT time,
#  refuse clients whose HELO/EHLO name is unqualified or one of our own
#  names (class w), except authenticated clients and addresses in class R.
#  The loopback addresses are added to classes w and R.  Only works with
#  FEATURE(`delay_checks') (the check runs with the delayed checks).
define(`_CF_PART_OK_', `1')
