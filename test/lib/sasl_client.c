/*
 * sasl_client.c: a small SMTP client with Cyrus SASL for the tests: it
 * authenticates with MECH and, when the mechanism negotiates a security
 * layer (min_ssf given, e.g. DIGEST-MD5 with integrity), sends every
 * later command through sasl_encode and reads every reply through
 * sasl_decode.  Prints the transcript ("<<< reply", ">>> command") and
 * "SSF n" after authenticating.
 *
 *   sasl_client PORT MECH USER PASSWORD MIN_SSF MAX_SSF CMD...
 *
 * Each CMD is sent as a line and one reply read; "DATA" sends a small
 * message after the 354; "RAW:text" writes text and CRLF past the layer
 * (a peer that breaks it) and reads to the end.  Exits 0 when every reply
 * came (whatever its code).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sasl/sasl.h>
#include <sasl/saslutil.h>

static int Fd;
static sasl_conn_t *Conn;
static int Layer;            /* the security layer is on */
static unsigned MaxOut = 4096;
static char In[65536];       /* decoded input not yet used */
static size_t InLen;
static const char *User, *Pass;

static int get_simple(void *ctx, int id, const char **result, unsigned *len)
{
	(void)ctx;
	if (id != SASL_CB_USER && id != SASL_CB_AUTHNAME)
		return SASL_BADPARAM;
	*result = User;
	if (len != NULL)
		*len = (unsigned)strlen(User);
	return SASL_OK;
}

static int get_secret(sasl_conn_t *conn, void *ctx, int id, sasl_secret_t **psecret)
{
	(void)conn;
	(void)ctx;
	if (id != SASL_CB_PASS)
		return SASL_BADPARAM;
	static sasl_secret_t *s;
	size_t l = strlen(Pass);
	s = realloc(s, sizeof *s + l + 1);
	if (s == NULL)
		return SASL_NOMEM;
	s->len = (unsigned long)l;
	memcpy(s->data, Pass, l + 1);
	*psecret = s;
	return SASL_OK;
}

static sasl_callback_t Callbacks[] = {
	{SASL_CB_USER, (int (*)(void))(void (*)(void))get_simple, NULL},
	{SASL_CB_AUTHNAME, (int (*)(void))(void (*)(void))get_simple, NULL},
	{SASL_CB_PASS, (int (*)(void))(void (*)(void))get_secret, NULL},
	{SASL_CB_LIST_END, NULL, NULL},
};

static void put(const char *text, size_t n)
{
	const char *out = text;
	unsigned outlen = (unsigned)n;
	while (n > 0) {
		size_t piece = n;
		if (Layer) {
			if (piece > MaxOut)
				piece = MaxOut;
			if (sasl_encode(Conn, text, (unsigned)piece, &out, &outlen) != SASL_OK) {
				printf("encode failed\n");
				exit(2);
			}
		} else {
			out = text;
			outlen = (unsigned)piece;
		}
		if (write(Fd, out, outlen) != (ssize_t)outlen) {
			printf("write failed\n");
			exit(2);
		}
		text += piece;
		n -= piece;
	}
}

static void send_line(const char *line)
{
	printf(">>> %s\n", line);
	put(line, strlen(line));
	put("\r\n", 2);
}

/* One line of input (without CRLF) into buf; 0 at end or after 20 s. */
static int get_line(char *buf, size_t size)
{
	for (;;) {
		char *nl = memchr(In, '\n', InLen);
		if (nl != NULL) {
			size_t l = (size_t)(nl - In);
			size_t k = l < size - 1 ? l : size - 1;
			memcpy(buf, In, k);
			buf[k] = '\0';
			if (k > 0 && buf[k - 1] == '\r')
				buf[k - 1] = '\0';
			memmove(In, nl + 1, InLen - l - 1);
			InLen -= l + 1;
			return 1;
		}
		struct pollfd p = {.fd = Fd, .events = POLLIN};
		if (poll(&p, 1, 20000) <= 0)
			return 0;
		char raw[8192];
		ssize_t r = read(Fd, raw, sizeof raw);
		if (r <= 0)
			return 0;
		const char *out = raw;
		unsigned outlen = (unsigned)r;
		if (Layer && sasl_decode(Conn, raw, (unsigned)r, &out, &outlen) != SASL_OK) {
			printf("decode failed\n");
			exit(2);
		}
		if (InLen + outlen > sizeof In)
			return 0;
		memcpy(In + InLen, out, outlen);
		InLen += outlen;
	}
}

/* One reply (its lines printed); its code, 0 at end of input. */
static int reply(char *last, size_t size)
{
	for (;;) {
		if (!get_line(last, size)) {
			printf("<<< (closed)\n");
			return 0;
		}
		printf("<<< %s\n", last);
		if (strlen(last) < 4 || last[3] != '-')
			return atoi(last);
	}
}

int main(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: sasl_client PORT MECH USER PASS MIN_SSF MAX_SSF CMD...\n");
		return 64;
	}
	User = argv[3];
	Pass = argv[4];
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	Fd = socket(AF_INET, SOCK_STREAM, 0);
	if (Fd < 0 || connect(Fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		perror("connect");
		return 2;
	}
	if (sasl_client_init(Callbacks) != SASL_OK ||
	    sasl_client_new("smtp", "mail.example.com", NULL, NULL, NULL, 0, &Conn) != SASL_OK) {
		printf("sasl client setup failed\n");
		return 2;
	}
	sasl_security_properties_t sp;
	memset(&sp, 0, sizeof sp);
	sp.min_ssf = (sasl_ssf_t)atoi(argv[5]);
	sp.max_ssf = (sasl_ssf_t)atoi(argv[6]);
	sp.maxbufsize = 8192;
	sasl_setprop(Conn, SASL_SEC_PROPS, &sp);
	char line[8192];
	if (reply(line, sizeof line) != 220)
		return 1;
	send_line("EHLO client.example.org");
	if (reply(line, sizeof line) != 250)
		return 1;
	const char *out = NULL;
	unsigned outlen = 0;
	const char *mech = NULL;
	int r = sasl_client_start(Conn, argv[2], NULL, &out, &outlen, &mech);
	if (r != SASL_OK && r != SASL_CONTINUE) {
		printf("sasl_client_start: %s\n", sasl_errdetail(Conn));
		return 1;
	}
	char cmd[8300], b64[8192];
	unsigned bl = 0;
	if (out != NULL && outlen > 0) {
		sasl_encode64(out, outlen, b64, sizeof b64, &bl);
		snprintf(cmd, sizeof cmd, "AUTH %s %s", mech, b64);
	} else {
		snprintf(cmd, sizeof cmd, "AUTH %s", mech);
	}
	send_line(cmd);
	int code;
	while ((code = reply(line, sizeof line)) == 334) {
		char dec[8192];
		unsigned dl = 0;
		if (sasl_decode64(line + 4, (unsigned)strlen(line + 4), dec, sizeof dec, &dl) != SASL_OK)
			return 1;
		out = NULL;
		outlen = 0;
		r = sasl_client_step(Conn, dec, dl, NULL, &out, &outlen);
		if (r != SASL_OK && r != SASL_CONTINUE) {
			printf("sasl_client_step: %s\n", sasl_errdetail(Conn));
			send_line("*");
			reply(line, sizeof line);
			return 1;
		}
		bl = 0;
		if (out != NULL && outlen > 0)
			sasl_encode64(out, outlen, b64, sizeof b64, &bl);
		b64[bl] = '\0';
		send_line(b64);
	}
	if (code != 235)
		return 1;
	const void *v = NULL;
	unsigned ssf = 0;
	if (sasl_getprop(Conn, SASL_SSF, &v) == SASL_OK && v != NULL)
		ssf = *(const sasl_ssf_t *)v;
	if (sasl_getprop(Conn, SASL_MAXOUTBUF, &v) == SASL_OK && v != NULL && *(const unsigned *)v > 0)
		MaxOut = *(const unsigned *)v;
	printf("SSF %u\n", ssf);
	Layer = ssf > 0;
	for (int i = 7; i < argc; i++) {
		if (strncmp(argv[i], "RAW:", 4) == 0) {
			printf(">>> (raw) %s\n", argv[i] + 4);
			int was = Layer;
			Layer = 0;
			put(argv[i] + 4, strlen(argv[i] + 4));
			put("\r\n", 2);
			Layer = was;
			/* what comes back, if anything, until the server closes */
			while (reply(line, sizeof line) != 0)
				;
			return 0;
		}
		send_line(argv[i]);
		code = reply(line, sizeof line);
		if (code == 0)
			return 1;
		if (code == 354) {
			send_line("Subject: through the SASL layer");
			send_line("");
			/* a long line: more than one layer packet */
			char big[6001];
			memset(big, 'x', sizeof big - 1);
			big[sizeof big - 1] = '\0';
			put(big, strlen(big));
			put("\r\n", 2);
			send_line(".");
			if (reply(line, sizeof line) == 0)
				return 1;
		}
	}
	sasl_dispose(&Conn);
	close(Fd);
	return 0;
}
