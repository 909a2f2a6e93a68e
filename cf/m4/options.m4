divert(-1)
#
#  options.m4 -- the conf... defines and the sendmail.cf options they set.
#
#  _CF_O(`confNAME', `Option')            O line only when confNAME is defined
#  _CF_OD(`confNAME', `Option', `value')  O line always; value unless defined
#
define(`_CF_O', `ifdef(`$1', `O $2=$1
')')
define(`_CF_OD', `ifdef(`$1', `O $2=$1
', `O $2=$3
')')
define(`_CF_OPTIONS_', `dnl
_CF_O(`confTRUSTED_USER', `TrustedUser')dnl
_CF_OD(`confSEVEN_BIT_INPUT', `SevenBitInput', `False')dnl
_CF_O(`confEIGHT_BIT_HANDLING', `EightBitMode')dnl
_CF_OD(`confALIAS_WAIT', `AliasWait', `10')dnl
_CF_OD(`confMIN_FREE_BLOCKS', `MinFreeBlocks', `100')dnl
_CF_O(`confMAX_MESSAGE_SIZE', `MaxMessageSize')dnl
_CF_OD(`confBLANK_SUB', `BlankSub', `.')dnl
_CF_OD(`confCON_EXPENSIVE', `HoldExpensive', `False')dnl
_CF_O(`confCHECKPOINT_INTERVAL', `CheckpointInterval')dnl
_CF_OD(`confDELIVERY_MODE', `DeliveryMode', `background')dnl
_CF_O(`confERROR_MODE', `ErrorMode')dnl
_CF_O(`confERROR_MESSAGE', `ErrorHeader')dnl
_CF_O(`confSAVE_FROM_LINES', `SaveFromLine')dnl
_CF_OD(`confTEMP_FILE_MODE', `TempFileMode', `0600')dnl
_CF_O(`confMATCH_GECOS', `MatchGECOS')dnl
_CF_O(`confMAX_HOP', `MaxHopCount')dnl
_CF_O(`confIGNORE_DOTS', `IgnoreDots')dnl
_CF_O(`confBIND_OPTS', `ResolverOptions')dnl
_CF_OD(`confMIME_FORMAT_ERRORS', `SendMimeErrors', `True')dnl
ifdef(`_CF_NOLOCAL_', `O ForwardPath
', `_CF_OD(`confFORWARD_PATH', `ForwardPath', `$z/.forward.$w:$z/.forward')')dnl
_CF_OD(`confMCI_CACHE_SIZE', `ConnectionCacheSize', `2')dnl
_CF_OD(`confMCI_CACHE_TIMEOUT', `ConnectionCacheTimeout', `5m')dnl
_CF_O(`confHOST_STATUS_DIRECTORY', `HostStatusDirectory')dnl
_CF_O(`confSINGLE_THREAD_DELIVERY', `SingleThreadDelivery')dnl
_CF_O(`confUSE_COMPRESSED_IPV6_ADDRESSES', `UseCompressedIPv6Addresses')dnl
_CF_OD(`confUSE_ERRORS_TO', `UseErrorsTo', `False')dnl
_CF_OD(`confLOG_LEVEL', `LogLevel', `9')dnl
_CF_O(`confME_TOO', `MeToo')dnl
_CF_OD(`confCHECK_ALIASES', `CheckAliases', `False')dnl
_CF_OD(`confOLD_STYLE_HEADERS', `OldStyleHeaders', `True')dnl
_CF_OD(`confPRIVACY_FLAGS', `PrivacyOptions', `authwarnings')dnl
_CF_O(`confCOPY_ERRORS_TO', `PostmasterCopy')dnl
_CF_O(`confQUEUE_FACTOR', `QueueFactor')dnl
_CF_O(`confQUEUE_FILE_MODE', `QueueFileMode')dnl
_CF_O(`confDONT_PRUNE_ROUTES', `DontPruneRoutes')dnl
_CF_OD(`confSAFE_QUEUE', `SuperSafe', `True')dnl
_CF_O(`confTO_INITIAL', `Timeout.initial')dnl
_CF_O(`confTO_CONNECT', `Timeout.connect')dnl
_CF_O(`confTO_ICONNECT', `Timeout.iconnect')dnl
_CF_O(`confTO_ACONNECT', `Timeout.aconnect')dnl
_CF_O(`confTO_HELO', `Timeout.helo')dnl
_CF_O(`confTO_MAIL', `Timeout.mail')dnl
_CF_O(`confTO_RCPT', `Timeout.rcpt')dnl
_CF_O(`confTO_DATAINIT', `Timeout.datainit')dnl
_CF_O(`confTO_DATABLOCK', `Timeout.datablock')dnl
_CF_O(`confTO_DATAFINAL', `Timeout.datafinal')dnl
_CF_O(`confTO_RSET', `Timeout.rset')dnl
_CF_O(`confTO_QUIT', `Timeout.quit')dnl
_CF_O(`confTO_MISC', `Timeout.misc')dnl
_CF_O(`confTO_COMMAND', `Timeout.command')dnl
_CF_O(`confTO_IDENT', `Timeout.ident')dnl
_CF_O(`confTO_FILEOPEN', `Timeout.fileopen')dnl
_CF_O(`confTO_LHLO', `Timeout.lhlo')dnl
_CF_O(`confTO_AUTH', `Timeout.auth')dnl
_CF_O(`confTO_STARTTLS', `Timeout.starttls')dnl
_CF_O(`confTO_CONTROL', `Timeout.control')dnl
_CF_OD(`confTO_QUEUERETURN', `Timeout.queuereturn', `5d')dnl
_CF_O(`confTO_QUEUERETURN_NORMAL', `Timeout.queuereturn.normal')dnl
_CF_O(`confTO_QUEUERETURN_URGENT', `Timeout.queuereturn.urgent')dnl
_CF_O(`confTO_QUEUERETURN_NONURGENT', `Timeout.queuereturn.non-urgent')dnl
_CF_O(`confTO_QUEUERETURN_DSN', `Timeout.queuereturn.dsn')dnl
_CF_OD(`confTO_QUEUEWARN', `Timeout.queuewarn', `4h')dnl
_CF_O(`confTO_QUEUEWARN_NORMAL', `Timeout.queuewarn.normal')dnl
_CF_O(`confTO_QUEUEWARN_URGENT', `Timeout.queuewarn.urgent')dnl
_CF_O(`confTO_QUEUEWARN_NONURGENT', `Timeout.queuewarn.non-urgent')dnl
_CF_O(`confTO_QUEUEWARN_DSN', `Timeout.queuewarn.dsn')dnl
_CF_O(`confTO_HOSTSTATUS', `Timeout.hoststatus')dnl
_CF_O(`confTO_RESOLVER_RETRANS', `Timeout.resolver.retrans')dnl
_CF_O(`confTO_RESOLVER_RETRANS_FIRST', `Timeout.resolver.retrans.first')dnl
_CF_O(`confTO_RESOLVER_RETRANS_NORMAL', `Timeout.resolver.retrans.normal')dnl
_CF_O(`confTO_RESOLVER_RETRY', `Timeout.resolver.retry')dnl
_CF_O(`confTO_RESOLVER_RETRY_FIRST', `Timeout.resolver.retry.first')dnl
_CF_O(`confTO_RESOLVER_RETRY_NORMAL', `Timeout.resolver.retry.normal')dnl
ifdef(`confTIME_ZONE', `ifelse(confTIME_ZONE, `USE_TZ', `O TimeZoneSpec=
', confTIME_ZONE, `USE_SYSTEM', `', `O TimeZoneSpec=`'confTIME_ZONE
')')dnl
_CF_O(`confDEF_USER_ID', `DefaultUser')dnl
_CF_O(`confUSERDB_SPEC', `UserDatabaseSpec')dnl
_CF_O(`confFALLBACK_MX', `FallbackMXhost')dnl
_CF_O(`confFALLBACK_SMARTHOST', `FallbackSmartHost')dnl
_CF_O(`confTLS_FALLBACK_TO_CLEAR', `TLSFallbacktoClear')dnl
_CF_O(`confTRY_NULL_MX_LIST', `TryNullMXList')dnl
_CF_O(`confQUEUE_LA', `QueueLA')dnl
_CF_O(`confREFUSE_LA', `RefuseLA')dnl
_CF_O(`confREJECT_LOG_INTERVAL', `RejectLogInterval')dnl
_CF_O(`confDELAY_LA', `DelayLA')dnl
_CF_O(`confMAX_ALIAS_RECURSION', `MaxAliasRecursion')dnl
_CF_O(`confMAX_DAEMON_CHILDREN', `MaxDaemonChildren')dnl
_CF_O(`confMAX_HEADERS_LENGTH', `MaxHeadersLength')dnl
_CF_O(`confMAX_MIME_HEADER_LENGTH', `MaxMimeHeaderLength')dnl
_CF_O(`confCONNECTION_RATE_THROTTLE', `ConnectionRateThrottle')dnl
_CF_O(`confCONNECTION_RATE_WINDOW_SIZE', `ConnectionRateWindowSize')dnl
_CF_O(`confWORK_RECIPIENT_FACTOR', `RecipientFactor')dnl
_CF_O(`confSEPARATE_PROC', `ForkEachJob')dnl
_CF_O(`confWORK_CLASS_FACTOR', `ClassFactor')dnl
_CF_O(`confWORK_TIME_FACTOR', `RetryFactor')dnl
_CF_O(`confQUEUE_SORT_ORDER', `QueueSortOrder')dnl
_CF_O(`confMAX_QUEUE_AGE', `MaxQueueAge')dnl
_CF_O(`confMIN_QUEUE_AGE', `MinQueueAge')dnl
_CF_O(`confDEF_CHAR_SET', `DefaultCharSet')dnl
_CF_O(`confSERVICE_SWITCH_FILE', `ServiceSwitchFile')dnl
_CF_O(`confHOSTS_FILE', `HostsFile')dnl
_CF_O(`confDIAL_DELAY', `DialDelay')dnl
_CF_O(`confNO_RCPT_ACTION', `NoRecipientAction')dnl
_CF_O(`confSAFE_FILE_ENV', `SafeFileEnvironment')dnl
_CF_O(`confCOLON_OK_IN_ADDR', `ColonOkInAddr')dnl
_CF_O(`confMAX_QUEUE_RUN_SIZE', `MaxQueueRunSize')dnl
_CF_O(`confMAX_QUEUE_CHILDREN', `MaxQueueChildren')dnl
_CF_O(`confMAX_RUNNERS_PER_QUEUE', `MaxRunnersPerQueue')dnl
_CF_O(`confDONT_EXPAND_CNAMES', `DontExpandCnames')dnl
_CF_OD(`confFROM_LINE', `UnixFromLine', `From $g $d')dnl
_CF_O(`confSINGLE_LINE_FROM_HEADER', `SingleLineFromHeader')dnl
_CF_O(`confALLOW_BOGUS_HELO', `AllowBogusHELO')dnl
_CF_O(`confMUST_QUOTE_CHARS', `MustQuoteChars')dnl
_CF_OD(`confOPERATORS', `OperatorChars', `.:%@!^/[]+')dnl
_CF_OD(`confSMTP_LOGIN_MSG', `SmtpGreetingMessage', `$j Sendmail $v/$Z; $b')dnl
_CF_O(`confDONT_INIT_GROUPS', `DontInitGroups')dnl
_CF_O(`confUNSAFE_GROUP_WRITES', `UnsafeGroupWrites')dnl
_CF_O(`confCONNECT_ONLY_TO', `ConnectOnlyTo')dnl
_CF_O(`confCONTROL_SOCKET_NAME', `ControlSocketName')dnl
_CF_O(`confDOUBLE_BOUNCE_ADDRESS', `DoubleBounceAddress')dnl
_CF_O(`confSOFT_BOUNCE', `SoftBounce')dnl
_CF_O(`confDEAD_LETTER_DROP', `DeadLetterDrop')dnl
_CF_O(`confRRT_IMPLIES_DSN', `RrtImpliesDsn')dnl
_CF_O(`confRUN_AS_USER', `RunAsUser')dnl
_CF_O(`confMAX_RCPTS_PER_MESSAGE', `MaxRecipientsPerMessage')dnl
_CF_O(`confBAD_RCPT_THROTTLE', `BadRcptThrottle')dnl
_CF_O(`confDONT_PROBE_INTERFACES', `DontProbeInterfaces')dnl
_CF_O(`confPID_FILE', `PidFile')dnl
_CF_O(`confPROCESS_TITLE_PREFIX', `ProcessTitlePrefix')dnl
_CF_O(`confDONT_BLAME_SENDMAIL', `DontBlameSendmail')dnl
_CF_O(`confDF_BUFFER_SIZE', `DataFileBufferSize')dnl
_CF_O(`confXF_BUFFER_SIZE', `XScriptFileBufferSize')dnl
_CF_O(`confAUTH_MECHANISMS', `AuthMechanisms')dnl
_CF_O(`confAUTH_REALM', `AuthRealm')dnl
_CF_O(`confDEF_AUTH_INFO', `DefaultAuthInfo')dnl
_CF_O(`confAUTH_OPTIONS', `AuthOptions')dnl
_CF_O(`confAUTH_MAX_BITS', `AuthMaxBits')dnl
_CF_O(`confTLS_SRV_OPTIONS', `TLSSrvOptions')dnl
_CF_O(`confSERVER_SSL_OPTIONS', `ServerSSLOptions')dnl
_CF_O(`confCLIENT_SSL_OPTIONS', `ClientSSLOptions')dnl
_CF_O(`confCIPHER_LIST', `CipherList')dnl
_CF_O(`confLDAP_DEFAULT_SPEC', `LDAPDefaultSpec')dnl
_CF_O(`confCACERT_PATH', `CACertPath')dnl
_CF_O(`confCACERT', `CACertFile')dnl
_CF_O(`confSERVER_CERT', `ServerCertFile')dnl
_CF_O(`confSERVER_KEY', `ServerKeyFile')dnl
_CF_O(`confCLIENT_CERT', `ClientCertFile')dnl
_CF_O(`confCLIENT_KEY', `ClientKeyFile')dnl
_CF_O(`confCRL', `CRLFile')dnl
_CF_O(`confCRL_PATH', `CRLPath')dnl
_CF_O(`confDH_PARAMETERS', `DHParameters')dnl
_CF_O(`confDANE', `DANE')dnl
_CF_O(`confRAND_FILE', `RandFile')dnl
_CF_O(`confCERT_FINGERPRINT_ALGORITHM', `CertFingerprintAlgorithm')dnl
_CF_O(`confSSL_ENGINE', `SSLEngine')dnl
_CF_O(`confSSL_ENGINE_PATH', `SSLEnginePath')dnl
_CF_O(`confNICE_QUEUE_RUN', `NiceQueueRun')dnl
_CF_O(`confDIRECT_SUBMISSION_MODIFIERS', `DirectSubmissionModifiers')dnl
_CF_O(`confUSE_MSP', `UseMSP')dnl
_CF_O(`confDELIVER_BY_MIN', `DeliverByMin')dnl
_CF_O(`confREQUIRES_DIR_FSYNC', `RequiresDirfsync')dnl
_CF_O(`confSHARED_MEMORY_KEY', `SharedMemoryKey')dnl
_CF_O(`confSHARED_MEMORY_KEY_FILE', `SharedMemoryKeyFile')dnl
_CF_O(`confFAST_SPLIT', `FastSplit')dnl
_CF_O(`confMAILBOX_DATABASE', `MailboxDatabase')dnl
_CF_O(`confMAX_NOOP_COMMANDS', `MaxNOOPCommands')dnl
_CF_O(`confHELO_NAME', `HeloName')dnl
_CF_O(`confMILTER_LOG_LEVEL', `Milter.LogLevel')dnl
ifdef(`_CF_FILTERS_', `dnl
_CF_OD(`confMILTER_MACROS_CONNECT', `Milter.macros.connect', `j, _, {daemon_name}, {if_name}, {if_addr}')dnl
_CF_OD(`confMILTER_MACROS_HELO', `Milter.macros.helo', `{tls_version}, {cipher}, {cipher_bits}, {cert_subject}, {cert_issuer}')dnl
_CF_OD(`confMILTER_MACROS_ENVFROM', `Milter.macros.envfrom', `i, {auth_type}, {auth_authen}, {auth_ssf}, {auth_author}, {mail_mailer}, {mail_host}, {mail_addr}')dnl
_CF_OD(`confMILTER_MACROS_ENVRCPT', `Milter.macros.envrcpt', `{rcpt_mailer}, {rcpt_host}, {rcpt_addr}')dnl
_CF_OD(`confMILTER_MACROS_EOM', `Milter.macros.eom', `{msg_id}')dnl
', `dnl
_CF_O(`confMILTER_MACROS_CONNECT', `Milter.macros.connect')dnl
_CF_O(`confMILTER_MACROS_HELO', `Milter.macros.helo')dnl
_CF_O(`confMILTER_MACROS_ENVFROM', `Milter.macros.envfrom')dnl
_CF_O(`confMILTER_MACROS_ENVRCPT', `Milter.macros.envrcpt')dnl
_CF_O(`confMILTER_MACROS_EOM', `Milter.macros.eom')dnl
')dnl
_CF_O(`confMILTER_MACROS_EOH', `Milter.macros.eoh')dnl
_CF_O(`confMILTER_MACROS_DATA', `Milter.macros.data')dnl
_CF_O(`confREJECT_NUL', `RejectNUL')dnl
_CF_O(`confSTRICT_TRANSPORT_SECURITY', `StrictTransportSecurity')dnl
_CF_O(`confAUTH_SSF', `AuthSSF')dnl
')
divert(0)dnl
