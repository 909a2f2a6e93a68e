divert(-1)
#  feature/blocklist_recipients.m4 -- FEATURE(`blocklist_recipients'): To: entries of the access map can refuse recipients.
define(`_CF_PART_OK_', `1')
