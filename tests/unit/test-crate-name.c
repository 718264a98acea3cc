/* Unit tests: which crate a profile's command line names. */
#include "check.h"
#include "stalactite/load.h"

static const char *name(const char *cmd, const char *path)
{
	static char out[256];
	st_crate_name(cmd, path, out, sizeof out);
	return out;
}

static st_crate_kind kind(const char *cmd)
{
	char out[256];
	st_crate_kind k;
	st_crate_info(cmd, "p", out, sizeof out, &k);
	return k;
}

int main(void)
{
	CHECK_STR(name("rustc --crate-name tokio --edition=2021 src/lib.rs --crate-type lib ",
	               "x/tokio-0001234.mm_profdata"), "tokio");
	CHECK_STR(name("rustc --crate-name build_script_build --edition=2018 build.rs "
	               "--crate-type bin --out-dir /t/release/build/serde-8a1b2c3d4e5f/ ", "p"),
	          "serde (build script)");
	CHECK_STR(name("rustc --crate-name pin_project_internal src/lib.rs "
	               "--crate-type proc-macro ", "p"),
	          "pin_project_internal (proc-macro)");
	/* no --crate-name: rustc's default is the source file's stem */
	CHECK_STR(name("rustc --edition 2021 -O src/my-main.rs ", "q"), "my_main");
	/* nothing on the command line: the file name without the pid */
	CHECK_STR(name("", "/tmp/prof/photo_service-0012345.mm_profdata"), "photo_service");
	CHECK_STR(name(NULL, "weird.mm_profdata"), "weird");
	/* a package's build script spells its crate name as the library does */
	CHECK_STR(name("rustc --crate-name build_script_build build.rs --crate-type bin "
	               "--out-dir /t/release/build/proc-macro2-0f1e2d3c/ ", "p"),
	          "proc_macro2 (build script)");
	/* cargo's compiler probe */
	CHECK_STR(name("rustc - --crate-name ___ --print=file-names --crate-type bin "
	               "--crate-type proc-macro ", "p"), "___ (cargo probe)");
	CHECK_STR(name("", "/p/___-0006220.mm_profdata"), "___ (cargo probe)");
	CHECK_INT(kind("rustc --crate-name tokio src/lib.rs --crate-type lib "), ST_CK_LIB);
	CHECK_INT(kind("rustc --crate-name app src/main.rs --crate-type bin "), ST_CK_BIN);
	CHECK_INT(kind("rustc --crate-name app main.rs -O "), ST_CK_BIN);
	CHECK_INT(kind("rustc --crate-name p src/lib.rs --crate-type proc-macro "), ST_CK_PROC_MACRO);
	CHECK_INT(kind("rustc --crate-name build_script_build build.rs --crate-type bin "),
	          ST_CK_BUILD_SCRIPT);
	CHECK_STR(st_crate_kind_name(ST_CK_BUILD_SCRIPT), "build-script");
	/* a flag inside another word is not the flag */
	CHECK_STR(name("rustc --crate-names x a.rs ", "f"), "a");
	return check_done();
}
