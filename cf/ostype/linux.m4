divert(-1)
#  ostype/linux.m4 -- OSTYPE(`linux'): GNU/Linux.
#  Local delivery through procmail, as most Linux systems do it.
ifdef(`PROCMAIL_MAILER_PATH', `', `define(`PROCMAIL_MAILER_PATH', `/usr/bin/procmail')')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', defn(`PROCMAIL_MAILER_PATH'))
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `SPfhn9')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `procmail -a $h -d $u')')')
define(`_CF_PART_OK_', `1')
