/* test-fuzz-mmprof: the fuzz-mmprof target's body run on its seed corpus
 * (tests/fuzz/mmprof) and on every input that once crashed it
 * (tests/data/mmprof/crashers), so make check replays them without clang.
 * Under ASan and UBSan a regression is a report and a failure. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../fuzz/fuzz-mmprof.c"
#include "replay.h"

int main(void)
{
	const char *top = getenv("top_srcdir");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/fuzz/mmprof", top && *top ? top : ".");
	int seeds = replay_dir(dir);
	CHECK(seeds > 10);
	snprintf(dir, sizeof dir, "%s/tests/data/mmprof/crashers", top && *top ? top : ".");
	int crashers = replay_dir(dir);
	printf("%d seeds, %d crashers replayed\n", seeds, crashers);
	return check_done();
}
