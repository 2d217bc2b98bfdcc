// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * leaktriage walk: list every entry of each source (image or directory) as
 * a human listing, JSON Lines, or a TSK 3.x body file, and optionally
 * record the evidence item and every entry in the case database.
 */
#include "triage/core/compat.h"
#include "triage/builtin.h"
#include "triage/front.h"
#include "triage/opt.h"
#include "leaktriage/buf.h"
#include "leaktriage/casedb.h"
#include "leaktriage/exit.h"
#include "leaktriage/hash.h"
#include "leaktriage/image.h"
#include "leaktriage/json.h"
#include "leaktriage/walk.h"

#include <unistd.h>

static const struct lt_cmd_help help = {
	"walk",
	"leaktriage walk [options] SRC...",
	"List every file of each SRC: a disk image (raw, split raw such as\n"
	"disk.001, E01 set, VMDK, VHD, AFF) or a directory tree.  Every\n"
	"partition (DOS, GPT) and file system TSK reads (NTFS, FAT, exFAT,\n"
	"ext2/3/4, HFS+, ISO9660, UFS) is listed: allocated, deleted and\n"
	"orphan entries, NTFS alternate data streams as 'file:stream'.\n"
	"Times are UTC.  Encrypted volumes (BitLocker, LUKS, FileVault) are\n"
	"reported by partition and not listed.  The source is only read.",
	"Output: a listing (deleted flag, type, inode, size, mtime, path) by\n"
	"default; --json prints one object per entry with the keys evidence,\n"
	"partition, offset, fs, path, [path_b64], name, inode, type, size,\n"
	"deleted, realloc, mtime, atime, ctime, crtime, [fn_mtime, fn_atime,\n"
	"fn_ctime, fn_crtime for NTFS], [md5, sha256, read_error with --hash].\n\n"
	"Examples:\n"
	"  leaktriage walk --json saitama-pc01.E01 > files.jsonl\n"
	"  leaktriage walk --bodyfile disk.raw > body && mactime -b body\n"
	"  leaktriage walk --tz Asia/Tokyo --case case.db usb.img"
};

struct walk_state {
	const char *evname;
	int64_t evid;
	struct lt_case *cs;
	bool json, bodyfile;
	FILE *out;
	struct lt_buf line;
	struct lt_buf tmp;
	int write_error;
	uint64_t volumes_locked;
};

static void add_time_key(struct lt_json *j, const char *k,
			 const struct lt_time *t)
{
	char iso[LT_TIME_ISO_MAX];

	lt_json_key(j, k);
	if (!t->set) {
		lt_json_null(j);
		return;
	}
	lt_time_iso(iso, t);
	lt_json_plain(j, iso);
}

static void print_json(struct walk_state *ws, const struct lt_entry *e)
{
	struct lt_json j;
	bool valid;

	lt_json_init(&j, &ws->line);
	lt_json_obj_begin(&j);
	lt_json_key_cstr(&j, "evidence", ws->evname);
	lt_json_key(&j, "partition");
	if (e->partition == LT_PARTITION_NONE)
		lt_json_null(&j);
	else
		lt_json_i64(&j, e->partition);
	lt_json_key_u64(&j, "offset", e->offset);
	lt_json_key_cstr(&j, "fs", e->fs);
	valid = lt_json_key_str(&j, "path", e->path, e->path_len);
	if (!valid) {
		lt_buf_reset(&ws->tmp);
		lt_base64(&ws->tmp, (const uint8_t *)e->path, e->path_len);
		lt_json_key_str(&j, "path_b64", ws->tmp.buf, ws->tmp.len);
	}
	lt_json_key_str(&j, "name", e->name, e->name_len);
	lt_json_key_cstr(&j, "inode", e->inode);
	lt_json_key_cstr(&j, "type", lt_entry_type_name(e->type));
	lt_json_key_u64(&j, "size", e->size);
	lt_json_key_bool(&j, "deleted", e->deleted);
	lt_json_key_bool(&j, "realloc", e->realloc);
	add_time_key(&j, "mtime", &e->mtime);
	add_time_key(&j, "atime", &e->atime);
	add_time_key(&j, "ctime", &e->ctime);
	add_time_key(&j, "crtime", &e->crtime);
	if (e->has_fn) {
		add_time_key(&j, "fn_mtime", &e->fn_mtime);
		add_time_key(&j, "fn_atime", &e->fn_atime);
		add_time_key(&j, "fn_ctime", &e->fn_ctime);
		add_time_key(&j, "fn_crtime", &e->fn_crtime);
	}
	if (e->hashed) {
		char hex[65];

		lt_hex(hex, e->md5, 16);
		lt_json_key(&j, "md5");
		lt_json_plain(&j, hex);
		lt_hex(hex, e->sha256, 32);
		lt_json_key(&j, "sha256");
		lt_json_plain(&j, hex);
	} else if (e->hash_error) {
		lt_json_key_null(&j, "md5");
		lt_json_key_null(&j, "sha256");
		lt_json_key_cstr(&j, "read_error", e->hash_error);
	}
	lt_json_obj_end(&j);
	lt_buf_addc(&ws->line, '\n');
}

/* Body-file names: no '|' (the separator) and no control characters. */
static void add_body_name(struct lt_buf *b, const char *s, size_t len)
{
	size_t start = b->len, i;

	lt_utf8_sanitize(b, s, len);
	for (i = start; i < b->len; i++)
		if ((unsigned char)b->buf[i] < 0x20 || b->buf[i] == '|')
			b->buf[i] = '^';
}

static void add_mode(struct lt_buf *b, const struct lt_entry *e)
{
	static const char rwx[] = "rwxrwxrwx";
	char m[12];
	int i;

	memcpy(m, e->type_chars, 3);
	for (i = 0; i < 9; i++)
		m[3 + i] = (e->mode & (0400u >> i)) ? rwx[i] : '-';
	lt_buf_add(b, m, 12);
}

static void add_secs(struct lt_buf *b, const struct lt_time *t)
{
	lt_buf_addc(b, '|');
	if (t->set && t->sec > 0)
		lt_buf_add_u64(b, (uint64_t)t->sec);
	else
		lt_buf_addc(b, '0');
}

/* TSK 3.x body: MD5|name|inode|mode|UID|GID|size|atime|mtime|ctime|crtime */
static void print_body_line(struct walk_state *ws, const struct lt_entry *e,
			    bool fn)
{
	struct lt_buf *b = &ws->line;

	if (e->hashed)
		lt_buf_add_hex(b, e->md5, 16);
	else
		lt_buf_addc(b, '0');
	lt_buf_addc(b, '|');
	lt_buf_addc(b, '/');
	add_body_name(b, e->path, fn ? e->base_len : e->path_len);
	if (fn)
		lt_buf_adds(b, " ($FILE_NAME)");
	if (e->deleted)
		lt_buf_adds(b, e->realloc ? " (deleted-realloc)" : " (deleted)");
	lt_buf_addc(b, '|');
	lt_buf_adds(b, fn ? e->fn_inode : e->inode);
	lt_buf_addc(b, '|');
	add_mode(b, e);
	lt_buf_addf(b, "|%u|%u|%" PRIu64, e->uid, e->gid,
		    fn ? e->fn_size : e->size);
	if (fn) {
		add_secs(b, &e->fn_atime);
		add_secs(b, &e->fn_mtime);
		add_secs(b, &e->fn_ctime);
		add_secs(b, &e->fn_crtime);
	} else {
		add_secs(b, &e->atime);
		add_secs(b, &e->mtime);
		add_secs(b, &e->ctime);
		add_secs(b, &e->crtime);
	}
	lt_buf_addc(b, '\n');
}

static void print_body(struct walk_state *ws, const struct lt_entry *e)
{
	print_body_line(ws, e, false);
	/* fls -m adds one $FILE_NAME line per NTFS file. */
	if (e->fn_inode)
		print_body_line(ws, e, true);
}

static void print_human(struct walk_state *ws, const struct lt_entry *e)
{
	char iso[LT_TIME_ISO_MAX];
	struct lt_buf *b = &ws->line;

	lt_time_iso(iso, &e->mtime);
	lt_buf_addf(b, "%s %-5s %-14s %12" PRIu64 "  %-20s  ",
		    e->deleted ? "*" : " ", lt_entry_type_name(e->type),
		    e->inode, e->size, iso[0] ? iso : "-");
	lt_utf8_sanitize(b, e->path, e->path_len);
	if (e->hashed) {
		lt_buf_adds(b, "  md5:");
		lt_buf_add_hex(b, e->md5, 16);
	}
	lt_buf_addc(b, '\n');
}

static int on_entry(const struct lt_entry *e, void *udata)
{
	struct walk_state *ws = udata;

	lt_buf_reset(&ws->line);
	if (ws->json)
		print_json(ws, e);
	else if (ws->bodyfile)
		print_body(ws, e);
	else if (ws->out)
		print_human(ws, e);
	if (ws->out && ws->line.len &&
	    fwrite(ws->line.buf, 1, ws->line.len, ws->out) != ws->line.len)
		return ws->write_error = LT_E_IO;
	return 0;
}

static void on_volume(const struct lt_volume *v, void *udata)
{
	struct walk_state *ws = udata;
	char where[96];

	if (v->partition == LT_PARTITION_NONE)
		snprintf(where, sizeof(where), "the volume at offset %" PRIu64,
			 v->offset);
	else
		snprintf(where, sizeof(where),
			 "partition %d at offset %" PRIu64, v->partition,
			 v->offset);
	if (v->status == LT_VOL_LOCKED) {
		ws->volumes_locked++;
		lt_warn("'%s': %s is %s", ws->evname, where, v->detail);
	} else if (v->status == LT_VOL_WALKED) {
		lt_info(2, "'%s': %s: %s", ws->evname, where, v->fs);
		if (ws->out && !ws->json && !ws->bodyfile &&
		    strcmp(v->fs, "dir"))
			fprintf(ws->out, "# %s: %s\n", where, v->fs);
	}
}

static void on_problem(const struct lt_problem *p, void *udata)
{
	struct walk_state *ws = udata;

	if (p->partition == LT_PARTITION_NONE)
		lt_warn("'%s': %s", ws->evname, p->detail);
	else
		lt_warn("'%s': partition %d at offset %" PRIu64 ": %s",
			ws->evname, p->partition, p->offset, p->detail);
}

static void on_progress(const struct lt_progress *p, void *udata)
{
	struct walk_state *ws = udata;

	if (p->bytes_total)
		lt_progress("walk %s: %" PRIu64 " entries, %.0f%% of image",
			    ws->evname, p->entries,
			    100.0 * (double)p->bytes_done /
			    (double)p->bytes_total);
	else
		lt_progress("walk %s: %" PRIu64 " entries", ws->evname,
			    p->entries);
}

int cmd_walk(int argc, char **argv)
{
	bool json = false, bodyfile = false, hash = false;
	const char *case_path = NULL, *tz = "UTC", *name = NULL;
	uint64_t max_memory = LT_DEFAULT_MAX_MEMORY;
	struct lt_opt opts[] = {
		OPT_GROUP("Output"),
		OPT_BOOL(0, "json", &json, "one JSON object per entry"),
		OPT_BOOL(0, "bodyfile", &bodyfile,
			 "TSK 3.x body file (for mactime -b)"),
		OPT_BOOL(0, "hash", &hash,
			 "MD5 and SHA-256 of every file (and of the image)"),
		OPT_STR(0, "case", &case_path, "DB",
			"record the evidence and its entries in this case"),
		OPT_GROUP("Evidence"),
		OPT_STR(0, "tz", &tz, "ZONE",
			"zone FAT/exFAT times were written in (default UTC)"),
		OPT_STR(0, "name", &name, "NAME",
			"evidence name (one SRC only; default: file name)"),
		OPT_U64(0, "max-memory", &max_memory, "SIZE",
			"address-space cap against hostile images (2G)"),
		OPT_GROUP("Messages"),
		OPT_VERBOSITY(&lt_verbosity),
		OPT_END(),
	};
	struct lt_case cs = { NULL, 0 };
	struct lt_err err = LT_ERR_INIT;
	int nsrc, i, status = LT_EXIT_OK;
	char outbuf[1 << 16];

	nsrc = lt_parse_options(argc, argv, opts, &help);
	if (nsrc < 1)
		lt_usage_error("walk", "no source given");
	if (json && bodyfile)
		lt_usage_error("walk", "--json and --bodyfile exclude each "
			       "other");
	if (name && nsrc > 1)
		lt_usage_error("walk", "--name works with a single source only");
	if (lt_tz_apply(tz, &err))
		lt_usage_error("walk", "%s", err.msg);
	lt_limit_memory(max_memory);
	if (case_path) {
		status = lt_case_open(&cs, case_path, true, lt_main_argc,
				      lt_main_argv);
		if (status)
			return status;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	for (i = 0; i < nsrc; i++) {
		struct walk_state ws;
		struct lt_walk_opts wo = { hash };
		struct lt_walk_cb cb = { on_entry, on_volume, on_problem,
					 on_progress, NULL };
		struct lt_walk_stats st;
		struct lt_source *src = NULL;
		char evname[256];
		int rc;

		memset(&ws, 0, sizeof(ws));
		lt_err_clear(&err);
		cb.udata = &ws;
		lt_evidence_name(argv[i], evname, sizeof(evname));
		ws.evname = name ? name : evname;
		ws.json = json;
		ws.bodyfile = bodyfile;
		ws.out = stdout;
		ws.cs = case_path ? &cs : NULL;
		lt_buf_init(&ws.line, 1 << 20);
		lt_buf_init(&ws.tmp, 1 << 20);

		if (lt_source_open_ex(argv[i], hash ? 0 : LT_SOURCE_MAP, &src,
				      &err)) {
			lt_error("cannot open '%s': %s", argv[i], err.msg);
			status = LT_MAX(status, LT_EXIT_INPUT);
			goto next;
		}
		if (ws.cs && lt_front_put_evidence(cs.db, src, ws.evname, tz, hash,
						  &ws.evid)) {
			status = LT_EXIT_INTERNAL;
			goto next;
		}
		if (ws.cs)
			rc = lt_casedb_record_walk(cs.db, ws.evid, src, &wo, &cb,
						   &st, &err);
		else
			rc = lt_walk(src, &wo, &cb, &st, &err);
		lt_progress_done();
		if (ws.write_error) {
			lt_error("cannot write output: %s", strerror(errno));
			status = LT_EXIT_INTERNAL;
			goto next;
		}
		if (rc) {
			lt_error("'%s': %s", argv[i], err.msg);
			status = LT_MAX(status, lt_exit_for(err.code));
			goto next;
		}
		lt_info(2, "'%s': %" PRIu64 " entries, %" PRIu64 " volume(s) "
			"listed, %" PRIu64 " locked, %" PRIu64 " problem(s)",
			argv[i], st.entries, st.volumes_walked,
			st.volumes_locked, st.problems);
next:
		fflush(stdout);
		lt_source_close(src);
		lt_buf_release(&ws.line);
		lt_buf_release(&ws.tmp);
	}
	if (fflush(stdout) || ferror(stdout)) {
		lt_error("cannot write output: %s", strerror(errno));
		status = LT_EXIT_INTERNAL;
	}
	if (case_path)
		lt_case_close(&cs, status);
	return status;
}
