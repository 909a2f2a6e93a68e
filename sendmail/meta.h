/*
 * meta.h: the internal byte codes of sendmail.cf's "$" operators.
 *
 * When a configuration line is read, every "$x" operator becomes one byte in
 * the range 0x81-0x9e, the same values sendmail uses internally, so that text
 * coming back from maps or macros behaves the same in both programs and so
 * that addresses carrying bytes of that range can be refused as sendmail
 * refuses them.  Bytes 0xa0-0xff are ordinary 8-bit characters.
 */
#ifndef META_H
#define META_H

#include <stdbool.h>
#include <stddef.h>

#define META_MACRO 0x81       /* $x: expand macro now */
#define META_DMACRO 0x82      /* $&x: expand macro when the rule runs */
#define META_QUOTE 0x83       /* quotes the next byte */
#define META_LOOKUPBEGIN 0x85 /* $( */
#define META_LOOKUPEND 0x86   /* $) */
#define META_MATCHZANY 0x90   /* $* */
#define META_MATCHANY 0x91    /* $+ */
#define META_MATCHONE 0x92    /* $- */
#define META_MATCHCLASS 0x93  /* $= */
#define META_MATCHNCLASS 0x94 /* $~ */
#define META_MATCHREPL 0x95   /* $1 .. $9 */
#define META_CANONNET 0x96    /* $# */
#define META_CANONHOST 0x97   /* $@ */
#define META_CANONUSER 0x98   /* $: */
#define META_CALLSUBR 0x99    /* $> */
#define META_CONDIF 0x9a      /* $? */
#define META_CONDELSE 0x9b    /* $| */
#define META_CONDFI 0x9c      /* $. */
#define META_HOSTBEGIN 0x9d   /* $[ */
#define META_HOSTEND 0x9e     /* $] */

/* The external letter of a meta byte ("$" + letter), or 0 if not one. */
int meta_letter(int c);
/* The meta byte of "$" + letter, or 0 when the letter is no operator. */
int meta_from_letter(int letter);
/* True for the bytes sendmail reserves for operators (0x80-0x9f). */
static inline int meta_reserved(int c)
{
	return (c & 0xe0) == 0x80;
}

/* True when the token tok is the operator byte code alone. */
static inline bool meta_token_is(const char *tok, int code)
{
	return tok != NULL && (unsigned char)tok[0] == code && tok[1] == '\0';
}

#endif
