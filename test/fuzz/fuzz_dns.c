/*
 * fuzz_dns.c: the DNS answer parsers on arbitrary packets.
 *
 * The input is taken as a DNS message as a name server might send it:
 * every answer record is walked and its names expanded, the dns map's
 * value builder runs for each record type it knows (one value, and all
 * values joined), and getmxrr's MX parser collects the MX hosts.  None
 * may read outside the packet, loop on compression pointers or write
 * past its buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "class.h"
#include "dns.h"
#include "resolve.h"
#include "sm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	if (!init) {
		class_add('w', "mail.example.com");
		init = true;
	}
	if (size > 65535)
		return 0;
	/* a private copy, so that reading one byte too far is caught */
	unsigned char *msg = malloc(size ? size : 1);
	if (msg == NULL)
		return 0;
	memcpy(msg, data, size);

	struct dns_msg m;
	struct dns_rr rr;
	if (dns_msg_init(&m, msg, size)) {
		while (dns_msg_next(&m, &rr) == 1) {
			char name[DNS_MAXNAME];
			(void)dns_expand(msg, size, rr.rdoff, name, sizeof name);
			if (rr.rdlen > 2)
				(void)dns_expand(msg, size, rr.rdoff + 2, name, sizeof name);
			if (rr.rdlen > 6)
				(void)dns_expand(msg, size, rr.rdoff + 6, name, sizeof name);
		}
	}
	/* names anywhere, into buffers of several sizes */
	for (size_t off = 0; off < size && off < 64; off++) {
		char small[8], big[DNS_MAXNAME];
		(void)dns_expand(msg, size, off, small, sizeof small);
		(void)dns_expand(msg, size, off, big, sizeof big);
	}

	static const int types[] = {DNS_T_A, DNS_T_AAAA, DNS_T_TXT, DNS_T_MX, DNS_T_SRV,
				    DNS_T_NS, DNS_T_CNAME, DNS_T_PTR, DNS_T_AFSDB};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		struct sm_buf b;
		sm_buf_init(&b);
		(void)dns_answer_join(msg, size, types[i], -1, 0, false, &b);
		sm_buf_reset(&b);
		(void)dns_answer_join(msg, size, types[i], ',', 0, true, &b);
		sm_buf_reset(&b);
		(void)dns_answer_join(msg, size, types[i], ':', 2, false, &b);
		sm_buf_free(&b);
	}

	char *mx[MAXMXHOSTS];
	unsigned short prefs[MAXMXHOSTS];
	int weights[MAXMXHOSTS];
	int localpref = -1;
	bool nullmx = false;
	unsigned nrec = 0;
	int n = mx_parse_answer(msg, (int)size, MAXMXHOSTS, mx, prefs, weights, &localpref, &nullmx,
				&nrec);
	for (int i = 0; i < n; i++)
		sm_free(mx[i]);
	free(msg);
	return 0;
}
