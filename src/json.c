/* json.c: see json.h.  cJSON keeps the last error's position in one global
 * that every parse writes, and the loader parses on several threads at
 * once (profile metadata, trace elements, cargo logs), so parses take one
 * lock and the position comes back through end, not that global.  They are
 * few and short: the trace scanner reads nearly every element itself. */
#include <pthread.h>
#include "stalactite/json.h"

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

cJSON *st_json_parse(const char *s, size_t n, const char **end)
{
	const char *e = NULL;
	pthread_mutex_lock(&parse_lock);
	cJSON *v = cJSON_ParseWithLengthOpts(s, n, &e, 0);
	pthread_mutex_unlock(&parse_lock);
	if (end)
		*end = e;
	return v;
}
