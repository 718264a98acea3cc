/* replay.h: a fuzz target's body run on every file of a directory (its
 * seeds, its past crashers), each as an exact-size copy as libFuzzer gives
 * it, so that make check replays them without clang.  Include after the
 * target's source and check.h. */
#ifndef STALACTITE_TEST_REPLAY_H
#define STALACTITE_TEST_REPLAY_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

/* The number of files replayed. */
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
		char path[4096 + 256 + 2];
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

#endif
