/*
 * resolve.c: host name resolution (placeholder: hosts via getaddrinfo).
 */
#include "resolve.h"

#include <netdb.h>
#include <string.h>

#include "sm.h"

int getmxrr(const char *host, char **mxhosts, unsigned short *prefs, int max, bool droplocal,
	    int *rcode)
{
	(void)droplocal;
	if (max < 1)
		return 0;
	mxhosts[0] = sm_strdup(host);
	prefs[0] = 0;
	*rcode = 0;
	return 1;
}

bool getcanonname(char *host, size_t hbsize, bool trymx, int *statp)
{
	(void)trymx;
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_CANONNAME;
	hints.ai_family = AF_UNSPEC;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || res == NULL) {
		*statp = rc == EAI_AGAIN ? EX_TEMPFAIL_ : EX_NOHOST_;
		return false;
	}
	if (res->ai_canonname != NULL)
		sm_strlcpy(host, res->ai_canonname, hbsize);
	freeaddrinfo(res);
	*statp = EX_OK_;
	return true;
}
