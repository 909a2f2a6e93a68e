divert(-1)
#  feature/use_ct_file.m4 -- FEATURE(`use_ct_file'): trusted users (class t) from confCT_FILE
#  [MAIL_SETTINGS_DIR/trusted-users].
define(`_CF_PART_OK_', `1')
