/*
 * safefile.h: sendmail's checks that a file and the directories above it
 * cannot be changed by someone other than their owner.
 */
#ifndef SAFEFILE_H
#define SAFEFILE_H

#include <sys/stat.h>

/* error codes beyond errno's range, with sendmail's wording */
enum {
	E_SM_BASE = 1000,
	E_SM_OPENTIMEOUT = E_SM_BASE + 1,
	E_SM_NOSLINK,
	E_SM_NOHLINK,
	E_SM_REGONLY,
	E_SM_ISEXEC,
	E_SM_WWDIR,
	E_SM_GWDIR,
	E_SM_FILECHANGE,
	E_SM_WWFILE,
	E_SM_GWFILE,
	E_SM_GRFILE,
	E_SM_WRFILE,
	E_SM_LAST,
};

#define SFF_REGONLY 0x0001u   /* regular files only */
#define SFF_NOGWFILES 0x0002u /* refuse group-writable files */
#define SFF_NOWWFILES 0x0004u /* refuse world-writable files */
#define SFF_CLASSFILE 0x0008u /* a class file (F line) */
#define SFF_MAPFILE 0x0010u   /* a map file */
#define SFF_CREAT 0x0020u     /* the file may not exist yet */
#define SFF_NOSLINK 0x0040u   /* refuse a symbolic link (the link itself is looked at) */
#define SFF_NOHLINK 0x0080u   /* refuse a file with more than one link (so a directory too) */

/* Returns 0 if fn may be used, else an errno or E_SM_* value. */
int safefile_check(const char *fn, unsigned flags, int mode, struct stat *st);
/* The directory part of a path only. */
int safedirpath(const char *fn, unsigned flags);
/* strerror() that knows the E_SM_* codes. */
const char *sm_errstring(int err);

#endif
