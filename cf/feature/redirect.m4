divert(-1)
#  feature/redirect.m4 -- FEATURE(`redirect'): mail to address.REDIRECT is refused with
#  551 User has moved; please try <address>.
define(`_CF_PART_OK_', `1')
