divert(-1)
#
#  setup.m4 -- the macros an .mc file calls.  None of them writes output
#  directly: they record settings that m4/build.m4 turns into sendmail.cf
#  at the end of the input.
#

# ---------------------------------------------------------------- errors
# _CF_ERR(text): report a configuration error and stop m4 with status 1,
# so that a broken .mc never yields a silently broken sendmail.cf.
define(`_CF_ERR', `errprint(`cf.m4: error: $1
')m4exit(`1')')
define(`_CF_WARN', `errprint(`cf.m4: warning: $1
')')

# ---------------------------------------------------------------- lists
# _CF_APPEND(name, text): add text (plus a newline) to macro name.
define(`_CF_APPEND', `define(`$1', ifdef(`$1', `defn(`$1')')`$2
')')

# ---------------------------------------------------------------- loading parts
# _CF_PART(kind, name): include cf/kind/name.m4; every part file ends by
# defining _CF_PART_OK_, so a file that does not exist is detected.
define(`_CF_PART', `pushdef(`_CF_DN_', divnum)divert(-1)undefine(`_CF_PART_OK_')dnl
sinclude(_CF_DIR_`$1/$2.m4')dnl
ifdef(`_CF_PART_OK_', `', `_CF_ERR(`unknown $1 "$2" (no file '_CF_DIR_`$1/$2.m4)')')dnl
divert(_CF_DN_)popdef(`_CF_DN_')')

define(`VERSIONID', `define(`_CF_VERSIONID_', ifdef(`_CF_VERSIONID_', `defn(`_CF_VERSIONID_')`; '')`$1')')
define(`OSTYPE', `ifelse(`$1', `', `_CF_ERR(`OSTYPE needs an argument')')define(`_CF_OSTYPE_', `$1')_CF_PART(`ostype', `$1')')
define(`DOMAIN', `ifelse(`$1', `', `_CF_ERR(`DOMAIN needs an argument')')_CF_PART(`domain', `$1')')
define(`HACK', `ifelse(`$1', `', `_CF_ERR(`HACK needs an argument')')define(`_ARG_', `$2')define(`_ARG2_', `$3')_CF_PART(`hack', `$1')')
define(`MAILER', `ifelse(`$1', `', `_CF_ERR(`MAILER needs an argument')')ifdef(`_MAILER_$1_', `',
	`define(`_MAILER_$1_', `1')_CF_APPEND(`_CF_MAILERS_', `$1')_CF_PART(`mailer', `$1')')')
define(`SITECONFIG', `_CF_WARN(`SITECONFIG is not supported by this tree; ignored')')

# FEATURE(name, arg1 ... arg9): the arguments are available to the
# feature file as _ARG_, _ARG2_ ... _ARG9_ (unexpanded).
define(`FEATURE', `ifelse(`$1', `', `_CF_ERR(`FEATURE needs a name')')dnl
define(`_ARG_', `$2')define(`_ARG2_', `$3')define(`_ARG3_', `$4')define(`_ARG4_', `$5')dnl
define(`_ARG5_', `$6')define(`_ARG6_', `$7')define(`_ARG7_', `$8')define(`_ARG8_', `$9')dnl
define(`_FEATURE_NAME_', `$1')dnl
define(`_FEAT_$1_', `1')dnl
_CF_ARGCHECK(`_ARG_')_CF_ARGCHECK(`_ARG2_')_CF_ARGCHECK(`_ARG3_')_CF_ARGCHECK(`_ARG4_')dnl
_CF_ARGCHECK(`_ARG5_')_CF_ARGCHECK(`_ARG6_')_CF_ARGCHECK(`_ARG7_')_CF_ARGCHECK(`_ARG8_')dnl
_CF_PART(`feature', `$1')')

# _CF_ARGCHECK(`_ARGn_'): a word in a FEATURE argument that looks like an
# m4 macro name (confSOMETHING, or capitals with an underscore such as
# DATABASE_MAP_TYPE) but is not defined is almost always a misspelling
# that would end up in sendmail.cf as it is: stop with an error naming it.
define(`_CF_MACWORD', `regexp(`$1', `\(^\|[^A-Za-z0-9_]\)\(conf[A-Z][A-Z0-9_]*\|[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\)\([^A-Za-z0-9_]\|$\)', ``\2'')')
define(`_CF_ARGCHECK', `pushdef(`_CF_W_', _CF_MACWORD(defn(`$1')))ifelse(defn(`_CF_W_'), `', `',
	`ifdef(defn(`_CF_W_'), `', `_CF_ERR(`FEATURE('defn(`_FEATURE_NAME_')`): 'defn(`_CF_W_')` in its arguments is not a defined macro (misspelled?)')')')popdef(`_CF_W_')')
# defaults that FEATURE arguments may name
define(`DATABASE_MAP_TYPE', `hash')
# confEBINDIR: where mail.local and smrsh are (FEATURE(`local_lmtp'),
# FEATURE(`smrsh')); ./Build install puts them in PREFIX/libexec/sendmail
# and rewrites the path below to match its PREFIX.
define(`confEBINDIR', `/usr/libexec/sendmail')

# ---------------------------------------------------------------- map specs
# _CF_MAPSPEC(feature, given spec, default file): the K line arguments for
# a FEATURE that takes a map.  An empty argument gives the default map
# type (DATABASE_MAP_TYPE, hash) and file; a given spec must start with a
# map class this project knows, otherwise m4 stops with an error naming it.
define(`_CF_MAPCLASSES_', ` hash btree dbm text ldap nis nisplus hesiod netinfo implicit sequence switch host dns bestmx arith arpa macro regex dequote user stab null program syslog socket ')
define(`_CF_FIRSTWORD', `patsubst(`$1', `^[ 	]*\([^ 	]*\).*', `\1')')
define(`_CF_MAPSPEC', `ifelse(`$2', `', `_CF_DBTYPE_ $3',
	`$2', `LDAP', `_CF_DBTYPE_ $3',
	`ifelse(index(_CF_MAPCLASSES_, ` '_CF_FIRSTWORD(`$2')` '), `-1',
		`_CF_ERR(`FEATURE($1): unknown map class "'_CF_FIRSTWORD(`$2')`" in "$2"')',
		`$2')')')
define(`_CF_DBTYPE_', `DATABASE_MAP_TYPE')
define(`MAIL_SETTINGS_DIR', `/etc/mail/')

# _CF_NEEDS_ACCESS(feature): checked at the end (build.m4): the FEATURE
# needs FEATURE(`access_db').
define(`_CF_NEEDS_ACCESS', `_CF_APPEND(`_CF_NEEDACCESS_', `$1')')

# ---------------------------------------------------------------- block lists
# _CF_BL_ADD(kind, list, what, temp, value1 ... value5): the rules of one
# dnsbl (kind dnsbl), enhdnsbl (ednsbl) or rhsbl (rhsbl) FEATURE, written
# by m4/blrules.m4 to diversion 31 in the order of the .mc file.
define(`_CF_BL_ADD', `define(`_BL_KIND_', `$1')define(`_BL_L_', `$2')define(`_BL_W_', `$3')define(`_BL_T_', `$4')dnl
define(`_BL_V1_', `$5')define(`_BL_V2_', `$6')define(`_BL_V3_', `$7')define(`_BL_V4_', `$8')define(`_BL_V5_', `$9')dnl
include(_CF_DIR_`m4/blrules.m4')')
# _CF_BL_CHECK(list): a block list domain is a domain name.
define(`_CF_BL_CHECK', `ifelse(regexp(`$1', `^[A-Za-z0-9_-]+\(\.[A-Za-z0-9_-]+\)*\.?$'), `0', `',
	`_CF_ERR(`FEATURE('defn(`_FEATURE_NAME_')`): "$1" is not a domain name')')')

# ---------------------------------------------------------------- classes
# Each class macro records C and F lines for build.m4.
define(`_CF_CLASS', `_CF_APPEND(`_CF_CLASSES_', `C$1$2')')
define(`_CF_FCLASS', `_CF_APPEND(`_CF_CLASSES_', `F$1$2')')
define(`LOCAL_DOMAIN', `_CF_CLASS(`w', `$1')')
define(`MASQUERADE_AS', `ifelse(`$1', `', `_CF_ERR(`MASQUERADE_AS needs the domain to masquerade as')')define(`_MASQUERADE_AS_', `$1')')
define(`MASQUERADE_DOMAIN', `_CF_CLASS(`M', `$1')')
define(`MASQUERADE_DOMAIN_FILE', `_CF_FCLASS(`M', `$1')')
define(`MASQUERADE_EXCEPTION', `_CF_CLASS(`N', `$1')define(`_CF_HAVE_N_', `1')')
define(`MASQUERADE_EXCEPTION_FILE', `_CF_FCLASS(`N', `$1')define(`_CF_HAVE_N_', `1')')
define(`EXPOSED_USER', `_CF_CLASS(`E', `$1')')
define(`EXPOSED_USER_FILE', `_CF_FCLASS(`E', `$1')')
define(`LOCAL_USER', `_CF_CLASS(`L', `$1')')
define(`LOCAL_USER_FILE', `_CF_FCLASS(`L', `$1')')
define(`RELAY_DOMAIN', `_CF_CLASS(`R', `$1')')
define(`RELAY_DOMAIN_FILE', `_CF_FCLASS(`R', `$1')')
define(`CANONIFY_DOMAIN', `_CF_CLASS(`{Canonify}', `$1')define(`_CF_HAVE_CANONIFY_', `1')')
define(`CANONIFY_DOMAIN_FILE', `_CF_FCLASS(`{Canonify}', `$1')define(`_CF_HAVE_CANONIFY_', `1')')
define(`GENERICS_DOMAIN', `_CF_CLASS(`G', `$1')')
define(`GENERICS_DOMAIN_FILE', `_CF_FCLASS(`G', `$1')')
define(`VIRTUSER_DOMAIN', `_CF_CLASS(`{VirtHost}', `$1')define(`_CF_HAVE_VIRTHOST_', `1')')
define(`VIRTUSER_DOMAIN_FILE', `_CF_FCLASS(`{VirtHost}', `$1')define(`_CF_HAVE_VIRTHOST_', `1')')
define(`TRUST_AUTH_MECH', `_CF_CLASS(`{TrustAuthMech}', `$1')define(`_CF_HAVE_TRUSTAUTH_', `1')')

# ---------------------------------------------------------------- daemons, filters, queues
define(`DAEMON_OPTIONS', `ifelse(`$1', `', `_CF_ERR(`DAEMON_OPTIONS needs the daemon options, e.g. DAEMON_OPTIONS(`Port=smtp, Name=MTA')')')_CF_APPEND(`_CF_DAEMONS_', `O DaemonPortOptions=$1')')
define(`CLIENT_OPTIONS', `ifelse(`$1', `', `_CF_ERR(`CLIENT_OPTIONS needs the client options, e.g. CLIENT_OPTIONS(`Family=inet')')')_CF_APPEND(`_CF_CLIENTS_', `O ClientPortOptions=$1')')
define(`MAIL_FILTER', `ifelse(`$1', `', `_CF_ERR(`MAIL_FILTER needs a filter name and its equates, e.g. MAIL_FILTER(`name', `S=local:/run/name.sock')')')dnl
ifelse(index(`$2', `S='), `-1', `_CF_ERR(`MAIL_FILTER($1): no socket (S=...) in "$2"')')dnl
_CF_APPEND(`_CF_FILTERS_', `X$1, $2')')
define(`INPUT_MAIL_FILTER', `ifelse(`$1', `', `_CF_ERR(`INPUT_MAIL_FILTER needs a filter name and its equates, e.g. INPUT_MAIL_FILTER(`name', `S=local:/run/name.sock')')')MAIL_FILTER(`$1', `$2')define(`confINPUT_MAIL_FILTERS',
	ifdef(`confINPUT_MAIL_FILTERS', `defn(`confINPUT_MAIL_FILTERS')`, '')`$1')')
define(`QUEUE_GROUP', `ifelse(`$1', `', `_CF_ERR(`QUEUE_GROUP needs a queue group name, e.g. QUEUE_GROUP(`slow', `P=/var/spool/mqueue/slow')')')_CF_APPEND(`_CF_QGROUPS_', `Q$1, $2')')

# MODIFY_MAILER_FLAGS(NAME, change): change is a full flag set, +flags
# to add or -flags to remove; applied to NAME_MAILER_FLAGS by the mailers.
define(`MODIFY_MAILER_FLAGS', `define(`_MODFLAGS_$1_', `$2')')
# _CF_FLAGS(NAME, default): the flags after MODIFY_MAILER_FLAGS.
define(`_CF_FLAGS', `ifdef(`_MODFLAGS_$1_',
	`ifelse(substr(defn(`_MODFLAGS_$1_'), 0, 1), `+', `$2'substr(defn(`_MODFLAGS_$1_'), 1),
		substr(defn(`_MODFLAGS_$1_'), 0, 1), `-', `translit(`$2', substr(defn(`_MODFLAGS_$1_'), 1))',
		`defn(`_MODFLAGS_$1_')')',
	`$2')')

# ---------------------------------------------------------------- local text
# Text after these macros goes to a diversion that build.m4 places.
define(`LOCAL_CONFIG', `divert(10)')
define(`LOCAL_RULE_0', `divert(11)')
define(`LOCAL_RULE_1', `divert(12)')
define(`LOCAL_RULE_2', `divert(13)')
define(`LOCAL_RULE_3', `divert(14)')
define(`LOCAL_RULESETS', `divert(15)')
define(`LOCAL_NET_CONFIG', `divert(16)')
define(`MAILER_DEFINITIONS', `divert(17)')
define(`LOCAL_SRV_FEATURES', `define(`_CF_HAVE_LSRVF_', `1')divert(18)')
define(`LOCAL_CLT_FEATURES', `define(`_CF_HAVE_LCLTF_', `1')divert(19)')
define(`LOCAL_TRY_TLS', `define(`_CF_HAVE_LTRYTLS_', `1')divert(20)')
define(`LOCAL_TLS_RCPT', `define(`_CF_HAVE_LTLSRCPT_', `1')divert(21)')
define(`LOCAL_TLS_CLIENT', `define(`_CF_HAVE_LTLSCLT_', `1')divert(22)')
define(`LOCAL_TLS_SERVER', `define(`_CF_HAVE_LTLSSRV_', `1')divert(23)')
define(`LOCAL_UUCP', `divert(24)')
# _CF_LOCALHOOK(ruleset, flag): with LOCAL_<RULESET> in the .mc, the
# ruleset first calls Local_<ruleset> (the lines after the macro); a $#
# result from it is the answer.  Without the macro nothing is called.
define(`_CF_LOCALHOOK', `ifdef(`_CF_HAVE_$2_', `R$`'*				$: $`'1 <?> $>Local_$1 $`'1
R$`'* <?> $`'#$`'*			$`'#$`'2
R$`'* <?> $`'*			$: $`'1
')')
define(`LOCAL_IDENT', `_CF_WARN(`LOCAL_IDENT is obsolete; ignored')')

# UUCPSMTP(uucpname, domain): for LOCAL_RULE_3, turn uucpname!user into
# user@domain.
define(`UUCPSMTP', `R $1 ! $`'* <@ $`'=w . > $`'*	$`'@ $`'2 < @ $2 > $`'3
R $1 ! $`'*	$`'@ $`'1 < @ $2 >')
define(`SITE', `_CF_WARN(`SITE is not supported by this tree; ignored')')

# ---------------------------------------------------------------- the end
define(`_CF_FINISH_', `divert(0)changecom()include(_CF_DIR_`m4/build.m4')')
