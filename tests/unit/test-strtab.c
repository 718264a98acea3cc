/* Unit tests: string interning. */
#include <stdio.h>
#include "check.h"
#include "stalactite/strtab.h"

int main(void)
{
	st_strtab *t = st_strtab_new();
	CHECK_INT(st_intern_cstr(t, ""), 0);
	uint32_t a = st_intern_cstr(t, "codegen_module");
	uint32_t b = st_intern(t, "codegen_module_optimize", 14);
	CHECK_INT(a, b);                       /* same bytes, same id */
	CHECK_STR(st_str(t, a), "codegen_module");
	CHECK_INT(st_strlen(t, a), 14);
	CHECK_INT(st_lookup(t, "nope", 4), ST_NOSTR);
	CHECK_INT(st_lookup(t, "codegen_module", 14), a);
	/* many strings: ids stay dense and stable across table growth */
	char buf[32];
	uint32_t first = st_intern_cstr(t, "s0");
	for (int i = 1; i < 100000; i++) {
		snprintf(buf, sizeof buf, "s%d", i);
		CHECK_INT(st_intern_cstr(t, buf), first + (uint32_t)i);
	}
	CHECK_STR(st_str(t, first + 77777), "s77777");
	CHECK_INT(st_intern_cstr(t, "s12345"), first + 12345);
	CHECK_INT(st_strtab_count(t), first + 100000);
	/* out-of-range ids read as empty instead of crashing */
	CHECK_STR(st_str(t, 0xfffffff0u), "");
	st_strtab_free(t);
	return check_done();
}
