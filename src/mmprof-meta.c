/* mmprof-meta.c: the .mm_profdata metadata string: rustc's JSON (repaired
 * where rustc's escapes are not JSON), its command line and start time. */

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmprof-internal.h"
#include "stalactite/fmt.h"
#include "stalactite/json.h"

/* ---- metadata ----------------------------------------------------------- */

static void put_utf8(buf *b, uint32_t cp)
{
	char u[4];
	if (cp < 0x20) {
		char esc[8];
		snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
		buf_add(b, esc, 6);
		return;
	}
	if (cp == '"' || cp == '\\')
		buf_add(b, "\\", 1);
	buf_add(b, u, st_utf8_encode(cp, u));
}

/* Parses "{hex}" at s (after "\u"); returns its length or 0. */
static size_t rust_unicode(const char *s, size_t n, uint32_t *cp)
{
	if (n < 3 || s[0] != '{')
		return 0;
	uint32_t v = 0;
	size_t i = 1;
	for (; i < n && i < 8 && s[i] != '}'; i++) {
		int c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
		        c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		        c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return 0;
		v = v << 4 | (uint32_t)d;
	}
	if (i == 1 || i >= n || s[i] != '}')
		return 0;
	*cp = v;
	return i + 1;
}

/* Rewrites rustc's escape_default escapes that JSON lacks: \' and \u{X}. */
static void repair_json(const char *s, size_t n, buf *out)
{
	out->len = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t cp;
		size_t k;
		if (s[i] != '\\' || i + 1 >= n) {
			buf_add(out, s + i, 1);
		} else if (s[i + 1] == '\'') {
			buf_add(out, "'", 1);
			i++;
		} else if (s[i + 1] == 'u' &&
		           (k = rust_unicode(s + i + 2, n - i - 2, &cp)) > 0) {
			put_utf8(out, cp);
			i += 1 + k;
		} else {
			buf_add(out, s + i, 2);
			i++;
		}
	}
	buf_add(out, "", 1);
}

/* The digits of top-level key "start_time" in the JSON text, parsed exactly
 * (cJSON's double loses precision for u128 nanoseconds). */
static bool json_start_time(const char *s, uint64_t *out)
{
	int depth = 0;
	bool in_str = false;
	for (const char *q = s; *q; q++) {
		if (in_str) {
			if (*q == '\\' && q[1])
				q++;
			else if (*q == '"')
				in_str = false;
			continue;
		}
		if (*q == '{' || *q == '[')
			depth++;
		else if (*q == '}' || *q == ']')
			depth--;
		else if (*q == '"' && depth == 1 && strncmp(q, "\"start_time\"", 12) == 0) {
			q += 12;
			while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
				q++;
			if (*q++ != ':')
				return false;
			while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
				q++;
			if (*q < '0' || *q > '9')
				return false;
			uint64_t v = 0;
			for (; *q >= '0' && *q <= '9'; q++) {
				if (v > (UINT64_MAX - 9) / 10)
					return false;
				v = v * 10 + (uint64_t)(*q - '0');
			}
			*out = v;
			return true;
		} else if (*q == '"')
			in_str = true;
	}
	return false;
}

static bool parse_metadata(st_mmprof *p, const char *json, uint64_t at)
{
	cJSON *root = st_json_parse(json, strlen(json) + 1, NULL);
	if (!root || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return mm_fail(p, at, "metadata is not a JSON object");
	}
	const cJSON *pid = cJSON_GetObjectItemCaseSensitive(root, "process_id");
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(root, "cmd");
	const char *missing = !cJSON_IsNumber(
		cJSON_GetObjectItemCaseSensitive(root, "start_time")) ? "start_time" :
		!cJSON_IsNumber(pid) ? "process_id" :
		!cJSON_IsString(cmd) ? "cmd" : NULL;
	if (!missing && !json_start_time(json, &p->info.start_time_ns))
		missing = "start_time";
	if (missing) {
		cJSON_Delete(root);
		return mm_fail(p, at, "metadata has no valid \"%s\"", missing);
	}
	double d = pid->valuedouble;
	p->info.pid = d >= 0 && d <= UINT32_MAX ? (uint32_t)d : 0;
	const char *c = cmd->valuestring;
	mm_clean_utf8((const unsigned char *)c, strlen(c), &p->clean);
	p->cmd = st_xmalloc(p->clean.len + 1);
	memcpy(p->cmd, p->clean.p, p->clean.len);
	p->cmd[p->clean.len] = '\0';
	p->info.cmd = p->cmd;
	cJSON_Delete(root);
	return true;
}

bool mm_read_metadata(st_mmprof *p)
{
	uint64_t addr, at = p->st[TAG_INDEX].pages[0].file_off;
	if (!mm_index_find(p, ID_METADATA, &addr, &at))
		return mm_fail(p, at, "no metadata string (id %llu) in the string index",
		               ID_METADATA);
	if (!mm_resolve(p, ID_METADATA, at))
		return false;
	uint64_t mat = stream_file_off(&p->st[TAG_STRINGS], addr);
	buf fixed = { 0 };
	repair_json(p->text.p, p->text.len, &fixed);
	bool ok = memchr(fixed.p, '\0', fixed.len - 1) == NULL
	          ? parse_metadata(p, fixed.p, mat)
	          : mm_fail(p, mat, "metadata contains a NUL byte");
	free(fixed.p);
	return ok;
}
