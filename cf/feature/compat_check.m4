divert(-1)
#  feature/compat_check.m4 -- FEATURE(`compat_check'): check_compat looks up Compat:sender<@>recipient.
_CF_NEEDS_ACCESS(`compat_check')
define(`_CF_PART_OK_', `1')
