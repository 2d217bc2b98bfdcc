// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main() for fuzz targets without libFuzzer: replays every file of the
 * directories (or files) given, so `make check` runs the corpora.
 */
#include "triage/core/compat.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f) {
		fprintf(stderr, "cannot open '%s'\n", path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, failed = 0, count = 0;
#if !defined(__SANITIZE_ADDRESS__)
	/* As the front end does (lt_limit_memory): hostile inputs in the
	 * corpus must not make libraries allocate gigabytes. */
	struct rlimit rl = { (rlim_t)2 << 30, (rlim_t)2 << 30 };

	setrlimit(RLIMIT_AS, &rl);
#endif

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *de;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "no corpus '%s'\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			failed |= run_file(argv[i]);
			count++;
			continue;
		}
		d = opendir(argv[i]);
		while (d && (de = readdir(d))) {
			char p[PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", argv[i], de->d_name);
			failed |= run_file(p);
			count++;
		}
		if (d)
			closedir(d);
	}
	printf("%d inputs replayed\n", count);
	return failed || !count;
}
