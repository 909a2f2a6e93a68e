/*
 * map_socket.c: the "socket" map class (placeholder).
 */
#include "map.h"

static char *socket_lookup(struct map *m, const char *key, char **args, int *stat)
{
	(void)m, (void)key, (void)args;
	*stat = EX_TEMPFAIL_;
	return NULL;
}

const struct map_class SocketMapClass = {
	"socket", MCF_OPTFILE, map_parse_args, NULL, socket_lookup, NULL, NULL,
};
