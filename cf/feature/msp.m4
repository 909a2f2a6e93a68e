divert(-1)
#  feature/msp.m4 -- FEATURE(`msp'): the configuration of the mail submission program
#  (submit.cf).  Arguments: the host to send to [[localhost]]; MSA to use port 587.
define(`_MSP_HOST_', ifelse(defn(`_ARG_'), `', `[localhost]', `defn(`_ARG_')'))
ifelse(defn(`_ARG2_'), `MSA', `define(`RELAY_MAILER_ARGS', `TCP $h 587')')
define(`confUSE_MSP', `True')
ifdef(`confDELIVERY_MODE', `', `define(`confDELIVERY_MODE', `i')')
ifdef(`confTIME_ZONE', `', `define(`confTIME_ZONE', `USE_TZ')')
ifdef(`confDONT_INIT_GROUPS', `', `define(`confDONT_INIT_GROUPS', `True')')
ifdef(`confPRIVACY_FLAGS', `', `define(`confPRIVACY_FLAGS', `goaway,noetrn,restrictqrun')')
ifdef(`confDONT_PROBE_INTERFACES', `', `define(`confDONT_PROBE_INTERFACES', `True')')
ifdef(`confPID_FILE', `', `define(`confPID_FILE', `/var/spool/clientmqueue/sm-client.pid')')
define(`_CF_DAEMONS_', `O DaemonPortOptions=Name=NoMTA, Addr=127.0.0.1, M=E
')
define(`MAIL_HUB', defn(`_MSP_HOST_'))
define(`SMART_HOST', defn(`_MSP_HOST_'))
MAILER(`smtp')
define(`_CF_PART_OK_', `1')
