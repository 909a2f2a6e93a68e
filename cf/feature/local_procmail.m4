divert(-1)
#  feature/local_procmail.m4 -- FEATURE(`local_procmail'): procmail (or the program given) delivers local mail.
#  Arguments: path [PROCMAIL_MAILER_PATH], argv [procmail -Y -a $h -d $u],
#  flags [SPfhn9].
define(`LOCAL_MAILER_PATH', ifelse(defn(`_ARG_'), `', `ifdef(`PROCMAIL_MAILER_PATH', `PROCMAIL_MAILER_PATH', `/usr/local/bin/procmail')', `defn(`_ARG_')'))
define(`LOCAL_MAILER_ARGS', ifelse(defn(`_ARG2_'), `', `procmail -Y -a $h -d $u', `defn(`_ARG2_')'))
define(`LOCAL_MAILER_FLAGS', ifelse(defn(`_ARG3_'), `', `SPfhn9', `defn(`_ARG3_')'))
define(`_CF_PART_OK_', `1')
