divert(-1)
#  feature/lookupdotdomain.m4 -- FEATURE(`lookupdotdomain'): the access map is also asked for .domain.
define(`_CF_PART_OK_', `1')
