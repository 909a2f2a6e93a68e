/*
 * dns.c: the DNS protocol layer (see dns.h).
 *
 * Owns the resolver configuration read from /etc/resolv.conf, the
 * per-try waits, query construction, the UDP/TCP exchange with the
 * name servers, the search-list walk, and the answer parser.  Nothing
 * here knows about sendmail's options: resolve.c turns those into
 * struct dns_params.
 *
 * Every read of a received packet is checked against its length;
 * compression pointers are followed a bounded number of times and names
 * longer than 255 bytes on the wire are refused, so hostile answers
 * (loops, truncation, lying lengths) end as "no answer", never as a
 * crash.
 */
#include "dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sm.h"

static const char *ResolvConf = "/etc/resolv.conf";
int dns_h_errno;
bool dns_unreachable;
bool dns_refused;
#define DNS_HFIXED 12
#define MAX_POINTER_HOPS 64

static struct dns_config Conf;
static struct sockaddr_storage NsAddr[DNS_MAXNS];
static socklen_t NsLen[DNS_MAXNS];
static bool ConfLoaded;
static struct timespec ConfMtime;
static ino_t ConfIno;
static bool ConfExists;

/* ---------------------------------------------------------------- config */

static bool add_nameserver(const char *text)
{
	if (Conf.nns >= DNS_MAXNS)
		return false;
	char buf[INET6_ADDRSTRLEN + 16];
	sm_strlcpy(buf, text, sizeof buf);
	char *pct = strchr(buf, '%');
	if (pct != NULL)
		*pct = '\0';
	struct sockaddr_storage *ss = &NsAddr[Conf.nns];
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, buf, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(53);
		NsLen[Conf.nns++] = sizeof *sin;
		return true;
	}
	if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(53);
		NsLen[Conf.nns++] = sizeof *sin6;
		return true;
	}
	return false;
}

static void set_search(char *list)
{
	Conf.nsearch = 0;
	char *save = NULL;
	for (char *w = strtok_r(list, " \t\r\n", &save); w != NULL && Conf.nsearch < DNS_MAXSEARCH;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (strlen(w) >= sizeof Conf.search[0])
			continue;
		sm_strlcpy(Conf.search[Conf.nsearch++], w, sizeof Conf.search[0]);
	}
}

static int clamp_int(const char *s, int lo, int hi)
{
	long v = strtol(s, NULL, 10);
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return (int)v;
}

static void parse_options(char *text)
{
	char *save = NULL;
	for (char *w = strtok_r(text, " \t\r\n", &save); w != NULL; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (strncmp(w, "ndots:", 6) == 0)
			Conf.ndots = clamp_int(w + 6, 0, 15);
		else if (strncmp(w, "timeout:", 8) == 0)
			Conf.timeout = clamp_int(w + 8, 1, 30);
		else if (strncmp(w, "attempts:", 9) == 0)
			Conf.attempts = clamp_int(w + 9, 1, 5);
		else if (strcmp(w, "use-vc") == 0 || strcmp(w, "usevc") == 0)
			Conf.flags |= DNSF_USEVC;
		else if (strcmp(w, "no-tld-query") == 0)
			Conf.flags |= DNSF_NOTLDQUERY;
		else if (strcmp(w, "edns0") == 0)
			Conf.flags |= DNSF_EDNS0;
		else if (strcmp(w, "debug") == 0)
			Conf.flags |= DNSF_DEBUG;
	}
}

static void load_config(void)
{
	memset(&Conf, 0, sizeof Conf);
	Conf.ndots = 1;
	ConfLoaded = true;
	ConfExists = false;
	struct stat st;
	FILE *f = fopen(ResolvConf, "r");
	if (f != NULL && fstat(fileno(f), &st) == 0) {
		ConfExists = true;
		ConfMtime = st.st_mtim;
		ConfIno = st.st_ino;
	}
	char line[1024];
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		if (line[0] == '#' || line[0] == ';')
			continue;
		char *p = line;
		char *kw = p;
		while (*p != '\0' && !sm_isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			continue;
		*p++ = '\0';
		while (sm_isspace((unsigned char)*p))
			p++;
		char *c = strpbrk(p, "#;");
		if (c != NULL)
			*c = '\0';
		if (strcmp(kw, "nameserver") == 0) {
			char *e = p;
			while (*e != '\0' && !sm_isspace((unsigned char)*e))
				e++;
			*e = '\0';
			(void)add_nameserver(p);
		} else if (strcmp(kw, "domain") == 0) {
			char *e = p;
			while (*e != '\0' && !sm_isspace((unsigned char)*e))
				e++;
			*e = '\0';
			set_search(p);
		} else if (strcmp(kw, "search") == 0) {
			set_search(p);
		} else if (strcmp(kw, "options") == 0) {
			parse_options(p);
		}
	}
	if (f != NULL)
		(void)fclose(f);
	if (Conf.nns == 0)
		(void)add_nameserver("127.0.0.1");
	/*
	 * LOCALDOMAIN and RES_OPTIONS are not read: sendmail empties its
	 * environment before the C library's resolver reads it, so they
	 * change nothing there either.
	 */
	if (Conf.nsearch == 0) {
		/* the domain of this host's name */
		char host[256];
		if (gethostname(host, sizeof host) == 0) {
			host[sizeof host - 1] = '\0';
			char *dot = strchr(host, '.');
			if (dot != NULL && dot[1] != '\0')
				sm_strlcpy(Conf.search[Conf.nsearch++], dot + 1, sizeof Conf.search[0]);
		}
	}
}

const struct dns_config *dns_get_config(void)
{
	if (ConfLoaded) {
		struct stat st;
		bool exists = stat(ResolvConf, &st) == 0;
		if (exists != ConfExists ||
		    (exists && (st.st_ino != ConfIno || st.st_mtim.tv_sec != ConfMtime.tv_sec ||
				st.st_mtim.tv_nsec != ConfMtime.tv_nsec)))
			ConfLoaded = false;
	}
	if (!ConfLoaded)
		load_config();
	return &Conf;
}

void dns_reset(void)
{
	ConfLoaded = false;
}

void dns_set_resolv_conf(const char *path)
{
	ResolvConf = path;
	ConfLoaded = false;
}

/* ---------------------------------------------------------------- timing */

/*
 * How long a try waits for server i of nns (milliseconds), as the C
 * library's resolver does: retrans for the first server, (retrans << i)
 * / nns for the others, at least a second.  So a query costs at most
 * tries x the sum of these, and a lookup a bounded number of queries.
 */
static long long server_wait(long long retrans_ms, int i, int nns)
{
	long long w = i == 0 ? retrans_ms : (retrans_ms << i) / (nns > 0 ? nns : 1);
	return w < 1000 ? 1000 : w;
}

/* ----------------------------------------------------------- query build */

/* Text name to wire form; returns its length or -1 (bad name). */
static int encode_name(const char *name, unsigned char *out, size_t outsize)
{
	size_t o = 0;
	const char *p = name;
	if (p[0] == '.' && p[1] == '\0')
		p++;
	while (*p != '\0') {
		size_t lenpos = o++;
		int n = 0;
		if (lenpos >= outsize)
			return -1;
		while (*p != '\0' && *p != '.') {
			int c = (unsigned char)*p++;
			if (c == '\\') {
				if (*p == '\0')
					return -1;
				if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
				    p[2] >= '0' && p[2] <= '9') {
					c = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
					if (c > 255)
						return -1;
					p += 3;
				} else {
					c = (unsigned char)*p++;
				}
			}
			if (++n > 63 || o >= outsize)
				return -1;
			out[o++] = (unsigned char)c;
		}
		if (n == 0)
			return -1; /* empty label */
		out[lenpos] = (unsigned char)n;
		if (*p == '.') {
			p++;
			if (*p == '\0')
				break; /* trailing dot */
		}
	}
	if (o >= outsize)
		return -1;
	out[o++] = 0;
	return o > 255 ? -1 : (int)o;
}

static unsigned query_id(void)
{
	unsigned short id;
	if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id)
		id = (unsigned short)(sm_now_ms() ^ (long long)getpid() * 2654435761LL);
	return id;
}

static int build_query(const char *name, int type, unsigned flags, unsigned char *q, size_t qsize,
		       unsigned id)
{
	if (qsize < DNS_HFIXED + 4)
		return -1;
	memset(q, 0, DNS_HFIXED);
	q[0] = (unsigned char)(id >> 8);
	q[1] = (unsigned char)id;
	q[2] = (flags & DNSF_RECURSE) ? 0x01 : 0x00;
	q[5] = 1; /* one question */
	int n = encode_name(name, q + DNS_HFIXED, qsize - DNS_HFIXED - 4);
	if (n < 0)
		return -1;
	size_t o = DNS_HFIXED + (size_t)n;
	q[o++] = (unsigned char)(type >> 8);
	q[o++] = (unsigned char)type;
	q[o++] = 0;
	q[o++] = DNS_C_IN;
	return (int)o;
}

/* --------------------------------------------------------------- parsing */

static bool special_char(int c)
{
	return c == '"' || c == '.' || c == ';' || c == '\\' || c == '(' || c == ')' || c == '@' ||
	       c == '$';
}

int dns_expand(const unsigned char *msg, size_t len, size_t off, char *out, size_t outsize)
{
	size_t pos = off, o = 0, wire = 0;
	int consumed = -1, hops = 0;
	bool first = true;
	if (outsize == 0)
		return -1;
	for (;;) {
		if (pos >= len)
			return -1;
		unsigned c = msg[pos];
		if ((c & 0xC0) == 0xC0) {
			if (pos + 1 >= len)
				return -1;
			size_t target = ((size_t)(c & 0x3F) << 8) | msg[pos + 1];
			if (consumed < 0)
				consumed = (int)(pos + 2 - off);
			if (target >= len || ++hops > MAX_POINTER_HOPS)
				return -1;
			pos = target;
			continue;
		}
		if (c & 0xC0)
			return -1; /* extended label types */
		if (c == 0) {
			if (consumed < 0)
				consumed = (int)(pos + 1 - off);
			break;
		}
		if (pos + 1 + c > len)
			return -1;
		wire += c + 1;
		if (wire + 1 > 255)
			return -1;
		if (!first) {
			if (o + 1 >= outsize)
				return -1;
			out[o++] = '.';
		}
		for (unsigned i = 0; i < c; i++) {
			int ch = msg[pos + 1 + i];
			if (special_char(ch)) {
				if (o + 2 >= outsize)
					return -1;
				out[o++] = '\\';
				out[o++] = (char)ch;
			} else if (ch <= 0x20 || ch >= 0x7f) {
				if (o + 4 >= outsize)
					return -1;
				out[o++] = '\\';
				out[o++] = (char)('0' + ch / 100);
				out[o++] = (char)('0' + ch / 10 % 10);
				out[o++] = (char)('0' + ch % 10);
			} else {
				if (o + 1 >= outsize)
					return -1;
				out[o++] = (char)ch;
			}
		}
		pos += 1 + c;
		first = false;
	}
	out[o] = '\0';
	return consumed;
}

/* Skips a name in place; returns the offset after it or 0 if malformed. */
static size_t skip_name(const unsigned char *msg, size_t len, size_t off)
{
	char tmp[DNS_MAXNAME];
	int n = dns_expand(msg, len, off, tmp, sizeof tmp);
	return n < 0 ? 0 : off + (size_t)n;
}

static unsigned get16(const unsigned char *p)
{
	return ((unsigned)p[0] << 8) | p[1];
}

bool dns_msg_init(struct dns_msg *m, const unsigned char *buf, size_t len)
{
	memset(m, 0, sizeof *m);
	if (buf == NULL || len < DNS_HFIXED)
		return false;
	m->buf = buf;
	m->len = len;
	m->id = get16(buf);
	m->flags = get16(buf + 2);
	m->qdcount = get16(buf + 4);
	m->ancount = get16(buf + 6);
	size_t pos = DNS_HFIXED;
	for (unsigned i = 0; i < m->qdcount; i++) {
		pos = skip_name(buf, len, pos);
		if (pos == 0 || pos + 4 > len)
			return false;
		pos += 4;
	}
	m->pos = pos;
	m->left = m->ancount;
	return true;
}

int dns_msg_next(struct dns_msg *m, struct dns_rr *rr)
{
	if (m->left == 0)
		return 0;
	int n = dns_expand(m->buf, m->len, m->pos, rr->owner, sizeof rr->owner);
	if (n < 0)
		return -1;
	size_t pos = m->pos + (size_t)n;
	if (pos + 10 > m->len)
		return -1;
	const unsigned char *p = m->buf + pos;
	rr->type = (int)get16(p);
	rr->cls = (int)get16(p + 2);
	rr->ttl = ((uint32_t)p[4] << 24) | ((uint32_t)p[5] << 16) | ((uint32_t)p[6] << 8) | p[7];
	rr->rdlen = get16(p + 8);
	rr->rdoff = pos + 10;
	if (rr->rdoff + rr->rdlen > m->len)
		return -1;
	m->pos = rr->rdoff + rr->rdlen;
	m->left--;
	return 1;
}

int dns_type_from_name(const char *name)
{
	static const struct {
		const char *n;
		int t;
	} types[] = {
		{"A", DNS_T_A}, {"NS", DNS_T_NS}, {"CNAME", DNS_T_CNAME}, {"SOA", DNS_T_SOA},
		{"PTR", DNS_T_PTR}, {"MX", DNS_T_MX}, {"TXT", DNS_T_TXT}, {"AFSDB", DNS_T_AFSDB},
		{"AAAA", DNS_T_AAAA}, {"SRV", DNS_T_SRV},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (sm_strcasecmp(name, types[i].n) == 0)
			return types[i].t;
	return 0;
}

/* ------------------------------------------------------- answer values */

/* IPv6 addresses as sendmail prints them: "IPv6:" and eight groups. */
static void format_aaaa(const unsigned char *a, bool compress, char *out, size_t outsize)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(a, mapped, 12) == 0) {
		(void)snprintf(out, outsize, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	if (compress) {
		char txt[INET6_ADDRSTRLEN];
		if (inet_ntop(AF_INET6, a, txt, sizeof txt) == NULL)
			txt[0] = '\0';
		(void)snprintf(out, outsize, "IPv6:%s", txt);
		return;
	}
	size_t o = (size_t)snprintf(out, outsize, "IPv6:");
	for (int i = 0; i < 8 && o < outsize; i++)
		o += (size_t)snprintf(out + o, outsize - o, i ? ":%x" : "%x",
				      ((unsigned)a[2 * i] << 8) | a[2 * i + 1]);
}

/* The text of one record of the wanted type; false to skip it. */
static bool format_rr(const unsigned char *msg, size_t len, const struct dns_rr *rr,
		      bool compress6, char *out, size_t outsize)
{
	const unsigned char *rd = msg + rr->rdoff;
	switch (rr->type) {
	case DNS_T_A:
		if (rr->rdlen < 4)
			return false;
		(void)snprintf(out, outsize, "%u.%u.%u.%u", rd[0], rd[1], rd[2], rd[3]);
		return true;
	case DNS_T_AAAA:
		if (rr->rdlen < 16)
			return false;
		format_aaaa(rd, compress6, out, outsize);
		return true;
	case DNS_T_TXT: {
		/*
		 * The first character string, as sendmail gives it: up to a
		 * NUL byte, with every byte that is no printable ASCII
		 * character (tabs, controls, 8-bit bytes) replaced by 'X'.
		 */
		size_t n = rr->rdlen > 0 ? rd[0] : 0;
		if (rr->rdlen > 0 && n + 1 > rr->rdlen)
			n = rr->rdlen - 1;
		if (n >= outsize)
			n = outsize - 1;
		size_t o = 0;
		for (size_t i = 0; i < n && rd[1 + i] != 0; i++)
			out[o++] = rd[1 + i] >= 0x20 && rd[1 + i] < 0x7f ? (char)rd[1 + i] : 'X';
		out[o] = '\0';
		return true;
	}
	case DNS_T_MX:
	case DNS_T_AFSDB:
		return rr->rdlen > 2 && dns_expand(msg, len, rr->rdoff + 2, out, outsize) >= 0;
	case DNS_T_SRV:
		return rr->rdlen > 6 && dns_expand(msg, len, rr->rdoff + 6, out, outsize) >= 0;
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
		return dns_expand(msg, len, rr->rdoff, out, outsize) >= 0;
	default:
		return false;
	}
}

/*
 * Is every answer record readable, as sendmail's parser wants before it
 * uses any?  Records must lie inside the answer, names (owners and those
 * in the data of MX, AFSDB, SRV, NS, CNAME, PTR) must expand, and TXT
 * data must hold its first string.  (Addresses shorter than 4 or 16
 * bytes, which sendmail reads past, are skipped later instead.)
 */
static bool answer_readable(const unsigned char *msg, size_t len)
{
	struct dns_msg m;
	struct dns_rr rr;
	char name[DNS_MAXNAME];
	if (!dns_msg_init(&m, msg, len))
		return false;
	int r;
	while ((r = dns_msg_next(&m, &rr)) == 1) {
		size_t skip = 0;
		switch (rr.type) {
		case DNS_T_TXT:
			if (rr.rdlen == 0 || (size_t)msg[rr.rdoff] + 1 > rr.rdlen)
				return false;
			continue;
		case DNS_T_MX:
		case DNS_T_AFSDB:
			skip = 2;
			break;
		case DNS_T_SRV:
			skip = 6;
			break;
		case DNS_T_NS:
		case DNS_T_CNAME:
		case DNS_T_PTR:
			break;
		default:
			continue;
		}
		if (rr.rdlen < skip + 1 || dns_expand(msg, len, rr.rdoff + skip, name, sizeof name) < 0)
			return false;
	}
	return r == 0;
}

int dns_answer_join(const unsigned char *msg, size_t len, int type, int delim, int limit,
		    bool compress6, struct sm_buf *out)
{
	struct dns_msg m;
	struct dns_rr rr;
	int values = 0;
	if (!answer_readable(msg, len) || !dns_msg_init(&m, msg, len))
		return 0;
	while (dns_msg_next(&m, &rr) == 1) {
		if (rr.type != type || rr.cls != DNS_C_IN)
			continue;
		char v[DNS_MAXNAME];
		if (!format_rr(msg, len, &rr, compress6, v, sizeof v))
			continue;
		size_t vl = strlen(v);
		if (values > 0) {
			/* room is kept for the separator and "..." */
			if (out->len + 1 + vl + 4 > DNS_JOINED_MAX) {
				sm_buf_putc(out, delim);
				sm_buf_puts(out, "...");
				break;
			}
			sm_buf_putc(out, delim);
		}
		sm_buf_put(out, v, vl);
		values++;
		if (delim < 0)
			break;
		if (limit > 1 && values > limit)
			break;
	}
	return values;
}

/* -------------------------------------------------------------- exchange */

/* does the answer belong to the query q? */
static bool answers_query(const unsigned char *q, size_t qlen, const unsigned char *a, size_t alen)
{
	if (alen < DNS_HFIXED || a[0] != q[0] || a[1] != q[1] || !(a[2] & 0x80))
		return false;
	if (get16(a + 4) != 1)
		return (a[3] & 0x0F) != 0 && get16(a + 4) == 0; /* errors may omit it */
	/* the question must be ours, names compared without case */
	char qn[DNS_MAXNAME], an[DNS_MAXNAME];
	int qn_len = dns_expand(q, qlen, DNS_HFIXED, qn, sizeof qn);
	int an_len = dns_expand(a, alen, DNS_HFIXED, an, sizeof an);
	if (qn_len < 0 || an_len < 0 || sm_strcasecmp(qn, an) != 0)
		return false;
	size_t qp = DNS_HFIXED + (size_t)qn_len, ap = DNS_HFIXED + (size_t)an_len;
	if (qp + 4 > qlen || ap + 4 > alen)
		return false;
	return memcmp(q + qp, a + ap, 4) == 0;
}

enum xfer { X_ANSWER, X_SERVFAIL, X_FAIL, X_UNREACH, X_TIMEOUT };

static bool read_all(int fd, unsigned char *p, size_t n, long long deadline)
{
	while (n > 0) {
		if (sm_wait_fd(fd, POLLIN, deadline) <= 0)
			return false;
		ssize_t r = recv(fd, p, n, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

static int open_socket(int ns, int type)
{
	int fd = socket(NsAddr[ns].ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&NsAddr[ns], NsLen[ns]) != 0 && errno != EINPROGRESS) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* One exchange over TCP; the answer is cut to anssize bytes. */
static enum xfer tcp_exchange(int ns, const unsigned char *q, size_t qlen, unsigned char *ans,
			      size_t anssize, size_t *alen, long long deadline)
{
	int fd = open_socket(ns, SOCK_STREAM);
	if (fd < 0)
		return X_UNREACH;
	enum xfer res = X_FAIL;
	unsigned char hdr[2] = {(unsigned char)(qlen >> 8), (unsigned char)qlen};
	if (sm_wait_fd(fd, POLLOUT, deadline) <= 0) {
		res = X_TIMEOUT;
		goto out;
	}
	int soerr = 0;
	socklen_t sl = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
		res = X_UNREACH;
		goto out;
	}
	if (sm_send_all(fd, hdr, 2, deadline) != 0 || sm_send_all(fd, q, qlen, deadline) != 0)
		goto out;
	if (!read_all(fd, hdr, 2, deadline))
		goto out;
	size_t rlen = get16(hdr);
	size_t keep = rlen < anssize ? rlen : anssize;
	if (rlen < DNS_HFIXED || !read_all(fd, ans, keep, deadline))
		goto out;
	/* the rest of a long answer is not needed; the connection closes */
	if (!answers_query(q, qlen, ans, keep))
		goto out;
	*alen = keep;
	unsigned rcode = ans[3] & 0x0F;
	res = (rcode == 2 || rcode == 4 || rcode == 5) ? X_SERVFAIL : X_ANSWER;
out:
	(void)close(fd);
	return res;
}

struct qresult {
	int len;        /* answer length, or -1 */
	bool servfail;  /* some server said SERVFAIL (or NOTIMP, REFUSED) */
	bool reached;   /* some server answered at all */
	bool refused;   /* a server's port or network refused us */
	bool timedout;  /* a server was waited for in vain (or hung up) */
};

/*
 * Sends q to the servers, tries x servers, each waited for server_wait().
 * The same id is reused for every send so that a late answer to an
 * earlier send is still taken.
 */
static void exchange(const unsigned char *q, size_t qlen, const struct dns_params *p,
		     unsigned char *ans, size_t anssize, struct qresult *r)
{
	memset(r, 0, sizeof *r);
	r->len = -1;
	int socks[DNS_MAXNS];
	for (int i = 0; i < DNS_MAXNS; i++)
		socks[i] = -1;
	bool dead[DNS_MAXNS] = {false};
	int tries = p->tries > 0 ? p->tries : 1;
	long long retrans = p->retrans > 0 ? p->retrans : 5000;
	unsigned char *buf = sm_malloc(DNS_MAXPACKET);
	for (int t = 0; t < tries && r->len < 0; t++) {
		for (int ns = 0; ns < Conf.nns && r->len < 0; ns++) {
			if (dead[ns])
				continue;
			long long dl = sm_now_ms() + server_wait(retrans, ns, Conf.nns);
			if (p->flags & DNSF_USEVC) {
				size_t alen = 0;
				enum xfer x = tcp_exchange(ns, q, qlen, ans, anssize, &alen, dl);
				if (x == X_ANSWER) {
					r->reached = true;
					r->len = (int)alen;
				} else if (x == X_SERVFAIL) {
					r->reached = r->servfail = true;
				} else if (x == X_UNREACH) {
					r->refused = true;
					dead[ns] = true;
				} else {
					r->timedout = true;
				}
				continue;
			}
			if (socks[ns] < 0 && (socks[ns] = open_socket(ns, SOCK_DGRAM)) < 0) {
				r->refused = true;
				dead[ns] = true;
				continue;
			}
			if (send(socks[ns], q, qlen, MSG_NOSIGNAL) != (ssize_t)qlen) {
				r->refused = true;
				dead[ns] = true;
				continue;
			}
			for (;;) {
				struct pollfd pf[DNS_MAXNS];
				int idx[DNS_MAXNS], n = 0;
				for (int i = 0; i < Conf.nns; i++) {
					if (socks[i] >= 0 && !dead[i]) {
						pf[n].fd = socks[i];
						pf[n].events = POLLIN;
						pf[n].revents = 0;
						idx[n++] = i;
					}
				}
				long long left = dl - sm_now_ms();
				if (n == 0)
					break;
				if (left <= 0) {
					r->timedout = true;
					break;
				}
				int pr = poll(pf, (nfds_t)n, (int)left);
				if (pr < 0 && errno == EINTR)
					continue;
				if (pr == 0)
					r->timedout = true;
				if (pr <= 0)
					break;
				bool next_server = false;
				for (int k = 0; k < n && r->len < 0; k++) {
					if (!(pf[k].revents & (POLLIN | POLLERR)))
						continue;
					int s = idx[k];
					ssize_t got = recv(socks[s], buf, DNS_MAXPACKET, 0);
					if (got < 0) {
						if (errno == EAGAIN || errno == EINTR)
							continue;
						r->refused = true;
						dead[s] = true;
						if (s == ns)
							next_server = true;
						continue;
					}
					if (!answers_query(q, qlen, buf, (size_t)got))
						continue;
					r->reached = true;
					unsigned rcode = buf[3] & 0x0F;
					if (rcode == 2 || rcode == 4 || rcode == 5) {
						r->servfail = true;
						if (s == ns)
							next_server = true;
						continue;
					}
					if ((buf[2] & 0x02) && !(p->flags & DNSF_IGNTC)) {
						size_t alen = 0;
						enum xfer x = tcp_exchange(s, q, qlen, ans, anssize, &alen,
									   dl);
						if (x == X_ANSWER)
							r->len = (int)alen;
						else if (x == X_SERVFAIL)
							r->servfail = true;
						else if (x != X_UNREACH)
							r->timedout = true;
						if (s == ns)
							next_server = true;
						continue;
					}
					size_t keep = (size_t)got < anssize ? (size_t)got : anssize;
					memcpy(ans, buf, keep);
					r->len = (int)keep;
				}
				if (r->len >= 0 || next_server)
					break;
			}
		}
	}
	for (int i = 0; i < DNS_MAXNS; i++)
		if (socks[i] >= 0)
			(void)close(socks[i]);
	sm_free(buf);
}

/* ---------------------------------------------------------------- query */

static int query_one(const char *name, int type, const struct dns_params *p, unsigned char *ans,
		     size_t anssize, int *status, struct qresult *qr)
{
	unsigned char q[DNS_HFIXED + 260 + 4];
	memset(qr, 0, sizeof *qr);
	qr->len = -1;
	(void)dns_get_config();
	int qlen = build_query(name, type, p->flags, q, sizeof q, query_id());
	if (qlen < 0 || anssize < DNS_HFIXED) {
		*status = dns_h_errno = DNS_NORECOVERY;
		return -1;
	}
	exchange(q, (size_t)qlen, p, ans, anssize, qr);
	dns_unreachable = qr->len < 0 && !qr->reached;
	dns_refused = dns_unreachable && !qr->timedout;
	if (qr->len < 0) {
		*status = dns_h_errno = DNS_TRYAGAIN;
		return -1;
	}
	unsigned rcode = ans[3] & 0x0F;
	unsigned ancount = get16(ans + 6);
	if (rcode == 3) {
		*status = dns_h_errno = DNS_NOTFOUND;
		return -1;
	}
	if (rcode != 0) {
		*status = dns_h_errno = DNS_NORECOVERY;
		return -1;
	}
	if (ancount == 0) {
		*status = dns_h_errno = DNS_NODATA;
		return -1;
	}
	*status = DNS_OK;
	return qr->len;
}

int dns_query(const char *name, int type, const struct dns_params *p, unsigned char *ans,
	      size_t anssize, int *status)
{
	struct qresult qr;
	return query_one(name, type, p, ans, anssize, status, &qr);
}

static int querydomain(const char *name, const char *domain, int type, const struct dns_params *p,
		       unsigned char *ans, size_t anssize, int *status, struct qresult *qr)
{
	char full[DNS_MAXNAME];
	memset(qr, 0, sizeof *qr);
	qr->len = -1;
	size_t n = strlen(name);
	if (domain == NULL) {
		if (n >= sizeof full) {
			*status = dns_h_errno = DNS_NORECOVERY;
			return -1;
		}
		/* as is: a trailing dot makes it absolute, two make a bad name */
		memcpy(full, name, n + 1);
	} else {
		size_t d = strlen(domain);
		if (n + d + 1 >= sizeof full) {
			*status = dns_h_errno = DNS_NORECOVERY;
			return -1;
		}
		memcpy(full, name, n);
		full[n] = '.';
		memcpy(full + n + 1, domain, d + 1);
	}
	return query_one(full, type, p, ans, anssize, status, qr);
}

int dns_querydomain(const char *name, const char *domain, int type, const struct dns_params *p,
		    unsigned char *ans, size_t anssize, int *status)
{
	struct qresult qr;
	return querydomain(name, domain, type, p, ans, anssize, status, &qr);
}

int dns_search(const char *name, int type, const struct dns_params *p, unsigned char *ans,
	       size_t anssize, int *status)
{
	const struct dns_config *c = dns_get_config();
	struct qresult qr;
	int dots = 0;
	for (const char *s = name; *s != '\0'; s++)
		if (*s == '.')
			dots++;
	size_t nl = strlen(name);
	bool trailing_dot = nl > 0 && name[nl - 1] == '.';
	int saved = -1, st = DNS_OK, n;
	bool tried_as_is = false, got_nodata = false, got_servfail = false;
	dns_h_errno = DNS_NOTFOUND;

	if (dots >= c->ndots || trailing_dot) {
		n = querydomain(name, NULL, type, p, ans, anssize, &st, &qr);
		if (n > 0) {
			*status = DNS_OK;
			return n;
		}
		saved = st;
		tried_as_is = true;
		if (trailing_dot) {
			*status = st;
			return -1;
		}
	}
	bool searched = false;
	if ((dots == 0 && (p->flags & DNSF_DEFNAMES)) ||
	    (dots > 0 && !trailing_dot && (p->flags & DNSF_DNSRCH))) {
		bool done = false;
		for (int i = 0; i < c->nsearch && !done; i++) {
			searched = true;
			n = querydomain(name, c->search[i], type, p, ans, anssize, &st, &qr);
			if (n > 0) {
				*status = DNS_OK;
				return n;
			}
			if (st == DNS_TRYAGAIN && qr.refused && !qr.reached) {
				*status = dns_h_errno = DNS_TRYAGAIN;
				return -1;
			}
			switch (st) {
			case DNS_NODATA:
				got_nodata = true;
				break;
			case DNS_NOTFOUND:
				break;
			case DNS_TRYAGAIN:
				if (qr.servfail) {
					got_servfail = true;
					break;
				}
				done = true;
				break;
			default:
				done = true;
				break;
			}
			if (!(p->flags & DNSF_DNSRCH))
				done = true;
		}
	}
	if (!tried_as_is && (dots > 0 || !searched || !(p->flags & DNSF_NOTLDQUERY))) {
		n = querydomain(name, NULL, type, p, ans, anssize, &st, &qr);
		if (n > 0) {
			*status = DNS_OK;
			return n;
		}
	}
	if (saved != -1)
		st = saved;
	else if (got_nodata)
		st = DNS_NODATA;
	else if (got_servfail)
		st = DNS_TRYAGAIN;
	*status = st;
	if (saved != -1 || got_nodata || got_servfail)
		dns_h_errno = st;
	return -1;
}
