// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Raw images read through mapped windows (LT_SOURCE_MAP, source.c): every
 * read equals pread on the file, across window boundaries, with windows
 * evicted, and after the reader gives up on mappings (thrash) and reads
 * plainly.  The image is a sparse 700 MiB file with marked blocks.
 */
#include "triage/core/compat.h"
#include "triage/evidence/source.h"

#include <fcntl.h>
#include <unistd.h>

#include "tests/unit/check.h"

#define IMG_SIZE ((uint64_t)700 << 20)
#define WIN ((uint64_t)8 << 20) /* source.c's window */

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int fd;

static bool same_as_pread(TSK_IMG_INFO *img, uint64_t off, size_t len)
{
	static char a[1 << 17], b[1 << 17];
	ssize_t n, m;

	off %= IMG_SIZE;
	len = (size_t)LT_MIN((uint64_t)len, IMG_SIZE - off);
	memset(a, 0x55, len);
	memset(b, 0xaa, len);
	n = tsk_img_read(img, (TSK_OFF_T)off, a, len);
	m = pread(fd, b, len, (off_t)off);
	return n == m && n == (ssize_t)len && !memcmp(a, b, len);
}

int main(void)
{
	char path[] = "/tmp/t-mapread-XXXXXX";
	struct lt_source *src = NULL;
	struct lt_err err = LT_ERR_INIT;
	char block[4096];
	uint64_t i, bad = 0;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		CHECK_DONE();
	CHECK(ftruncate(fd, (off_t)IMG_SIZE) == 0);
	/* marked blocks: at window edges and at random */
	for (i = 0; i < 600; i++) {
		uint64_t off = i < 87 ? (i + 1) * WIN - 2048 :
			       next() % (IMG_SIZE - sizeof(block));

		memset(block, (int)(i * 37 + 1), sizeof(block));
		snprintf(block, 32, "block %" PRIu64 " at %" PRIu64, i, off);
		CHECK(pwrite(fd, block, sizeof(block), (off_t)off) ==
		      (ssize_t)sizeof(block));
	}
	CHECK(lt_source_open_ex(path, LT_SOURCE_MAP, &src, &err) == LT_OK);
	if (!src) {
		fprintf(stderr, "%s\n", err.msg);
		close(fd);
		unlink(path);
		CHECK_DONE();
	}
	/* Window after window (more windows than are kept: evicted), local
	 * reads on both sides of each window edge and one across it. */
	for (i = 1; i < IMG_SIZE / WIN; i++) {
		int k;

		bad += !same_as_pread(src->img, i * WIN - 3000, 65536);
		for (k = 0; k < 200; k++)
			bad += !same_as_pread(src->img,
					      i * WIN - WIN / 2 +
					      next() % WIN,
					      (size_t)(next() % 70000) + 1);
	}
	/* Scattered reads: the reader gives up on mappings; still right. */
	for (i = 0; i < 5000; i++)
		bad += !same_as_pread(src->img, next() % IMG_SIZE,
				      (size_t)(next() % 131072) + 1);
	/* the last byte, and one past the end */
	bad += !same_as_pread(src->img, IMG_SIZE - 1, 1);
	CHECK(tsk_img_read(src->img, (TSK_OFF_T)IMG_SIZE, block, 1) <= 0);
	CHECK(bad == 0);
	lt_source_close(src);
	close(fd);
	unlink(path);
	CHECK_DONE();
}
