divert(-1)
#  feature/generics_entire_domain.m4 -- FEATURE(`generics_entire_domain'): genericstable covers subdomains of class G.
define(`_CF_PART_OK_', `1')
