divert(-1)
#  feature/use_cw_file.m4 -- FEATURE(`use_cw_file'): more names of this host (class w) from confCW_FILE
#  [MAIL_SETTINGS_DIR/local-host-names].
define(`_CF_PART_OK_', `1')
