/* search.c: the PCRE2 wrapper: compiling a pattern (smart case, JIT, a
 * backtracking bound) and matching one name.  Report-mode match figures,
 * built on it: match-report.c. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/idmap.h"
#include "stalactite/names.h"
#include "stalactite/search.h"
#include "stalactite/xalloc.h"

struct st_regex {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;   /* bounds backtracking per name */
	char *pattern;
	bool jit;
};

/* A pathological pattern such as (a+)+$ may backtrack for seconds on one
 * long name; past this many steps a name counts as not matching, which
 * keeps search and typing responsive (PCRE2's default is 10 million). */
#define MATCH_LIMIT 200000

/* Smart case: an upper-case letter anywhere outside an escape makes the
 * search case-sensitive (\S, \W ... are escapes, not letters). */
static bool has_upper(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			/* \p{Lu}, \x{1F}, \N{U+41}, \g{Name}, \k<Name> ...: the
			 * braced or bracketed part is no text to search for */
			if (strchr("pPxNogk", *p) && (p[1] == '{' || p[1] == '<' ||
			                              p[1] == '\'')) {
				char close = p[1] == '{' ? '}' : p[1] == '<' ? '>' : '\'';
				const char *e = strchr(p + 2, close);
				if (e)
					p = e;
			} else if ((*p == 'p' || *p == 'P') && p[1]) {
				p++;   /* \pL: one-letter property */
			}
			continue;
		}
		/* (*UTF), (*SKIP) ... verbs; (?<Name>, (?P<Name>, (?'Name',
		 * (?P=Name), (?&Name), (?P>Name): group names */
		if (*p == '(' && (p[1] == '*' || p[1] == '?')) {
			const char *q = p + 2;
			char close = 0;
			if (p[1] == '*')
				close = ')';
			else if (q[0] == 'P' && (q[1] == '<' || q[1] == '=' || q[1] == '>'))
				close = q[1] == '<' ? '>' : ')', q += 2;
			else if (q[0] == '<' && q[1] != '=' && q[1] != '!')
				close = '>', q++;
			else if (q[0] == '\'')
				close = '\'', q++;
			else if (q[0] == '&')
				close = ')', q++;
			if (close) {
				const char *e = strchr(q, close);
				if (e) {
					p = e;
					continue;
				}
			}
		}
		if (*p >= 'A' && *p <= 'Z')
			return true;
	}
	return false;
}

st_regex *st_regex_compile(const char *pattern, char *err, size_t errlen)
{
	int code;
	PCRE2_SIZE off;
	uint32_t flags = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
	if (!has_upper(pattern))
		flags |= PCRE2_CASELESS;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	                              flags, &code, &off, NULL);
	if (!c) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		snprintf(err, errlen, "offset %zu: %s", (size_t)off, (char *)msg);
		return NULL;
	}
	st_regex *re = st_xcalloc(1, sizeof *re);
	re->code = c;
	re->jit = pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) == 0;
	re->md = pcre2_match_data_create_from_pattern(c, NULL);
	re->mctx = pcre2_match_context_create(NULL);
	re->pattern = st_xstrdup(pattern);
	if (!re->md || !re->mctx)
		st_fatal("out of memory (PCRE2 match data)");
	pcre2_set_match_limit(re->mctx, MATCH_LIMIT);
	return re;
}

void st_regex_free(st_regex *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	pcre2_match_context_free(re->mctx);
	free(re->pattern);
	free(re);
}

const char *st_regex_pattern(const st_regex *re)
{
	return re->pattern;
}

static bool run(const st_regex *re, const char *s, size_t len, size_t from)
{
	int rc = re->jit
	    ? pcre2_jit_match(re->code, (PCRE2_SPTR)s, len, from, 0, re->md, re->mctx)
	    : pcre2_match(re->code, (PCRE2_SPTR)s, len, from, 0, re->md, re->mctx);
	/* JIT's default stack is 32 KiB: a deeply backtracking pattern on a
	 * long name runs out of it where the interpreter (heap frames) does
	 * not; the answer must not depend on the engine */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, from, PCRE2_NO_JIT,
		                 re->md, re->mctx);
	return rc >= 0;
}

bool st_regex_match(const st_regex *re, const char *s, size_t len)
{
	return run(re, s, len, 0);
}

bool st_regex_find(const st_regex *re, const char *s, size_t len, size_t from,
                   size_t *start, size_t *end)
{
	if (from > len || !run(re, s, len, from))
		return false;
	/* the match data holds the last match's offsets: this one's */
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
	*start = ov[0] <= len ? ov[0] : len;
	*end = ov[1] >= *start && ov[1] <= len ? ov[1] : *start;
	return true;
}
