/*
 * options.h: the O lines (and -o/-O on the command line).
 *
 * Every option sendmail 8.17 knows is recognised and its value kept as
 * text (opt_value); the options that already have an effect also set typed
 * globals (DontBlameSendmail flags, the blank substitution character ...).
 * Names may be abbreviated as long as the abbreviation is unique.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define OPTION_LIST(X) \
	X(SevenBitInput, '7') X(EightBitMode, '8') X(AliasFile, 'A') X(AliasWait, 'a') \
	X(BlankSub, 'B') X(MinFreeBlocks, 'b') X(CheckpointInterval, 'C') \
	X(HoldExpensive, 'c') X(DeliveryMode, 'd') X(ErrorHeader, 'E') X(ErrorMode, 'e') \
	X(TempFileMode, 'F') X(SaveFromLine, 'f') X(MatchGECOS, 'G') X(HelpFile, 'H') \
	X(MaxHopCount, 'h') X(ResolverOptions, 'I') X(IgnoreDots, 'i') X(ForwardPath, 'J') \
	X(SendMimeErrors, 'j') X(ConnectionCacheSize, 'k') X(ConnectionCacheTimeout, 'K') \
	X(UseErrorsTo, 'l') X(LogLevel, 'L') X(MeToo, 'm') X(CheckAliases, 'n') \
	X(OldStyleHeaders, 'o') X(DaemonPortOptions, 'O') X(PrivacyOptions, 'p') \
	X(PostmasterCopy, 'P') X(QueueFactor, 'q') X(QueueDirectory, 'Q') \
	X(DontPruneRoutes, 'R') X(StatusFile, 'S') X(SuperSafe, 's') X(QueueTimeout, 'T') \
	X(TimeZoneSpec, 't') X(UserDatabaseSpec, 'U') X(DefaultUser, 'u') \
	X(FallbackMXhost, 'V') X(Verbose, 'v') X(TryNullMXList, 'w') X(QueueLA, 'x') \
	X(RefuseLA, 'X') X(RecipientFactor, 'y') X(ForkEachJob, 'Y') X(ClassFactor, 'z') \
	X(RetryFactor, 'Z') X(QueueSortOrder, 0) X(HostsFile, 0) X(MinQueueAge, 0) \
	X(DefaultCharSet, 0) X(ServiceSwitchFile, 0) X(DialDelay, 0) \
	X(NoRecipientAction, 0) X(SafeFileEnvironment, 0) X(MaxMessageSize, 0) \
	X(ColonOkInAddr, 0) X(MaxQueueRunSize, 0) X(MaxDaemonChildren, 0) \
	X(DontExpandCnames, 0) X(MustQuoteChars, 0) X(SmtpGreetingMessage, 0) \
	X(UnixFromLine, 0) X(OperatorChars, 0) X(DontInitGroups, 0) \
	X(SingleLineFromHeader, 0) X(AllowBogusHELO, 0) X(ConnectionRateThrottle, 0) \
	X(UnsafeGroupWrites, 0) X(DoubleBounceAddress, 0) X(HostStatusDirectory, 0) \
	X(SingleThreadDelivery, 0) X(RunAsUser, 0) X(RrtImpliesDsn, 0) X(PidFile, 0) \
	X(DontBlameSendmail, 0) X(DontProbeInterfaces, 0) X(MaxRecipientsPerMessage, 0) \
	X(DeadLetterDrop, 0) X(MaxAliasRecursion, 0) X(ConnectOnlyTo, 0) X(TrustedUser, 0) \
	X(MaxMimeHeaderLength, 0) X(ControlSocketName, 0) X(MaxHeadersLength, 0) \
	X(ProcessTitlePrefix, 0) X(DefaultAuthInfo, 0) X(AuthMechanisms, 0) \
	X(ClientPortOptions, 0) X(DataFileBufferSize, 0) X(XscriptFileBufferSize, 0) \
	X(ServerCertFile, 0) X(ServerKeyFile, 0) X(ClientCertFile, 0) X(ClientKeyFile, 0) \
	X(CACertFile, 0) X(CACertPath, 0) X(DHParameters, 0) X(InputMailFilters, 0) \
	X(AuthOptions, 0) X(QueueFileMode, 0) X(CertFingerprintAlgorithm, 0) \
	X(CipherList, 0) X(RandFile, 0) X(TLSSrvOptions, 0) X(BadRcptThrottle, 0) \
	X(DeliverByMin, 0) X(MaxQueueChildren, 0) X(MaxRunnersPerQueue, 0) \
	X(DirectSubmissionModifiers, 0) X(NiceQueueRun, 0) X(SharedMemoryKey, 0) \
	X(AuthMaxBits, 0) X(MailboxDatabase, 0) X(UseMSP, 0) X(DelayLA, 0) X(FastSplit, 0) \
	X(SoftBounce, 0) X(SharedMemoryKeyFile, 0) X(RejectLogInterval, 0) \
	X(RequiresDirfsync, 0) X(ConnectionRateWindowSize, 0) X(CRLFile, 0) \
	X(FallbackSmartHost, 0) X(AuthRealm, 0) X(CRLPath, 0) X(HeloName, 0) \
	X(MaxNOOPCommands, 0) X(BadRcptShutdown, 0) X(BadRcptShutdownGood, 0) \
	X(ServerSSLOptions, 0) X(ClientSSLOptions, 0) X(MaxQueueAge, 0) X(RejectNUL, 0) \
	X(UseCompressedIPv6Addresses, 0) X(SSLEngine, 0) X(SSLEnginePath, 0) \
	X(TLSFallbacktoClear, 0) X(SetCertAltnames, 0) X(SmtpUTF8, 0) \
	X(StrictTransportSecurity, 0) X(CipherSuites, 0) X(Timeout, 'r') X(Milter, 0)

enum option_id {
#define OPTION_ENUM(name, c) OPT_##name,
	OPTION_LIST(OPTION_ENUM)
#undef OPTION_ENUM
	OPT_COUNT
};

/*
 * Sets an option from the text after "O" on a configuration line (" Name=value"
 * or "xvalue").  fromcf is true when it comes from sendmail.cf.
 */
void option_line(const char *text, bool fromcf);
/* Sets an option by name (long or one letter) and value. */
void option_set(const char *name, const char *value, bool fromcf);
/*
 * A command-line option (the text option_line() takes) that a caller who
 * is not root may give without losing the install's set-group-id.
 */
bool option_is_safe(const char *text);
/* The value as given, or NULL when the option was never set.
 * PrivacyOptions: every setting's words, comma-separated (they add up). */
const char *opt_value(enum option_id id);
/* PrivacyOptions: word is set, or goaway is and stands for word. */
bool opt_privacy(const char *word);
/* PrivacyOptions: word itself is set (goaway does not count). */
bool opt_privacy_word(const char *word);
/* Every DaemonPortOptions value given, in order (each is one listener);
 * *n is 0 when there was none.  Owned by the options module. */
const char *const *opt_daemon_ports(size_t *n);
/* Is v a DeliveryMode value sendmail knows (its first letter; "" too)? */
bool opt_delivery_mode_valid(const char *v);
/* The value of Timeout.<name>, or NULL. */
const char *opt_timeout(const char *name);
void options_free(void);
/*
 * After the cf and the command line: reports what could only be judged
 * then (an unknown RunAsUser user or group); false when there was such
 * an error (8.17 stops: exit 70).
 */
bool options_check_final(void);

/* DontBlameSendmail flags that the safe-file checks consult. */
enum dbs_flag {
	DBS_SAFE, DBS_ASSUMESAFECHOWN, DBS_GROUPWRITABLEDIRPATHSAFE,
	DBS_GROUPWRITABLEFORWARDFILESAFE, DBS_GROUPWRITABLEINCLUDEFILESAFE,
	DBS_GROUPWRITABLEALIASFILE, DBS_WORLDWRITABLEALIASFILE, DBS_FORWARDFILEINUNSAFEDIRPATH,
	DBS_INCLUDEFILEINUNSAFEDIRPATH, DBS_MAPINUNSAFEDIRPATH, DBS_LINKEDALIASFILEINWRITABLEDIR,
	DBS_LINKEDCLASSFILEINWRITABLEDIR, DBS_LINKEDMAPINWRITABLEDIR, DBS_FILEDELIVERYTOHARDLINK,
	DBS_FILEDELIVERYTOSYMLINK, DBS_WRITEMAPTOHARDLINK, DBS_WRITEMAPTOSYMLINK,
	DBS_WRITESTATSTOHARDLINK, DBS_WRITESTATSTOSYMLINK, DBS_CLASSFILEINUNSAFEDIRPATH,
	DBS_ERRORHEADERINUNSAFEDIRPATH, DBS_HELPFILEINUNSAFEDIRPATH, DBS_RUNPROGRAMINUNSAFEDIRPATH,
	DBS_RUNWRITABLEPROGRAM, DBS_NONROOTSAFEADDR, DBS_TRUSTSTICKYBIT, DBS_INSUFFICIENTENTROPY,
	DBS_GROUPREADABLESASLDBFILE, DBS_GROUPWRITABLESASLDBFILE, DBS_GROUPWRITABLEFORWARDFILE,
	DBS_GROUPWRITABLEINCLUDEFILE, DBS_WORLDWRITABLEFORWARDFILE, DBS_WORLDWRITABLEINCLUDEFILE,
	DBS_GROUPREADABLEKEYFILE, DBS_FORWARDFILEINGROUPWRITABLEDIRPATH,
	DBS_INCLUDEFILEINGROUPWRITABLEDIRPATH, DBS_LINKEDFORWARDFILEINWRITABLEDIR,
	DBS_LINKEDINCLUDEFILEINWRITABLEDIR, DBS_LINKEDSERVICESWITCHFILEINWRITABLEDIR,
	DBS_DONTWARNFORWARDFILEINUNSAFEDIRPATH, DBS_FORWARDFILEINUNSAFEDIRPATHSAFE,
	DBS_INCLUDEFILEINUNSAFEDIRPATHSAFE, DBS_GROUPREADABLEDEFAULTAUTHINFOFILE,
	DBS_CERTOWNER, DBS_COUNT
};
extern bool DontBlame[DBS_COUNT];

#endif
