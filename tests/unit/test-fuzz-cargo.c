/* test-fuzz-cargo: the fuzz-cargo target's body run on its seeds
 * (tests/fuzz/cargo: cargo's HTML report and build-analysis log, whole and
 * cut) and on every input that once failed it (tests/data/cargo/crashers),
 * through the timings loader and both reports, under ASan and UBSan in
 * make check. */
#include <stdio.h>
#include <stdlib.h>
#include "check.h"
#include "../fuzz/fuzz-cargo.c"
#include "replay.h"

int main(void)
{
	const char *top = getenv("top_srcdir");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/fuzz/cargo", top && *top ? top : ".");
	int seeds = replay_dir(dir);
	CHECK(seeds >= 4);
	snprintf(dir, sizeof dir, "%s/tests/data/cargo/crashers", top && *top ? top : ".");
	int crashers = replay_dir(dir);
	CHECK(crashers >= 1);
	printf("%d seeds, %d crashers replayed\n", seeds, crashers);
	return check_done();
}
