divert(-1)
#  feature/blacklist_recipients.m4 -- FEATURE(`blacklist_recipients'): old name of blocklist_recipients.
define(`_FEAT_blocklist_recipients_', `1')
define(`_CF_PART_OK_', `1')
