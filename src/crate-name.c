/* crate-name.c: which crate a profile belongs to.
 *
 * rustc's command line, as the profile's metadata records it, is its argv
 * with each element followed by one space (arguments containing spaces cannot
 * be told apart again, so we only look at well-known flags).  Cargo names
 * build scripts "build_script_build" and puts the package in the output
 * directory ".../build/<package>-<hash>"; proc-macros have
 * "--crate-type proc-macro"; cargo probes the compiler with
 * `rustc - --crate-name ___ --print=file-names ...`. */
#include <stdio.h>
#include <string.h>
#include "stalactite/load.h"

/* The word after `flag ` in cmd, copied into out; false when absent. */
static bool word_after(const char *cmd, const char *flag, char *out, size_t cap)
{
	size_t fl = strlen(flag);
	for (const char *p = cmd; (p = strstr(p, flag)) != NULL; p += fl) {
		if (p != cmd && p[-1] != ' ')
			continue;
		if (p[fl] != ' ' && p[fl] != '=')
			continue;
		const char *w = p + fl + 1;
		size_t n = strcspn(w, " ");
		if (n == 0 || n >= cap)
			continue;
		memcpy(out, w, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

static bool has_word(const char *cmd, const char *flag, const char *value)
{
	char w[64];
	size_t fl = strlen(flag);
	for (const char *p = cmd; (p = strstr(p, flag)) != NULL; p += fl) {
		if ((p == cmd || p[-1] == ' ') && word_after(p, flag, w, sizeof w) &&
		    strcmp(w, value) == 0)
			return true;
	}
	return false;
}

/* Package of a build script from "--out-dir DIR/build/<pkg>-<hash>". */
static bool build_script_package(const char *cmd, char *out, size_t cap)
{
	char dir[1024];
	if (!word_after(cmd, "--out-dir", dir, sizeof dir))
		return false;
	const char *b = strstr(dir, "/build/");
	if (!b)
		return false;
	b += 7;
	size_t n = strcspn(b, "/");
	const char *dash = NULL;
	for (const char *q = b; q < b + n; q++)
		if (*q == '-')
			dash = q;
	if (!dash || (size_t)(dash - b) >= cap || dash == b)
		return false;
	memcpy(out, b, (size_t)(dash - b));
	out[dash - b] = '\0';
	return true;
}

/* Stem of the last "*.rs" argument: rustc's own default crate name. */
static bool source_stem(const char *cmd, char *out, size_t cap)
{
	const char *best = NULL;
	size_t best_len = 0;
	for (const char *p = cmd; *p;) {
		size_t n = strcspn(p, " ");
		if (n > 3 && memcmp(p + n - 3, ".rs", 3) == 0) {
			best = p;
			best_len = n - 3;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	if (!best)
		return false;
	for (size_t i = best_len; i > 0; i--)
		if (best[i - 1] == '/') {
			best_len -= i;
			best += i;
			break;
		}
	if (best_len == 0 || best_len >= cap)
		return false;
	for (size_t i = 0; i < best_len; i++)
		out[i] = best[i] == '-' ? '_' : best[i];
	out[best_len] = '\0';
	return true;
}

/* "<crate>-<pid>.mm_profdata" -> "<crate>". */
static void from_file_name(const char *path, char *out, size_t cap)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	const char *dash = NULL;
	for (const char *q = base; q < base + n; q++)
		if (*q == '-')
			dash = q;
	if (dash && dash > base && strspn(dash + 1, "0123456789") ==
	                               (size_t)(base + n - dash - 1))
		n = (size_t)(dash - base);
	if (n == 0)
		n = strlen(base);
	snprintf(out, cap, "%.*s", (int)n, base);
}

void st_crate_info(const char *cmd, const char *path, char *name, size_t cap,
                   st_crate_kind *kind)
{
	char pkg[256];
	*kind = ST_CK_LIB;
	if (!cmd)
		cmd = "";
	if (!word_after(cmd, "--crate-name", name, cap) &&
	    !source_stem(cmd, name, cap)) {
		from_file_name(path, name, cap);
		if (strcmp(name, "___") == 0)
			*kind = ST_CK_PROBE;
		return;
	}
	if (strcmp(name, "___") == 0) {
		*kind = ST_CK_PROBE;
	} else if (strncmp(name, "build_script_", 13) == 0) {
		*kind = ST_CK_BUILD_SCRIPT;
		/* the package's crate name, spelt as its library spells it, so
		 * that the two sort together */
		if (build_script_package(cmd, pkg, sizeof pkg)) {
			for (char *p = pkg; *p; p++)
				if (*p == '-')
					*p = '_';
			snprintf(name, cap, "%s", pkg);
		}
	} else if (has_word(cmd, "--crate-type", "proc-macro")) {
		*kind = ST_CK_PROC_MACRO;
	} else if (has_word(cmd, "--crate-type", "bin") ||
	           !strstr(cmd, "--crate-type")) {
		*kind = ST_CK_BIN;   /* rustc's default crate type */
	}
}

void st_crate_name(const char *cmd, const char *path, char *out, size_t cap)
{
	char name[256];
	st_crate_kind kind;
	st_crate_info(cmd, path, name, sizeof name, &kind);
	static const char *const suffix[ST_CK_COUNT] = {
		[ST_CK_BUILD_SCRIPT] = " (build script)",
		[ST_CK_PROC_MACRO] = " (proc-macro)",
		[ST_CK_PROBE] = " (cargo probe)",
	};
	snprintf(out, cap, "%s%s", name, suffix[kind] ? suffix[kind] : "");
}
