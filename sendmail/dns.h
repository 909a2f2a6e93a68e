/*
 * dns.h: our own DNS stub resolver (no libresolv state): reads
 * /etc/resolv.conf, sends queries over UDP (TCP when the answer is
 * truncated or when asked to), applies the search list the way the C
 * library's res_search does, and parses answers with bounds checks on
 * every byte.  Time is bounded as with the C library's resolver: a query
 * waits at most tries x (retrans for each server), and a lookup sends a
 * bounded number of queries (search list, record types, CNAME chain).
 */
#ifndef DNS_H
#define DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* record types we know by name */
enum {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6, DNS_T_PTR = 12,
	DNS_T_MX = 15, DNS_T_TXT = 16, DNS_T_AFSDB = 18, DNS_T_AAAA = 28, DNS_T_SRV = 33,
};
#define DNS_C_IN 1

/* the outcome of a failed query, as h_errno would say it */
enum dns_status {
	DNS_OK = 0,
	DNS_NOTFOUND = 1,   /* NXDOMAIN */
	DNS_TRYAGAIN = 2,   /* no answer, server failure, refused */
	DNS_NORECOVERY = 3, /* FORMERR, bad name, unusable answer */
	DNS_NODATA = 4,     /* the name exists but has no record of the type */
};

/*
 * What the C library's h_errno would say after the lookups made so far
 * (0 or a dns_status): a failed query sets it, a successful one leaves
 * it alone; dns_search() starts by setting DNS_NOTFOUND and ends with the
 * aggregated failure.  sendmail reads this leftover state in places (the
 * host map's status for a bracketed key that is no address), so we keep
 * it the same way.
 */
extern int dns_h_errno;
/*
 * How the last failed query failed: no name server answered at all
 * (dns_unreachable), and moreover none was even waited for, they all
 * refused (dns_refused: the C library's ECONNREFUSED, else ETIMEDOUT).
 */
extern bool dns_unreachable;
extern bool dns_refused;

/* resolver flags (the RES_ options sendmail lets ResolverOptions change) */
#define DNSF_DEBUG 0x0001u
#define DNSF_AAONLY 0x0002u
#define DNSF_USEVC 0x0004u    /* always TCP */
#define DNSF_PRIMARY 0x0008u
#define DNSF_IGNTC 0x0010u    /* do not retry truncated answers over TCP */
#define DNSF_RECURSE 0x0020u  /* set RD */
#define DNSF_DEFNAMES 0x0040u /* dotless names get the default domain */
#define DNSF_STAYOPEN 0x0080u
#define DNSF_DNSRCH 0x0100u   /* apply the search list */
#define DNSF_INET6 0x0200u
#define DNSF_NOTLDQUERY 0x0400u /* never ask for a dotless name as is */
#define DNSF_EDNS0 0x0800u
#define DNSF_DNSSEC 0x1000u
#define DNSF_DEFAULT (DNSF_RECURSE | DNSF_DEFNAMES | DNSF_DNSRCH)

#define DNS_MAXNS 3
#define DNS_MAXSEARCH 6
#define DNS_MAXNAME 1025   /* text form of a name, with escapes, plus NUL */
#define DNS_PACKETSZ 512
#define DNS_MAXPACKET 65536

/* what /etc/resolv.conf says (not LOCALDOMAIN, RES_OPTIONS: see dns.c) */
struct dns_config {
	int nns;
	char search[DNS_MAXSEARCH][256];
	int nsearch;
	int ndots;
	int timeout;     /* seconds per try, 0 if not configured */
	int attempts;    /* 0 if not configured */
	unsigned flags;  /* DNSF_ bits from "options" */
};

/* how one query is sent */
struct dns_params {
	unsigned flags; /* DNSF_ bits */
	int retrans;    /* milliseconds to wait for one try */
	int tries;      /* sends per server */
};

/* The configuration (read on first use, re-read when the file changes). */
const struct dns_config *dns_get_config(void);
/* Forgets the configuration (tests, or after the file was replaced). */
void dns_reset(void);

/*
 * Sends one query for name (a trailing dot is ignored) and puts the
 * answer into ans (at most anssize bytes; longer answers are cut).
 * Returns the answer length when it has at least one answer record,
 * else -1 with *status set.
 */
int dns_query(const char *name, int type, const struct dns_params *p, unsigned char *ans,
	      size_t anssize, int *status);
/* As dns_query for "name.domain" (domain NULL: name as it is, a trailing dot included). */
int dns_querydomain(const char *name, const char *domain, int type, const struct dns_params *p,
		    unsigned char *ans, size_t anssize, int *status);
/*
 * As dns_query, trying the names of the search list in the order the C
 * library's res_search does (governed by ndots, DNSF_DNSRCH and
 * DNSF_DEFNAMES); *status is the aggregated failure.
 */
int dns_search(const char *name, int type, const struct dns_params *p, unsigned char *ans,
	       size_t anssize, int *status);

/* A parsed answer: the header, then the answer records one by one. */
struct dns_msg {
	const unsigned char *buf;
	size_t len;
	unsigned id, flags, qdcount, ancount;
	size_t pos;       /* next answer record */
	unsigned left;    /* answer records not yet read */
};

struct dns_rr {
	char owner[DNS_MAXNAME];
	int type, cls;
	uint32_t ttl;
	size_t rdoff;     /* offset of the RDATA in the message */
	size_t rdlen;
};

/* Checks the header and skips the question; false if malformed. */
bool dns_msg_init(struct dns_msg *m, const unsigned char *buf, size_t len);
/* The next answer record: 1, 0 when there are no more, -1 if malformed. */
int dns_msg_next(struct dns_msg *m, struct dns_rr *rr);
/*
 * Expands the (possibly compressed) name at off into text (escaping as
 * the C library does); returns the bytes it occupies at off, or -1.
 */
int dns_expand(const unsigned char *msg, size_t len, size_t off, char *out, size_t outsize);
/* the longest text dns_answer_join builds */
#define DNS_JOINED_MAX 627

struct sm_buf;
/*
 * The records of type in an answer as text, as the dns map returns them:
 * addresses (IPv6 with an "IPv6:" prefix, in full unless compress6), the
 * first string of TXT records, names for the others.  With delim >= 0
 * every record is appended, separated by delim, until limit+1 values
 * (limit > 1) or DNS_JOINED_MAX (then delim and "..." end the text);
 * else only the first.  An answer with any unreadable record gives
 * nothing.  Returns the number of values.
 */
int dns_answer_join(const unsigned char *msg, size_t len, int type, int delim, int limit,
		    bool compress6, struct sm_buf *out);
/* Reads resolver configuration from path instead of /etc/resolv.conf (tests). */
void dns_set_resolv_conf(const char *path);
/* The name of a record type (A, MX ...) or its number; 0 if unknown. */
int dns_type_from_name(const char *name);

#endif
