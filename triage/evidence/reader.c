// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Readers: re-open a walked file by reference from a handle of one's own.
 * Each reader owns a TSK image handle and caches the file systems it has
 * opened on it (by byte offset), so that scan workers read in parallel.
 */
#include "triage/core/compat.h"
#include "triage/evidence/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define LT_READER_TAG 0x4c545244u /* "LTRD" */
enum { MAX_FS = 16 };

struct lt_reader {
	unsigned tag;
	struct lt_source *src;
	struct {
		uint64_t offset;
		TSK_FS_INFO *fs;
	} fs[MAX_FS];
	int nfs;
	TSK_FS_FILE *file;
	struct tsk_read_ctx rc;
	int rootfd, fd;
};

int lt_reader_open(const char *src_path, struct lt_reader **out,
		   struct lt_err *err)
{
	struct lt_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	r->tag = LT_READER_TAG;
	r->rootfd = r->fd = -1;
	if (lt_source_open(src_path, &r->src, err)) {
		free(r);
		return err->code;
	}
	if (r->src->is_dir) {
		r->rootfd = open(src_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (r->rootfd < 0) {
			lt_err_set(err, LT_E_IO, "cannot open directory: %s",
				   strerror(errno));
			lt_reader_close(r);
			return err->code;
		}
	}
	*out = r;
	return LT_OK;
}

static void unselect(struct lt_reader *r)
{
	if (r->file)
		tsk_fs_file_close(r->file);
	r->file = NULL;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

void lt_reader_close(struct lt_reader *r)
{
	int i;

	if (!r)
		return;
	if (r->tag != LT_READER_TAG)
		LT_BUG("lt_reader_close on a bad handle");
	unselect(r);
	for (i = 0; i < r->nfs; i++)
		tsk_fs_close(r->fs[i].fs);
	if (r->rootfd >= 0)
		close(r->rootfd);
	lt_source_close(r->src);
	r->tag = 0;
	free(r);
}

static TSK_FS_INFO *get_fs(struct lt_reader *r, uint64_t offset,
			   struct lt_err *err)
{
	char msg[LT_ERR_MSG_MAX];
	TSK_FS_INFO *fs;
	int i;

	for (i = 0; i < r->nfs; i++)
		if (r->fs[i].offset == offset)
			return r->fs[i].fs;
	fs = tsk_fs_open_img(r->src->img, (TSK_OFF_T)offset,
			     TSK_FS_TYPE_DETECT);
	if (!fs) {
		lt_tsk_error(msg, sizeof(msg));
		lt_err_set(err, LT_E_CORRUPT,
			   "cannot open the file system at offset %" PRIu64
			   ": %s", offset, msg);
		return NULL;
	}
	if (r->nfs == MAX_FS) {
		tsk_fs_close(r->fs[0].fs);
		memmove(r->fs, r->fs + 1, sizeof(r->fs[0]) * (MAX_FS - 1));
		r->nfs--;
	}
	r->fs[r->nfs].offset = offset;
	r->fs[r->nfs].fs = fs;
	r->nfs++;
	return fs;
}

/* "71-128-2" -> 71, 128, 2; "37" -> 37 (no attribute). */
static bool parse_inode(const char *s, uint64_t *inum, uint32_t *type,
			uint16_t *id, bool *has_attr)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	*inum = v;
	*has_attr = false;
	if (!*end)
		return true;
	if (*end != '-')
		return false;
	s = end + 1;
	v = strtoull(s, &end, 10);
	if (end == s || *end != '-' || v > UINT32_MAX)
		return false;
	*type = (uint32_t)v;
	s = end + 1;
	v = strtoull(s, &end, 10);
	if (end == s || *end || v > UINT16_MAX)
		return false;
	*id = (uint16_t)v;
	*has_attr = true;
	return true;
}

int lt_reader_select(struct lt_reader *r, uint64_t fs_offset,
		     const char *inode, const char *dir_path, uint64_t *size,
		     struct lt_err *err)
{
	char msg[LT_ERR_MSG_MAX];
	TSK_FS_INFO *fs;
	uint64_t inum;
	uint32_t type = 0;
	uint16_t id = 0;
	bool has_attr;

	unselect(r);
	if (r->src->is_dir) {
		struct stat st;

		r->fd = lt_openat_noatime(r->rootfd, dir_path);
		if (r->fd < 0)
			return lt_err_set(err, errno == ENOENT ? LT_E_NOTFOUND :
					  LT_E_IO, "%s", strerror(errno));
		if (fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			unselect(r);
			return lt_err_set(err, LT_E_IO, "not a regular file");
		}
		*size = (uint64_t)st.st_size;
		return LT_OK;
	}
	if (!parse_inode(inode, &inum, &type, &id, &has_attr))
		return lt_err_set(err, LT_E_ARG, "bad inode reference '%s'",
				  inode);
	fs = get_fs(r, fs_offset, err);
	if (!fs)
		return err->code;
	r->file = tsk_fs_file_open_meta(fs, NULL, (TSK_INUM_T)inum);
	if (!r->file) {
		lt_tsk_error(msg, sizeof(msg));
		return lt_err_set(err, LT_E_CORRUPT,
				  "cannot open metadata %s: %s", inode, msg);
	}
	r->rc.kind = LT_READ_CTX_TSK;
	r->rc.file = r->file;
	r->rc.attr = NULL;
	if (has_attr) {
		r->rc.attr = tsk_fs_file_attr_get_type(r->file,
						       (TSK_FS_ATTR_TYPE_ENUM)type,
						       id, 1);
		if (!r->rc.attr) {
			lt_tsk_error(msg, sizeof(msg));
			unselect(r);
			return lt_err_set(err, LT_E_CORRUPT,
					  "no attribute %s: %s", inode, msg);
		}
		*size = (uint64_t)r->rc.attr->size;
	} else {
		*size = r->file->meta ? (uint64_t)r->file->meta->size : 0;
	}
	return LT_OK;
}

int lt_reader_read(struct lt_reader *r, uint64_t off, void *buf, size_t len,
		   size_t *got, struct lt_err *err)
{
	if (r->src->is_dir) {
		ssize_t n;

		*got = 0;
		if (r->fd < 0)
			return lt_err_set(err, LT_E_ARG, "no file selected");
		do
			n = pread(r->fd, buf, len, (off_t)off);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return lt_err_set(err, LT_E_IO, "%s", strerror(errno));
		*got = (size_t)n;
		return LT_OK;
	}
	if (!r->file)
		return lt_err_set(err, LT_E_ARG, "no file selected");
	return lt_read_tsk(&r->rc, off, buf, len, got, err);
}
