/* load-cargo.c: cargo's timings, from the HTML report or the build log.
 *
 * The HTML report (`cargo build --timings`) declares its data as JavaScript
 * constants whose values are JSON: `const UNIT_DATA = [...]` and
 * `const CONCURRENCY_DATA = [...]`; cJSON parses each value in place (the
 * page is not NUL-terminated, so with an explicit length).  The
 * build-analysis log (`-Zbuild-analysis`) is JSON Lines, one event per line,
 * times in seconds since the build started.  Fields may be missing in other
 * toolchains: errors name the one that was needed. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/cargo.h"
#include "stalactite/json.h"
#include "stalactite/xalloc.h"

#define MAX_UNIT_INDEX 10000000   /* far above any build; bounds the maps */

static const unsigned char *skip_space(const unsigned char *p, size_t *len)
{
	while (*len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		--*len;
	}
	return p;
}

static bool starts_nocase(const unsigned char *p, size_t len, const char *s)
{
	size_t n = strlen(s);
	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (c != (unsigned char)s[i])
			return false;
	}
	return true;
}

bool st_cargo_sniff_html(const unsigned char *data, size_t len)
{
	data = skip_space(data, &len);
	return starts_nocase(data, len, "<html") ||
	       starts_nocase(data, len, "<!doctype html");
}

bool st_cargo_sniff_log(const unsigned char *data, size_t len)
{
	static const char magic[] = "{\"run_id\":";
	return len >= sizeof magic - 1 && memcmp(data, magic, sizeof magic - 1) == 0;
}

void st_timings_free(st_build_timings *t)
{
	free(t->units.v);
	free(t->edges.v);
	free(t->concurrency.v);
	memset(t, 0, sizeof *t);
	t->path = ST_NIL;
}

/* Seconds to ns, rounded to the nearest; false when not a time. */
static bool secs(const cJSON *o, const char *key, uint64_t *ns)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > 1e9)
		return false;
	*ns = (uint64_t)llround(v->valuedouble * 1e9);
	return true;
}

/* A count of units (running, waiting): 0 when absent or not positive,
 * UINT32_MAX at most (a double past it would not convert). */
static uint32_t count_of(const cJSON *v)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble > 0))
		return 0;
	return v->valuedouble < 4294967295.0 ? (uint32_t)v->valuedouble : UINT32_MAX;
}

static bool index_of(const cJSON *v, uint32_t *i)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) ||
	    v->valuedouble >= MAX_UNIT_INDEX || v->valuedouble != floor(v->valuedouble))
		return false;
	*i = (uint32_t)v->valuedouble;
	return true;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static st_unit *add_unit(st_build_timings *t)
{
	if (t->units.len == t->units.cap) {
		t->units.cap = t->units.cap ? t->units.cap * 2 : 64;
		t->units.v = st_xreallocarray(t->units.v, t->units.cap,
		                              sizeof *t->units.v);
	}
	st_unit *u = &t->units.v[t->units.len++];
	*u = (st_unit){ .target = ST_NIL, .crate = ST_NIL, .rmeta_ns = ST_NO_TIME,
	                .frontend_ns = ST_NO_TIME, .codegen_ns = ST_NO_TIME };
	return u;
}

static void add_edge(st_build_timings *t, uint32_t from, uint32_t to, bool rmeta)
{
	if (t->edges.len == t->edges.cap) {
		t->edges.cap = t->edges.cap ? t->edges.cap * 2 : 64;
		t->edges.v = st_xreallocarray(t->edges.v, t->edges.cap,
		                              sizeof *t->edges.v);
	}
	t->edges.v[t->edges.len++] = (st_unit_edge){ from, to, rmeta };
}

/* A target kind as cargo spells it (the log's target.kind, the HTML's
 * quoted word). */
static st_unit_kind kind_named(const char *k, size_t n)
{
	static const struct { const char *s; st_unit_kind k; } names[] = {
		{ "bin", ST_UK_BIN }, { "test", ST_UK_TEST }, { "bench", ST_UK_TEST },
		{ "example", ST_UK_EXAMPLE }, { "proc-macro", ST_UK_PROC_MACRO },
		{ "build-script", ST_UK_BUILD_SCRIPT },
		{ "custom-build", ST_UK_BUILD_SCRIPT },
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i].s) == n && memcmp(names[i].s, k, n) == 0)
			return names[i].k;
	return ST_UK_LIB;   /* lib, rlib, cdylib, ... */
}

/* The HTML's target text: "" (a lib), " build-script", " build-script (run)",
 * ` app "bin"` (older cargo: ` bin "app"`, ` build script`). */
static void html_target(st_unit *u, const char *s, const char *mode,
                        st_strtab *strs)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	u->kind = ST_UK_LIB;
	if (n >= 6 && strcmp(s + n - 6, " (run)") == 0) {
		u->kind = ST_UK_BUILD_SCRIPT_RUN;
		return;
	}
	if (mode && strcmp(mode, "run-custom-build") == 0) {
		u->kind = ST_UK_BUILD_SCRIPT_RUN;
		return;
	}
	if (strncmp(s, "build-script", 12) == 0 || strncmp(s, "build script", 12) == 0) {
		u->kind = ST_UK_BUILD_SCRIPT;
		return;
	}
	const char *q = strchr(s, '"'), *q2 = q ? strchr(q + 1, '"') : NULL;
	if (q && q2 && q > s) {
		const char *a = s, *b = q + 1;
		size_t an = (size_t)(q - s - 1), bn = (size_t)(q2 - q - 1);
		if (kind_named(a, an) != ST_UK_LIB || (an == 3 && !memcmp(a, "lib", 3)))
		{   /* older: kind first */
			u->kind = (uint8_t)kind_named(a, an);
			u->target = st_intern(strs, b, bn);
		} else {
			u->kind = (uint8_t)kind_named(b, bn);
			u->target = st_intern(strs, a, an);
		}
	}
	if (n >= 7 && strcmp(s + n - 7, " (test)") == 0)
		u->kind = ST_UK_TEST;
}

/* The value of `const NAME = ` in the page, parsed; NULL with err set when
 * it is not valid JSON, NULL with *found false when absent. */
static cJSON *html_const(const unsigned char *data, size_t len, const char *name,
                         bool *found, size_t *at, char *err, size_t errlen)
{
	char pat[64];
	snprintf(pat, sizeof pat, "const %s = ", name);
	const unsigned char *p = memmem(data, len, pat, strlen(pat));
	*found = p != NULL;
	if (!p)
		return NULL;
	p += strlen(pat);
	*at = (size_t)(p - data);
	const char *end = NULL;
	cJSON *v = st_json_parse((const char *)p, len - *at, &end);
	if (!v) {
		const char *e = end;
		size_t off = e && e >= (const char *)p && e <= (const char *)data + len
		             ? (size_t)(e - (const char *)data) : *at;
		snprintf(err, errlen, "offset %zu: %s is not valid JSON%s", off, name,
		         off >= len ? " (the page is cut short)" : "");
	}
	return v;
}

static int parse_html(st_build_timings *t, st_strtab *strs,
                      const unsigned char *data, size_t len, char *err,
                      size_t errlen)
{
	bool found;
	size_t at = 0;
	cJSON *ud = html_const(data, len, "UNIT_DATA", &found, &at, err, errlen);
	if (!found) {
		snprintf(err, errlen, "offset 0: an HTML page without UNIT_DATA (not "
		         "a cargo timings report)");
		return 1;
	}
	if (!ud)
		return 1;
	int rc = 0;
	uint32_t *pos = NULL, npos = 0;   /* cargo's index -> units position */
	const cJSON *e;
	if (!cJSON_IsArray(ud)) {
		snprintf(err, errlen, "offset %zu: UNIT_DATA is not an array", at);
		rc = 1;
	}
	uint32_t k = 0;
	const cJSON *units = rc ? NULL : ud;
	cJSON_ArrayForEach(e, units) {
		st_unit *u = add_unit(t);
		const char *name = str_of(e, "name"), *target = str_of(e, "target");
		const char *miss = !index_of(cJSON_GetObjectItemCaseSensitive(e, "i"),
		                             &u->index) ? "i"
		                 : !name ? "name" : !target ? "target"
		                 : !secs(e, "start", &u->start_ns) ? "start"
		                 : !secs(e, "duration", &u->duration_ns) ? "duration"
		                 : NULL;
		if (miss) {
			snprintf(err, errlen, "offset %zu: UNIT_DATA[%u] has no valid "
			         "'%s'", at, k, miss);
			rc = 1;
			break;
		}
		const char *ver = str_of(e, "version");
		u->name = st_intern_cstr(strs, name);
		u->version = st_intern_cstr(strs, ver ? ver : "");
		html_target(u, target, str_of(e, "mode"), strs);
		secs(e, "rmeta_time", &u->rmeta_ns);
		const cJSON *s;
		cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(e, "sections")) {
			const cJSON *sn = cJSON_GetArrayItem(s, 0), *sv = cJSON_GetArrayItem(s, 1);
			uint64_t a, b;
			if (!cJSON_IsString(sn) || !secs(sv, "start", &a) ||
			    !secs(sv, "end", &b) || b < a)
				continue;
			if (strcmp(sn->valuestring, "frontend") == 0) {
				u->frontend_ns = b - a;
				if (u->rmeta_ns == ST_NO_TIME)
					u->rmeta_ns = b;
			} else if (strcmp(sn->valuestring, "codegen") == 0) {
				u->codegen_ns = b - a;
			}
		}
		if (u->index >= npos) {
			uint32_t n = u->index + 1 > npos * 2 ? u->index + 1 : npos * 2;
			pos = st_xreallocarray(pos, n, sizeof *pos);
			for (uint32_t i = npos; i < n; i++)
				pos[i] = ST_NIL;
			npos = n;
		}
		pos[u->index] = t->units.len - 1;
		k++;
	}
	/* edges once every unit is known; to units not in the page (fresh
	 * ones) are left out */
	for (uint32_t i = 0; rc == 0 && i < t->units.len; i++) {
		const cJSON *ue = cJSON_GetArrayItem(ud, (int)i);
		for (int r = 0; r < 2; r++) {
			cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(ue,
			                   r ? "unblocked_rmeta_units" : "unblocked_units")) {
				uint32_t to;
				if (index_of(e, &to) && to < npos && pos[to] != ST_NIL)
					add_edge(t, i, pos[to], r == 1);
			}
		}
	}
	free(pos);
	cJSON_Delete(ud);
	if (rc)
		return rc;
	cJSON *cd = html_const(data, len, "CONCURRENCY_DATA", &found, &at, err,
	                       errlen);
	if (found && !cd)
		return 1;
	cJSON_ArrayForEach(e, cd) {
		uint64_t ts;
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(e, "active");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(e, "waiting");
		if (!secs(e, "t", &ts) || !cJSON_IsNumber(a))
			continue;
		if (t->concurrency.len == t->concurrency.cap) {
			t->concurrency.cap = t->concurrency.cap ? t->concurrency.cap * 2 : 64;
			t->concurrency.v = st_xreallocarray(t->concurrency.v,
			        t->concurrency.cap, sizeof *t->concurrency.v);
		}
		t->concurrency.v[t->concurrency.len++] = (st_conc_sample){
			ts, count_of(a), count_of(w) };
	}
	cJSON_Delete(cd);
	return 0;
}

/* ---- the build-analysis log ------------------------------------------------ */

typedef struct logunit {
	uint32_t pos;          /* units position once started, or ST_NIL */
	bool registered;
	uint32_t name, version, target;
	uint8_t kind;
	uint64_t section_start;  /* of the open codegen section */
	bool finished;
} logunit;

/* "registry+https://…#autocfg@1.1.0", "path+file:///w/app#0.1.0" (the
 * name left out when it is the directory's) */
static void package_id(const char *id, st_strtab *strs, uint32_t *name,
                       uint32_t *version)
{
	const char *h = strrchr(id, '#');
	if (!h) {
		*name = st_intern_cstr(strs, id);
		*version = st_intern_cstr(strs, "");
		return;
	}
	const char *at = strchr(h, '@');
	if (at) {
		*name = st_intern(strs, h + 1, (size_t)(at - h - 1));
		*version = st_intern_cstr(strs, at + 1);
		return;
	}
	const char *slash = h;
	while (slash > id && slash[-1] != '/')
		slash--;
	*name = st_intern(strs, slash, (size_t)(h - slash));
	*version = st_intern_cstr(strs, h + 1);
}

/* One event; NULL, or the field it needed and lacked. */
static const char *log_event(st_build_timings *t, st_strtab *strs,
                             const cJSON *o, logunit **lu, uint32_t *nlu,
                             uint64_t *last)
{
	const char *reason = str_of(o, "reason");
	if (!reason)
		return "reason";
	if (strncmp(reason, "unit-", 5) != 0 ||
	    strncmp(reason, "unit-graph-", 11) == 0)
		return NULL;
	uint32_t i;
	if (!index_of(cJSON_GetObjectItemCaseSensitive(o, "index"), &i))
		return "index";
	if (i >= *nlu) {
		uint32_t n = i + 1 > *nlu * 2 ? i + 1 : *nlu * 2;
		*lu = st_xreallocarray(*lu, n, sizeof **lu);
		for (uint32_t k = *nlu; k < n; k++)
			(*lu)[k] = (logunit){ .pos = ST_NIL };
		*nlu = n;
	}
	logunit *l = &(*lu)[i];
	uint64_t el = 0;
	if (strcmp(reason, "unit-registered") == 0) {
		const char *pid = str_of(o, "package_id"), *mode = str_of(o, "mode");
		const cJSON *tg = cJSON_GetObjectItemCaseSensitive(o, "target");
		const char *tn = str_of(tg, "name"), *tk = str_of(tg, "kind");
		if (!pid)
			return "package_id";
		package_id(pid, strs, &l->name, &l->version);
		l->target = tn ? st_intern_cstr(strs, tn) : ST_NIL;
		l->kind = (uint8_t)(tk ? kind_named(tk, strlen(tk)) : ST_UK_LIB);
		if (mode && strcmp(mode, "run-custom-build") == 0)
			l->kind = ST_UK_BUILD_SCRIPT_RUN;
		else if (mode && strcmp(mode, "test") == 0)
			l->kind = ST_UK_TEST;
		l->registered = true;
		return NULL;
	}
	if (strcmp(reason, "unit-fingerprint") == 0)
		return NULL;
	if (!secs(o, "elapsed", &el))
		return "elapsed";
	*last = el > *last ? el : *last;
	if (strcmp(reason, "unit-started") == 0) {
		if (!l->registered)
			return "index of a registered unit";
		st_unit *u = add_unit(t);
		u->name = l->name;
		u->version = l->version;
		u->target = l->target;
		u->kind = l->kind;
		u->index = i;
		u->start_ns = el;
		l->pos = t->units.len - 1;
		return NULL;
	}
	if (l->pos == ST_NIL)
		return "index of a started unit";
	st_unit *u = &t->units.v[l->pos];
	uint64_t rel = el > u->start_ns ? el - u->start_ns : 0;
	const char *sec = str_of(o, "section");
	bool rmeta = strcmp(reason, "unit-rmeta-finished") == 0;
	if (strcmp(reason, "unit-section-started") == 0) {
		if (sec && strcmp(sec, "codegen") == 0) {
			l->section_start = rel;
			if (u->frontend_ns == ST_NO_TIME)   /* frontend: until codegen */
				u->frontend_ns = rel;
		}
	} else if (strcmp(reason, "unit-section-finished") == 0) {
		if (sec && strcmp(sec, "codegen") == 0 && rel >= l->section_start)
			u->codegen_ns = rel - l->section_start;
		else if (sec && strcmp(sec, "frontend") == 0)
			u->frontend_ns = rel;
	} else if (rmeta || strcmp(reason, "unit-finished") == 0) {
		if (rmeta) {
			u->rmeta_ns = rel;
		} else {
			u->duration_ns = rel;
			l->finished = true;
		}
		const cJSON *e;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, "unblocked")) {
			uint32_t to;
			if (index_of(e, &to))   /* resolved once every unit started */
				add_edge(t, i, to, rmeta);
		}
	}
	return NULL;
}

static int parse_log(st_build_timings *t, st_strtab *strs,
                     const unsigned char *data, size_t len,
                     uint32_t *unfinished, char *err, size_t errlen)
{
	logunit *lu = NULL;
	uint32_t nlu = 0;
	uint64_t last = 0;
	int rc = 0;
	size_t line = 0;
	for (size_t off = 0; off < len && rc == 0;) {
		const unsigned char *nl = memchr(data + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - data) : len;
		line++;
		size_t n = end - off;
		const unsigned char *p = skip_space(data + off, &n);
		if (n) {
			cJSON *o = st_json_parse((const char *)p, n, NULL);
			const char *miss = o ? log_event(t, strs, o, &lu, &nlu, &last)
			                     : NULL;
			if (!o || !cJSON_IsObject(o)) {
				snprintf(err, errlen, "line %zu: not a JSON object%s", line,
				         nl ? "" : " (the log is cut short)");
				rc = 1;
			} else if (miss) {
				/* the reason's name alone: it is the input's text */
				const char *r = str_of(o, "reason");
				size_t rn = r ? strspn(r, "abcdefghijklmnopqrstuvwxyz-_") : 0;
				snprintf(err, errlen, "line %zu: %.*s event without a valid "
				         "'%s'", line, rn ? (int)(rn < 40 ? rn : 40) : 2,
				         rn ? r : "an", miss);
				rc = 1;
			}
			cJSON_Delete(o);
		}
		off = end + 1;
	}
	/* a unit still running when the log ends runs to its last event, so
	 * that its sections fit in it and the critical path sees it */
	for (uint32_t i = 0; rc == 0 && i < nlu; i++) {
		if (lu[i].pos == ST_NIL || lu[i].finished)
			continue;
		st_unit *u = &t->units.v[lu[i].pos];
		u->duration_ns = last > u->start_ns ? last - u->start_ns : 0;
		++*unfinished;
	}
	/* edges named cargo's indices: now units positions; edges to units
	 * that never started are left out */
	uint32_t k = 0;
	for (uint32_t i = 0; i < t->edges.len; i++) {
		st_unit_edge e = t->edges.v[i];
		uint32_t from = e.from < nlu ? lu[e.from].pos : ST_NIL;
		uint32_t to = e.to < nlu ? lu[e.to].pos : ST_NIL;
		if (from != ST_NIL && to != ST_NIL)
			t->edges.v[k++] = (st_unit_edge){ from, to, e.rmeta };
	}
	t->edges.len = k;
	free(lu);
	return rc;
}

int st_cargo_parse(st_build_timings *t, st_strtab *strs,
                   const unsigned char *data, size_t len, bool log,
                   uint32_t *unfinished, char *err, size_t errlen)
{
	*unfinished = 0;
	int rc = log ? parse_log(t, strs, data, len, unfinished, err, errlen)
	             : parse_html(t, strs, data, len, err, errlen);
	if (rc) {
		st_timings_free(t);
		return rc;
	}
	st_timings_analyse(t);
	return 0;
}

int st_timings_load(st_model *m, const char *path, const unsigned char *data,
                    size_t len, bool log, char *note, size_t notelen,
                    char *err, size_t errlen)
{
	st_build_timings t = { .path = ST_NIL };
	note[0] = '\0';
	uint32_t open = 0;
	if (st_cargo_parse(&t, m->strs, data, len, log, &open, err, errlen) != 0)
		return 1;
	if (open)
		snprintf(note, notelen, "%s: %u unit%s started and did not finish "
		         "before the log ends (the build was cut off, or the log "
		         "is): timed to its last event", path, open,
		         open == 1 ? "" : "s");
	t.path = st_intern_cstr(m->strs, path);
	t.format = st_intern_cstr(m->strs, log ? "cargo build-analysis log"
	                                       : "cargo timings HTML");
	st_build_timings *old = &m->timings;
	if (old->path == ST_NIL) {
		*old = t;
		return 0;
	}
	/* the HTML and the log of one build hold the same units: one is used,
	 * the log when there is one (it names every target and its kind) */
	bool old_log = strcmp(st_model_str(m, old->format),
	                      "cargo build-analysis log") == 0;
	bool replace = log && !old_log;
	size_t used = strlen(note);
	snprintf(note + used, notelen - used, "%s%s: cargo timings of this build "
	         "come from %s; %s ignored", used ? "; " : "",
	         replace ? st_model_str(m, old->path) : path,
	         replace ? path : st_model_str(m, old->path),
	         replace ? "that one" : "this one");
	if (replace) {
		st_timings_free(old);
		*old = t;
	} else {
		st_timings_free(&t);
	}
	return 0;
}
