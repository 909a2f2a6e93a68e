divert(-1)
#  feature/msp.m4 -- FEATURE(`msp' [, `host' [, `MSA']]): the configuration
#  of the mail submission program (submit.cf), which hands every message
#  to the MTA on host [[localhost]] (${MTAHost}) by SMTP.  Addresses are
#  parsed as usual, but every mailer has the F=5 flag, so ruleset 5 sends
#  each recipient to the relay mailer at ${MTAHost}; the local and prog
#  mailers speak SMTP too.  `MSA' as second argument: port 587.
#  Also sets: UseMSP, DeliveryMode=i, no daemon but a NoMTA entry, the
#  client queue /var/spool/clientmqueue (MSP_QUEUE_DIR), PrivacyOptions
#  goaway,noetrn,restrictqrun, DontProbeInterfaces, its own pid file
#  (TimeZoneSpec and DontInitGroups are submit.mc's to set, as with 8.17's
#  tree).
define(`_MSP_HOST_', ifelse(defn(`_ARG_'), `', `[localhost]', `defn(`_ARG_')'))
# the second argument: MSA (port 587), or a port number (Debian's
# submit.mc says 25), which sendmail's tree accepts and leaves unused
ifelse(defn(`_ARG2_'), `', `', defn(`_ARG2_'), `MSA', `define(`RELAY_MAILER_ARGS', `TCP $h 587')',
	regexp(defn(`_ARG2_'), `^[0-9]+$'), `0', `',
	`_CF_ERR(`FEATURE(msp): the second argument must be empty, MSA or a port number, not "'defn(`_ARG2_')`"')')
define(`confUSE_MSP', `True')
ifdef(`confDELIVERY_MODE', `', `define(`confDELIVERY_MODE', `i')')
ifdef(`confQUEUE_FILE_MODE', `', `define(`confQUEUE_FILE_MODE', `0660')')
ifdef(`confRUN_AS_USER', `', `define(`confRUN_AS_USER', `smmsp')')
ifdef(`confTRUSTED_USER', `', `define(`confTRUSTED_USER', `smmsp')')
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', `ifdef(`MSP_QUEUE_DIR', `MSP_QUEUE_DIR', `/var/spool/clientmqueue')/sm-client.st')')
ifdef(`confPRIVACY_FLAGS', `', `define(`confPRIVACY_FLAGS', `goaway,noetrn,restrictqrun')')
ifdef(`confDONT_PROBE_INTERFACES', `', `define(`confDONT_PROBE_INTERFACES', `True')')
ifdef(`confPID_FILE', `', `define(`confPID_FILE', `ifdef(`MSP_QUEUE_DIR', `MSP_QUEUE_DIR', `/var/spool/clientmqueue')/sm-client.pid')')
define(`_CF_DAEMONS_', `O DaemonPortOptions=Name=NoMTA, Addr=127.0.0.1, M=E
')
# the local and prog mailers also hand the message to ${MTAHost}
define(`LOCAL_MAILER_PATH', `[IPC]')
define(`_MODFLAGS_LOCAL_', `lmDFMuXkw5')
define(`LOCAL_MAILER_ARGS', `TCP $h')
define(`LOCAL_MAILER_DSN_DIAGNOSTIC_CODE', `SMTP')
define(`LOCAL_SHELL_PATH', `[IPC]')
define(`_MODFLAGS_LOCAL_SHELL_', `lDFMuXk5')
define(`LOCAL_SHELL_ARGS', `TCP $h')
# the smtp mailers get k (no loop check) and 5 (ruleset 5 for every recipient)
define(`_CF_MSPFL_', `k5')
MAILER(`smtp')
define(`_CF_PART_OK_', `1')
