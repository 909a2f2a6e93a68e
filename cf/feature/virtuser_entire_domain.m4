divert(-1)
#  feature/virtuser_entire_domain.m4 -- FEATURE(`virtuser_entire_domain'): virtusertable covers subdomains of class VirtHost.
define(`_CF_PART_OK_', `1')
