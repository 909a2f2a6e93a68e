divert(-1)
#  feature/local_procmail.m4 -- FEATURE(`local_procmail'): procmail (or the program given) delivers local mail.
#  Arguments: path [PROCMAIL_MAILER_PATH], argv [procmail -Y -a $h -d $u],
#  flags [SPfhn9].
define(`LOCAL_MAILER_PATH', ifelse(defn(`_ARG_'), `', `ifdef(`PROCMAIL_MAILER_PATH', `PROCMAIL_MAILER_PATH', `/usr/local/bin/procmail')', `defn(`_ARG_')'))
# argv and flags: given ones, else those already set (OSTYPE(`linux') has
# procmail -a $h -d $u), else procmail -Y -a $h -d $u and SPfhn9
ifelse(defn(`_ARG2_'), `', `ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `procmail -Y -a $h -d $u')')', `define(`LOCAL_MAILER_ARGS', defn(`_ARG2_'))')
ifelse(defn(`_ARG3_'), `', `ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `SPfhn9')')', `define(`LOCAL_MAILER_FLAGS', defn(`_ARG3_'))')
define(`_CF_PART_OK_', `1')
