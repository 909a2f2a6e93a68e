divert(-1)
#  domain/generic.m4 -- DOMAIN(`generic'): settings that suit most sites.
#  Local names from the local-host-names file, .REDIRECT addresses, root
#  stays visible when masquerading, +detail .forward files.
define(`confFORWARD_PATH', `$z/.forward.$w+$h:$z/.forward+$h:$z/.forward.$w:$z/.forward')
define(`confMAX_HEADERS_LENGTH', `32768')
FEATURE(`redirect')
FEATURE(`use_cw_file')
EXPOSED_USER(`root')
define(`_CF_PART_OK_', `1')
