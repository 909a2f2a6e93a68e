divert(-1)
#  ostype/debian.m4 -- OSTYPE(`debian'): Debian GNU/Linux and derivatives.
#  State files under /var/lib/sendmail; local delivery through
#  sensible-mda (which picks procmail, maildrop or deliver).
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', `/var/lib/sendmail/sendmail.st')')
ifdef(`confHOST_STATUS_DIRECTORY', `', `define(`confHOST_STATUS_DIRECTORY', `/var/lib/sendmail/host_status')')
ifdef(`confDEAD_LETTER_DROP', `', `define(`confDEAD_LETTER_DROP', `/var/lib/sendmail/dead.letter')')
ifdef(`confDEF_USER_ID', `', `define(`confDEF_USER_ID', `mail:mail')')
ifdef(`confME_TOO', `', `define(`confME_TOO', `True')')
ifdef(`PROCMAIL_MAILER_PATH', `', `define(`PROCMAIL_MAILER_PATH', `/usr/bin/procmail')')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/sbin/sensible-mda')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `Pn9S')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `sensible-mda $g $u $h ${client_addr}')')')
define(`_CF_PART_OK_', `1')
