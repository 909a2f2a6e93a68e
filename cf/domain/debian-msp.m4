divert(-1)
#  domain/debian-msp.m4 -- DOMAIN(`debian-msp'): for Debian's stock
#  /etc/mail/submit.mc (which adds FEATURE(`msp') itself): the submission
#  program's queue and pid file as Debian keeps them.
ifdef(`MSP_QUEUE_DIR', `', `define(`MSP_QUEUE_DIR', `/var/spool/mqueue-client')')
ifdef(`confPID_FILE', `', `define(`confPID_FILE', `/var/run/sendmail/msp/sendmail.pid')')
define(`_CF_PART_OK_', `1')
