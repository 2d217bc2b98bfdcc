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
 * Key material (normalized name + birthdate etc.) never reaches the
 * database: the writer turns it into keyed hashes (HMAC-SHA-256 with the
 * case secret, first 16 bytes, leaktriage/keyhash.h) a message at a time,
 * and the message's copy is wiped when it is freed.
 */
#include "triage/core/compat.h"
#include "leaktriage/archive.h"
#include "leaktriage/casedb.h"
#include "leaktriage/detect.h"
#include "leaktriage/protect.h"
#include "leaktriage/recblock.h"
#include "leaktriage/extract.h"
#include "leaktriage/hash.h"
#include "leaktriage/keyhash.h"
#include "leaktriage/scan.h"
#include "leaktriage/scanner.h"
#include "leaktriage/table.h"
#include "leaktriage/walk.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>

#include "scanners/dedup.h"

enum {
	HEAD = 64 * 1024,
	IOBUF = 1 << 20,
	BATCH = 2048,          /* records per message */
	QUEUE_MAX = 256,       /* messages in flight */
	WAKE = 32,             /* messages that wake a waiting writer */
	OUT_MAX = 8,           /* messages a worker holds back */
	CHUNK = 16,            /* jobs a worker takes at a time */
	WHOLE_MAX = 1 << 20,   /* files up to this size are read whole */
	KEY_LEN = 16,          /* bytes of HMAC kept per key */
};

struct job {
	int64_t entry_id;
	uint64_t offset, size;
	char *inode, *path;
	bool deleted;
	bool skip;             /* NTFS metadata files */
	bool same_size;        /* large, and another large file has its size */
};

/*
 * A record on its way to the writer.  The key material (normalized name +
 * birthdate etc.) travels in the message's keymat buffer and is turned
 * into keyed hashes by the writer, which has time to spare while workers
 * extract and classify; the buffer is wiped when the message is freed.
 * Nothing of it is ever stored.
 */
struct rec {
	uint64_t row;
	uint32_t elems;
	uint8_t has;           /* bit per key kind */
	uint32_t koff[LT_KEY_COUNT];
	uint32_t klen[LT_KEY_COUNT];
};

enum msg_kind { M_BEGIN, M_MEMBER, M_RECORDS, M_YARA, M_END, M_WORKER_DONE };

struct msg {
	enum msg_kind kind;
	int worker;
	bool keep;             /* held by the writer: do not free yet */
	struct msg *next;
	/* M_BEGIN (top-level file) / M_MEMBER (archive member) */
	const struct job *job;
	char *member_path;     /* M_MEMBER: "container!member" */
	uint64_t member_size;
	/* M_RECORDS */
	struct rec *recs;
	size_t nrecs, recs_alloc; /* grown up to BATCH */
	struct lt_buf keymat;
	char sheet[256];
	/* M_YARA */
	char rule[128], ns[64];
	/* M_END */
	char status[16], md5[33], sha256[65], mime[96], kind_name[24];
	char extractor[16], detail[256], encoding[24], layout[24];
	char protection[32];
	bool strong;
	uint64_t tables, rows, records, bytes;
	uint32_t columns;
	int64_t copy_of;       /* a copy of this entry's file: the writer
				* takes over its findings */
};

/*
 * Workers hand the writer chains of messages (a file's at a time), and
 * wake it only when WAKE messages wait or a worker is done: one wake-up
 * per message made the threads switch 20,000 times a second.
 */
struct queue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	struct msg *head, *tail;
	size_t count;
	bool waiting;          /* the writer sleeps on not_empty */
};

struct shared {
	const char *src_path;
	const struct lt_scan_opts *opts;
	struct job *jobs;
	size_t njobs;
	size_t next;           /* next job index, under q.mu */
	struct queue q;
	struct lt_yara *yara;
	struct lt_dedup *dedup; /* NULL with --no-dedup */
	bool dedup_race;       /* test hook LT_TEST_DEDUP_RACE */
	volatile int *stop;
};

/*
 * A worker's side thread.  A large top-level file (read in pieces, not
 * whole) is read a second time by the side thread, through an image handle
 * of its own, for its MD5, SHA-256 and YARA hits, while the worker
 * extracts and classifies: hashing and YARA were a third of the worker's
 * time on a large CSV, and the second read comes from the page cache.
 */
struct side_hit {
	char rule[128], ns[64];
};

struct side {
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool busy, quit;       /* a job is set / stop the thread */
	struct shared *sh;
	struct lt_reader *reader;
	struct lt_yara_scanner *ys;
	uint8_t *buf;          /* IOBUF */
	/* the job */
	const struct job *job;
	uint64_t size;
	/* its results, valid once busy is false again */
	int rc;                /* of reading and hashing (status "error") */
	struct lt_err err;
	char yara_err[LT_ERR_MSG_MAX];
	char md5[33], sha256[65];
	struct side_hit *hits;
	size_t nhits, hits_alloc;
	double cpu;             /* CPU seconds of the thread, at its end */
};

struct worker {
	struct shared *sh;
	int id;
	pthread_t thread;
	struct lt_reader *reader;
	struct lt_typer *typer;
	struct lt_yara_scanner *ys;
	struct lt_classifier *cls;
	char *buf;
	uint8_t *whole;        /* WHOLE_MAX: a small top-level file's content */
	struct side side;
	/* per file */
	const struct job *job;
	struct msg *batch;
	struct msg *out_head, *out_tail; /* held back for the writer */
	size_t out_n;
	char cur_sheet[256];
	uint64_t records;
	bool claimed;          /* first of its content: publish at its end */
	bool yara_failed;      /* its YARA hits may be incomplete */
	uint8_t claim_sha[32];
	uint64_t claim_size;
	int fail;
	char init_error[LT_ERR_MSG_MAX];
	double cpu;             /* CPU seconds of the thread, at its end */
};

/* --- queue ------------------------------------------------------------ */

/* Append the chain head..tail (n messages); wake the writer if asked or
 * if enough wait. */
static void q_push_chain(struct queue *q, struct msg *head, struct msg *tail,
			 size_t n, bool wake)
{
	pthread_mutex_lock(&q->mu);
	while (q->count >= QUEUE_MAX && !wake)
		pthread_cond_wait(&q->not_full, &q->mu);
	tail->next = NULL;
	if (q->tail)
		q->tail->next = head;
	else
		q->head = head;
	q->tail = tail;
	q->count += n;
	if (q->waiting && (wake || q->count >= WAKE))
		pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
}

/* Take every waiting message (a chain), waiting up to timeout_ms for one. */
static struct msg *q_take(struct queue *q, int timeout_ms)
{
	struct msg *m;
	struct timespec ts;

	pthread_mutex_lock(&q->mu);
	if (!q->head && timeout_ms > 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)timeout_ms * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		q->waiting = true;
		pthread_cond_timedwait(&q->not_empty, &q->mu, &ts);
		q->waiting = false;
	}
	m = q->head;
	q->head = q->tail = NULL;
	if (q->count >= QUEUE_MAX)
		pthread_cond_broadcast(&q->not_full);
	q->count = 0;
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

/* Hand what the worker holds back to the writer. */
static void out_flush(struct worker *w, bool wake)
{
	if (w->out_head)
		q_push_chain(&w->sh->q, w->out_head, w->out_tail, w->out_n,
			     wake);
	w->out_head = w->out_tail = NULL;
	w->out_n = 0;
}

/* A message for the writer, in order; sent on at OUT_MAX or file end. */
static void emit(struct worker *w, struct msg *m)
{
	m->next = NULL;
	if (w->out_tail)
		w->out_tail->next = m;
	else
		w->out_head = m;
	w->out_tail = m;
	if (++w->out_n >= OUT_MAX)
		out_flush(w, false);
}

static void flush_batch(struct worker *w)
{
	if (w->batch && w->batch->nrecs)
		emit(w, w->batch);
	else if (w->batch) {
		lt_buf_release(&w->batch->keymat);
		free(w->batch->recs);
		free(w->batch);
	}
	w->batch = NULL;
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

		lt_buf_init(&w->batch->keymat, 64 << 20);
		snprintf(w->batch->sheet, sizeof(w->batch->sheet), "%s",
			 r->sheet ? r->sheet : "");
	}
	if (w->batch->nrecs == w->batch->recs_alloc) {
		/* most files hold a few dozen records: grow, do not
		 * clear BATCH of them for each */
		size_t na = w->batch->recs_alloc ? w->batch->recs_alloc * 4
						 : 64;
		struct rec *nr = reallocarray(w->batch->recs,
					      LT_MIN(na, (size_t)BATCH),
					      sizeof(*nr));

		if (!nr)
			return w->fail = LT_E_NOMEM;
		w->batch->recs = nr;
		w->batch->recs_alloc = LT_MIN(na, (size_t)BATCH);
	}
	x = &w->batch->recs[w->batch->nrecs++];
	memset(x, 0, sizeof(*x));
	x->row = r->row;
	x->elems = r->elems;
	for (k = 0; k < LT_KEY_COUNT; k++) {
		if (!r->keys[k])
			continue;
		x->has |= (uint8_t)(1u << k);
		x->koff[k] = (uint32_t)w->batch->keymat.len;
		x->klen[k] = (uint32_t)r->key_lens[k];
		lt_buf_add(&w->batch->keymat, r->keys[k], r->key_lens[k]);
	}
	if (lt_buf_status(&w->batch->keymat))
		return w->fail = lt_buf_status(&w->batch->keymat);
	w->records++;
	if (w->fail)
		return w->fail;
	return *w->sh->stop ? LT_E_INTERRUPTED : 0;
}

/*
 * An input that hashes the bytes read in sequence from offset 0 (the
 * extractors of text read that way), so most files are read only once;
 * whatever an extractor did not read in order is read and hashed after.
 */
struct hin {
	struct lt_scan_input in;
	const struct lt_scan_input *inner;
	struct worker *w;
	struct lt_hash hash;
	uint64_t hashed;
	bool side;             /* the side thread hashes this file */
};

static int inner_read(const struct lt_scan_input *in, uint64_t off,
		      void *buf, size_t len, size_t *got, struct lt_err *err)
{
	if (in->data) {
		*got = off < in->size ?
		       (size_t)LT_MIN((uint64_t)len, in->size - off) : 0;
		if (*got)
			memcpy(buf, in->data + off, *got);
		return LT_OK;
	}
	return in->read(in->src, off, buf, len, got, err);
}

static int hin_read(void *src, uint64_t off, void *buf, size_t len,
		    size_t *got, struct lt_err *err)
{
	struct hin *h = src;

	if (*h->w->sh->stop)
		return lt_err_set(err, LT_E_INTERRUPTED, "interrupted");
	LT_TRY(inner_read(h->inner, off, buf, len, got, err));
	if (!h->side && off == h->hashed && *got) {
		lt_hash_update(&h->hash, buf, *got);
		h->hashed += *got;
	}
	return LT_OK;
}

static int hash_rest(struct hin *h, char *buf, struct lt_err *err)
{
	size_t got;

	while (h->hashed < h->in.size) {
		size_t want = (size_t)LT_MIN((uint64_t)IOBUF,
					     h->in.size - h->hashed);

		LT_TRY(hin_read(h, h->hashed, buf, want, &got, err));
		if (!got)
			return lt_err_set(err, LT_E_CORRUPT,
					  "content ends at %" PRIu64 " of %"
					  PRIu64 " bytes", h->hashed,
					  h->in.size);
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
	emit(w, m);
	return 0;
}


static void set(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s ? s : "");
}

#define SET(field, s) set((field), sizeof(field), (s))

static void process(struct worker *w, const struct lt_scan_input *inner,
		    int depth, struct msg *end);

struct member_ctx {
	struct worker *w;
	int depth;
	const char *container; /* the archive's path */
};

/* One archive member: a file of its own, a child of the archive's row. */
static int on_member(const struct lt_archive_member *m, void *udata)
{
	struct member_ctx *mc = udata;
	struct worker *w = mc->w;
	struct msg *b, *e;
	uint64_t saved = w->records;

	if (m->is_dir)
		return *w->sh->stop ? LT_E_INTERRUPTED : 0;
	flush_batch(w);
	b = msg_new(w, M_MEMBER);
	e = msg_new(w, M_END);
	if (!b || !e) {
		free(b);
		free(e);
		return LT_E_NOMEM;
	}
	if (m->content) {
		b->member_path = strdup(m->content->path);
	} else {
		size_t n = strlen(mc->container) + strlen(m->path) + 2;

		b->member_path = malloc(n);
		if (b->member_path)
			snprintf(b->member_path, n, "%s!%s", mc->container,
				 m->path);
	}
	b->member_size = m->size == UINT64_MAX ? 0 : m->size;
	b->job = e->job = w->job;
	e->member_path = b->member_path ? strdup(b->member_path) : NULL;
	emit(w, b);
	if (m->content) {
		w->records = 0;
		process(w, m->content, mc->depth + 1, e);
		w->records = saved;
	} else if (m->encrypted) {
		SET(e->status, "protected");
		SET(e->protection, m->protection ? m->protection : "unknown");
		e->strong = m->strong;
		SET(e->detail, "encrypted archive member");
	} else {
		SET(e->status, "skipped");
		SET(e->detail, m->skipped ? m->skipped : "not read");
	}
	if (m->warning && !e->detail[0])
		SET(e->detail, m->warning);
	emit(w, e);
	return *w->sh->stop ? LT_E_INTERRUPTED : 0;
}

static void run_extractor(struct worker *w, const char *name,
			  int (*fn)(const struct lt_scan_input *,
				    const struct lt_extract_sink *,
				    struct lt_extract_info *, struct lt_err *),
			  struct hin *h, struct msg *end, struct lt_err *err)
{
	struct lt_extract_info info;
	struct lt_classify_result cr;

	memset(&info, 0, sizeof(info));
	lt_classifier_reset(w->cls);
	SET(end->extractor, name);
	if (fn(&h->in, lt_classifier_sink(w->cls), &info, err)) {
		flush_batch(w);
		if (err->code == LT_E_INTERRUPTED)
			return;
		/* Records found before the error still count: the file is
		 * reported as failed, with the reason.  A file the extractor
		 * cannot read at all (a BIFF2-4 worksheet, an .xls under XOR
		 * obfuscation) is not examined rather than failed
		 * (DESIGN.md "not_examined"). */
		SET(end->detail, err->msg);
		if (err->code == LT_E_UNSUPPORTED && !w->records)
			SET(end->status, "not_examined");
		lt_err_clear(err);
	} else {
		SET(end->status, "ok");
	}
	flush_batch(w);
	lt_classifier_result(w->cls, &cr);
	end->tables = cr.tables;
	end->rows = cr.rows;
	end->records = w->records;
	end->columns = cr.columns;
	SET(end->encoding, info.encoding);
	SET(end->layout, info.layout);
	if (!end->detail[0] && info.warning[0])
		SET(end->detail, info.warning);
}

/* Encrypted or not?  Protected files are recorded, never read as empty. */
static bool check_protected(struct hin *h, int kind, struct msg *end,
			    struct lt_err *err)
{
	struct lt_protection p;

	if (lt_protection_check(&h->in, kind, &p, err)) {
		/* interrupted: the caller fails the file ('scanning': the
		 * next run redoes it) */
		if (err->code == LT_E_INTERRUPTED)
			return true;
		SET(end->detail, err->msg);
		lt_err_clear(err);
		return false;
	}
	if (!p.protected_) {
		if (p.detail[0])
			SET(end->detail, p.detail);
		return false;
	}
	SET(end->status, "protected");
	SET(end->protection, p.kind);
	end->strong = p.strong;
	SET(end->detail, p.detail);
	return true;
}

enum { MAX_DEPTH = 5 };

static int plain_read(void *src, uint64_t off, void *buf, size_t len,
		      size_t *got, struct lt_err *err)
{
	return inner_read(src, off, buf, len, got, err);
}

/*
 * A small top-level file is read whole, in one go, into w->whole: then
 * hashing, type detection, extraction and YARA all work on that memory
 * instead of reading it again in pieces.  Returns false (and nothing
 * changed) when the content is shorter than its size says: the streaming
 * path then reports where it ends.
 */
static bool read_whole(struct worker *w, const struct lt_scan_input *in,
		       struct lt_scan_input *mem, struct lt_err *err)
{
	uint64_t done = 0;

	while (done < in->size) {
		size_t got = 0;

		if (*w->sh->stop) {
			lt_err_set(err, LT_E_INTERRUPTED, "interrupted");
			return false;
		}
		if (inner_read(in, done, w->whole + done,
			       (size_t)(in->size - done), &got, err)) {
			lt_err_clear(err);
			return false;
		}
		if (!got)
			return false;
		done += got;
	}
	*mem = *in;
	mem->data = w->whole;
	mem->read = plain_read; /* from data */
	mem->src = mem;
	return true;
}

/* --- the side thread -------------------------------------------------- */

static int side_on_yara(const char *rule, const char *ns, void *udata)
{
	struct side *sd = udata;
	struct side_hit *h;

	if (sd->nhits == sd->hits_alloc) {
		size_t na = sd->hits_alloc ? sd->hits_alloc * 2 : 16;
		struct side_hit *nh = realloc(sd->hits, na * sizeof(*nh));

		if (!nh)
			return LT_E_NOMEM;
		sd->hits = nh;
		sd->hits_alloc = na;
	}
	h = &sd->hits[sd->nhits++];
	snprintf(h->rule, sizeof(h->rule), "%s", rule);
	snprintf(h->ns, sizeof(h->ns), "%s", ns ? ns : "");
	return 0;
}

static int side_read(void *src, uint64_t off, void *buf, size_t len,
		     size_t *got, struct lt_err *err)
{
	struct side *sd = src;

	if (*sd->sh->stop)
		return lt_err_set(err, LT_E_INTERRUPTED, "interrupted");
	return lt_reader_read(sd->reader, off, buf, len, got, err);
}

/* Hash the selected file, then run YARA on it. */
static void side_job(struct side *sd)
{
	struct lt_hash hash;
	uint64_t done = 0, size = sd->job->size;
	struct lt_err yerr = LT_ERR_INIT;

	sd->nhits = 0;
	sd->yara_err[0] = '\0';
	lt_err_clear(&sd->err);
	sd->rc = lt_reader_select(sd->reader, sd->job->offset, sd->job->inode,
				  sd->job->path, &size, &sd->err);
	if (!sd->rc && size != sd->size)
		sd->rc = lt_err_set(&sd->err, LT_E_CORRUPT,
				    "the file's size changed (%" PRIu64
				    " then %" PRIu64 " bytes)", sd->size,
				    size);
	if (sd->rc || (sd->rc = lt_hash_init(&hash, LT_HASH_MD5 |
					     LT_HASH_SHA256, &sd->err)))
		return;
	while (done < size) {
		size_t got = 0;

		sd->rc = side_read(sd, done, sd->buf,
				   (size_t)LT_MIN((uint64_t)IOBUF,
						  size - done), &got,
				   &sd->err);
		if (!sd->rc && !got)
			sd->rc = lt_err_set(&sd->err, LT_E_CORRUPT,
					    "content ends at %" PRIu64 " of %"
					    PRIu64 " bytes", done, size);
		if (sd->rc) {
			lt_hash_release(&hash);
			return;
		}
		lt_hash_update(&hash, sd->buf, got);
		done += got;
	}
	if ((sd->rc = lt_hash_final(&hash, &sd->err)))
		return;
	lt_hex(sd->md5, hash.md5, 16);
	lt_hex(sd->sha256, hash.sha256, 32);
	if (sd->ys) {
		struct lt_scan_input yin = { sd->job->path, size, NULL,
					     side_read, sd };

		if (lt_yara_scan(sd->ys, &yin, side_on_yara, sd, &yerr)) {
			if (yerr.code == LT_E_INTERRUPTED)
				sd->rc = lt_err_set(&sd->err,
						    LT_E_INTERRUPTED,
						    "interrupted");
			else
				snprintf(sd->yara_err, sizeof(sd->yara_err),
					 "%s", yerr.msg);
		}
	}
}

/* CPU seconds of the calling thread (for -v and the benchmarks). */
static double thread_cpu(void)
{
	struct timespec t;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t))
		return 0;
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *side_main(void *arg)
{
	struct side *sd = arg;

	pthread_setname_np(pthread_self(), "lt-side");
	pthread_mutex_lock(&sd->mu);
	for (;;) {
		while (!sd->busy && !sd->quit)
			pthread_cond_wait(&sd->cv, &sd->mu);
		if (sd->quit)
			break;
		pthread_mutex_unlock(&sd->mu);
		side_job(sd);
		pthread_mutex_lock(&sd->mu);
		sd->busy = false;
		pthread_cond_broadcast(&sd->cv);
	}
	sd->cpu = thread_cpu();
	pthread_mutex_unlock(&sd->mu);
	return NULL;
}

static void side_start(struct side *sd, const struct job *j, uint64_t size)
{
	pthread_mutex_lock(&sd->mu);
	sd->job = j;
	sd->size = size;
	sd->busy = true;
	pthread_cond_broadcast(&sd->cv);
	pthread_mutex_unlock(&sd->mu);
}

static void side_wait(struct side *sd)
{
	pthread_mutex_lock(&sd->mu);
	while (sd->busy)
		pthread_cond_wait(&sd->cv, &sd->mu);
	pthread_mutex_unlock(&sd->mu);
}

static int side_open(struct side *sd, struct shared *sh, const char *src_path,
		     struct lt_err *err)
{
	sd->sh = sh;
	sd->buf = malloc(IOBUF);
	if (!sd->buf)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	LT_TRY(lt_reader_open(src_path, &sd->reader, err));
	if (sh->yara)
		LT_TRY(lt_yara_scanner_new(sh->yara, &sd->ys, err));
	pthread_mutex_init(&sd->mu, NULL);
	pthread_cond_init(&sd->cv, NULL);
	if (pthread_create(&sd->thread, NULL, side_main, sd))
		return lt_err_set(err, LT_E_INTERNAL,
				  "cannot start a side thread");
	sd->started = true;
	return LT_OK;
}

static void side_close(struct side *sd)
{
	if (sd->started) {
		pthread_mutex_lock(&sd->mu);
		sd->quit = true;
		pthread_cond_broadcast(&sd->cv);
		pthread_mutex_unlock(&sd->mu);
		pthread_join(sd->thread, NULL);
		pthread_mutex_destroy(&sd->mu);
		pthread_cond_destroy(&sd->cv);
	}
	lt_reader_close(sd->reader);
	lt_yara_scanner_free(sd->ys);
	free(sd->buf);
	free(sd->hits);
}

/* The side thread's results for the file process() just read. */
static void side_results(struct worker *w, struct msg *end)
{
	struct side *sd = &w->side;
	size_t i;

	side_wait(sd);
	flush_batch(w);
	if (sd->rc) {
		SET(end->status, sd->rc == LT_E_INTERRUPTED ? "scanning" :
			"error");
		SET(end->detail, sd->err.msg);
		return;
	}
	SET(end->md5, sd->md5);
	SET(end->sha256, sd->sha256);
	for (i = 0; i < sd->nhits; i++)
		if (on_yara(sd->hits[i].rule, sd->hits[i].ns, w)) {
			w->yara_failed = true; /* hits lost: not reusable */
			break;
		}
	if (sd->yara_err[0]) {
		w->yara_failed = true;
		if (!end->detail[0])
			snprintf(end->detail, sizeof(end->detail),
				 "yara: %s", sd->yara_err);
	}
}

/* Kinds whose content an extractor reads (not only a signature check). */
static bool extracted(enum lt_kind kind)
{
	switch (kind) {
	case LT_KIND_TEXT:
	case LT_KIND_XLSX:
	case LT_KIND_XLS:
	case LT_KIND_DOCX:
	case LT_KIND_ZIP:
	case LT_KIND_7Z:
	case LT_KIND_RAR:
	case LT_KIND_LZH:
	case LT_KIND_TAR:
	case LT_KIND_GZIP:
	case LT_KIND_CAB:
		return true;
	default:
		return false;
	}
}

/*
 * A top-level file whose content (SHA-256 and size) was scanned before in
 * this run becomes a copy of that file: the writer takes over its
 * findings (scanners/dedup.h).  Returns true then.  The first file of a
 * content is claimed by this worker and published at its end.
 */
static bool take_over(struct worker *w, const struct lt_hash *hash,
		      uint64_t size, struct msg *end)
{
	int64_t orig = 0;
	enum lt_dedup_answer a;
	int tries = 0;

	a = lt_dedup_claim(w->sh->dedup, hash->sha256, size, &orig);
	/* Test hook LT_TEST_DEDUP_RACE: wait for the worker that has this
	 * content to publish it (see worker_main()). */
	while (a == LT_DEDUP_BUSY && w->sh->dedup_race && tries++ < 2000) {
		usleep(1000);
		a = lt_dedup_claim(w->sh->dedup, hash->sha256, size, &orig);
	}
	switch (a) {
	case LT_DEDUP_COPY:
		lt_hex(end->md5, hash->md5, 16);
		lt_hex(end->sha256, hash->sha256, 32);
		end->copy_of = orig;
		SET(end->status, "ok"); /* the writer puts the original's */
		return true;
	case LT_DEDUP_MINE:
		w->claimed = true;
		memcpy(w->claim_sha, hash->sha256, 32);
		w->claim_size = size;
		return false;
	default:
		return false;
	}
}

/* Whether the results of the file that just ended hold for any file of
 * the same content: not an error or an interruption, no archive members
 * (their rows are not copied), YARA complete. */
static bool reusable(const struct worker *w, const struct msg *end)
{
	static const char *const ok[] = { "ok", "no_tables", "not_examined",
					   "protected" };
	size_t i;

	if (w->yara_failed || !strcmp(end->extractor, "archive"))
		return false;
	for (i = 0; i < LT_ARRAY_SIZE(ok); i++)
		if (!strcmp(end->status, ok[i]))
			return true;
	return false;
}

static void process(struct worker *w, const struct lt_scan_input *inner,
		    int depth, struct msg *end)
{
	struct lt_err err = LT_ERR_INIT;
	bool final = false;    /* the hashes are done (h.hash released) */
	struct lt_scan_input mem;
	struct hin h;
	enum lt_kind kind;
	size_t head_len = 0;
	char *head = NULL;

	SET(end->status, "error");
	end->bytes = inner->size;
	if (depth == 0 && !inner->data && inner->size <= WHOLE_MAX &&
	    read_whole(w, inner, &mem, &err))
		inner = &mem;
	if (err.code == LT_E_INTERRUPTED) {
		SET(end->status, "scanning");
		return;
	}
	memset(&h, 0, sizeof(h));
	h.inner = inner;
	h.w = w;
	h.in.path = inner->path;
	h.in.size = inner->size;
	h.in.data = inner->data;
	h.in.read = hin_read;
	h.in.src = &h;
	if (lt_hash_init(&h.hash, LT_HASH_MD5 | LT_HASH_SHA256, &err))
		goto fail;
	if (inner->data) {
		/* in memory: hashed at once, the head is the content */
		lt_hash_update(&h.hash, inner->data, (size_t)inner->size);
		h.hashed = inner->size;
		head = (char *)inner->data;
		head_len = (size_t)LT_MIN((uint64_t)HEAD, inner->size);
		if (depth == 0 && w->sh->dedup && inner->size) {
			if (lt_hash_final(&h.hash, &err))
				goto fail;
			final = true;
			lt_hex(end->md5, h.hash.md5, 16);
			lt_hex(end->sha256, h.hash.sha256, 32);
			if (take_over(w, &h.hash, inner->size, end))
				return;
		}
	} else if (!(head = malloc(HEAD))) {
		lt_err_set(&err, LT_E_NOMEM, "out of memory");
		goto fail_hash;
	}
	while (!inner->data && head_len < HEAD && head_len < inner->size) {
		size_t got;

		if (hin_read(&h, head_len, head + head_len,
			     (size_t)LT_MIN((uint64_t)(HEAD - head_len),
					    inner->size - head_len), &got, &err))
			goto fail_hash;
		if (!got)
			break;
		head_len += got;
	}
	kind = lt_typer_detect(w->typer, (const uint8_t *)head, head_len,
			       inner->size, end->mime, sizeof(end->mime));
	/* A compound file whose directory lies past the head (big .xls):
	 * follow it to tell xls, doc, encrypted OOXML apart. */
	if (!strcmp(end->mime, LT_MIME_CFB_UNDECIDED) &&
	    lt_typer_detect_input(w->typer, &h.in, &kind, end->mime,
				  sizeof(end->mime), &err))
		lt_err_clear(&err); /* keep the head's answer */
	SET(end->kind_name, lt_kind_name(kind));
	/* A large file to extract: its hashes and YARA go to the side
	 * thread, which reads it again meanwhile.  Any other large file is
	 * only read through, here: the worker would just wait for the side
	 * thread.  What was hashed of the head is dropped then. */
	if (depth == 0 && !inner->data && w->side.started &&
	    extracted(kind)) {
		h.side = true;
		side_start(&w->side, w->job, inner->size);
	}
	switch (kind) {
	case LT_KIND_TEXT:
		run_extractor(w, "text", lt_extract_text, &h, end, &err);
		/* The report's type: csv (also ; and | separated), tsv,
		 * text (fixed-width and plain lines). */
		SET(end->extractor, !strcmp(end->layout, "tsv") ? "tsv" :
			(!strcmp(end->layout, "csv") ||
			 !strcmp(end->layout, "semicolon") ||
			 !strcmp(end->layout, "pipe")) ? "csv" : "text");
		break;
	case LT_KIND_XLSX:
		run_extractor(w, "xlsx", lt_extract_xlsx, &h, end, &err);
		break;
	case LT_KIND_DOCX:
		run_extractor(w, "docx", lt_extract_docx, &h, end, &err);
		break;
	case LT_KIND_XLS:
		if (!check_protected(&h, kind, end, &err))
			run_extractor(w, "xls", lt_extract_xls, &h, end, &err);
		break;
	case LT_KIND_OOXML_ENCRYPTED:
	case LT_KIND_CFB_OTHER:
	case LT_KIND_PDF:
		if (!check_protected(&h, kind, end, &err)) {
			SET(end->status, "not_examined");
			if (!end->detail[0])
				snprintf(end->detail, sizeof(end->detail),
					 "no extractor for %s yet",
					 lt_kind_name(kind));
		}
		break;
	case LT_KIND_ZIP:
	case LT_KIND_7Z:
	case LT_KIND_RAR:
	case LT_KIND_LZH:
	case LT_KIND_TAR:
	case LT_KIND_GZIP:
	case LT_KIND_CAB: {
		struct member_ctx mc = { w, depth, inner->path };
		struct lt_protection_summary whole;
		int rc;

		SET(end->extractor, "archive");
		if (depth >= MAX_DEPTH) {
			SET(end->status, "skipped");
			snprintf(end->detail, sizeof(end->detail),
				 "archive nested deeper than %d levels",
				 MAX_DEPTH);
			break;
		}
		flush_batch(w);
		rc = lt_archive_walk(&h.in, NULL, on_member, &mc, &whole,
				     &err);
		if (rc == LT_E_INTERRUPTED)
			goto fail_hash;
		if (whole.protected_) {
			SET(end->status, "protected");
			SET(end->protection, whole.kind);
			end->strong = whole.strong;
			SET(end->detail, "archive with encrypted headers");
		} else if (rc) {
			SET(end->detail, err.msg);
			lt_err_clear(&err);
		} else {
			SET(end->status, "ok");
		}
		break;
	}
	case LT_KIND_NO_TABLES:
	case LT_KIND_EMPTY:
	case LT_KIND_UNKNOWN:
		SET(end->status, "no_tables");
		break;
	default:
		SET(end->status, "not_examined");
		snprintf(end->detail, sizeof(end->detail),
			 "no extractor for %s yet", lt_kind_name(kind));
		break;
	}
	if (err.code == LT_E_INTERRUPTED)
		goto fail_hash;
	if (h.side) {
		lt_hash_release(&h.hash);
		free(head);
		side_results(w, end);
		return;
	}
	if (!final) {
		if (hash_rest(&h, w->buf, &err))
			goto fail_hash;
		if (lt_hash_final(&h.hash, &err))
			goto fail;
		lt_hex(end->md5, h.hash.md5, 16);
		lt_hex(end->sha256, h.hash.sha256, 32);
	}
	if (w->ys) {
		struct lt_scan_input yin = { inner->path, inner->size,
					     inner->data, plain_read,
					     (void *)inner };

		if (lt_yara_scan(w->ys, &yin, on_yara, w, &err)) {
			if (err.code == LT_E_INTERRUPTED)
				goto fail;
			w->yara_failed = true;
			if (!end->detail[0])
				snprintf(end->detail, sizeof(end->detail),
					 "yara: %s", err.msg);
			lt_err_clear(&err);
		}
	}
	if (!inner->data)
		free(head);
	return;
fail_hash:
	lt_hash_release(&h.hash);
fail:
	if (!inner->data)
		free(head);
	if (h.side)
		side_wait(&w->side);
	flush_batch(w);
	SET(end->status, err.code == LT_E_INTERRUPTED ? "scanning" : "error");
	SET(end->detail, err.msg);
}

static int reader_read(void *src, uint64_t off, void *buf, size_t len,
		       size_t *got, struct lt_err *err)
{
	struct worker *w = src;

	return lt_reader_read(w->reader, off, buf, len, got, err);
}

/*
 * MD5 and SHA-256 of the selected file before it is processed: only for a
 * large file that may be a copy (another large file has its size), the
 * one case where reading it twice can save its extraction.
 */
static int prehash(struct worker *w, uint64_t size, struct lt_hash *hash,
		   struct lt_err *err)
{
	uint64_t done = 0;

	LT_TRY(lt_hash_init(hash, LT_HASH_MD5 | LT_HASH_SHA256, err));
	while (done < size) {
		size_t got = 0;

		if (*w->sh->stop)
			lt_err_set(err, LT_E_INTERRUPTED, "interrupted");
		else if (!lt_reader_read(w->reader, done, w->buf,
					 (size_t)LT_MIN((uint64_t)IOBUF,
							size - done),
					 &got, err) && !got)
			lt_err_set(err, LT_E_CORRUPT, "short read");
		if (err->code) {
			lt_hash_release(hash);
			return err->code;
		}
		lt_hash_update(hash, w->buf, got);
		done += got;
	}
	return lt_hash_final(hash, err);
}

/*
 * Whether a large file is of a kind that is extracted: only then can
 * taking over a copy's findings save more than the second read costs
 * (pagefile.sys of the same size on several PCs: not worth it).  When
 * the head cannot be read, the path that processes the file says why.
 */
static bool worth_prehash(struct worker *w, uint64_t size)
{
	struct lt_err err = LT_ERR_INIT;
	size_t len = 0, want = (size_t)LT_MIN((uint64_t)HEAD, size);
	char mime[96];
	enum lt_kind kind;

	while (len < want) {
		size_t got = 0;

		if (lt_reader_read(w->reader, len, w->buf + len, want - len,
				   &got, &err) || !got)
			return false;
		len += got;
	}
	kind = lt_typer_detect(w->typer, (const uint8_t *)w->buf, len, size,
			       mime, sizeof(mime));
	return extracted(kind) || !strcmp(mime, LT_MIME_CFB_UNDECIDED);
}

static void scan_one(struct worker *w, const struct job *j, struct msg *end)
{
	struct lt_err err = LT_ERR_INIT;
	struct lt_scan_input in;
	uint64_t size = j->size;

	w->records = 0;
	w->job = j;
	w->claimed = false;
	w->yara_failed = false;
	SET(end->status, "error");
	if (j->skip) {
		SET(end->status, "skipped");
		SET(end->detail, "NTFS metadata file");
		return;
	}
	if (lt_reader_select(w->reader, j->offset, j->inode, j->path, &size,
			     &err)) {
		SET(end->detail, err.msg);
		return;
	}
	if (w->sh->dedup && j->same_size && size == j->size &&
	    size > WHOLE_MAX && worth_prehash(w, size)) {
		struct lt_hash hash;

		if (prehash(w, size, &hash, &err) == LT_E_INTERRUPTED) {
			SET(end->status, "scanning");
			return;
		}
		/* unreadable: the path below says where and why */
		if (!err.code && take_over(w, &hash, size, end)) {
			end->bytes = size;
			return;
		}
		lt_err_clear(&err);
	}
	memset(&in, 0, sizeof(in));
	in.path = j->path;
	in.size = size;
	in.read = reader_read;
	in.src = w;
	process(w, &in, 0, end);
}

/*
 * A file's messages go to the writer, then its content is offered to later
 * copies (scanners/dedup.h): published if this worker claimed it, added if
 * it is a large file hashed only on the way (not claimed).  Publishing
 * after the queueing is what makes the writer see this file's row before
 * any copy's.
 */
static void finish_file(struct worker *w, const struct job *j, struct msg *e)
{
	struct shared *sh = w->sh;
	uint8_t sha[32];
	bool have = sh->dedup && lt_unhex(sha, e->sha256, 32);
	/* a large file claimed by its hashes before it was read again (a
	 * live share may change between): its findings hold for that
	 * content only if it still had it */
	bool reuse = reusable(w, e) &&
		     (!w->claimed || (have && !memcmp(sha, w->claim_sha, 32)));
	bool add = have && !w->claimed && reuse && !e->copy_of &&
		   e->bytes > WHOLE_MAX;

	emit(w, e);
	out_flush(w, false);
	if (w->claimed) {
		lt_dedup_publish(sh->dedup, w->claim_sha, w->claim_size,
				 j->entry_id, reuse);
		/* Test hook LT_TEST_DEDUP_RACE (dedup.sh): workers meeting
		 * this content wait for it to be published, and this one
		 * pauses after publishing: had it published before queueing
		 * the file's messages, a copy would reach the writer before
		 * the file's row (the scan fails: "a copy of a file without
		 * a row"). */
		if (sh->dedup_race)
			usleep(20000);
	} else if (add) {
		lt_dedup_add(sh->dedup, sha, j->size, j->entry_id);
	}
}

/*
 * Jobs are taken CHUNK at a time, in the order load_jobs() gives (file
 * system, then inode): neighbours share the image handle's cache (the
 * MFT entries of consecutive inodes sit in the same block).
 */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	size_t i = 0, end = 0;

	/* names for top -H and perf --sort comm */
	pthread_setname_np(pthread_self(), "lt-worker");
	for (;;) {
		struct msg *b, *e;

		if (i == end) {
			pthread_mutex_lock(&sh->q.mu);
			i = sh->next;
			end = LT_MIN(i + CHUNK, sh->njobs);
			sh->next = LT_MAX(end, sh->next);
			pthread_mutex_unlock(&sh->q.mu);
		}
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
		emit(w, b);
		scan_one(w, &sh->jobs[i], e);
		finish_file(w, &sh->jobs[i], e);
		i++;
	}
	{
		struct msg *d = calloc(1, sizeof(*d));

		if (d) {
			d->kind = M_WORKER_DONE;
			d->worker = w->id;
			emit(w, d);
		}
		out_flush(w, true);
	}
	w->cpu = thread_cpu();
	return NULL;
}

/* --- writer ----------------------------------------------------------- */

struct writer {
	sqlite3 *db;
	int64_t evidence_id;
	sqlite3_stmt *ins_file, *ins_rec, *ins_yara, *upd_file;
	int64_t (*stack)[8];   /* per worker: file ids, archive members nest;
				* 0: the row is not written yet */
	struct msg *(*open)[8]; /* ... their M_BEGIN / M_MEMBER */
	struct msg **pend;     /* per worker: records and hits held back */
	size_t *npend;
	size_t defer_max;      /* messages held back before the row goes in */
	sqlite3_stmt *ins_full;
	sqlite3_stmt *sel_orig, *set_orig, *cp_yara; /* copies */
	int *depth;
	struct lt_scan_stats *stats;
	struct lt_err *err;
	bool in_tx;
	uint64_t kill_after;   /* test hook, see below */
	struct lt_keyhash kh;  /* person keys, leaktriage/keyhash.h */
	struct lt_keyhash_in *kin; /* one M_RECORDS' keys to hash ... */
	uint8_t (*kout)[LT_KEYHASH_LEN]; /* ... and their hashes */
	size_t kalloc;
	struct lt_buf block;   /* packed records of one M_RECORDS */
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

/* Every statement is stepped (w_step(): then reset, bindings cleared)
 * right after its parameters are bound, while the strings live: no copy. */
static void bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static uint64_t kill_count; /* records written by this process */

/*
 * Test hook for the resume test (tests/e2e/scan/resume.sh):
 * LT_TEST_KILL_AFTER_RECORDS=N commits what was written and dies by
 * SIGKILL once N records are in (a copy's count too), i.e. in the middle
 * of a file, the worst moment for a resume.
 */
static void records_written(struct writer *wr, uint64_t n)
{
	wr->stats->records += n;
	kill_count += n;
	if (wr->kill_after && kill_count >= wr->kill_after) {
		sqlite3_exec(wr->db, "COMMIT", NULL, NULL, NULL);
		raise(SIGKILL);
	}
}

/* The file row the worker's messages are about now. */
#define CUR(wr, m) \
	((wr)->stack[(m)->worker][(wr)->depth[(m)->worker] > 0 ? \
				   (wr)->depth[(m)->worker] - 1 : 0])

static void free_msg(struct msg *m);
static int write_held(struct writer *wr, struct msg *m, int64_t file_id);
static int file_end(struct writer *wr, struct msg *m);
static void bind_end(sqlite3_stmt *st, int i, const struct msg *m);
static void count_file(struct writer *wr, const struct msg *m);

/* Parameters 1-7 of a file row: evidence, entry, parent, path, deleted,
 * size, from the file's M_BEGIN / M_MEMBER b at depth d (1-based). */
static void bind_file(struct writer *wr, sqlite3_stmt *st,
		      const struct msg *b, int d)
{
	sqlite3_bind_int64(st, 1, wr->evidence_id);
	if (b->kind == M_BEGIN) {
		sqlite3_bind_int64(st, 2, b->job->entry_id);
		sqlite3_bind_null(st, 3);
		bind_str(st, 4, b->job->path);
		sqlite3_bind_int64(st, 6, (int64_t)b->job->size);
	} else {
		sqlite3_bind_null(st, 2);
		sqlite3_bind_int64(st, 3, wr->stack[b->worker][d - 2]);
		bind_str(st, 4, b->member_path);
		sqlite3_bind_int64(st, 6, (int64_t)b->member_size);
	}
	sqlite3_bind_int(st, 5, b->job->deleted);
}

static void hold(struct writer *wr, struct msg *m)
{
	struct msg **pp = &wr->pend[m->worker];

	while (*pp)
		pp = &(*pp)->next;
	*pp = m;
	wr->npend[m->worker]++;
}

static void drop_held(struct writer *wr, int w)
{
	struct msg *m, *next;

	for (m = wr->pend[w]; m; m = next) {
		next = m->next;
		free_msg(m);
	}
	wr->pend[w] = NULL;
	wr->npend[w] = 0;
}

/* Write what worker w's current file held back, in order. */
static int flush_held(struct writer *wr, int w)
{
	int64_t id = wr->stack[w][wr->depth[w] - 1];
	int rc = LT_OK;
	struct msg *m;

	for (m = wr->pend[w]; m && !rc; m = m->next)
		rc = write_held(wr, m, id);
	drop_held(wr, w);
	return rc;
}

/* Worker w's current file gets its row now ('scanning', updated at its
 * end), and what it held back follows. */
static int materialize(struct writer *wr, int w)
{
	int d = wr->depth[w];
	sqlite3_stmt *st = wr->ins_file;

	if (d <= 0 || wr->stack[w][d - 1])
		return LT_OK;
	bind_file(wr, st, wr->open[w][d - 1], d);
	LT_TRY(w_step(wr, st));
	wr->stack[w][d - 1] = sqlite3_last_insert_rowid(wr->db);
	return flush_held(wr, w);
}

static int handle(struct writer *wr, struct msg *m)
{
	switch (m->kind) {
	case M_BEGIN:
	case M_MEMBER: {
		/*
		 * The row of a file is written when it ends, with everything
		 * known (one INSERT, not an INSERT then an UPDATE), and its
		 * records and hits after it: they are held back until then,
		 * up to defer_max messages.  A file with more, or holding
		 * archive members, gets its row now (status 'scanning',
		 * updated at its end), as the foreign keys want.
		 */
		int d = m->kind == M_BEGIN ? 0 : wr->depth[m->worker];

		if (d >= 8)
			return lt_err_set(wr->err, LT_E_INTERNAL,
					  "archive nesting past the stack");
		if (d > 0)
			LT_TRY(materialize(wr, m->worker));
		wr->open[m->worker][d] = m;
		m->keep = true;
		wr->stack[m->worker][d] = 0;
		wr->depth[m->worker] = d + 1;
		break;
	}
	case M_RECORDS:
	case M_YARA:
		if (!wr->depth[m->worker])
			return lt_err_set(wr->err, LT_E_INTERNAL,
					  "records outside a file");
		if (CUR(wr, m))
			return write_held(wr, m, CUR(wr, m));
		if (wr->npend[m->worker] >= wr->defer_max) {
			LT_TRY(materialize(wr, m->worker));
			return write_held(wr, m, CUR(wr, m));
		}
		m->keep = true;
		m->next = NULL;
		hold(wr, m);
		break;
	case M_END:
		return file_end(wr, m);
	case M_WORKER_DONE:
		break;
	}
	return LT_OK;
}

/* Room for n keys of one M_RECORDS message. */
static int key_room(struct writer *wr, size_t n)
{
	struct lt_keyhash_in *kin;
	uint8_t (*kout)[LT_KEYHASH_LEN];

	if (n <= wr->kalloc)
		return LT_OK;
	kin = realloc(wr->kin, n * sizeof(*kin));
	if (kin)
		wr->kin = kin;
	kout = kin ? realloc(wr->kout, n * sizeof(*kout)) : NULL;
	if (!kout)
		return lt_err_set(wr->err, LT_E_NOMEM, "out of memory");
	wr->kout = kout;
	wr->kalloc = n;
	return LT_OK;
}

/* Records (one row per block, leaktriage/recblock.h) or a YARA hit. */
static int write_held(struct writer *wr, struct msg *m, int64_t file_id)
{
	size_t i;
	int k;

	switch (m->kind) {
	case M_RECORDS: {
		sqlite3_stmt *st = wr->ins_rec;
		uint32_t elems = 0;
		size_t nk = 0;

		LT_TRY(key_room(wr, m->nrecs * LT_KEY_COUNT));
		for (i = 0; i < m->nrecs; i++) {
			const struct rec *r = &m->recs[i];

			for (k = 0; k < LT_KEY_COUNT; k++)
				if (r->has & (1u << k)) {
					struct lt_keyhash_in *x = &wr->kin[nk];

					x->s = m->keymat.buf + r->koff[k];
					x->len = r->klen[k];
					x->kind = (uint8_t)k;
					x->out = wr->kout[nk++];
				}
		}
		lt_keyhash_many(&wr->kh, wr->kin, nk);
		wr->block.len = 0;
		nk = 0;
		for (i = 0; i < m->nrecs; i++) {
			const struct rec *r = &m->recs[i];
			struct lt_recpacked p;

			p.row = r->row;
			p.elems = r->elems;
			p.has = r->has;
			elems |= r->elems;
			for (k = 0; k < LT_KEY_COUNT; k++)
				if (r->has & (1u << k))
					memcpy(p.keys[k], wr->kout[nk++],
					       LT_KEYHASH_LEN);
			lt_recblock_put(&wr->block, &p);
		}
		if (lt_buf_status(&wr->block))
			return lt_err_set(wr->err, LT_E_NOMEM,
					  "out of memory");
		sqlite3_bind_int64(st, 1, file_id);
		bind_str(st, 2, m->sheet);
		sqlite3_bind_int64(st, 3, (int64_t)m->nrecs);
		sqlite3_bind_int64(st, 4, elems);
		sqlite3_bind_blob(st, 5, wr->block.buf, (int)wr->block.len,
				  SQLITE_STATIC);
		LT_TRY(w_step(wr, st));
		records_written(wr, m->nrecs);
		break;
	}
	case M_YARA:
		sqlite3_bind_int64(wr->ins_yara, 1, file_id);
		bind_str(wr->ins_yara, 2, m->rule);
		bind_str(wr->ins_yara, 3, m->ns);
		LT_TRY(w_step(wr, wr->ins_yara));
		break;
	default:
		break;
	}
	return LT_OK;
}

static void get_str(char *dst, size_t len, sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	snprintf(dst, len, "%s", s ? s : "");
}

#define GET(field, st, i) get_str((field), sizeof(field), (st), (i))

/*
 * A copy (m->copy_of, scanners/dedup.h): the findings of the original's
 * row go into m, as if the worker had found them, so that the copy's row,
 * the counts and the messages are those of the original.  The original's
 * row was written before: its end was queued before the copy was
 * answered.
 */
static int copy_findings(struct writer *wr, struct msg *m, int64_t *orig)
{
	sqlite3_stmt *st = wr->sel_orig;
	int rc;

	sqlite3_bind_int64(st, 1, m->copy_of);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*orig = sqlite3_column_int64(st, 0);
		GET(m->status, st, 1);
		GET(m->mime, st, 2);
		GET(m->kind_name, st, 3);
		GET(m->extractor, st, 4);
		GET(m->detail, st, 5);
		GET(m->encoding, st, 6);
		GET(m->layout, st, 7);
		m->tables = (uint64_t)sqlite3_column_int64(st, 8);
		m->rows = (uint64_t)sqlite3_column_int64(st, 9);
		m->records = (uint64_t)sqlite3_column_int64(st, 10);
		m->columns = (uint32_t)sqlite3_column_int64(st, 11);
		GET(m->protection, st, 12);
		m->strong = sqlite3_column_int(st, 13) != 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return LT_OK;
	if (rc == SQLITE_DONE)
		return lt_err_set(wr->err, LT_E_INTERNAL,
				  "'%s' is a copy of a file without a row",
				  m->job->path);
	return lt_err_set(wr->err, LT_E_IO, "case database: %s",
			  sqlite3_errmsg(wr->db));
}

/*
 * The copy's records are the original's record blocks (file.records_of:
 * the report reads them once for each file), not a copy of them: a
 * 450 MB CSV has 264 MB of blocks.  Its YARA hits are copied.
 */
static int copy_rows(struct writer *wr, int64_t orig, int64_t id,
		     const struct msg *m)
{
	sqlite3_bind_int64(wr->set_orig, 1, orig);
	sqlite3_bind_int64(wr->set_orig, 2, id);
	LT_TRY(w_step(wr, wr->set_orig));
	sqlite3_bind_int64(wr->cp_yara, 1, id);
	sqlite3_bind_int64(wr->cp_yara, 2, orig);
	LT_TRY(w_step(wr, wr->cp_yara));
	wr->stats->reused++;
	records_written(wr, m->records);
	return LT_OK;
}

/* A file ends: its row (or the update of it), then what was held back. */
static int file_end(struct writer *wr, struct msg *m)
{
	int w = m->worker, d = wr->depth[w];
	struct msg *b;
	int64_t orig = 0;
	int rc = LT_OK;

	if (d <= 0)
		return lt_err_set(wr->err, LT_E_INTERNAL,
				  "a file ends that did not begin");
	b = wr->open[w][d - 1];
	if (m->copy_of && (d != 1 || wr->stack[w][0] || wr->pend[w]))
		return lt_err_set(wr->err, LT_E_INTERNAL,
				  "a copy with findings of its own");
	if (m->copy_of)
		LT_TRY(copy_findings(wr, m, &orig));
	if (!lt_casedb_file_status_known(m->status))
		return lt_err_set(wr->err, LT_E_INTERNAL,
				  "'%s': a file status the case database does"
				  " not know ('%.20s')", b->job->path,
				  m->status);
	if (!strcmp(m->status, "scanning")) {
		/* interrupted: no row, or a 'scanning' row the next run
		 * redoes; what was held back is dropped */
		drop_held(wr, w);
	} else if (!wr->stack[w][d - 1]) {
		sqlite3_stmt *st = wr->ins_full;

		bind_file(wr, st, b, d);
		bind_end(st, 7, m);
		rc = w_step(wr, st);
		if (!rc) {
			wr->stack[w][d - 1] = sqlite3_last_insert_rowid(wr->db);
			rc = flush_held(wr, w);
		}
		if (!rc && orig)
			rc = copy_rows(wr, orig, wr->stack[w][d - 1], m);
	} else {
		sqlite3_stmt *st = wr->upd_file;

		bind_end(st, 1, m);
		sqlite3_bind_int64(st, 16, wr->stack[w][d - 1]);
		rc = w_step(wr, st);
	}
	wr->open[w][d - 1] = NULL;
	free_msg(b);
	wr->depth[w] = d - 1;
	if (rc || !strcmp(m->status, "scanning"))
		return rc;
	count_file(wr, m);
	return LT_OK;
}

/* The fields known at the end of a file, from parameter i on (15). */
static void bind_end(sqlite3_stmt *st, int i, const struct msg *m)
{
	bind_str(st, i, m->status);
	bind_str(st, i + 1, m->md5);
	bind_str(st, i + 2, m->sha256);
	bind_str(st, i + 3, m->mime);
	bind_str(st, i + 4, m->kind_name);
	bind_str(st, i + 5, m->extractor);
	bind_str(st, i + 6, m->detail);
	bind_str(st, i + 7, m->encoding);
	bind_str(st, i + 8, m->layout);
	sqlite3_bind_int64(st, i + 9, (int64_t)m->tables);
	sqlite3_bind_int64(st, i + 10, (int64_t)m->rows);
	sqlite3_bind_int64(st, i + 11, (int64_t)m->records);
	sqlite3_bind_int64(st, i + 12, m->columns);
	bind_str(st, i + 13, m->protection);
	if (m->protection[0])
		sqlite3_bind_int(st, i + 14, m->strong);
	else
		sqlite3_bind_null(st, i + 14);
}

static void count_file(struct writer *wr, const struct msg *m)
{
	wr->stats->files++;
	if (!strcmp(m->status, "ok") || !strcmp(m->status, "no_tables"))
		wr->stats->scanned++;
	if (!strcmp(m->status, "error"))
		wr->stats->errors++;
	if (!strcmp(m->status, "not_examined"))
		wr->stats->not_examined++;
	if (!strcmp(m->status, "protected"))
		wr->stats->protected_++;
	if (m->records)
		wr->stats->with_pii++;
}

static int by_size(const void *a, const void *b)
{
	const struct job *x = *(const struct job *const *)a;
	const struct job *y = *(const struct job *const *)b;

	return x->size < y->size ? -1 : x->size > y->size;
}

_Static_assert(WHOLE_MAX == LT_DEDUP_LARGE, "large means the same");

/* Large files that may be copies: another large file has their size (in
 * this evidence item, or scanned before in this run). */
static int mark_same_size(struct shared *sh, struct lt_err *err)
{
	struct job **big;
	size_t n = 0, i;

	big = malloc(LT_MAX(sh->njobs, (size_t)1) * sizeof(*big));
	if (!big)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	for (i = 0; i < sh->njobs; i++)
		if (!sh->jobs[i].skip && sh->jobs[i].size > WHOLE_MAX)
			big[n++] = &sh->jobs[i];
	qsort(big, n, sizeof(*big), by_size);
	for (i = 1; i < n; i++)
		if (big[i]->size == big[i - 1]->size)
			big[i]->same_size = big[i - 1]->same_size = true;
	for (i = 0; sh->dedup && i < n; i++)
		if (lt_dedup_knows_size(sh->dedup, big[i]->size))
			big[i]->same_size = true;
	free(big);
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
			       " f.parent_id IS NULL)"
			       " ORDER BY e.offset, CAST(e.inode AS INTEGER),"
			       " e.id",
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
	return mark_same_size(sh, err);
}

/* Unfinished files of an earlier run, with their archive members, their
 * records and hits: the scan redoes them. */
static int cleanup_unfinished(sqlite3 *db, int64_t ev, struct lt_err *err)
{
	static const char *const tables[] = { "yara_hit", "record_block",
					      "leak_candidate" };
	char sql[640];
	size_t i;

	for (i = 0; i <= LT_ARRAY_SIZE(tables); i++) {
		snprintf(sql, sizeof(sql),
			 "WITH RECURSIVE bad(id) AS (SELECT id FROM file WHERE"
			 " evidence_id=%" PRId64 " AND status='scanning'"
			 " UNION SELECT f.id FROM file f JOIN bad ON"
			 " f.parent_id = bad.id) DELETE FROM %s WHERE %s IN"
			 " (SELECT id FROM bad)", ev,
			 i < LT_ARRAY_SIZE(tables) ? tables[i] : "file",
			 i < LT_ARRAY_SIZE(tables) ? "file_id" : "id");
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return lt_err_set(err, LT_E_IO, "case database: %s",
					  sqlite3_errmsg(db));
	}
	return LT_OK;
}

static void free_msg(struct msg *m)
{
	free(m->member_path);
	if (m->keymat.buf) {
		OPENSSL_cleanse(m->keymat.buf, m->keymat.alloc);
		lt_buf_release(&m->keymat);
	}
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
	struct lt_dedup *own_dedup = NULL;
	bool checks_off = false;
	double cpu0;
	size_t j;

	memset(&sh, 0, sizeof(sh));
	memset(&wr, 0, sizeof(wr));
	memset(stats, 0, sizeof(*stats));
	cpu0 = thread_cpu();
	sh.src_path = src_path;
	sh.opts = opts;
	sh.stop = stop;
	wr.db = lt_casedb_sqlite(cdb);
	wr.evidence_id = evidence_id;
	wr.stats = stats;
	wr.err = err;
	lt_buf_init(&wr.block, (size_t)64 << 20);
	LT_TRY(lt_keyhash_init(&wr.kh, opts->key, 32, true, err));
	/* Test hook: LT_TEST_DEFER_MAX=0 writes every file's row when it
	 * begins (the path of files with many records), so that the resume
	 * test kills in the middle of such files as well. */
	{
		const char *dm = getenv("LT_TEST_DEFER_MAX");

		wr.defer_max = dm && *dm ? strtoull(dm, NULL, 10) : 16;
	}
	sh.dedup_race = getenv("LT_TEST_DEDUP_RACE") != NULL;
	if (getenv("LT_TEST_KILL_AFTER_RECORDS"))
		wr.kill_after = strtoull(getenv("LT_TEST_KILL_AFTER_RECORDS"),
					 NULL, 10);

	/* (a failure here fails the evidence item: nothing was scanned) */
	if (cleanup_unfinished(wr.db, evidence_id, err) ||
	    (!opts->no_dedup && !opts->dedup &&
	     lt_dedup_new(LT_DEDUP_DEFAULT_MAX, &own_dedup, err))) {
		rc = err->code;
		goto out;
	}
	sh.dedup = opts->no_dedup ? NULL : opts->dedup ? opts->dedup :
		   own_dedup;
	if (load_jobs(wr.db, evidence_id, &sh, &bytes_total, err)) {
		rc = err->code;
		goto out;
	}
	if (!sh.njobs)
		goto out;
	if ((size_t)nworkers > sh.njobs)
		nworkers = (int)sh.njobs;
	if (lt_yara_open(opts->rules_path, &sh.yara, err)) {
		rc = err->code;
		goto out;
	}
	pthread_mutex_init(&sh.q.mu, NULL);
	pthread_cond_init(&sh.q.not_empty, NULL);
	pthread_cond_init(&sh.q.not_full, NULL);

	/* file_end() checks the statuses (lt_casedb_file_status_known());
	 * the pragma acts when statements are prepared, and is undone at
	 * the end */
	if (w_exec(&wr, "PRAGMA ignore_check_constraints=ON")) {
		rc = err->code;
		goto out;
	}
	checks_off = true;
	if (sqlite3_prepare_v2(wr.db,
			       "INSERT INTO file(evidence_id, entry_id,"
			       " parent_id, path, deleted, size, status)"
			       " VALUES(?,?,?,?,?,?,'scanning')", -1,
			       &wr.ins_file, NULL) ||
	    sqlite3_prepare_v2(wr.db,
			       "INSERT INTO file(evidence_id, entry_id,"
			       " parent_id, path, deleted, size, status, md5,"
			       " sha256, mime, kind, extractor, detail,"
			       " encoding, layout, tables, rows, records,"
			       " columns, protection, strong) VALUES(?,?,?,?,"
			       "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1,
			       &wr.ins_full, NULL) ||
	    sqlite3_prepare_v2(wr.db,
			       "SELECT id, status, mime, kind, extractor,"
			       " detail, encoding, layout, tables, rows,"
			       " records, columns, protection, strong FROM"
			       " file WHERE entry_id=? AND parent_id IS NULL",
			       -1, &wr.sel_orig, NULL) ||
	    sqlite3_prepare_v2(wr.db,
			       "UPDATE file SET records_of=? WHERE id=?", -1,
			       &wr.set_orig, NULL) ||
	    sqlite3_prepare_v2(wr.db,
			       "INSERT INTO yara_hit(file_id, rule,"
			       " namespace) SELECT ?1, rule, namespace FROM"
			       " yara_hit WHERE file_id=?2 ORDER BY rowid",
			       -1, &wr.cp_yara, NULL) ||
	    sqlite3_prepare_v2(wr.db,
			       "INSERT INTO record_block(file_id, sheet, n,"
			       " elems, data) VALUES(?,?,?,?,?)",
			       -1, &wr.ins_rec, NULL) ||
	    sqlite3_prepare_v2(wr.db,
			       "INSERT INTO yara_hit(file_id, rule, namespace)"
			       " VALUES(?,?,?)", -1, &wr.ins_yara, NULL) ||
	    sqlite3_prepare_v2(wr.db,
			       "UPDATE file SET status=?, md5=?, sha256=?,"
			       " mime=?, kind=?, extractor=?, detail=?,"
			       " encoding=?, layout=?, tables=?, rows=?,"
			       " records=?, columns=?, protection=?, strong=?"
			       " WHERE id=?",
			       -1, &wr.upd_file, NULL)) {
		rc = lt_err_set(err, LT_E_IO, "case database: %s",
				sqlite3_errmsg(wr.db));
		goto out;
	}
	ws = lt_calloc((size_t)nworkers, sizeof(*ws));
	wr.stack = lt_calloc((size_t)nworkers, sizeof(*wr.stack));
	wr.open = lt_calloc((size_t)nworkers, sizeof(*wr.open));
	wr.pend = lt_calloc((size_t)nworkers, sizeof(*wr.pend));
	wr.npend = lt_calloc((size_t)nworkers, sizeof(*wr.npend));
	wr.depth = lt_calloc((size_t)nworkers, sizeof(*wr.depth));
	if (!ws || !wr.stack || !wr.open || !wr.pend || !wr.npend ||
	    !wr.depth) {
		rc = lt_err_set(err, LT_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];

		w->sh = &sh;
		w->id = i;
		w->buf = malloc(IOBUF);
		w->whole = malloc(WHOLE_MAX);
		if (!w->buf || !w->whole ||
		    lt_reader_open(src_path, &w->reader, err) ||
		    lt_typer_open(&w->typer, err) ||
		    lt_classifier_new(on_record, w, &w->cls, err) ||
		    (sh.yara && lt_yara_scanner_new(sh.yara, &w->ys, err))) {
			if (!err->code)
				lt_err_set(err, LT_E_NOMEM, "out of memory");
			rc = err->code;
			goto stop_workers;
		}
		lt_typer_set_magic_all(w->typer, opts->magic_all);
		if (side_open(&w->side, &sh, src_path, err)) {
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

		struct msg *chain = NULL;

		while (done < running) {
			struct msg *m;

			if (!chain)
				chain = q_take(&sh.q, 50);
			m = chain;
			if (m) {
				chain = m->next;
				if (m->kind == M_WORKER_DONE)
					done++;
				if (!rc && handle(&wr, m)) {
					rc = err->code;
					*stop = 1; /* the DB failed: stop */
				}
				if (m->kind == M_END && !m->member_path) {
					prog.files_done++;
					prog.bytes_done += m->bytes;
				}
				if (m->kind == M_END) {
					prog.records = stats->records;
					if (cb && cb->problem &&
					    (!strcmp(m->status, "error") ||
					     m->detail[0]) &&
					    strcmp(m->status, "skipped") &&
					    strcmp(m->status, "not_examined"))
						cb->problem(m->member_path ?
							    m->member_path :
							    m->job->path,
							    m->status,
							    m->detail,
							    cb->udata);
				}
				if (!m->keep)
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

		struct msg *next;

		for (m = q_take(&sh.q, 0); m; m = next) {
			next = m->next;
			free_msg(m);
		}
	}
	for (i = 0; ws && i < nworkers; i++) {
		lt_reader_close(ws[i].reader);
		lt_typer_close(ws[i].typer);
		lt_classifier_free(ws[i].cls);
		lt_yara_scanner_free(ws[i].ys);
		free(ws[i].buf);
		free(ws[i].whole);
		side_close(&ws[i].side);
		stats->cpu_workers += ws[i].cpu;
		stats->cpu_side += ws[i].side.cpu;
	}
	stats->cpu_writer = thread_cpu() - cpu0;
	if (cb && cb->progress)
		cb->progress(&prog, cb->udata);
out:
	sqlite3_finalize(wr.ins_file);
	sqlite3_finalize(wr.ins_full);
	sqlite3_finalize(wr.sel_orig);
	sqlite3_finalize(wr.set_orig);
	sqlite3_finalize(wr.cp_yara);
	sqlite3_finalize(wr.ins_rec);
	lt_buf_release(&wr.block);
	free(wr.kin);
	free(wr.kout);
	lt_keyhash_wipe(&wr.kh);
	sqlite3_finalize(wr.ins_yara);
	sqlite3_finalize(wr.upd_file);
	if (checks_off)
		sqlite3_exec(wr.db, "PRAGMA ignore_check_constraints=OFF",
			     NULL, NULL, NULL);
	for (i = 0; wr.open && wr.pend && i < nworkers; i++) {
		int d;

		for (d = 0; d < 8; d++)
			if (wr.open[i][d])
				free_msg(wr.open[i][d]);
		drop_held(&wr, i);
	}
	free(wr.open);
	free(wr.pend);
	free(wr.npend);
	free(wr.stack);
	free(wr.depth);
	free(ws);
	lt_yara_close(sh.yara);
	lt_dedup_free(own_dedup);
	for (j = 0; j < sh.njobs; j++) {
		free(sh.jobs[j].inode);
		free(sh.jobs[j].path);
	}
	free(sh.jobs);
	return rc;
}
