divert(-1)
#  domain/debian-mta.m4 -- DOMAIN(`debian-mta'): what Debian's stock
#  /etc/mail/sendmail.mc asks for.  Files under /etc/mail (local host
#  names, trusted users, relay domains), .REDIRECT addresses, root stays
#  visible when masquerading, +detail .forward files, state under
#  /var/lib/sendmail (OSTYPE(`debian') sets those).
ifdef(`confFORWARD_PATH', `', `define(`confFORWARD_PATH', `$z/.forward.$w+$h:$z/.forward+$h:$z/.forward.$w:$z/.forward')')
ifdef(`confMAX_HEADERS_LENGTH', `', `define(`confMAX_HEADERS_LENGTH', `32768')')
FEATURE(`redirect')
FEATURE(`use_cw_file')
FEATURE(`use_ct_file')
EXPOSED_USER(`root')
define(`_CF_PART_OK_', `1')
