/*
 * smtpc_route.c: where a message for a host goes (see smtpc.h).
 *
 * Owns: the list of hosts for a destination (getmxrr of resolve.c: MX
 * records best first without this host and worse ones, the host itself
 * when it has no MX or names no DNS, a [literal] as it is,
 * FallbackMXhost last), the addresses of each host (the system resolver,
 * as 8.17's connections use it), trying them in order until one greets
 * us, the failure texts 8.17 gives ("Connection refused by HOST",
 * "Host unknown (Name server: HOST: host not found)"), and the connection
 * cache: open connections kept between messages of one process
 * (ConnectionCacheSize, ConnectionCacheTimeout), closed at exit.
 */
#include "smtpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "hoststat.h"
#include "mailer.h"
#include "options.h"
#include "resolve.h"
#include "timeconv.h"

#define CACHE_MAX 32

static struct smtpc_conn *Cache[CACHE_MAX];
static bool AtexitSet;

/* ConnectionCacheSize (default 1 as 8.17's binary; the cf usually says 2). */
static int cache_size(void)
{
	const char *v = opt_value(OPT_ConnectionCacheSize);
	int n = v != NULL && *v != '\0' ? atoi(v) : 1;
	return n < 0 ? 0 : (n > CACHE_MAX ? CACHE_MAX : n);
}

static long cache_timeout(void)
{
	const char *v = opt_value(OPT_ConnectionCacheTimeout);
	if (v == NULL || *v == '\0')
		return 300;
	return time_convert(v, strlen(v), 's');
}

void smtpc_close_cached(void)
{
	for (int i = 0; i < CACHE_MAX; i++) {
		struct smtpc_conn *c = Cache[i];
		Cache[i] = NULL;
		smtpc_close(c);
	}
}

static char *ClosedHosts[CACHE_MAX]; /* told "Closing connection to" at exit */

static void close_at_exit(void)
{
	fflush(stdout);
	smtpc_close_cached();
	smtpc_tls_forget();
	for (int i = 0; i < CACHE_MAX; i++) {
		if (ClosedHosts[i] != NULL)
			printf("Closing connection to %s\n", ClosedHosts[i]);
		sm_free(ClosedHosts[i]);
		ClosedHosts[i] = NULL;
	}
	fflush(stdout);
}

void smtpc_tell_closed_at_exit(const char *host)
{
	for (int i = 0; i < CACHE_MAX; i++)
		if (ClosedHosts[i] == NULL) {
			ClosedHosts[i] = sm_strdup(host);
			break;
		}
	if (!AtexitSet) {
		AtexitSet = true;
		(void)atexit(close_at_exit);
	}
}

void smtpc_release(struct smtpc_conn *c)
{
	if (c == NULL)
		return;
	int size = cache_size();
	if (!c->broken && size > 0) {
		c->when_used = (long)time(NULL);
		int slot = -1, oldest = -1;
		for (int i = 0; i < size; i++) {
			if (Cache[i] == NULL && slot < 0)
				slot = i;
			if (Cache[i] != NULL && (oldest < 0 || Cache[i]->when_used < Cache[oldest]->when_used))
				oldest = i;
		}
		if (slot < 0) {
			/* the cache is full: the longest unused connection goes */
			slot = oldest;
			smtpc_close(Cache[slot]);
		}
		Cache[slot] = c;
		if (!AtexitSet) {
			AtexitSet = true;
			(void)atexit(close_at_exit);
		}
		return;
	}
	smtpc_close(c);
}

struct smtpc_conn *smtpc_cache_take(const struct mailer *m, const char *dest)
{
	long now = (long)time(NULL), tmo = cache_timeout();
	for (int i = 0; i < CACHE_MAX; i++) {
		struct smtpc_conn *c = Cache[i];
		if (c == NULL)
			continue;
		if (now - c->when_used > tmo) {
			Cache[i] = NULL;
			smtpc_close(c);
			continue;
		}
		if (strcmp(c->mailer, m->name) == 0 && sm_strcasecmp(c->dest, dest) == 0) {
			Cache[i] = NULL;
			return c;
		}
	}
	return NULL;
}

void smtpc_connect_failure(int err, const char *host, struct smtpc_result *r)
{
	switch (err) {
	case ECONNREFUSED:
		smtpc_result_set(r, EX_TEMPFAIL_, "4.4.1",
				 sm_asprintf("Deferred: Connection refused by %s", host), NULL);
		break;
	case ETIMEDOUT:
		smtpc_result_set(r, EX_TEMPFAIL_, "4.4.1",
				 sm_asprintf("Deferred: Connection timed out with %s", host), NULL);
		break;
	case ECONNRESET:
		smtpc_result_set(r, EX_TEMPFAIL_, "4.4.1",
				 sm_asprintf("Deferred: Connection reset by %s", host), NULL);
		break;
	case EHOSTDOWN:
		smtpc_result_set(r, EX_TEMPFAIL_, "4.4.1", sm_asprintf("Deferred: Host %s is down", host),
				 NULL);
		break;
	default:
		smtpc_result_set(r, EX_TEMPFAIL_, "4.4.1", sm_asprintf("Deferred: %s", strerror(err)),
				 NULL);
		break;
	}
}

/* The name to resolve for an MX host: without brackets, "IPv6:" or the final dot. */
static void lookup_name(const char *mx, char *out, size_t outsize, bool *literal)
{
	size_t l = strlen(mx);
	*literal = false;
	if (l >= 2 && mx[0] == '[' && mx[l - 1] == ']' && l - 2 < outsize) {
		memcpy(out, mx + 1, l - 2);
		out[l - 2] = '\0';
		*literal = true;
		if (sm_strncasecmp(out, "IPv6:", 5) == 0)
			memmove(out, out + 5, strlen(out + 5) + 1);
		return;
	}
	sm_strlcpy(out, mx, outsize);
	l = strlen(out);
	if (l > 1 && out[l - 1] == '.')
		out[l - 1] = '\0';
}

/*
 * The relay= text of a connection to host at addr (inet_ntop's form), new
 * or cached alike.  An IPv6 address is written as 8.17 writes it: all
 * eight groups, none left out ("IPv6:0:0:0:0:0:0:0:1" for ::1).
 */
static char *relay_text(const char *host, const char *addr)
{
	struct in6_addr a6;
	if (strchr(addr, ':') == NULL || inet_pton(AF_INET6, addr, &a6) != 1)
		return sm_asprintf("%s [%s]", host, addr);
	const unsigned char *b = a6.s6_addr;
	char full[8 * 5];
	size_t k = 0;
	for (int i = 0; i < 16; i += 2)
		k += (size_t)snprintf(full + k, sizeof full - k, "%s%x", i > 0 ? ":" : "",
				      (unsigned)(b[i] << 8 | b[i + 1]));
	return sm_asprintf("%s [IPv6:%s]", host, full);
}

struct smtpc_conn *smtpc_conn_new(const struct mailer *m, int fd, int wfd, const char *host,
				  const char *addr, const char *dest, bool verbose)
{
	struct smtpc_conn *c = sm_calloc(1, sizeof *c);
	c->fd = fd;
	c->wfd = wfd;
	c->verbose = verbose;
	c->lmtp = mailer_has_flag(m, 'z');
	c->host = sm_strdup(host);
	c->addr = sm_strdup(addr);
	c->mailer = sm_strdup(m->name);
	c->dest = sm_strdup(dest);
	sm_buf_init(&c->lastreply);
	return c;
}

static void tell_connecting(const struct mailer *m, const char *mx, const char *who, bool verbose)
{
	if (!verbose)
		return;
	const char *port = smtpc_port(m);
	if (strcmp(port, "25") != 0)
		message("%s... Connecting to %s port %s via %s...", who, mx, port, m->name);
	else
		message("%s... Connecting to %s via %s...", who, mx, m->name);
}

/*
 * Tries every address of one host; the greeted connection, or NULL with
 * *r set and *relay naming the last address tried.
 */
static struct smtpc_conn *try_host(const struct mailer *m, const char *mx, const char *dest,
				   const char *who, bool verbose, int ctmo, long long give_up,
				   struct smtpc_result *r, char **relay, bool *stop)
{
	/* down in this run already: deferred without a word, as 8.17 does */
	if (hoststat_down_here(mx, r) || smtpc_tls_refused_here(mx, r)) {
		sm_free(*relay);
		*relay = sm_strdup(mx);
		return NULL;
	}
	tell_connecting(m, mx, who, verbose);
	char name[1025];
	bool literal;
	lookup_name(mx, name, sizeof name, &literal);
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	if (literal)
		hints.ai_flags = AI_NUMERICHOST;
	struct addrinfo *res = NULL;
	int gai = getaddrinfo(name, smtpc_port(m), &hints, &res);
	if (gai != 0 || res == NULL) {
		sm_free(*relay);
		*relay = sm_strdup(mx);
		if (gai == EAI_AGAIN)
			smtpc_result_set(r, EX_TEMPFAIL_, "4.4.3",
					 sm_asprintf("Deferred: Name server: %s: host name lookup failure",
						     mx),
					 NULL);
		else
			smtpc_result_set(r, EX_NOHOST_, "5.1.2",
					 sm_asprintf("Host unknown (Name server: %s: host not found)", mx),
					 NULL);
		return NULL;
	}
	struct smtpc_conn *found = NULL;
	for (struct addrinfo *a = res; a != NULL && found == NULL; a = a->ai_next) {
		/* Timeout.aconnect: no more addresses once it has passed */
		if (give_up > 0 && sm_now_ms() >= give_up)
			break;
		int t = ctmo;
		if (give_up > 0 && (t <= 0 || sm_now_ms() + 1000LL * t > give_up))
			t = (int)((give_up - sm_now_ms()) / 1000) + 1;
		char abuf[INET6_ADDRSTRLEN] = "";
		const void *ap = a->ai_family == AF_INET6
					 ? (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr
					 : (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr;
		(void)inet_ntop(a->ai_family, ap, abuf, sizeof abuf);
		sm_free(*relay);
		*relay = relay_text(mx, abuf);
		/*
		 * The recorded status is of the host, looked at once before its first
		 * address (as 8.17 does): an address that fails just now records it
		 * but does not keep the host's other addresses from being tried.
		 */
		if (a == res && hoststat_down(mx, r))
			break;
		bool clear = false; /* TLSFallbacktoClear's second try, without STARTTLS */
	again:;
		int fd = smtpc_connect_addr(a->ai_addr, (unsigned)a->ai_addrlen, t);
		if (fd < 0) {
			int err = errno;
			smtpc_connect_failure(err, mx, r);
			hoststat_record(mx, err, r->status, r->dsn, NULL);
			continue;
		}
		struct smtpc_conn *c = smtpc_conn_new(m, fd, fd, mx, abuf, dest, verbose);
		c->who = who;
		c->tls_clear = clear;
		if (smtpc_hello(c, m, r)) {
			c->who = NULL;
			found = c;
		} else if (c->tls_retry) {
			/* the TLS handshake failed: at once again in clear (8.17 says so again) */
			c->verbose = false;
			c->quiet_close = false;
			smtpc_close(c);
			smtpc_result_clear(r);
			clear = true;
			tell_connecting(m, mx, who, verbose);
			goto again;
		} else {
			/* a refusal by tls_server recorded its own status */
			if (!c->stop)
				hoststat_record(mx, 0, r->status, r->dsn, r->reply);
			if (r->status == EX_CONFIG_ || c->stop) {
				*stop = true;
				smtpc_close(c);
				break;
			}
			smtpc_close(c);
		}
	}
	freeaddrinfo(res);
	return found;
}

struct smtpc_conn *smtpc_open_program(const struct mailer *m, int fd, int pid, bool verbose,
				      struct smtpc_result *r)
{
	r->text = r->reply = NULL;
	struct smtpc_conn *c = smtpc_conn_new(m, fd, fd, m->name, "", "", verbose);
	c->pid = pid;
	c->lmtp = true;
	if (smtpc_hello(c, m, r))
		return c;
	smtpc_close(c);
	return NULL;
}

struct smtpc_conn *smtpc_open(const struct mailer *m, const char *host, const char *who,
			      bool verbose, bool first_try, bool queue_run, struct smtpc_result *r,
			      char **relay)
{
	int ctmo = smtpc_timeout("connect", 0);
	if (first_try)
		ctmo = smtpc_timeout("iconnect", ctmo);
	int atmo = smtpc_timeout("aconnect", 0);
	long long give_up = atmo > 0 ? sm_now_ms() + 1000LL * atmo : 0;
	*relay = NULL;
	r->text = r->reply = NULL;
	struct smtpc_conn *c = smtpc_cache_take(m, host);
	if (c != NULL) {
		c->verbose = verbose;
		if (smtpc_rset(c)) {
			if (verbose && c->lpc)
				message("%s... Using cached SMTP/LPC connection for %s...", who, c->host);
			else if (verbose)
				message("%s... Using cached %s connection to %s via %s...", who,
					c->lmtp ? "LMTP" : (c->ext & SMTPC_EHLO) ? "ESMTP" : "SMTP",
					c->host, m->name);
			*relay = c->lpc ? sm_strdup(c->host) : relay_text(c->host, c->addr);
			return c;
		}
		smtpc_close(c);
	}
	if (m->path != NULL && strcmp(m->path, "[LPC]") == 0)
		return smtpc_open_lpc(m, host, verbose, r, relay);
	if (smtpc_is_socket_mailer(m))
		return smtpc_open_socket(m, host, who, verbose, ctmo, queue_run, r, relay);
	char *mxhosts[MAXMXHOSTS + 1];
	unsigned short prefs[MAXMXHOSTS + 1];
	int rcode = EX_OK_;
	int nmx = getmxrr_tuned(host, mxhosts, prefs, MAXMXHOSTS, true, false, NULL, &rcode);
	if (nmx == NULLMX) {
		*relay = sm_strdup(host);
		smtpc_result_set(r, EX_UNAVAILABLE_, "5.1.10",
				 sm_strdup("Domain does not accept mail (nullMX)"), NULL);
		return NULL;
	}
	if (nmx < 0 && rcode == EX_CONFIG_) {
		*relay = sm_strdup(host);
		smtpc_result_set(r, EX_CONFIG_, "5.3.5",
				 sm_strdup("config error: mail loops back to me (MX problem?)"), NULL);
		return NULL;
	}
	if (nmx < 0 && rcode == EX_TEMPFAIL_) {
		/* the name servers fail: the fallback hosts, if there are any */
		nmx = getmxrr_add_fallback(mxhosts, prefs, 0, MAXMXHOSTS);
	}
	if (nmx < 0 || (nmx == 0 && rcode == EX_TEMPFAIL_)) {
		*relay = sm_strdup(host);
		smtpc_result_set(r, EX_TEMPFAIL_, "4.4.3",
				 sm_asprintf("Deferred: Name server: %s: host name lookup failure", host),
				 NULL);
		return NULL;
	}
	if (nmx == 0 && rcode == EX_NOHOST_) {
		/* the name server knows no such domain: nothing to connect to */
		*relay = sm_strdup(host);
		smtpc_result_set(r, EX_NOHOST_, "5.1.2",
				 sm_asprintf("Host unknown (Name server: %s: host not found)", host),
				 NULL);
		return NULL;
	}
	if (nmx == 0) {
		/* no MX list (no DNS in the service switch): the host itself */
		mxhosts[0] = sm_strdup(host);
		nmx = 1;
	}
	/* 8.17 tries FallbackMXhost only when the hosts come from DNS */
	if (rcode != EX_TEMPFAIL_ && resolver_uses_dns())
		nmx = getmxrr_add_fallback(mxhosts, prefs, nmx, MAXMXHOSTS);
	smtpc_result_set(r, EX_TEMPFAIL_, "4.4.1", sm_strdup("Deferred"), NULL);
	bool stop = false;
	for (int i = 0; i < nmx && c == NULL && !stop; i++)
		c = try_host(m, mxhosts[i], host, who, verbose, ctmo, give_up, r, relay, &stop);
	for (int i = 0; i < nmx; i++)
		sm_free(mxhosts[i]);
	if (c != NULL)
		smtpc_result_clear(r);
	return c;
}
