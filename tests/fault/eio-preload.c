// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eio-preload.so: an LD_PRELOAD library that makes reads of one file fail
 * the way a failing disk does, so that acquire's bad-sector handling can
 * be tested without special hardware.
 *
 *   cc -shared -fPIC -o eio.so tests/fault/eio-preload.c -ldl
 *   LD_PRELOAD=$PWD/eio.so LT_EIO_PATH=disk.img \
 *       LT_EIO_RANGES=1048576:4096,5242880:512 leaktriage acquire ...
 *
 * Environment:
 *   LT_EIO_PATH        the file to sabotage (matched by device and inode,
 *                      so any path to it counts); nothing happens without it
 *   LT_EIO_RANGES      "off:len,off:len": a read (read, pread, pread64,
 *                      readv, preadv) that overlaps one of these byte
 *                      ranges fails with EIO, as a disk fails a whole
 *                      request that contains a bad sector
 *   LT_EIO_FAIL_TIMES  fail each range only this many times, then read it
 *                      normally (a transient error); default: always
 *   LT_EIO_EOF         offset where the file "ends": reads there return 0,
 *                      reads across it are short (a source that shrank)
 *   LT_EIO_MAX_READ    return at most this many bytes per call (short reads)
 *   LT_EIO_DELAY_US    sleep this long in every read (a slow device)
 *
 * Only file descriptors opened after the library is loaded are tracked.
 * Not thread-safe beyond what the tests need: the counters are updated
 * with atomic builtins, the fd table is written by open and read by reads.
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FD 4096
#define MAX_RANGES 64

struct range {
	uint64_t off, len;
	long fails; /* failures so far */
};

static int inited;
static dev_t want_dev;
static ino_t want_ino;
static int active;
static struct range ranges[MAX_RANGES];
static int nranges;
static long fail_times = -1;
static uint64_t eof_at = UINT64_MAX;
static uint64_t max_read;
static long delay_us;
static unsigned char tracked[MAX_FD];

static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static ssize_t (*real_pread64)(int, void *, size_t, off_t);
static ssize_t (*real_readv)(int, const struct iovec *, int);
static ssize_t (*real_preadv)(int, const struct iovec *, int, off_t);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_close)(int);

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static void init(void)
{
	const char *path, *r;
	struct stat st;

	if (inited)
		return;
	inited = 1;
	real_read = dlsym(RTLD_NEXT, "read");
	real_pread = dlsym(RTLD_NEXT, "pread");
	real_pread64 = dlsym(RTLD_NEXT, "pread64");
	real_readv = dlsym(RTLD_NEXT, "readv");
	real_preadv = dlsym(RTLD_NEXT, "preadv");
	real_open = dlsym(RTLD_NEXT, "open");
	real_open64 = dlsym(RTLD_NEXT, "open64");
	real_openat = dlsym(RTLD_NEXT, "openat");
	real_openat64 = dlsym(RTLD_NEXT, "openat64");
	real_close = dlsym(RTLD_NEXT, "close");
	path = getenv("LT_EIO_PATH");
	if (!path || stat(path, &st) < 0)
		return;
	want_dev = st.st_dev;
	want_ino = st.st_ino;
	active = 1;
	for (r = getenv("LT_EIO_RANGES"); r && *r && nranges < MAX_RANGES;) {
		char *end;
		uint64_t off = strtoull(r, &end, 0), len;

		if (*end != ':')
			break;
		len = strtoull(end + 1, &end, 0);
		ranges[nranges].off = off;
		ranges[nranges].len = len;
		nranges++;
		r = *end == ',' ? end + 1 : end;
		if (!*end)
			break;
	}
	fail_times = getenv("LT_EIO_FAIL_TIMES") ?
		     (long)env_u64("LT_EIO_FAIL_TIMES", 0) : -1;
	eof_at = env_u64("LT_EIO_EOF", UINT64_MAX);
	max_read = env_u64("LT_EIO_MAX_READ", 0);
	delay_us = (long)env_u64("LT_EIO_DELAY_US", 0);
}

static void track(int fd)
{
	struct stat st;

	if (fd < 0 || fd >= MAX_FD)
		return;
	tracked[fd] = active && fstat(fd, &st) == 0 && st.st_dev == want_dev &&
		      st.st_ino == want_ino;
}

/*
 * Decide what a read of len bytes at off gets: -1 (EIO), or how many
 * bytes may be read (maybe fewer than len, 0 at the "end").
 */
static ssize_t judge(int fd, uint64_t off, size_t len, size_t *allow)
{
	int i;

	*allow = len;
	if (fd < 0 || fd >= MAX_FD || !tracked[fd])
		return 0;
	if (delay_us)
		usleep((useconds_t)delay_us);
	for (i = 0; i < nranges && len; i++) {
		struct range *g = &ranges[i];

		if (off < g->off + g->len && g->off < off + len) {
			if (fail_times >= 0 &&
			    __atomic_fetch_add(&g->fails, 1,
					       __ATOMIC_SEQ_CST) >= fail_times)
				continue;
			errno = EIO;
			return -1;
		}
	}
	if (off >= eof_at)
		*allow = 0;
	else if (off + len > eof_at)
		*allow = (size_t)(eof_at - off);
	if (max_read && *allow > max_read)
		*allow = (size_t)max_read;
	return 0;
}

static int open_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

#define OPEN_BODY(call)                                   \
	mode_t mode = 0;                                  \
	int fd;                                           \
	init();                                           \
	if (open_mode(flags)) {                           \
		va_list ap;                               \
		va_start(ap, flags);                      \
		mode = (mode_t)va_arg(ap, int);           \
		va_end(ap);                               \
	}                                                 \
	fd = call;                                        \
	track(fd);                                        \
	return fd;

int open(const char *path, int flags, ...)
{
	OPEN_BODY(real_open(path, flags, mode))
}

int open64(const char *path, int flags, ...)
{
	OPEN_BODY(real_open64(path, flags, mode))
}

int openat(int dirfd, const char *path, int flags, ...)
{
	OPEN_BODY(real_openat(dirfd, path, flags, mode))
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	OPEN_BODY(real_openat64(dirfd, path, flags, mode))
}

int close(int fd)
{
	init();
	if (fd >= 0 && fd < MAX_FD)
		tracked[fd] = 0;
	return real_close(fd);
}

static ssize_t do_pread(ssize_t (*fn)(int, void *, size_t, off_t), int fd,
			void *buf, size_t len, off_t off)
{
	size_t allow;

	init();
	if (judge(fd, (uint64_t)off, len, &allow) < 0)
		return -1;
	if (!allow && len)
		return 0;
	return fn(fd, buf, allow, off);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return do_pread(real_pread, fd, buf, len, off);
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	return do_pread(real_pread64, fd, buf, len, off);
}

ssize_t read(int fd, void *buf, size_t len)
{
	size_t allow;
	off_t off;

	init();
	if (fd < 0 || fd >= MAX_FD || !tracked[fd])
		return real_read(fd, buf, len);
	off = lseek(fd, 0, SEEK_CUR);
	if (off < 0)
		return real_read(fd, buf, len);
	if (judge(fd, (uint64_t)off, len, &allow) < 0)
		return -1;
	if (!allow && len)
		return 0;
	return real_read(fd, buf, allow);
}

/* Vectored reads: done (and judged) one buffer at a time. */
static ssize_t vec_read(int fd, const struct iovec *iov, int cnt, off_t off,
			int positional)
{
	ssize_t total = 0;
	int i;

	for (i = 0; i < cnt; i++) {
		ssize_t n = positional ?
			    pread(fd, iov[i].iov_base, iov[i].iov_len,
				  off + total) :
			    read(fd, iov[i].iov_base, iov[i].iov_len);

		if (n < 0)
			return total ? total : -1;
		total += n;
		if ((size_t)n < iov[i].iov_len)
			break;
	}
	return total;
}

ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	init();
	if (fd < 0 || fd >= MAX_FD || !tracked[fd])
		return real_readv(fd, iov, cnt);
	return vec_read(fd, iov, cnt, 0, 0);
}

ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	init();
	if (fd < 0 || fd >= MAX_FD || !tracked[fd])
		return real_preadv(fd, iov, cnt, off);
	return vec_read(fd, iov, cnt, off, 1);
}
