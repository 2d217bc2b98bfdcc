// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Walking images with libtsk: volume system (DOS, GPT, ... or none), then
 * every file system, every entry.  The entries and their order mirror
 * `fls -r -p` (TSK's tools/fstools/fls_lib.cpp): on NTFS one entry per
 * $DATA attribute (named ones as "file:stream") and per $INDEX_ROOT, so
 * alternate data streams are entries of their own; "." and ".." are left
 * out; deleted means the name entry is unallocated.
 *
 * Encrypted volumes are recognised by signature before TSK is asked to
 * open a file system there (TSK 4.11 only fails on BitLocker), reported as
 * locked, and the walk goes on with the other volumes.
 */
#include "triage/core/compat.h"
#include "triage/evidence/source.h"
#include "leaktriage/buf.h"


struct walk {
	struct lt_source *src;
	const struct lt_walk_opts *opts;
	const struct lt_walk_cb *cb;
	struct lt_walk_stats *stats;
	struct lt_err *err;
	int partition;
	uint64_t offset, vol_len;
	const char *fsname;
	struct lt_buf path;
	char inode[64];
	char fn_inode[64];
	const TSK_FS_ATTR *pending_fn; /* $FILE_NAME for the next entry */
	char msg[LT_ERR_MSG_MAX];
	char *iobuf;
	int stop;
	uint64_t bytes_done;
};

enum { IOBUF = 1 << 20 };

static const char *fs_name(TSK_FS_TYPE_ENUM t)
{
	if (TSK_FS_TYPE_ISNTFS(t))
		return "ntfs";
	switch (t) {
	case TSK_FS_TYPE_FAT12: return "fat12";
	case TSK_FS_TYPE_FAT16: return "fat16";
	case TSK_FS_TYPE_FAT32: return "fat32";
	case TSK_FS_TYPE_EXFAT: return "exfat";
	case TSK_FS_TYPE_EXT2: return "ext2";
	case TSK_FS_TYPE_EXT3: return "ext3";
	case TSK_FS_TYPE_EXT4: return "ext4";
	case TSK_FS_TYPE_HFS: return "hfs";
	case TSK_FS_TYPE_ISO9660: return "iso9660";
	case TSK_FS_TYPE_FFS1:
	case TSK_FS_TYPE_FFS1B:
	case TSK_FS_TYPE_FFS2: return "ufs";
	case TSK_FS_TYPE_YAFFS2: return "yaffs2";
	case TSK_FS_TYPE_APFS: return "apfs";
	default: return tsk_fs_type_toname(t);
	}
}

/* "N" or "N-T-I" as fls prints it; snprintf was a hot spot here. */
static void fmt_inode(char *out, uint64_t inum, const TSK_FS_ATTR *a)
{
	char tmp[24];
	size_t i, o = 0;
	uint64_t parts[3] = { inum, a ? (uint64_t)a->type : 0,
			      a ? (uint64_t)a->id : 0 };
	int p, np = a ? 3 : 1;

	for (p = 0; p < np; p++) {
		uint64_t v = parts[p];

		i = sizeof(tmp);
		do {
			tmp[--i] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		if (p)
			out[o++] = '-';
		memcpy(out + o, tmp + i, sizeof(tmp) - i);
		o += sizeof(tmp) - i;
	}
	out[o] = '\0';
}

static void problem(struct walk *w, const char *kind, const char *detail)
{
	struct lt_problem p = { w->partition, w->offset, kind, detail };

	w->stats->problems++;
	if (w->cb->problem)
		w->cb->problem(&p, w->cb->udata);
}

static enum lt_entry_type meta_type(TSK_FS_META_TYPE_ENUM t)
{
	switch (t) {
	case TSK_FS_META_TYPE_REG: return LT_ENTRY_FILE;
	case TSK_FS_META_TYPE_DIR:
	case TSK_FS_META_TYPE_VIRT_DIR: return LT_ENTRY_DIR;
	case TSK_FS_META_TYPE_LNK: return LT_ENTRY_LINK;
	default: return LT_ENTRY_OTHER;
	}
}

static enum lt_entry_type name_type(TSK_FS_NAME_TYPE_ENUM t)
{
	switch (t) {
	case TSK_FS_NAME_TYPE_REG: return LT_ENTRY_FILE;
	case TSK_FS_NAME_TYPE_DIR: return LT_ENTRY_DIR;
	case TSK_FS_NAME_TYPE_LNK: return LT_ENTRY_LINK;
	default: return LT_ENTRY_OTHER;
	}
}

static void set_time(struct lt_time *t, time_t sec, uint32_t nsec)
{
	t->set = sec != 0;
	t->sec = (int64_t)sec;
	t->nsec = t->set ? nsec : 0;
}

int lt_read_tsk(struct tsk_read_ctx *rc, uint64_t off, void *buf,
		    size_t len, size_t *got, struct lt_err *err)
{
	ssize_t n;
	char msg[LT_ERR_MSG_MAX];

	*got = 0;
	/* TSK calls a read at the end an error; for us it is the end. */
	if (rc->attr ? (TSK_OFF_T)off >= rc->attr->size :
	    (!rc->file->meta || (TSK_OFF_T)off >= rc->file->meta->size))
		return LT_OK;
	if (rc->attr)
		n = tsk_fs_file_read_type(rc->file, rc->attr->type,
					  rc->attr->id, (TSK_OFF_T)off, buf,
					  len, TSK_FS_FILE_READ_FLAG_NONE);
	else
		n = tsk_fs_file_read(rc->file, (TSK_OFF_T)off, buf, len,
				     TSK_FS_FILE_READ_FLAG_NONE);
	if (n < 0) {
		lt_tsk_error(msg, sizeof(msg));
		return lt_err_set(err, LT_E_IO, "%s", msg);
	}
	/*
	 * NTFS: past the initialized size of a non-resident stream the content
	 * reads as zeros (as Windows returns it); TSK returns nothing there.
	 */
	if (n == 0 && rc->attr && (rc->attr->flags & TSK_FS_ATTR_NONRES) &&
	    (TSK_OFF_T)off >= rc->attr->nrd.initsize &&
	    (TSK_OFF_T)off < rc->attr->size) {
		n = (ssize_t)LT_MIN((uint64_t)len,
				    (uint64_t)rc->attr->size - off);
		memset(buf, 0, (size_t)n);
	}
	*got = (size_t)n;
	return LT_OK;
}

static int emit(struct walk *w, TSK_FS_FILE *f, const char *a_path,
		const TSK_FS_ATTR *attr)
{
	struct lt_entry e;
	struct tsk_read_ctx rc = { LT_READ_CTX_TSK, f, attr };
	TSK_FS_META *m = f->meta;
	size_t plen;
	int rcode;

	memset(&e, 0, sizeof(e));
	lt_buf_reset(&w->path);
	e.type_chars[0] = f->name->type < TSK_FS_NAME_TYPE_STR_MAX ?
			  tsk_fs_name_type_str[f->name->type][0] : '-';
	e.type_chars[1] = '/';
	e.type_chars[2] = '-';
	if (m && attr && attr->type == TSK_FS_ATTR_TYPE_NTFS_DATA &&
	    TSK_FS_IS_DIR_META(m->type))
		e.type_chars[2] = 'r';
	else if (m && m->type < TSK_FS_META_TYPE_STR_MAX)
		e.type_chars[2] = tsk_fs_meta_type_str[m->type][0];
	lt_buf_adds(&w->path, a_path ? a_path : "");
	plen = w->path.len;
	lt_buf_adds(&w->path, f->name->name);
	e.base_len = w->path.len;
	if (attr && attr->name && attr->type != TSK_FS_ATTR_TYPE_NTFS_FNAME &&
	    (attr->type != TSK_FS_ATTR_TYPE_NTFS_IDXROOT ||
	     strcmp(attr->name, "$I30"))) {
		lt_buf_addc(&w->path, ':');
		lt_buf_adds(&w->path, attr->name);
	}
	if (lt_buf_status(&w->path)) {
		problem(w, "dir", "path too long, entry skipped");
		return 0;
	}
	fmt_inode(w->inode, f->name->meta_addr, attr);

	e.partition = w->partition;
	e.offset = w->offset;
	e.fs = w->fsname;
	e.path = w->path.buf;
	e.path_len = w->path.len;
	e.name = w->path.buf + plen;
	e.name_len = w->path.len - plen;
	e.inode = w->inode;
	e.deleted = (f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) != 0;
	e.realloc = e.deleted && m && (m->flags & TSK_FS_META_FLAG_ALLOC);
	e.ctx = &rc;
	if (w->pending_fn) {
		fmt_inode(w->fn_inode, f->name->meta_addr, w->pending_fn);
		e.fn_inode = w->fn_inode;
		e.fn_size = (uint64_t)w->pending_fn->size;
		w->pending_fn = NULL;
	}
	if (m) {
		e.has_meta = true;
		e.mode = (uint32_t)m->mode & 07777;
		e.uid = (uint32_t)m->uid;
		e.gid = (uint32_t)m->gid;
		e.type = meta_type(m->type);
		if (attr && attr->type == TSK_FS_ATTR_TYPE_NTFS_DATA &&
		    TSK_FS_IS_DIR_META(m->type))
			e.type = LT_ENTRY_FILE;
		e.size = attr ? (uint64_t)attr->size : (uint64_t)m->size;
		set_time(&e.mtime, m->mtime, m->mtime_nano);
		set_time(&e.atime, m->atime, m->atime_nano);
		set_time(&e.ctime, m->ctime, m->ctime_nano);
		set_time(&e.crtime, m->crtime, m->crtime_nano);
		if (TSK_FS_TYPE_ISNTFS(f->fs_info->ftype)) {
			e.has_fn = true;
			set_time(&e.fn_mtime, m->time2.ntfs.fn_mtime,
				 (uint32_t)m->time2.ntfs.fn_mtime_nano);
			set_time(&e.fn_atime, m->time2.ntfs.fn_atime,
				 (uint32_t)m->time2.ntfs.fn_atime_nano);
			set_time(&e.fn_ctime, m->time2.ntfs.fn_ctime,
				 (uint32_t)m->time2.ntfs.fn_ctime_nano);
			set_time(&e.fn_crtime, m->time2.ntfs.fn_crtime,
				 (uint32_t)m->time2.ntfs.fn_crtime_nano);
		}
	} else {
		e.type = name_type(f->name->type);
	}
	if (w->opts->hash && e.type == LT_ENTRY_FILE) {
		if (!m)
			e.hash_error = "no metadata for this name";
		else if (e.realloc)
			e.hash_error = "metadata reallocated to another file";
		else
			lt_entry_hash_or_note(&e, w->iobuf, IOBUF, true,
					      w->msg, sizeof(w->msg));
		if (e.hash_error && !e.deleted) {
			char d[LT_ERR_MSG_MAX + 64];

			snprintf(d, sizeof(d), "cannot read '%s': %s",
				 w->path.buf, e.hash_error);
			problem(w, "read", d);
		}
	}
	w->stats->entries++;
	if (w->cb->progress && !(w->stats->entries & 4095)) {
		struct lt_progress p = { w->stats->entries, w->bytes_done,
					 lt_source_size(w->src) };

		w->cb->progress(&p, w->cb->udata);
	}
	rcode = w->cb->entry(&e, w->cb->udata);
	if (rcode)
		w->stop = rcode;
	return rcode;
}

static TSK_WALK_RET_ENUM dir_cb(TSK_FS_FILE *f, const char *a_path,
				void *ptr)
{
	struct walk *w = ptr;
	int i, cnt, printed = 0;

	if (TSK_FS_ISDOT(f->name->name))
		return TSK_WALK_CONT;
	if (!TSK_FS_TYPE_ISNTFS(f->fs_info->ftype) || !f->meta)
		return emit(w, f, a_path, NULL) ? TSK_WALK_STOP : TSK_WALK_CONT;

	cnt = tsk_fs_file_attr_getsize(f);
	for (i = 0; i < cnt; i++) {
		const TSK_FS_ATTR *a = tsk_fs_file_attr_get_idx(f, i);

		if (!a)
			continue;
		if (a->type == TSK_FS_ATTR_TYPE_NTFS_FNAME &&
		    a->id == f->meta->time2.ntfs.fn_id)
			w->pending_fn = a;
		if (a->type != TSK_FS_ATTR_TYPE_NTFS_DATA &&
		    a->type != TSK_FS_ATTR_TYPE_NTFS_IDXROOT)
			continue;
		printed = 1;
		if (emit(w, f, a_path, a))
			return TSK_WALK_STOP;
	}
	tsk_error_reset();
	if (!printed && emit(w, f, a_path, NULL))
		return TSK_WALK_STOP;
	w->pending_fn = NULL;
	return TSK_WALK_CONT;
}

static void volume_report(struct walk *w, const char *fs, const char *desc,
			  enum lt_volume_status st, const char *enc,
			  const char *detail)
{
	struct lt_volume v = { w->partition, w->offset, w->vol_len, fs, desc,
			       st, enc, detail };

	w->stats->volumes++;
	if (st == LT_VOL_WALKED)
		w->stats->volumes_walked++;
	if (st == LT_VOL_LOCKED)
		w->stats->volumes_locked++;
	if (w->cb->volume)
		w->cb->volume(&v, w->cb->udata);
}

/*
 * One volume: encrypted?  a file system?  then its entries.  Returns 1
 * when something was recognised there.
 */
static int do_volume(struct walk *w, const char *desc, bool bare)
{
	TSK_IMG_INFO *img = w->src->img;
	uint8_t head[4096];
	ssize_t n;
	const char *enc;
	TSK_FS_INFO *fs;
	uint8_t r;
	char why[LT_ERR_MSG_MAX + 64];

	memset(head, 0, sizeof(head));
	n = tsk_img_read(img, (TSK_OFF_T)w->offset, (char *)head,
			 sizeof(head));
	if (n < 0) {
		lt_tsk_error(w->msg, sizeof(w->msg));
		snprintf(why, sizeof(why), "cannot read volume start: %s",
			 w->msg);
		volume_report(w, NULL, desc, LT_VOL_ERROR, NULL, why);
		problem(w, "volume", why);
		return 0;
	}
	enc = lt_volume_encryption(head, (size_t)n);
	if (enc) {
		snprintf(why, sizeof(why),
			 "%s-encrypted; its files cannot be listed without "
			 "the %s", enc,
			 !strcmp(enc, "bitlocker") ? "recovery key" :
			 "passphrase or key");
		volume_report(w, NULL, desc, LT_VOL_LOCKED, enc, why);
		return 1;
	}
	fs = tsk_fs_open_img(img, (TSK_OFF_T)w->offset, TSK_FS_TYPE_DETECT);
	if (!fs) {
		lt_tsk_error(w->msg, sizeof(w->msg));
		snprintf(why, sizeof(why), "no file system recognised: %s",
			 w->msg);
		volume_report(w, NULL, desc, bare ? LT_VOL_UNKNOWN : LT_VOL_ERROR,
			      NULL, why);
		if (!bare)
			problem(w, "volume", why);
		return 0;
	}
	w->fsname = fs_name(fs->ftype);
	volume_report(w, w->fsname, desc, LT_VOL_WALKED, NULL, NULL);
	r = tsk_fs_dir_walk(fs, fs->root_inum,
			    TSK_FS_DIR_WALK_FLAG_RECURSE |
			    TSK_FS_DIR_WALK_FLAG_ALLOC |
			    TSK_FS_DIR_WALK_FLAG_UNALLOC,
			    dir_cb, w);
	if (r && !w->stop) {
		lt_tsk_error(w->msg, sizeof(w->msg));
		snprintf(why, sizeof(why), "file system walk incomplete: %s",
			 w->msg);
		problem(w, "fs", why);
	}
	tsk_error_reset();
	tsk_fs_close(fs);
	return 1;
}

int lt_walk_tsk(struct lt_source *src, const struct lt_walk_opts *opts,
		const struct lt_walk_cb *cb, struct lt_walk_stats *stats,
		struct lt_err *err)
{
	struct walk w;
	TSK_VS_INFO *vs;
	int found = 0, rc = LT_OK;

	memset(&w, 0, sizeof(w));
	w.src = src;
	w.opts = opts;
	w.cb = cb;
	w.stats = stats;
	w.err = err;
	lt_buf_init(&w.path, 64 * 1024);
	w.iobuf = malloc(IOBUF);
	if (!w.iobuf)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");

	vs = tsk_vs_open(src->img, 0, TSK_VS_TYPE_DETECT);
	if (vs) {
		TSK_PNUM_T i;

		for (i = 0; i < vs->part_count && !w.stop; i++) {
			const TSK_VS_PART_INFO *p = tsk_vs_part_get(vs, i);

			if (!p || !(p->flags & TSK_VS_PART_FLAG_ALLOC))
				continue;
			w.partition = (int)p->addr;
			w.offset = (uint64_t)p->start * vs->block_size;
			w.vol_len = (uint64_t)p->len * vs->block_size;
			w.bytes_done = w.offset;
			found |= do_volume(&w, p->desc, false);
		}
		tsk_vs_close(vs);
	} else {
		tsk_error_reset(); /* no volume system: a bare file system? */
	}
	/* No volume system, or one whose partitions hold nothing: a bare
	 * file system (a FAT boot sector can pass for an MBR). */
	if (!found && !w.stop) {
		w.partition = LT_PARTITION_NONE;
		w.offset = 0;
		w.vol_len = lt_source_size(src);
		found = do_volume(&w, NULL, true);
		if (!found)
			rc = lt_err_set(err, LT_E_CORRUPT,
					"no partition table or file system "
					"recognised (%s)", w.msg);
	}
	if (w.stop) {
		rc = w.stop;
		if (err->code == LT_OK)
			lt_err_set(err, (enum lt_code)w.stop, "walk stopped");
	}
	free(w.iobuf);
	lt_buf_release(&w.path);
	return rc;
}
