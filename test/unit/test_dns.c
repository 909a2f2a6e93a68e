/*
 * test_dns.c: the DNS answer parser and the resolver configuration of
 * our stub resolver (sendmail/dns.c), and getmxrr's MX parser.
 *
 * Packets are built by hand here, well formed and broken: names with
 * compression pointers (loops, forward pointers, pointers past the end),
 * labels with bytes that must be escaped, records that run past the end
 * of the packet.  The dns map's values (dns_answer_join) are checked as
 * sendmail 8.17 gives them (t_resolve compares the same cases with the
 * real sendmail through a name server).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class.h"
#include "dns.h"
#include "resolve.h"
#include "sm.h"
#include "unit.h"

/* ------------------------------------------------------ packet builder */

struct pkt {
	unsigned char b[70000];
	size_t n;
};

static void put8(struct pkt *p, unsigned v)
{
	p->b[p->n++] = (unsigned char)v;
}

static void put16(struct pkt *p, unsigned v)
{
	put8(p, v >> 8);
	put8(p, v & 0xff);
}

static void put32(struct pkt *p, unsigned long v)
{
	put16(p, (unsigned)(v >> 16));
	put16(p, (unsigned)(v & 0xffff));
}

static void putbytes(struct pkt *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

/* A name in wire form from "a.b.c" (no compression; "" is the root). */
static void putname(struct pkt *p, const char *name)
{
	while (*name != '\0') {
		const char *dot = strchr(name, '.');
		size_t l = dot != NULL ? (size_t)(dot - name) : strlen(name);
		put8(p, (unsigned)l);
		putbytes(p, name, l);
		name += l;
		if (*name == '.')
			name++;
	}
	put8(p, 0);
}

/* Header and one question (qname at offset 12), ancount answers to follow. */
static void start(struct pkt *p, const char *qname, unsigned qtype, unsigned ancount)
{
	p->n = 0;
	put16(p, 0x1234);
	put16(p, 0x8580);
	put16(p, 1);
	put16(p, ancount);
	put16(p, 0);
	put16(p, 0);
	putname(p, qname);
	put16(p, qtype);
	put16(p, 1);
}

/* A record header with the owner as a pointer to the question name. */
static void rrhead(struct pkt *p, unsigned type, unsigned rdlen)
{
	put16(p, 0xC00C);
	put16(p, type);
	put16(p, 1);
	put32(p, 300);
	put16(p, rdlen);
}

static void rr_a(struct pkt *p, unsigned a, unsigned b, unsigned c, unsigned d)
{
	rrhead(p, DNS_T_A, 4);
	put8(p, a);
	put8(p, b);
	put8(p, c);
	put8(p, d);
}

static void rr_aaaa(struct pkt *p, const unsigned char a[16])
{
	rrhead(p, DNS_T_AAAA, 16);
	putbytes(p, a, 16);
}

static void rr_txt(struct pkt *p, const void *s, size_t n)
{
	rrhead(p, DNS_T_TXT, (unsigned)n + 1);
	put8(p, (unsigned)n);
	putbytes(p, s, n);
}

static void rr_mx(struct pkt *p, unsigned pref, const char *name)
{
	rrhead(p, DNS_T_MX, 2 + (unsigned)strlen(name) + (name[0] ? 2 : 1));
	put16(p, pref);
	putname(p, name);
}

/* The dns map's value: delim -1 for one value. */
static char Joined[4096];
static int join(struct pkt *p, int type, int delim, int limit, bool compress6)
{
	struct sm_buf b;
	sm_buf_init(&b);
	int n = dns_answer_join(p->b, p->n, type, delim, limit, compress6, &b);
	snprintf(Joined, sizeof Joined, "%.*s", (int)b.len, b.data != NULL ? b.data : "");
	sm_buf_free(&b);
	return n;
}

/* ------------------------------------------------------------- names */

static void test_expand(void)
{
	struct pkt p;
	char out[DNS_MAXNAME];
	start(&p, "mail.example.com", DNS_T_A, 0);
	CHECK_INT("expand.plain.len", dns_expand(p.b, p.n, 12, out, sizeof out), 18);
	CHECK_STR("expand.plain", out, "mail.example.com");

	/* "www" + pointer to "example.com" inside the question */
	size_t at = p.n;
	put8(&p, 3);
	putbytes(&p, "www", 3);
	put16(&p, 0xC000 | 17);
	CHECK_INT("expand.pointer.len", dns_expand(p.b, p.n, at, out, sizeof out), 6);
	CHECK_STR("expand.pointer", out, "www.example.com");

	/* a pointer to itself, and two pointing at each other */
	at = p.n;
	put16(&p, 0xC000 | (unsigned)at);
	CHECK_INT("expand.loop", dns_expand(p.b, p.n, at, out, sizeof out), -1);
	at = p.n;
	put16(&p, 0xC000 | (unsigned)(at + 2));
	put16(&p, 0xC000 | (unsigned)at);
	CHECK_INT("expand.loop2", dns_expand(p.b, p.n, at, out, sizeof out), -1);

	/* pointers past the end, a pointer cut in half, a label cut short */
	at = p.n;
	put16(&p, 0xC000 | 0x3FF0);
	CHECK_INT("expand.forward", dns_expand(p.b, p.n, at, out, sizeof out), -1);
	CHECK_INT("expand.half_pointer", dns_expand(p.b, p.n - 1, p.n - 2, out, sizeof out), -1);
	at = p.n;
	put8(&p, 10);
	putbytes(&p, "abc", 3);
	CHECK_INT("expand.short_label", dns_expand(p.b, p.n, at, out, sizeof out), -1);
	CHECK_INT("expand.at_end", dns_expand(p.b, p.n, p.n, out, sizeof out), -1);

	/* extended label types (0x40, 0x80) are refused */
	at = p.n;
	put8(&p, 0x41);
	put8(&p, 0);
	CHECK_INT("expand.ext_label", dns_expand(p.b, p.n, at, out, sizeof out), -1);

	/* the root */
	at = p.n;
	put8(&p, 0);
	CHECK_INT("expand.root.len", dns_expand(p.b, p.n, at, out, sizeof out), 1);
	CHECK_STR("expand.root", out, "");

	/* bytes escaped as the C library does */
	at = p.n;
	static const unsigned char odd[] = {7, 'a', '.', 'b', ' ', '\\', 0xe9, 0, 0};
	putbytes(&p, odd, sizeof odd);
	CHECK(("expand.escapes.ok"), dns_expand(p.b, p.n, at, out, sizeof out) == (int)sizeof odd);
	CHECK_STR("expand.escapes", out, "a\\.b\\032\\\\\\233\\000");

	/* more than 255 bytes on the wire */
	at = p.n;
	for (int i = 0; i < 5; i++) {
		put8(&p, 63);
		for (int k = 0; k < 63; k++)
			put8(&p, 'x');
	}
	put8(&p, 0);
	CHECK_INT("expand.too_long", dns_expand(p.b, p.n, at, out, sizeof out), -1);

	/* output buffer too small */
	char small[8];
	CHECK_INT("expand.small_buffer", dns_expand(p.b, p.n, 12, small, sizeof small), -1);
	CHECK_INT("expand.zero_buffer", dns_expand(p.b, p.n, 12, small, 0), -1);
}

/* ---------------------------------------------------------- messages */

static void test_msg(void)
{
	struct dns_msg m;
	struct dns_rr rr;
	struct pkt p;
	CHECK("msg.short_header", !dns_msg_init(&m, (const unsigned char *)"abc", 3));
	CHECK("msg.null", !dns_msg_init(&m, NULL, 0));

	start(&p, "a.example", DNS_T_A, 2);
	rr_a(&p, 192, 0, 2, 1);
	rr_a(&p, 192, 0, 2, 2);
	CHECK("msg.init", dns_msg_init(&m, p.b, p.n));
	CHECK_INT("msg.ancount", m.ancount, 2);
	CHECK_INT("msg.first", dns_msg_next(&m, &rr), 1);
	CHECK_STR("msg.owner", rr.owner, "a.example");
	CHECK_INT("msg.type", rr.type, DNS_T_A);
	CHECK_INT("msg.ttl", (long long)rr.ttl, 300);
	CHECK_INT("msg.rdlen", (long long)rr.rdlen, 4);
	CHECK_INT("msg.second", dns_msg_next(&m, &rr), 1);
	CHECK_INT("msg.end", dns_msg_next(&m, &rr), 0);

	/* ancount larger than what is there */
	start(&p, "a.example", DNS_T_A, 3);
	rr_a(&p, 192, 0, 2, 1);
	CHECK("msg.lying_count.init", dns_msg_init(&m, p.b, p.n));
	CHECK_INT("msg.lying_count.1", dns_msg_next(&m, &rr), 1);
	CHECK_INT("msg.lying_count.2", dns_msg_next(&m, &rr), -1);

	/* RDLENGTH past the end */
	start(&p, "a.example", DNS_T_A, 1);
	rrhead(&p, DNS_T_A, 200);
	put16(&p, 0x0102);
	CHECK("msg.badlen.init", dns_msg_init(&m, p.b, p.n));
	CHECK_INT("msg.badlen", dns_msg_next(&m, &rr), -1);

	/* the fixed part of a record cut */
	start(&p, "a.example", DNS_T_A, 1);
	put16(&p, 0xC00C);
	put16(&p, DNS_T_A);
	CHECK("msg.cut.init", dns_msg_init(&m, p.b, p.n));
	CHECK_INT("msg.cut", dns_msg_next(&m, &rr), -1);

	/* the question cut */
	start(&p, "a.example", DNS_T_A, 0);
	CHECK("msg.question_cut", !dns_msg_init(&m, p.b, p.n - 2));
}

/* ------------------------------------------------------- dns map values */

static void test_join(void)
{
	struct pkt p;
	start(&p, "multi.example", DNS_T_A, 4);
	rr_a(&p, 192, 0, 2, 21);
	rr_a(&p, 192, 0, 2, 22);
	rr_a(&p, 192, 0, 2, 23);
	rr_a(&p, 192, 0, 2, 24);
	CHECK_INT("join.a.one", join(&p, DNS_T_A, -1, 0, false), 1);
	CHECK_STR("join.a.one.value", Joined, "192.0.2.21");
	CHECK_INT("join.a.all", join(&p, DNS_T_A, ',', 0, false), 4);
	CHECK_STR("join.a.all.value", Joined, "192.0.2.21,192.0.2.22,192.0.2.23,192.0.2.24");
	/* -Z2 gives one more than asked, as sendmail does */
	CHECK_INT("join.a.limit2", join(&p, DNS_T_A, ':', 2, false), 3);
	CHECK_STR("join.a.limit2.value", Joined, "192.0.2.21:192.0.2.22:192.0.2.23");
	CHECK_INT("join.a.limit1", join(&p, DNS_T_A, ':', 1, false), 4);
	CHECK_INT("join.other_type", join(&p, DNS_T_MX, ',', 0, false), 0);

	static const unsigned char v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	static const unsigned char mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 9};
	static const unsigned char zero[16] = {0};
	start(&p, "v6.example", DNS_T_AAAA, 3);
	rr_aaaa(&p, v6);
	rr_aaaa(&p, mapped);
	rr_aaaa(&p, zero);
	join(&p, DNS_T_AAAA, ',', 0, false);
	CHECK_STR("join.aaaa.full", Joined, "IPv6:2001:db8:0:0:0:0:0:1,192.0.2.9,IPv6:0:0:0:0:0:0:0:0");
	join(&p, DNS_T_AAAA, ',', 0, true);
	CHECK_STR("join.aaaa.compressed", Joined, "IPv6:2001:db8::1,192.0.2.9,IPv6:::");

	/* TXT: the first string, cut at NUL, unprintable bytes as X */
	start(&p, "txt.example", DNS_T_TXT, 3);
	rrhead(&p, DNS_T_TXT, 18);
	put8(&p, 8);
	putbytes(&p, "part one", 8);
	put8(&p, 8);
	putbytes(&p, "part two", 8);
	rr_txt(&p, "a\tb\x7f\x80 c", 7);
	rr_txt(&p, "x\0y", 3);
	join(&p, DNS_T_TXT, '|', 0, false);
	CHECK_STR("join.txt", Joined, "part one|aXbXX c|x");

	/* one unreadable record spoils the whole answer, whatever its type */
	start(&p, "bad.example", DNS_T_A, 3);
	rr_a(&p, 192, 0, 2, 90);
	rrhead(&p, DNS_T_TXT, 3);
	put8(&p, 9);
	putbytes(&p, "ab", 2);
	rr_a(&p, 192, 0, 2, 91);
	CHECK_INT("join.bad_txt", join(&p, DNS_T_A, ',', 0, false), 0);
	start(&p, "bad.example", DNS_T_TXT, 1);
	rrhead(&p, DNS_T_TXT, 0);
	CHECK_INT("join.empty_txt", join(&p, DNS_T_TXT, -1, 0, false), 0);
	start(&p, "bad.example", DNS_T_A, 2);
	rr_a(&p, 192, 0, 2, 90);
	rrhead(&p, DNS_T_CNAME, 2);
	put16(&p, 0xC000 | 0x3FF0);
	CHECK_INT("join.bad_cname", join(&p, DNS_T_A, ',', 0, false), 0);

	/* a short address is skipped, a long one read from its start */
	start(&p, "odd.example", DNS_T_A, 2);
	rrhead(&p, DNS_T_A, 3);
	putbytes(&p, "\x01\x02\x03", 3);
	rrhead(&p, DNS_T_A, 5);
	putbytes(&p, "\x01\x02\x03\x04\x05", 5);
	join(&p, DNS_T_A, ',', 0, false);
	CHECK_STR("join.odd_lengths", Joined, "1.2.3.4");

	/* names: MX, SRV, PTR; the null MX is an empty value */
	start(&p, "mx.example", DNS_T_MX, 2);
	rr_mx(&p, 0, "");
	rr_mx(&p, 10, "mx1.example");
	join(&p, DNS_T_MX, ';', 0, false);
	CHECK_STR("join.mx", Joined, ";mx1.example");
	start(&p, "_smtp._tcp.example", DNS_T_SRV, 1);
	rrhead(&p, DNS_T_SRV, 6 + 13);
	put16(&p, 10);
	put16(&p, 5);
	put16(&p, 25);
	putname(&p, "mail.example");
	join(&p, DNS_T_SRV, -1, 0, false);
	CHECK_STR("join.srv", Joined, "mail.example");

	/* the joined text stops near 627 bytes with "..." */
	start(&p, "many.example", DNS_T_TXT, 12);
	char s100[101];
	memset(s100, 'q', 100);
	s100[100] = '\0';
	for (int i = 0; i < 12; i++)
		rr_txt(&p, s100, 100);
	int n = join(&p, DNS_T_TXT, ',', 0, false);
	CHECK("join.cut.count", n > 1 && n < 12);
	CHECK("join.cut.length", strlen(Joined) <= DNS_JOINED_MAX);
	size_t jl = strlen(Joined);
	CHECK("join.cut.dots", jl > 4 && strcmp(Joined + jl - 4, ",...") == 0);

	/* garbage */
	CHECK_INT("join.garbage", dns_answer_join((const unsigned char *)"xx", 2, DNS_T_A, ',', 0,
						  false, &(struct sm_buf){0}),
		  0);
}

/* ----------------------------------------------------------------- MX */

static void test_mx(void)
{
	struct pkt p;
	char *hosts[MAXMXHOSTS];
	unsigned short prefs[MAXMXHOSTS];
	int weights[MAXMXHOSTS];
	int localpref = -1;
	bool nullmx = false;
	unsigned nrec = 0;
	class_add('w', "mail.example.com");

	start(&p, "x.example", DNS_T_MX, 3);
	rr_mx(&p, 20, "mx2.example");
	rr_mx(&p, 10, "mail.example.com");
	rr_mx(&p, 10, "mx1.example");
	int n = mx_parse_answer(p.b, (int)p.n, MAXMXHOSTS, hosts, prefs, weights, &localpref,
				&nullmx, &nrec);
	CHECK_INT("mx.count", n, 3);
	CHECK_INT("mx.records", nrec, 3);
	CHECK_INT("mx.localpref", localpref, 10);
	CHECK("mx.local_weight", n == 3 && weights[1] == 0 && weights[0] > 0 && weights[2] > 0);
	CHECK("mx.names", n == 3 && strcmp(hosts[0], "mx2.example") == 0 && prefs[0] == 20);
	CHECK("mx.not_null", !nullmx);
	for (int i = 0; i < n; i++)
		sm_free(hosts[i]);

	start(&p, "null.example", DNS_T_MX, 1);
	rr_mx(&p, 0, "");
	localpref = -1;
	nrec = 0;
	n = mx_parse_answer(p.b, (int)p.n, MAXMXHOSTS, hosts, prefs, weights, &localpref, &nullmx,
			    &nrec);
	CHECK("mx.null", nullmx && nrec == 1 && n == 1);
	for (int i = 0; i < n; i++)
		sm_free(hosts[i]);

	/* more records than room: all counted, max kept */
	start(&p, "many.example", DNS_T_MX, 5);
	for (int i = 0; i < 5; i++)
		rr_mx(&p, (unsigned)i, "m.example");
	nrec = 0;
	nullmx = false;
	n = mx_parse_answer(p.b, (int)p.n, 2, hosts, prefs, weights, &localpref, &nullmx, &nrec);
	CHECK("mx.max", n == 2 && nrec == 5);
	for (int i = 0; i < n; i++)
		sm_free(hosts[i]);

	/* a broken target name ends the list */
	start(&p, "bad.example", DNS_T_MX, 2);
	rr_mx(&p, 10, "ok.example");
	rrhead(&p, DNS_T_MX, 4);
	put16(&p, 20);
	put16(&p, 0xC000 | 0x3FF0);
	nrec = 0;
	n = mx_parse_answer(p.b, (int)p.n, MAXMXHOSTS, hosts, prefs, weights, &localpref, &nullmx,
			    &nrec);
	CHECK_INT("mx.broken", n, 1);
	for (int i = 0; i < n; i++)
		sm_free(hosts[i]);
	CHECK_INT("mx.garbage", mx_parse_answer((const unsigned char *)"x", 1, MAXMXHOSTS, hosts,
						prefs, weights, &localpref, &nullmx, &nrec),
		  0);
}

/* ---------------------------------------------------- resolv.conf */

static void test_config(void)
{
	const char *path = unit_write_file(
		"resolv.conf",
		"# comment\n"
		"; another\n"
		"nameserver 127.0.0.1\n"
		"nameserver ::1\n"
		"nameserver not-an-address\n"
		"nameserver 192.0.2.1\n"
		"nameserver 192.0.2.2\n"
		"domain first.example\n"
		"search a.example b.example # trailing comment\n"
		"options ndots:3 timeout:99 attempts:0 use-vc edns0\n");
	dns_set_resolv_conf(path);
	const struct dns_config *c = dns_get_config();
	CHECK_INT("config.nameservers", c->nns, 3);
	CHECK_INT("config.nsearch", c->nsearch, 2);
	CHECK_STR("config.search0", c->search[0], "a.example");
	CHECK_STR("config.search1", c->search[1], "b.example");
	CHECK_INT("config.ndots", c->ndots, 3);
	CHECK_INT("config.timeout_capped", c->timeout, 30);
	CHECK_INT("config.attempts_raised", c->attempts, 1);
	CHECK("config.usevc", (c->flags & DNSF_USEVC) != 0);

	/* the last of domain and search wins; LOCALDOMAIN is not read */
	setenv("LOCALDOMAIN", "env.example", 1);
	path = unit_write_file("resolv2.conf", "search a.example\ndomain last.example\n");
	dns_set_resolv_conf(path);
	c = dns_get_config();
	CHECK("config.domain_last", c->nsearch == 1 && strcmp(c->search[0], "last.example") == 0);
	CHECK_INT("config.default_ndots", c->ndots, 1);
	CHECK_INT("config.default_server", c->nns, 1);
	unsetenv("LOCALDOMAIN");

	dns_set_resolv_conf(unit_path("no-such-resolv.conf"));
	c = dns_get_config();
	CHECK_INT("config.missing", c->nns, 1);
	dns_set_resolv_conf("/etc/resolv.conf");
}

static void test_types(void)
{
	CHECK_INT("type.A", dns_type_from_name("A"), DNS_T_A);
	CHECK_INT("type.lower", dns_type_from_name("aaaa"), DNS_T_AAAA);
	CHECK_INT("type.mx", dns_type_from_name("Mx"), DNS_T_MX);
	CHECK_INT("type.srv", dns_type_from_name("SRV"), DNS_T_SRV);
	CHECK_INT("type.unknown", dns_type_from_name("ANY"), 0);
	CHECK_INT("type.empty", dns_type_from_name(""), 0);
}

void unit_run(void)
{
	test_expand();
	test_msg();
	test_join();
	test_mx();
	test_config();
	test_types();
}
