// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A whole walk (volume system, file system, every entry, content hashes)
 * over an in-memory image: the bytes go into a memfd and the source is
 * opened by its /proc/self/fd path, so TSK and our walker both see them.
 */
#include "triage/core/compat.h"
#include "leaktriage/walk.h"

#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_entry(const struct lt_entry *e, void *udata)
{
	size_t *n = udata;

	(*n)++;
	return *n > 100000; /* stop hostile images that list forever */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_walk_opts opts = { true };
	struct lt_walk_cb cb = { on_entry, NULL, NULL, NULL, NULL };
	struct lt_walk_stats st;
	struct lt_err err = LT_ERR_INIT;
	struct lt_source *src = NULL;
	char path[64];
	size_t n = 0;
	int fd;

	if (size > (64u << 20))
		return 0;
	fd = memfd_create("fuzz-image", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cb.udata = &n;
	if (lt_source_open(path, &src, &err) == LT_OK) {
		lt_walk(src, &opts, &cb, &st, &err);
		lt_source_close(src);
	}
	close(fd);
	return 0;
}
