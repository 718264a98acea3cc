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

static int replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		CHECK(f != NULL);
		if (!f)
			continue;
		uint8_t *buf = NULL;
		size_t len = 0, cap = 0, r;
		do {
			if (len == cap)
				buf = realloc(buf, cap = cap ? cap * 2 : 65536);
			r = fread(buf + len, 1, cap - len, f);
			len += r;
		} while (r > 0);
		fclose(f);
		/* an exact-size copy, as libFuzzer gives, so overreads show */
		uint8_t *exact = malloc(len ? len : 1);
		memcpy(exact, buf, len);
		free(buf);
		CHECK_INT(LLVMFuzzerTestOneInput(exact, len), 0);
		free(exact);
		n++;
	}
	closedir(d);
	return n;
}

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
