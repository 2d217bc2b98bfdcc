// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The scan driver: workers read, the writer writes.
 *
 * Each worker owns a reader (its own image handle), a type detector, a
 * YARA scanner and a table classifier.  Per file it reads the content
 * once, sequentially: the bytes an extractor asks for are hashed on the
 * way, and whatever it did not ask for is read and hashed afterwards.
 * Results go to the writer (the calling thread) as messages on a bounded
 * queue, so memory stays bounded however many records a file holds.
 *
 * Key material never leaves the worker: it is turned into keyed hashes
 * (HMAC-SHA-256 with the case secret, first 16 bytes) before queueing.
 */
#include "triage/core/compat.h"
#include "leaktriage/detect.h"
#include "leaktriage/extract.h"
#include "leaktriage/hash.h"
#include "leaktriage/scan.h"
#include "leaktriage/scanner.h"
#include "leaktriage/table.h"
#include "leaktriage/walk.h"

#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>

enum {
	HEAD = 64 * 1024,
	IOBUF = 1 << 20,
	BATCH = 2048,          /* records per message */
	QUEUE_MAX = 64,        /* messages in flight */
	KEY_LEN = 16,          /* bytes of HMAC kept per key */
};

struct job {
	int64_t entry_id;
	uint64_t offset, size;
	char *inode, *path;
	bool deleted;
	bool skip;             /* NTFS metadata files */
};

struct rec {
	uint64_t row;
	uint32_t elems;
	uint8_t has;           /* bit per key kind */
	uint8_t keys[LT_KEY_COUNT][KEY_LEN];
	uint32_t sheet;        /* index into the message's sheet name */
};

enum msg_kind { M_BEGIN, M_RECORDS, M_YARA, M_END, M_WORKER_DONE };

struct msg {
	enum msg_kind kind;
	int worker;
	struct msg *next;
	/* M_BEGIN */
	const struct job *job;
	/* M_RECORDS */
	struct rec *recs;
	size_t nrecs;
	char sheet[256];
	/* M_YARA */
	char rule[128], ns[64];
	/* M_END */
	char status[16], md5[33], sha256[65], mime[96], kind_name[24];
	char extractor[16], detail[256], encoding[24], layout[24];
	uint64_t tables, rows, records, bytes;
	uint32_t columns;
};

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	struct msg *head, *tail;
	size_t count;
};

struct shared {
	const char *src_path;
	const struct lt_scan_opts *opts;
	struct job *jobs;
	size_t njobs;
	size_t next;           /* next job index, under q.mu */
	struct queue q;
	struct lt_yara *yara;
	volatile int *stop;
};

struct worker {
	struct shared *sh;
	int id;
	pthread_t thread;
	struct lt_reader *reader;
	struct lt_typer *typer;
	struct lt_yara_scanner *ys;
	struct lt_classifier *cls;
	SHA256_CTX hmac_inner, hmac_outer;
	char *buf;
	/* per file */
	const struct job *job;
	struct lt_hash hash;
	uint64_t hashed;
	struct msg *batch;
	char cur_sheet[256];
	uint64_t records;
	int fail;
	char init_error[LT_ERR_MSG_MAX];
};

/* --- queue ------------------------------------------------------------ */

static void q_push(struct queue *q, struct msg *m)
{
	pthread_mutex_lock(&q->mu);
	while (q->count >= QUEUE_MAX && m->kind != M_WORKER_DONE)
		pthread_cond_wait(&q->not_full, &q->mu);
	m->next = NULL;
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
}

static struct msg *q_pop(struct queue *q, int timeout_ms)
{
	struct msg *m;
	struct timespec ts;

	pthread_mutex_lock(&q->mu);
	if (!q->head) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)timeout_ms * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&q->not_empty, &q->mu, &ts);
	}
	m = q->head;
	if (m) {
		q->head = m->next;
		if (!q->head)
			q->tail = NULL;
		q->count--;
		pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->mu);
	return m;
}

static struct msg *msg_new(struct worker *w, enum msg_kind kind)
{
	struct msg *m = calloc(1, sizeof(*m));

	if (!m) {
		w->fail = LT_E_NOMEM;
		return NULL;
	}
	m->kind = kind;
	m->worker = w->id;
	return m;
}

/* --- worker ----------------------------------------------------------- */

static void flush_batch(struct worker *w)
{
	if (w->batch && w->batch->nrecs)
		q_push(&w->sh->q, w->batch);
	else if (w->batch) {
		free(w->batch->recs);
		free(w->batch);
	}
	w->batch = NULL;
}

/*
 * HMAC-SHA-256(secret, kind || material), first KEY_LEN bytes (RFC 2104).
 * The inner and outer SHA-256 states after the padded key blocks are
 * computed once per worker; each key then costs two short hashes.  This
 * runs once per person key of every record, so the EVP_MAC route (a
 * context duplicated per call) was the scan's hot spot; the low-level
 * SHA-256 API (deprecated in OpenSSL 3, still provided) avoids it.
 */
static void keyed(struct worker *w, int kind, const char *s, size_t len,
		  uint8_t out[KEY_LEN])
{
	uint8_t inner[SHA256_DIGEST_LENGTH], md[SHA256_DIGEST_LENGTH];
	uint8_t k = (uint8_t)kind;
	SHA256_CTX c = w->hmac_inner;

	SHA256_Update(&c, &k, 1);
	SHA256_Update(&c, s, len);
	SHA256_Final(inner, &c);
	c = w->hmac_outer;
	SHA256_Update(&c, inner, sizeof(inner));
	SHA256_Final(md, &c);
	memcpy(out, md, KEY_LEN);
}

static int mac_open(struct worker *w, const uint8_t *secret,
		    struct lt_err *err)
{
	uint8_t pad[64];
	int i;

	memset(pad, 0, sizeof(pad));
	memcpy(pad, secret, 32);
	for (i = 0; i < 64; i++)
		pad[i] ^= 0x36;
	if (!SHA256_Init(&w->hmac_inner) ||
	    !SHA256_Update(&w->hmac_inner, pad, 64))
		return lt_err_set(err, LT_E_DEP, "cannot set up HMAC-SHA-256");
	for (i = 0; i < 64; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	if (!SHA256_Init(&w->hmac_outer) ||
	    !SHA256_Update(&w->hmac_outer, pad, 64))
		return lt_err_set(err, LT_E_DEP, "cannot set up HMAC-SHA-256");
	OPENSSL_cleanse(pad, sizeof(pad));
	return LT_OK;
}

static int on_record(const struct lt_record *r, void *udata)
{
	struct worker *w = udata;
	struct rec *x;
	int k;

	if (w->batch && (w->batch->nrecs == BATCH ||
			 strcmp(w->batch->sheet, r->sheet ? r->sheet : "")))
		flush_batch(w);
	if (!w->batch) {
		w->batch = msg_new(w, M_RECORDS);
		if (!w->batch)
			return LT_E_NOMEM;
		w->batch->recs = lt_calloc(BATCH, sizeof(struct rec));
		if (!w->batch->recs)
			return w->fail = LT_E_NOMEM;
		snprintf(w->batch->sheet, sizeof(w->batch->sheet), "%s",
			 r->sheet ? r->sheet : "");
	}
	x = &w->batch->recs[w->batch->nrecs++];
	memset(x, 0, sizeof(*x));
	x->row = r->row;
	x->elems = r->elems;
	for (k = 0; k < LT_KEY_COUNT; k++) {
		if (!r->keys[k])
			continue;
		x->has |= (uint8_t)(1u << k);
		keyed(w, k, r->keys[k], r->key_lens[k], x->keys[k]);
	}
	w->records++;
	if (w->fail)
		return w->fail;
	return *w->sh->stop ? LT_E_INTERRUPTED : 0;
}

/* The extractor's read(): hashes bytes read in sequence. */
static int in_read(void *src, uint64_t off, void *buf, size_t len,
		   size_t *got, struct lt_err *err)
{
	struct worker *w = src;

	if (*w->sh->stop)
		return lt_err_set(err, LT_E_INTERRUPTED, "interrupted");
	LT_TRY(lt_reader_read(w->reader, off, buf, len, got, err));
	if (off == w->hashed && *got) {
		lt_hash_update(&w->hash, buf, *got);
		w->hashed += *got;
	}
	return LT_OK;
}

static int hash_rest(struct worker *w, uint64_t size, struct lt_err *err)
{
	size_t got;

	while (w->hashed < size) {
		size_t want = (size_t)LT_MIN((uint64_t)IOBUF, size - w->hashed);

		LT_TRY(in_read(w, w->hashed, w->buf, want, &got, err));
		if (!got)
			return lt_err_set(err, LT_E_CORRUPT,
					  "content ends at %" PRIu64 " of %"
					  PRIu64 " bytes", w->hashed, size);
	}
	return LT_OK;
}

static int on_yara(const char *rule, const char *ns, void *udata)
{
	struct worker *w = udata;
	struct msg *m = msg_new(w, M_YARA);

	if (!m)
		return LT_E_NOMEM;
	snprintf(m->rule, sizeof(m->rule), "%s", rule);
	snprintf(m->ns, sizeof(m->ns), "%s", ns ? ns : "");
	q_push(&w->sh->q, m);
	return 0;
}

static int yara_read(void *src, uint64_t off, void *buf, size_t len,
		     size_t *got, struct lt_err *err)
{
	struct worker *w = src;

	return lt_reader_read(w->reader, off, buf, len, got, err);
}

static void scan_one(struct worker *w, const struct job *j, struct msg *end)
{
	struct lt_err err = LT_ERR_INIT;
	struct lt_scan_input in;
	struct lt_extract_info info;
	struct lt_classify_result cr;
	uint64_t size = j->size;
	size_t head_len = 0;
	enum lt_kind kind;

	w->hashed = 0;
	w->records = 0;
	snprintf(end->status, sizeof(end->status), "error");
	if (j->skip) {
		snprintf(end->status, sizeof(end->status), "skipped");
		snprintf(end->detail, sizeof(end->detail),
			 "NTFS metadata file");
		return;
	}
	if (lt_reader_select(w->reader, j->offset, j->inode, j->path, &size,
			     &err))
		goto fail;
	end->bytes = size;
	if (lt_hash_init(&w->hash, LT_HASH_MD5 | LT_HASH_SHA256, &err))
		goto fail;
	while (head_len < HEAD && head_len < size) {
		size_t got;

		if (in_read(w, head_len, w->buf + head_len,
			    (size_t)LT_MIN((uint64_t)(HEAD - head_len),
					   size - head_len), &got, &err))
			goto fail_hash;
		if (!got)
			break;
		head_len += got;
	}
	kind = lt_typer_detect(w->typer, (const uint8_t *)w->buf, head_len,
			       size, end->mime, sizeof(end->mime));
	memset(&in, 0, sizeof(in));
	in.path = j->path;
	in.size = size;
	in.read = in_read;
	in.src = w;
	/* A compound file whose directory lies past the head (big .xls):
	 * follow it to tell xls, doc, encrypted OOXML apart. */
	if (!strcmp(end->mime, LT_MIME_CFB_UNDECIDED) &&
	    lt_typer_detect_input(w->typer, &in, &kind, end->mime,
				  sizeof(end->mime), &err))
		lt_err_clear(&err); /* keep the head's answer */
	snprintf(end->kind_name, sizeof(end->kind_name), "%s",
		 lt_kind_name(kind));
	if (kind == LT_KIND_TEXT) {
		memset(&info, 0, sizeof(info));
		lt_classifier_reset(w->cls);
		snprintf(end->extractor, sizeof(end->extractor), "text");
		if (lt_extract_text(&in, lt_classifier_sink(w->cls), &info,
				    &err)) {
			flush_batch(w);
			if (err.code == LT_E_INTERRUPTED)
				goto fail_hash;
			/* Records found before the error still count: the
			 * file is reported as failed with its reason. */
			snprintf(end->detail, sizeof(end->detail), "%s",
				 err.msg);
			lt_err_clear(&err);
		} else {
			snprintf(end->status, sizeof(end->status), "ok");
		}
		flush_batch(w);
		lt_classifier_result(w->cls, &cr);
		end->tables = cr.tables;
		end->rows = cr.rows;
		end->records = w->records;
		end->columns = cr.columns;
		snprintf(end->encoding, sizeof(end->encoding), "%s",
			 info.encoding);
		snprintf(end->layout, sizeof(end->layout), "%s", info.layout);
		/* The report's type: csv (also ; and | separated), tsv, text
		 * (fixed-width and plain lines). */
		snprintf(end->extractor, sizeof(end->extractor), "%s",
			 !strcmp(info.layout, "tsv") ? "tsv" :
			 (!strcmp(info.layout, "csv") ||
			  !strcmp(info.layout, "semicolon") ||
			  !strcmp(info.layout, "pipe")) ? "csv" : "text");
		if (!end->detail[0] && info.warning[0])
			snprintf(end->detail, sizeof(end->detail), "%s",
				 info.warning);
	} else if (kind == LT_KIND_NO_TABLES || kind == LT_KIND_EMPTY ||
		   kind == LT_KIND_UNKNOWN) {
		snprintf(end->status, sizeof(end->status), "no_tables");
	} else {
		/* Office formats, archives, PDF ...: no extractor yet. */
		snprintf(end->status, sizeof(end->status), "not_examined");
		snprintf(end->detail, sizeof(end->detail),
			 "no extractor for %s yet", lt_kind_name(kind));
	}
	if (hash_rest(w, size, &err))
		goto fail_hash;
	if (lt_hash_final(&w->hash, &err))
		goto fail;
	lt_hex(end->md5, w->hash.md5, 16);
	lt_hex(end->sha256, w->hash.sha256, 32);
	if (w->ys && lt_yara_scan(w->ys, &(struct lt_scan_input){
			j->path, size, NULL, yara_read, w }, on_yara, w, &err)) {
		if (err.code == LT_E_INTERRUPTED)
			goto fail;
		if (!end->detail[0])
			snprintf(end->detail, sizeof(end->detail),
				 "yara: %s", err.msg);
		lt_err_clear(&err);
	}
	return;
fail_hash:
	lt_hash_release(&w->hash);
fail:
	flush_batch(w);
	snprintf(end->status, sizeof(end->status), "%s",
		 err.code == LT_E_INTERRUPTED ? "scanning" : "error");
	snprintf(end->detail, sizeof(end->detail), "%s", err.msg);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;

	for (;;) {
		struct msg *b, *e;
		size_t i;

		pthread_mutex_lock(&sh->q.mu);
		i = sh->next < sh->njobs ? sh->next++ : sh->njobs;
		pthread_mutex_unlock(&sh->q.mu);
		if (i >= sh->njobs || *sh->stop || w->fail)
			break;
		b = msg_new(w, M_BEGIN);
		e = msg_new(w, M_END);
		if (!b || !e) {
			free(b);
			free(e);
			break;
		}
		b->job = e->job = &sh->jobs[i];
		q_push(&sh->q, b);
		scan_one(w, &sh->jobs[i], e);
		q_push(&sh->q, e);
	}
	{
		struct msg *d = calloc(1, sizeof(*d));

		if (d) {
			d->kind = M_WORKER_DONE;
			d->worker = w->id;
			q_push(&sh->q, d);
		}
	}
	return NULL;
}

/* --- writer ----------------------------------------------------------- */

struct writer {
	sqlite3 *db;
	int64_t evidence_id;
	sqlite3_stmt *ins_file, *ins_rec, *ins_yara, *upd_file;
	int64_t *cur;          /* current file id per worker */
	struct lt_scan_stats *stats;
	struct lt_err *err;
	bool in_tx;
	uint64_t kill_after;   /* test hook, see below */
};

static int w_exec(struct writer *wr, const char *sql)
{
	if (sqlite3_exec(wr->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return lt_err_set(wr->err, LT_E_IO, "case database: %s",
				  sqlite3_errmsg(wr->db));
	return LT_OK;
}

static int w_step(struct writer *wr, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return lt_err_set(wr->err, LT_E_IO, "case database: %s",
				  sqlite3_errmsg(wr->db));
	return LT_OK;
}

static void bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static uint64_t kill_count; /* records written by this process */

static int handle(struct writer *wr, struct msg *m)
{
	size_t i;
	int k;

	switch (m->kind) {
	case M_BEGIN:
		sqlite3_bind_int64(wr->ins_file, 1, wr->evidence_id);
		sqlite3_bind_int64(wr->ins_file, 2, m->job->entry_id);
		bind_str(wr->ins_file, 3, m->job->path);
		sqlite3_bind_int(wr->ins_file, 4, m->job->deleted);
		sqlite3_bind_int64(wr->ins_file, 5, (int64_t)m->job->size);
		LT_TRY(w_step(wr, wr->ins_file));
		wr->cur[m->worker] = sqlite3_last_insert_rowid(wr->db);
		break;
	case M_RECORDS:
		for (i = 0; i < m->nrecs; i++) {
			struct rec *r = &m->recs[i];
			sqlite3_stmt *st = wr->ins_rec;

			sqlite3_bind_int64(st, 1, wr->cur[m->worker]);
			bind_str(st, 2, m->sheet);
			sqlite3_bind_int64(st, 3, (int64_t)r->row);
			sqlite3_bind_int64(st, 4, r->elems);
			for (k = 0; k < LT_KEY_COUNT; k++)
				if (r->has & (1u << k))
					sqlite3_bind_blob(st, 5 + k, r->keys[k],
							  KEY_LEN,
							  SQLITE_STATIC);
				else
					sqlite3_bind_null(st, 5 + k);
			LT_TRY(w_step(wr, st));
		}
		wr->stats->records += m->nrecs;
		/*
		 * Test hook for the resume test (tests/e2e/scan/resume.sh):
		 * LT_TEST_KILL_AFTER_RECORDS=N commits what was written and
		 * dies by SIGKILL once N records are in, i.e. in the middle
		 * of a file, the worst moment for a resume.
		 */
		kill_count += m->nrecs;
		if (wr->kill_after && kill_count >= wr->kill_after) {
			sqlite3_exec(wr->db, "COMMIT", NULL, NULL, NULL);
			raise(SIGKILL);
		}
		break;
	case M_YARA:
		sqlite3_bind_int64(wr->ins_yara, 1, wr->cur[m->worker]);
		bind_str(wr->ins_yara, 2, m->rule);
		bind_str(wr->ins_yara, 3, m->ns);
		LT_TRY(w_step(wr, wr->ins_yara));
		break;
	case M_END: {
		sqlite3_stmt *st = wr->upd_file;

		if (!strcmp(m->status, "scanning"))
			break; /* interrupted: the next run redoes it */
		bind_str(st, 1, m->status);
		bind_str(st, 2, m->md5);
		bind_str(st, 3, m->sha256);
		bind_str(st, 4, m->mime);
		bind_str(st, 5, m->kind_name);
		bind_str(st, 6, m->extractor);
		bind_str(st, 7, m->detail);
		bind_str(st, 8, m->encoding);
		bind_str(st, 9, m->layout);
		sqlite3_bind_int64(st, 10, (int64_t)m->tables);
		sqlite3_bind_int64(st, 11, (int64_t)m->rows);
		sqlite3_bind_int64(st, 12, (int64_t)m->records);
		sqlite3_bind_int64(st, 13, m->columns);
		sqlite3_bind_int64(st, 14, wr->cur[m->worker]);
		LT_TRY(w_step(wr, st));
		wr->stats->files++;
		if (strcmp(m->status, "skipped") && strcmp(m->status, "error"))
			wr->stats->scanned++;
		if (!strcmp(m->status, "error"))
			wr->stats->errors++;
		if (!strcmp(m->status, "not_examined"))
			wr->stats->not_examined++;
		if (m->records)
			wr->stats->with_pii++;
		break;
	}
	case M_WORKER_DONE:
		break;
	}
	return LT_OK;
}

static int load_jobs(sqlite3 *db, int64_t ev, struct shared *sh,
		     uint64_t *bytes, struct lt_err *err)
{
	sqlite3_stmt *st;
	size_t alloc = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT e.id, e.offset, e.inode, e.path, e.size,"
			       " e.deleted, e.fs FROM entry e WHERE"
			       " e.evidence_id=? AND e.type='file' AND"
			       " NOT e.realloc AND NOT EXISTS (SELECT 1 FROM"
			       " file f WHERE f.entry_id=e.id AND"
			       " f.parent_id IS NULL) ORDER BY e.offset, e.id",
			       -1, &st, NULL) != SQLITE_OK)
		return lt_err_set(err, LT_E_IO, "case database: %s",
				  sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, ev);
	*bytes = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct job *j;
		const char *fs = (const char *)sqlite3_column_text(st, 6);
		const char *inode = (const char *)sqlite3_column_text(st, 2);
		const char *path = (const char *)sqlite3_column_text(st, 3);
		char *dash;

		if (sh->njobs == alloc) {
			size_t na = alloc ? alloc * 2 : 1024;
			struct job *nj = realloc(sh->jobs, na * sizeof(*nj));

			if (!nj) {
				sqlite3_finalize(st);
				return lt_err_set(err, LT_E_NOMEM,
						  "out of memory");
			}
			sh->jobs = nj;
			alloc = na;
		}
		j = &sh->jobs[sh->njobs];
		memset(j, 0, sizeof(*j));
		j->entry_id = sqlite3_column_int64(st, 0);
		j->offset = (uint64_t)sqlite3_column_int64(st, 1);
		j->inode = strdup(inode ? inode : "0");
		j->path = strdup(path ? path : "");
		j->size = (uint64_t)sqlite3_column_int64(st, 4);
		j->deleted = sqlite3_column_int(st, 5);
		if (!j->inode || !j->path) {
			free(j->inode);
			free(j->path);
			sqlite3_finalize(st);
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		}
		/* NTFS system files ($MFT, $BadClus:$Bad = the volume's size,
		 * $LogFile ...) hold no user tables. */
		if (fs && !strcmp(fs, "ntfs") && j->path[0] == '$' &&
		    strtoull(j->inode, &dash, 10) < 27)
			j->skip = true;
		*bytes += j->skip ? 0 : j->size;
		sh->njobs++;
	}
	sqlite3_finalize(st);
	return LT_OK;
}

static int cleanup_unfinished(sqlite3 *db, int64_t ev, struct lt_err *err)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "DELETE FROM yara_hit WHERE file_id IN (SELECT id FROM file"
		 " WHERE evidence_id=%" PRId64 " AND status='scanning');"
		 "DELETE FROM record WHERE file_id IN (SELECT id FROM file"
		 " WHERE evidence_id=%" PRId64 " AND status='scanning');"
		 "DELETE FROM file WHERE evidence_id=%" PRId64
		 " AND status='scanning';",
		 ev, ev, ev);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return lt_err_set(err, LT_E_IO, "case database: %s",
				  sqlite3_errmsg(db));
	return LT_OK;
}

static void free_msg(struct msg *m)
{
	free(m->recs);
	free(m);
}

int lt_scan_evidence(struct lt_casedb *cdb, int64_t evidence_id,
		     const char *src_path, const struct lt_scan_opts *opts,
		     const struct lt_scan_cb *cb, volatile int *stop,
		     struct lt_scan_stats *stats, struct lt_err *err)
{
	struct shared sh;
	struct worker *ws = NULL;
	struct writer wr;
	struct lt_scan_progress prog;
	struct timespec last, now;
	int nworkers = LT_MAX(opts->jobs, 1), running = 0, i, rc = LT_OK;
	uint64_t bytes_total = 0;
	size_t j;

	memset(&sh, 0, sizeof(sh));
	memset(&wr, 0, sizeof(wr));
	memset(stats, 0, sizeof(*stats));
	sh.src_path = src_path;
	sh.opts = opts;
	sh.stop = stop;
	wr.db = lt_casedb_sqlite(cdb);
	wr.evidence_id = evidence_id;
	wr.stats = stats;
	wr.err = err;
	if (getenv("LT_TEST_KILL_AFTER_RECORDS"))
		wr.kill_after = strtoull(getenv("LT_TEST_KILL_AFTER_RECORDS"),
					 NULL, 10);

	LT_TRY(cleanup_unfinished(wr.db, evidence_id, err));
	LT_TRY(load_jobs(wr.db, evidence_id, &sh, &bytes_total, err));
	if (!sh.njobs)
		goto out;
	if ((size_t)nworkers > sh.njobs)
		nworkers = (int)sh.njobs;
	if (lt_yara_open(opts->rules_path, &sh.yara, err))
		goto out;
	pthread_mutex_init(&sh.q.mu, NULL);
	pthread_cond_init(&sh.q.not_empty, NULL);
	pthread_cond_init(&sh.q.not_full, NULL);

	if (sqlite3_prepare_v2(wr.db,
			       "INSERT INTO file(evidence_id, entry_id, path,"
			       " deleted, size, status) VALUES(?,?,?,?,?,"
			       "'scanning')", -1, &wr.ins_file, NULL) ||
	    sqlite3_prepare_v2(wr.db,
			       "INSERT INTO record(file_id, sheet, row, elems,"
			       " k_insured, k_pension, k_my_number,"
			       " k_name_birth, k_name_addr)"
			       " VALUES(?,?,?,?,?,?,?,?,?)",
			       -1, &wr.ins_rec, NULL) ||
	    sqlite3_prepare_v2(wr.db,
			       "INSERT INTO yara_hit(file_id, rule, namespace)"
			       " VALUES(?,?,?)", -1, &wr.ins_yara, NULL) ||
	    sqlite3_prepare_v2(wr.db,
			       "UPDATE file SET status=?, md5=?, sha256=?,"
			       " mime=?, kind=?, extractor=?, detail=?,"
			       " encoding=?, layout=?, tables=?, rows=?,"
			       " records=?, columns=? WHERE id=?",
			       -1, &wr.upd_file, NULL)) {
		rc = lt_err_set(err, LT_E_IO, "case database: %s",
				sqlite3_errmsg(wr.db));
		goto out;
	}
	ws = lt_calloc((size_t)nworkers, sizeof(*ws));
	wr.cur = lt_calloc((size_t)nworkers, sizeof(*wr.cur));
	if (!ws || !wr.cur) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];

		w->sh = &sh;
		w->id = i;
		w->buf = malloc(IOBUF);
		if (!w->buf ||
		    lt_reader_open(src_path, &w->reader, err) ||
		    lt_typer_open(&w->typer, err) ||
		    lt_classifier_new(on_record, w, &w->cls, err) ||
		    mac_open(w, opts->key, err) ||
		    (sh.yara && lt_yara_scanner_new(sh.yara, &w->ys, err))) {
			if (!err->code)
				lt_err_set(err, LT_E_NOMEM, "out of memory");
			rc = err->code;
			goto stop_workers;
		}
	}
	for (i = 0; i < nworkers; i++) {
		if (pthread_create(&ws[i].thread, NULL, worker_main, &ws[i])) {
			rc = lt_err_set(err, LT_E_INTERNAL,
					"cannot start a worker thread");
			break;
		}
		running++;
	}
	memset(&prog, 0, sizeof(prog));
	prog.files_total = sh.njobs;
	prog.bytes_total = bytes_total;
	clock_gettime(CLOCK_MONOTONIC, &last);
	if (w_exec(&wr, "BEGIN IMMEDIATE") == LT_OK)
		wr.in_tx = true;
	else
		rc = err->code;
	{
		int done = 0;

		while (done < running) {
			struct msg *m = q_pop(&sh.q, 200);

			if (m) {
				if (m->kind == M_WORKER_DONE)
					done++;
				if (!rc && handle(&wr, m)) {
					rc = err->code;
					*stop = 1; /* the DB failed: stop */
				}
				if (m->kind == M_END) {
					prog.files_done++;
					prog.bytes_done += m->bytes;
					prog.records = stats->records;
					if (cb && cb->problem &&
					    (!strcmp(m->status, "error") ||
					     m->detail[0]) &&
					    strcmp(m->status, "skipped") &&
					    strcmp(m->status, "not_examined"))
						cb->problem(m->job->path,
							    m->detail,
							    cb->udata);
				}
				free_msg(m);
			}
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - last.tv_sec >= 1) {
				last = now;
				if (wr.in_tx && !rc) {
					if (w_exec(&wr, "COMMIT") ||
					    w_exec(&wr, "BEGIN IMMEDIATE")) {
						rc = err->code;
						*stop = 1;
					}
				}
				if (cb && cb->progress)
					cb->progress(&prog, cb->udata);
			}
		}
	}
	if (wr.in_tx) {
		if (rc)
			/* keep what was done: 'scanning' rows are redone */
			sqlite3_exec(wr.db, "COMMIT", NULL, NULL, NULL);
		else if (w_exec(&wr, "COMMIT"))
			rc = err->code;
	}
	if (!rc && *stop)
		rc = lt_err_set(err, LT_E_INTERRUPTED, "interrupted");
stop_workers:
	for (i = 0; i < running; i++)
		pthread_join(ws[i].thread, NULL);
	{
		struct msg *m;

		while ((m = q_pop(&sh.q, 0)))
			free_msg(m);
	}
	for (i = 0; ws && i < nworkers; i++) {
		lt_reader_close(ws[i].reader);
		lt_typer_close(ws[i].typer);
		lt_classifier_free(ws[i].cls);
		lt_yara_scanner_free(ws[i].ys);
		OPENSSL_cleanse(&ws[i].hmac_inner, sizeof(ws[i].hmac_inner));
		OPENSSL_cleanse(&ws[i].hmac_outer, sizeof(ws[i].hmac_outer));
		free(ws[i].buf);
	}
	if (cb && cb->progress)
		cb->progress(&prog, cb->udata);
out:
	sqlite3_finalize(wr.ins_file);
	sqlite3_finalize(wr.ins_rec);
	sqlite3_finalize(wr.ins_yara);
	sqlite3_finalize(wr.upd_file);
	free(wr.cur);
	free(ws);
	lt_yara_close(sh.yara);
	for (j = 0; j < sh.njobs; j++) {
		free(sh.jobs[j].inode);
		free(sh.jobs[j].path);
	}
	free(sh.jobs);
	return rc;
}
