/*
 * daemon_opts.c: the DaemonPortOptions values as listeners.  A value is a
 * comma-separated list of key=value pairs; keys are told apart by their
 * first letter (Addr, Family, InputMailFilters, Listen, Modifier, Name,
 * Port, RcvBufSize, SndBufSize) except the long ones (children,
 * DeliveryMode, refuseLA, delayLA, queueLA), as sendmail 8.17 does.
 * Owns the listener array it returns.
 */
#include "daemon.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "err.h"
#include "options.h"
#include "sm.h"

bool daemon_has_modifier(const struct daemon_listener *l, char c)
{
	return l->modifiers != NULL && strchr(l->modifiers, c) != NULL;
}

/* A port number or a service name; -1 when unknown. */
static int port_of(const char *s)
{
	if (*s >= '0' && *s <= '9') {
		char *end;
		long n = strtol(s, &end, 10);
		return *end == '\0' && n >= 0 && n <= 65535 ? (int)n : -1;
	}
	struct servent *sv = getservbyname(s, "tcp");
	if (sv != NULL)
		return ntohs((unsigned short)sv->s_port);
	/* the well-known mail ports even without /etc/services */
	static const struct { const char *name; int port; } known[] = {
		{"smtp", 25}, {"submission", 587}, {"smtps", 465}, {"submissions", 465},
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (sm_strcasecmp(s, known[i].name) == 0)
			return known[i].port;
	return -1;
}

static bool set_family(struct daemon_listener *l, const char *v)
{
	if (sm_strcasecmp(v, "inet") == 0) {
		l->family = AF_INET;
		l->family_name = "inet";
	} else if (sm_strcasecmp(v, "inet6") == 0) {
		l->family = AF_INET6;
		l->family_name = "inet6";
	} else if (sm_strcasecmp(v, "local") == 0 || sm_strcasecmp(v, "unix") == 0) {
		l->family = AF_UNIX;
		l->family_name = "local";
	} else {
		syserr("Unknown address family %s in Family=option", v);
		return false;
	}
	return true;
}

/* Fills l->sa from family, Addr= and the port; false after a message. */
static bool resolve(struct daemon_listener *l)
{
	memset(&l->sa, 0, sizeof l->sa);
	if (l->family == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&l->sa;
		un->sun_family = AF_UNIX;
		if (l->addr == NULL || strlen(l->addr) >= sizeof un->sun_path) {
			syserr("Addr= option must name the local socket (shorter than %zu)",
			       sizeof un->sun_path);
			return false;
		}
		sm_strlcpy(un->sun_path, l->addr, sizeof un->sun_path);
		l->sa_len = sizeof *un;
		return true;
	}
	int port = port_of(l->port_text);
	if (port < 0) {
		syserr("service \"%s\" unknown", l->port_text);
		return false;
	}
	l->port = (unsigned short)port;
	if (l->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&l->sa;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(l->port);
		s6->sin6_addr = in6addr_any;
		l->sa_len = sizeof *s6;
		if (l->addr != NULL && inet_pton(AF_INET6, l->addr, &s6->sin6_addr) != 1) {
			struct addrinfo hints = {.ai_family = AF_INET6}, *ai = NULL;
			if (getaddrinfo(l->addr, NULL, &hints, &ai) != 0 || ai == NULL) {
				syserr("host \"%s\" unknown", l->addr);
				return false;
			}
			s6->sin6_addr = ((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
			freeaddrinfo(ai);
		}
		return true;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)&l->sa;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(l->port);
	s4->sin_addr.s_addr = htonl(INADDR_ANY);
	l->sa_len = sizeof *s4;
	if (l->addr != NULL && inet_pton(AF_INET, l->addr, &s4->sin_addr) != 1) {
		struct addrinfo hints = {.ai_family = AF_INET}, *ai = NULL;
		if (getaddrinfo(l->addr, NULL, &hints, &ai) != 0 || ai == NULL) {
			syserr("host \"%s\" unknown", l->addr);
			return false;
		}
		s4->sin_addr = ((struct sockaddr_in *)ai->ai_addr)->sin_addr;
		freeaddrinfo(ai);
	}
	return true;
}

static int int_value(const char *v)
{
	long n = strtol(v, NULL, 10);
	return n < 0 ? 0 : n > 1000000 ? 1000000 : (int)n;
}

static void replace(char **field, const char *v)
{
	sm_free(*field);
	*field = sm_strdup(v);
}

/* One key=value pair; false when the value is unusable. */
static bool set_key(struct daemon_listener *l, const char *key, const char *v)
{
	if (sm_strcasecmp(key, "children") == 0) {
		l->max_children = int_value(v);
		return true;
	}
	if (sm_strcasecmp(key, "DeliveryMode") == 0) {
		/* checked here: in the session it would end every connection
		 * before the greeting; 8.17 refuses it at start too */
		if (!opt_delivery_mode_valid(v)) {
			syserr("Unknown delivery mode %c", *v);
			return false;
		}
		replace(&l->delivery_mode, v);
		return true;
	}
	if (sm_strcasecmp(key, "refuseLA") == 0) {
		l->refuse_la = strtod(v, NULL);
		return true;
	}
	/* per session: the session sets the option before the server runs */
	if (sm_strcasecmp(key, "delayLA") == 0) {
		replace(&l->delay_la, v);
		return true;
	}
	if (sm_strcasecmp(key, "queueLA") == 0) {
		replace(&l->queue_la, v);
		return true;
	}
	switch (sm_upper((unsigned char)key[0])) {
	case 'A':
		replace(&l->addr, v);
		return true;
	case 'F':
		return set_family(l, v);
	case 'I':
		return true; /* InputMailFilters: no milter support */
	case 'L':
		l->backlog = int_value(v);
		if (l->backlog <= 0)
			l->backlog = 10;
		return true;
	case 'M':
		replace(&l->modifiers, v);
		l->optional = strchr(v, 'O') != NULL;
		return true;
	case 'N':
		replace(&l->name, v);
		return true;
	case 'P':
		replace(&l->port_text, v);
		return true;
	case 'R':
		l->rcvbuf = int_value(v);
		return true;
	case 'S':
		l->sndbuf = int_value(v);
		return true;
	default:
		syserr("PortOptions parameter \"%s=%s\" unknown", key, v);
		return true;
	}
}

/* ${daemon_flags}: the letters separated by blanks, upper case ones
 * doubled (M=Ea gives "EE a"), so rulesets can match them as tokens. */
static char *flags_macro(const char *m)
{
	struct sm_buf b;
	sm_buf_init(&b);
	for (const char *p = m; *p != '\0'; p++) {
		if (sm_isspace((unsigned char)*p))
			continue;
		if (b.len > 0)
			sm_buf_putc(&b, ' ');
		sm_buf_putc(&b, *p);
		if (*p >= 'A' && *p <= 'Z')
			sm_buf_putc(&b, *p);
	}
	return sm_buf_steal(&b);
}

static bool parse_one(struct daemon_listener *l, const char *value, size_t index)
{
	memset(l, 0, sizeof *l);
	l->fd = -1;
	l->family = AF_INET;
	l->family_name = "inet";
	l->backlog = 10;
	char *copy = sm_strdup(value);
	bool ok = true;
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		item = sm_trim(item);
		if (*item == '\0')
			continue;
		char *eq = strchr(item, '=');
		if (eq == NULL) {
			syserr("PortOptions parameter \"%s\" unknown", item);
			continue;
		}
		*eq = '\0';
		if (!set_key(l, sm_trim(item), sm_trim(eq + 1)))
			ok = false;
	}
	sm_free(copy);
	if (l->name == NULL)
		l->name = sm_asprintf("Daemon%zu", index);
	if (l->modifiers == NULL)
		l->modifiers = sm_strdup("");
	l->flags_macro = flags_macro(l->modifiers);
	if (l->port_text == NULL)
		l->port_text = sm_strdup("smtp");
	if (ok)
		ok = resolve(l);
	return ok;
}

size_t daemon_listeners_parse(struct daemon_listener **out)
{
	size_t n;
	const char *const *values = opt_daemon_ports(&n);
	static const char *const builtin[] = {"Name=MTA"};
	if (n == 0) {
		values = builtin;
		n = 1;
	}
	struct daemon_listener *v = sm_calloc(n, sizeof *v);
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		if (!parse_one(&v[i], values[i], i))
			ok = false;
	*out = v;
	if (!ok) {
		daemon_listeners_free(v, n);
		*out = NULL;
		return 0;
	}
	return n;
}

void daemon_listeners_free(struct daemon_listener *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		sm_free(v[i].name);
		sm_free(v[i].addr);
		sm_free(v[i].port_text);
		sm_free(v[i].modifiers);
		sm_free(v[i].flags_macro);
		sm_free(v[i].delivery_mode);
		sm_free(v[i].delay_la);
		sm_free(v[i].queue_la);
	}
	sm_free(v);
}
