divert(-1)
#  feature/smrsh.m4 -- FEATURE(`smrsh'): programs are run through smrsh instead of /bin/sh.
#  Argument: the path of smrsh [confEBINDIR/smrsh].
define(`LOCAL_SHELL_PATH', ifelse(defn(`_ARG_'), `', `confEBINDIR`/smrsh'', `defn(`_ARG_')'))
define(`LOCAL_SHELL_ARGS', `smrsh -c $u')
define(`_CF_PART_OK_', `1')
