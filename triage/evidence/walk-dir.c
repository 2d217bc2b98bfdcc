// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Walking a directory tree (a live file share, for spot checks without
 * imaging) with the POSIX API.  Entries carry the same fields as image
 * entries, from lstat()/statx().  Symbolic links are listed, never
 * followed; files are opened O_RDONLY|O_NOATIME where the kernel lets us,
 * so that reading does not change their last-access time; FIFOs and
 * devices are listed but never opened.  Names in a directory are sorted
 * (byte order) so that two walks of the same tree list the same order.
 * A directory seen again below itself (a bind mount loop) is reported
 * and not entered twice.
 */
#include "triage/core/compat.h"
#include "triage/evidence/source.h"
#include "leaktriage/buf.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

enum { MAX_DEPTH = 400, IOBUF = 1 << 20 };

struct dwalk {
	const struct lt_walk_opts *opts;
	const struct lt_walk_cb *cb;
	struct lt_walk_stats *stats;
	struct lt_buf path;
	struct { dev_t dev; ino_t ino; } stack[MAX_DEPTH];
	int depth;
	char *iobuf;
	char msg[LT_ERR_MSG_MAX];
	int stop;
};

static void problem(struct dwalk *w, const char *kind, const char *fmt, ...)
{
	char d[LT_ERR_MSG_MAX + 256];
	struct lt_problem p = { LT_PARTITION_NONE, 0, kind, d };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d, sizeof(d), fmt, ap);
	va_end(ap);
	w->stats->problems++;
	if (w->cb->problem)
		w->cb->problem(&p, w->cb->udata);
}

int lt_openat_noatime(int dirfd, const char *name)
{
	int fl = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	int fd = openat(dirfd, name, fl | O_NOATIME);

	/* O_NOATIME needs ownership or CAP_FOWNER. */
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, fl);
	return fd;
}

int lt_read_dir(struct dir_read_ctx *rc, uint64_t off, void *buf,
		size_t len, size_t *got, struct lt_err *err)
{
	ssize_t n;

	*got = 0;
	if (rc->fd < 0) {
		rc->fd = lt_openat_noatime(rc->dirfd, rc->name);
		if (rc->fd < 0)
			return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	}
	do
		n = pread(rc->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	*got = (size_t)n;
	return LT_OK;
}

static void set_ts(struct lt_time *t, struct statx_timestamp ts)
{
	t->set = true;
	t->sec = ts.tv_sec;
	t->nsec = ts.tv_nsec;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(struct dwalk *w, int dirfd);

static void visit(struct dwalk *w, int dirfd, const char *name)
{
	struct statx sx;
	struct lt_entry e;
	struct dir_read_ctx rc = { LT_READ_CTX_DIR, dirfd, name, -1 };
	char inode[32];
	size_t plen = w->path.len;
	int rcode;

	if (plen)
		lt_buf_addc(&w->path, '/');
	lt_buf_adds(&w->path, name);
	if (lt_buf_status(&w->path)) {
		problem(w, "dir", "path too long below '%s', entry skipped",
			w->path.buf ? w->path.buf : "");
		goto out;
	}
	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW,
		  STATX_BASIC_STATS | STATX_BTIME, &sx) < 0) {
		problem(w, "dir", "cannot stat '%s': %s", w->path.buf,
			strerror(errno));
		goto out;
	}
	memset(&e, 0, sizeof(e));
	e.partition = LT_PARTITION_NONE;
	e.fs = "dir";
	e.path = w->path.buf;
	e.path_len = w->path.len;
	e.base_len = w->path.len;
	e.name = w->path.buf + (plen ? plen + 1 : 0);
	e.name_len = strlen(name);
	snprintf(inode, sizeof(inode), "%" PRIu64, (uint64_t)sx.stx_ino);
	e.inode = inode;
	e.has_meta = true;
	e.mode = sx.stx_mode & 07777;
	e.uid = sx.stx_uid;
	e.gid = sx.stx_gid;
	if (S_ISREG(sx.stx_mode))
		e.type = LT_ENTRY_FILE;
	else if (S_ISDIR(sx.stx_mode))
		e.type = LT_ENTRY_DIR;
	else if (S_ISLNK(sx.stx_mode))
		e.type = LT_ENTRY_LINK;
	else
		e.type = LT_ENTRY_OTHER;
	{
		char c = S_ISREG(sx.stx_mode) ? 'r' : S_ISDIR(sx.stx_mode) ? 'd' :
			 S_ISLNK(sx.stx_mode) ? 'l' : S_ISFIFO(sx.stx_mode) ? 'p' :
			 S_ISCHR(sx.stx_mode) ? 'c' : S_ISBLK(sx.stx_mode) ? 'b' :
			 S_ISSOCK(sx.stx_mode) ? 's' : '-';

		e.type_chars[0] = e.type_chars[2] = c;
		e.type_chars[1] = '/';
	}
	e.size = sx.stx_size;
	set_ts(&e.mtime, sx.stx_mtime);
	set_ts(&e.atime, sx.stx_atime);
	set_ts(&e.ctime, sx.stx_ctime);
	if (sx.stx_mask & STATX_BTIME)
		set_ts(&e.crtime, sx.stx_btime);
	if (e.type == LT_ENTRY_FILE)
		e.ctx = &rc;
	if (w->opts->hash && e.type == LT_ENTRY_FILE) {
		lt_entry_hash_or_note(&e, w->iobuf, IOBUF, false, w->msg,
				      sizeof(w->msg));
		if (e.hash_error)
			problem(w, "read", "cannot read '%s': %s", w->path.buf,
				e.hash_error);
	}
	w->stats->entries++;
	if (w->cb->progress && !(w->stats->entries & 4095)) {
		struct lt_progress p = { w->stats->entries, 0, 0 };

		w->cb->progress(&p, w->cb->udata);
	}
	rcode = w->cb->entry(&e, w->cb->udata);
	if (rc.fd >= 0)
		close(rc.fd);
	if (rcode) {
		w->stop = rcode;
		goto out;
	}
	if (e.type == LT_ENTRY_DIR) {
		int i, fd;

		for (i = 0; i < w->depth; i++)
			if (w->stack[i].dev == makedev(sx.stx_dev_major,
						       sx.stx_dev_minor) &&
			    w->stack[i].ino == sx.stx_ino) {
				problem(w, "dir", "directory loop at '%s', not "
					"entered again", w->path.buf);
				goto out;
			}
		if (w->depth >= MAX_DEPTH) {
			problem(w, "dir", "deeper than %d levels at '%s', not "
				"entered", MAX_DEPTH, w->path.buf);
			goto out;
		}
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				O_CLOEXEC);
		if (fd < 0) {
			problem(w, "dir", "cannot open directory '%s': %s",
				w->path.buf, strerror(errno));
			goto out;
		}
		w->stack[w->depth].dev = makedev(sx.stx_dev_major,
						 sx.stx_dev_minor);
		w->stack[w->depth].ino = sx.stx_ino;
		w->depth++;
		walk_dir(w, fd);
		w->depth--;
	}
out:
	w->path.len = plen;
	if (w->path.buf)
		w->path.buf[plen] = '\0';
	w->path.status = 0;
}

/* Lists dirfd (and closes it). */
static void walk_dir(struct dwalk *w, int dirfd)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;

	if (!d) {
		problem(w, "dir", "cannot list '%s': %s",
			w->path.len ? w->path.buf : ".", strerror(errno));
		close(dirfd);
		return;
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			char **nn = realloc(names, na * sizeof(*nn));

			if (!nn)
				break;
			names = nn;
			alloc = na;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	if (errno)
		problem(w, "dir", "listing '%s' incomplete: %s",
			w->path.len ? w->path.buf : ".", strerror(errno));
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if (!w->stop)
			visit(w, dirfd, names[i]);
		free(names[i]);
	}
	free(names);
	closedir(d);
}

int lt_walk_dir(struct lt_source *src, const struct lt_walk_opts *opts,
		const struct lt_walk_cb *cb, struct lt_walk_stats *stats,
		struct lt_err *err)
{
	struct dwalk w;
	struct stat st;
	int fd;

	memset(&w, 0, sizeof(w));
	w.opts = opts;
	w.cb = cb;
	w.stats = stats;
	fd = open(src->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lt_err_set(err, LT_E_IO, "cannot open directory: %s",
				  strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
	}
	w.iobuf = malloc(IOBUF);
	if (!w.iobuf) {
		close(fd);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	lt_buf_init(&w.path, 64 * 1024);
	w.stack[0].dev = st.st_dev;
	w.stack[0].ino = st.st_ino;
	w.depth = 1;
	if (cb->volume) {
		struct lt_volume v = { LT_PARTITION_NONE, 0, 0, "dir", NULL,
				       LT_VOL_WALKED, NULL, NULL };

		cb->volume(&v, cb->udata);
	}
	stats->volumes = stats->volumes_walked = 1;
	walk_dir(&w, fd);
	free(w.iobuf);
	lt_buf_release(&w.path);
	if (w.stop)
		return lt_err_set(err, (enum lt_code)w.stop, "walk stopped");
	return LT_OK;
}
