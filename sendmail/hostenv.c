/*
 * hostenv.c: host names, interface addresses and built-in macros
 * (see hostenv.h).
 */
#include "hostenv.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "class.h"
#include "conf.h"
#include "macro.h"
#include "meta.h"
#include "options.h"
#include "priv.h"
#include "sm.h"

static char FullHostName[256];

static void arpadate(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char zone[32];
	long off = tm.tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(zone, sizeof zone, "%c%02ld%02ld", sign, off / 60, off % 60);
	char datebuf[64];
	strftime(datebuf, sizeof datebuf, "%a, %d %b %Y %H:%M:%S", &tm);
	snprintf(buf, size, "%s %s", datebuf, zone);
}

void hostenv_init(void)
{
	macro_define_operators();
	macro_define('n', "MAILER-DAEMON");
	macro_define('v', SENDMAIL_VERSION);

	char host[256];
	if (gethostname(host, sizeof host) != 0)
		sm_strlcpy(host, "localhost", sizeof host);
	host[sizeof host - 1] = '\0';
	/* qualify it through the resolver when it has no dot */
	if (strchr(host, '.') == NULL) {
		struct addrinfo hints, *res = NULL;
		memset(&hints, 0, sizeof hints);
		hints.ai_flags = AI_CANONNAME;
		if (getaddrinfo(host, NULL, &hints, &res) == 0 && res != NULL) {
			if (res->ai_canonname != NULL && strchr(res->ai_canonname, '.') != NULL)
				sm_strlcpy(host, res->ai_canonname, sizeof host);
			freeaddrinfo(res);
		}
	}
	class_add('w', host);
	macro_define('j', host);
	sm_strlcpy(FullHostName, host, sizeof FullHostName);
	char *dot = strchr(host, '.');
	if (dot != NULL) {
		macro_define('m', dot + 1);
		class_add('m', dot + 1);
		*dot = '\0';
	}
	macro_define('w', host);

	struct utsname u;
	if (uname(&u) == 0) {
		macro_define('k', u.nodename);
		class_add('k', u.nodename);
	}

	struct passwd *pw = getpwuid(priv_caller_uid());
	char ident[300];
	snprintf(ident, sizeof ident, "%s@localhost", pw != NULL ? pw->pw_name : "unknown");
	macro_define('_', ident);

	char date[128];
	arpadate(date, sizeof date);
	macro_define('b', date);

	class_add('e', "7bit");
	class_add('e', "8bit");
	class_add('e', "binary");
	/* the MIME classes 8.17 starts with: never encoded, walked into, length-checked */
	class_add('n', "multipart/signed");
	class_add('s', "rfc822");
	class_add(macro_id("checkMIMETextHeaders", 20, true), "content-description");
	static const char *const field[] = {"content-type", "content-disposition"};
	static const char *const mime[] = {"content-type", "content-disposition",
					   "content-transfer-encoding", "content-id", "mime-version"};
	for (size_t i = 0; i < sizeof field / sizeof field[0]; i++)
		class_add(macro_id("checkMIMEFieldHeaders", 21, true), field[i]);
	for (size_t i = 0; i < sizeof mime / sizeof mime[0]; i++)
		class_add(macro_id("checkMIMEHeaders", 16, true), mime[i]);
}

static void add_names_of(const struct sockaddr *sa, socklen_t len)
{
	char name[NI_MAXHOST];
	if (getnameinfo(sa, len, name, sizeof name, NULL, 0, NI_NAMEREQD) != 0)
		return;
	if (!class_has('w', name, strlen(name)))
		class_add('w', name);
	char br[NI_MAXHOST + 2];
	snprintf(br, sizeof br, "[%s]", name);
	if (!class_has('w', br, strlen(br)))
		class_add('w', br);
}

void hostenv_probe_interfaces(void)
{
	struct ifaddrs *ifa = NULL;
	if (getifaddrs(&ifa) != 0)
		return;
	for (struct ifaddrs *i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		if (!(i->ifa_flags & IFF_UP))
			continue;
		const struct sockaddr_in *sin = (const struct sockaddr_in *)i->ifa_addr;
		char ip[INET_ADDRSTRLEN + 2];
		char txt[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &sin->sin_addr, txt, sizeof txt);
		snprintf(ip, sizeof ip, "[%s]", txt);
		if (!class_has('w', ip, strlen(ip)))
			class_add('w', ip);
		add_names_of(i->ifa_addr, sizeof(struct sockaddr_in));
	}
	freeifaddrs(ifa);
}

void hostenv_after_config(void)
{
	/* configurations before level 5 expect the full name in $w */
	if (ConfigLevel < 5 && FullHostName[0] != '\0')
		macro_define('w', FullHostName);
	const char *j = macro_get('j');
	if (j != NULL) {
		struct sm_buf b;
		sm_buf_init(&b);
		macro_expand(j, &b);
		if (b.data != NULL && !class_has('w', b.data, b.len))
			class_add('w', b.data);
		sm_buf_free(&b);
	}
	const char *dpi = opt_value(OPT_DontProbeInterfaces);
	bool probe = dpi == NULL || !(dpi[0] == '\0' || sm_lower((unsigned char)dpi[0]) == 't' ||
				      sm_lower((unsigned char)dpi[0]) == 'y');
	if (dpi != NULL && sm_strcasecmp(dpi, "loopback") == 0)
		probe = true;
	if (probe)
		hostenv_probe_interfaces();
}
