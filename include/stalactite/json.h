/* json: cJSON's parser, safe on the loader's threads (src/json.c). */
#ifndef STALACTITE_JSON_H
#define STALACTITE_JSON_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Parses the JSON value at s[0, n) (what follows it is not read as JSON);
 * NULL when it is not one.  *end (when end is not NULL): one past the
 * value, or where the parse failed. */
cJSON *st_json_parse(const char *s, size_t n, const char **end);

#endif
