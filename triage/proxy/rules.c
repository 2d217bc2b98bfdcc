// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Suspicious-traffic rules over struct lt_proxy_event (proxy.h has the
 * contracts): IOC and allow lists, bare-IP destinations, upload sums per
 * client, destination and hour, beacon scoring, rare destinations.
 *
 * Everything that is looked up per event goes through one small hash table
 * (linear probing, backward-shift deletion, FNV-1a) keyed by byte strings,
 * so the cost per event does not grow with the size of an IOC list or the
 * number of clients.  Addresses are keyed in binary form with their prefix
 * length; a CIDR lookup masks the address once per prefix length present
 * in the list.  The stateful helpers bound their memory (buckets, pairs,
 * hosts) and say in proxy.h what happens at the bound.
 */
#include "triage/core/compat.h"

#include <arpa/inet.h>
#include <math.h>

#include "leaktriage/buf.h"
#include "leaktriage/proxy.h"

/* ---- hash table --------------------------------------------------------- */

/* Every item stored starts with this header. */
struct item {
	char *key; /* owned by the item */
	size_t key_len;
	uint64_t hash;
};

struct table {
	struct item **slots;
	size_t cap; /* power of two, 0 before the first insert */
	size_t count;
};

static uint64_t hash_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h ^ (h >> 29);
}

static struct item *tbl_find(const struct table *t, const void *key,
			     size_t len, uint64_t h)
{
	size_t i;

	if (!t->cap)
		return NULL;
	for (i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1)) {
		const struct item *it = t->slots[i];

		if (it->hash == h && it->key_len == len &&
		    !memcmp(it->key, key, len))
			return t->slots[i];
	}
	return NULL;
}

static int tbl_grow(struct table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64, i, j;
	struct item **ns;

	if (ncap > SIZE_MAX / sizeof(*ns))
		return LT_E_NOMEM;
	ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return LT_E_NOMEM;
	for (i = 0; i < t->cap; i++) {
		struct item *it = t->slots[i];

		if (!it)
			continue;
		for (j = it->hash & (ncap - 1); ns[j]; j = (j + 1) & (ncap - 1))
			;
		ns[j] = it;
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return LT_OK;
}

/* Insert an item whose key is not in the table yet. */
static int tbl_insert(struct table *t, struct item *it)
{
	size_t i;

	if ((t->count + 1) * 10 > t->cap * 7 && tbl_grow(t))
		return LT_E_NOMEM;
	for (i = it->hash & (t->cap - 1); t->slots[i];
	     i = (i + 1) & (t->cap - 1))
		;
	t->slots[i] = it;
	t->count++;
	return LT_OK;
}

static void tbl_remove(struct table *t, struct item *it)
{
	size_t i, j, k;

	for (i = it->hash & (t->cap - 1); t->slots[i] != it;
	     i = (i + 1) & (t->cap - 1))
		if (!t->slots[i])
			return;
	/* backward-shift deletion keeps probe chains without tombstones */
	j = i;
	for (;;) {
		j = (j + 1) & (t->cap - 1);
		if (!t->slots[j])
			break;
		k = t->slots[j]->hash & (t->cap - 1);
		/* move it back unless its home is cyclically in (i, j] */
		if ((j > i && (k <= i || k > j)) ||
		    (j < i && k <= i && k > j)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i] = NULL;
	t->count--;
}

static void tbl_release(struct table *t, void (*free_item)(struct item *))
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		if (t->slots[i])
			free_item(t->slots[i]);
	free(t->slots);
	t->slots = NULL;
	t->cap = t->count = 0;
}

/* A new zeroed item of `size` bytes with a copy of the key. */
static void *item_new(size_t size, const void *key, size_t len)
{
	struct item *it = calloc(1, size);

	if (!it)
		return NULL;
	it->key = malloc(len + 1);
	if (!it->key) {
		free(it);
		return NULL;
	}
	memcpy(it->key, key, len);
	it->key[len] = '\0';
	it->key_len = len;
	it->hash = hash_bytes(key, len);
	return it;
}

static void item_free(struct item *it)
{
	if (it)
		free(it->key);
	free(it);
}

/* ---- addresses ---------------------------------------------------------- */

/* Parse an IPv4 or IPv6 literal (an IPv6 zone is dropped) into 16 bytes
 * (IPv4 in the first 4); *v6 says which. */
static bool parse_ip(const char *s, size_t n, uint8_t out[16], bool *v6)
{
	char buf[64];
	const char *pct;

	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, 16);
	if (inet_pton(AF_INET, buf, out) == 1) {
		*v6 = false;
		return true;
	}
	pct = memchr(buf, '%', n);
	if (pct)
		buf[pct - buf] = '\0';
	if (strchr(buf, ':') && inet_pton(AF_INET6, buf, out) == 1) {
		*v6 = true;
		return true;
	}
	return false;
}

bool lt_host_is_ip(const char *host)
{
	uint8_t a[16];
	bool v6;

	return host && parse_ip(host, strlen(host), a, &v6);
}

/* Key of an address range: family, prefix length, masked address. */
#define IPKEY_LEN 18
static void ip_key(uint8_t key[IPKEY_LEN], const uint8_t a[16], bool v6,
		   unsigned bits)
{
	unsigned i, total = v6 ? 128 : 32;

	key[0] = v6 ? 6 : 4;
	key[1] = (uint8_t)bits;
	memset(key + 2, 0, 16);
	for (i = 0; i < total / 8; i++) {
		if (bits >= 8 * (i + 1))
			key[2 + i] = a[i];
		else if (bits > 8 * i)
			key[2 + i] = (uint8_t)(a[i] &
					       (0xff << (8 - (bits - 8 * i))));
	}
}

/* A port number between s and end: 1..65535, else 0. */
static int port_of(const char *s, const char *end)
{
	int v = 0;

	if (s >= end || end - s > 5)
		return 0;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v <= 65535 ? v : 0;
}

/* ---- IOC lists ---------------------------------------------------------- */

enum ioc_kind { IOC_DOMAIN, IOC_IP, IOC_URL };

struct ioc_entry {
	struct item h;      /* domain, ip key or URL host */
	enum ioc_kind kind;
	char *text;         /* the entry as written */
	char *scheme;       /* URL: lower-case, or NULL for any */
	int port;           /* URL: 0 for any */
	char *path;         /* URL: path prefix ("" for any) */
	size_t path_len;
	struct ioc_entry *next; /* URL entries of the same host */
};

struct lt_ioc {
	struct table domains, ips, urls;
	bool v4_len[33], v6_len[129];
	size_t count;
};

static void ioc_entry_free(struct item *it)
{
	struct ioc_entry *e = (struct ioc_entry *)it;

	while (e) {
		struct ioc_entry *next = e->next;

		free(e->text);
		free(e->scheme);
		free(e->path);
		item_free(&e->h);
		e = next;
	}
}

void lt_ioc_free(struct lt_ioc *ioc)
{
	if (!ioc)
		return;
	tbl_release(&ioc->domains, ioc_entry_free);
	tbl_release(&ioc->ips, ioc_entry_free);
	tbl_release(&ioc->urls, ioc_entry_free);
	free(ioc);
}

size_t lt_ioc_count(const struct lt_ioc *ioc)
{
	return ioc ? ioc->count : 0;
}

static char *dup_n(const char *s, size_t n, bool low)
{
	char *d = malloc(n + 1);
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < n; i++)
		d[i] = low && s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32)
							 : s[i];
	d[n] = '\0';
	return d;
}

static bool domain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* Canonical text of a host: an address through inet_ntop, a name in lower
 * case without trailing dot.  False when it is neither. */
static bool canon_host(const char *s, size_t n, char *out, size_t outsz)
{
	uint8_t a[16];
	bool v6;
	size_t i;

	if (n && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (parse_ip(s, n, a, &v6))
		return inet_ntop(v6 ? AF_INET6 : AF_INET, a, out,
				 (socklen_t)outsz) != NULL;
	if (n && s[n - 1] == '.')
		n--;
	if (!n || n >= outsz)
		return false;
	for (i = 0; i < n; i++) {
		if (!domain_char(s[i]))
			return false;
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	}
	out[n] = '\0';
	return true;
}

/* Only digits and dots, or hex digits, colons and dots with a colon: what
 * is meant as an address (and, if it does not parse, is a typo). */
static bool looks_like_ip(const char *s, size_t n)
{
	bool colon = false, alpha = false;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == ':')
			colon = true;
		else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
			alpha = true;
		else if (!(c >= '0' && c <= '9') && c != '.' && c != '%')
			return false;
	}
	return n && (colon || !alpha);
}

static int ioc_add(struct lt_ioc *ioc, struct table *t, const void *key,
		   size_t klen, enum ioc_kind kind, const char *text,
		   size_t tlen, struct ioc_entry **out)
{
	struct ioc_entry *e, *old;
	uint64_t h = hash_bytes(key, klen);

	e = item_new(sizeof(*e), key, klen);
	if (!e)
		return LT_E_NOMEM;
	e->kind = kind;
	e->text = dup_n(text, tlen, false);
	if (!e->text) {
		ioc_entry_free(&e->h);
		return LT_E_NOMEM;
	}
	old = (struct ioc_entry *)tbl_find(t, key, klen, h);
	if (old && kind != IOC_URL) { /* a duplicate: the first one stays */
		ioc_entry_free(&e->h);
		*out = NULL;
		return LT_OK;
	}
	if (old) { /* URL entries of one host are chained */
		e->next = old->next;
		old->next = e;
	} else if (tbl_insert(t, &e->h)) {
		ioc_entry_free(&e->h);
		return LT_E_NOMEM;
	}
	ioc->count++;
	*out = e;
	return LT_OK;
}

static int ioc_line(struct lt_ioc *ioc, const char *s, size_t n,
		    uint64_t line, struct lt_err *err)
{
	const char *slash, *scheme_end = NULL, *a;
	struct ioc_entry *e;
	char host[256];
	uint8_t addr[16], key[IPKEY_LEN];
	bool v6;
	size_t i, an;
	int rc;

	/* "scheme://..." */
	for (i = 0; i + 2 < n; i++) {
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
			scheme_end = s + i;
			break;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (i && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
			     s[i] == '-' || s[i] == '.'))))
			break;
	}
	a = scheme_end ? scheme_end + 3 : s;
	slash = memchr(a, '/', n - (size_t)(a - s));

	/* address or CIDR */
	if (!scheme_end) {
		an = slash ? (size_t)(slash - s) : n;
		if (looks_like_ip(s, an) && !parse_ip(s, an, addr, &v6))
			goto bad; /* a mistyped address, not a host name */
		if (parse_ip(s, an, addr, &v6)) {
			unsigned bits = v6 ? 128 : 32, max = bits;

			if (slash) {
				uint64_t b = 0;
				const char *d = slash + 1;

				if (d == s + n || s + n - d > 3)
					goto bad;
				for (; d < s + n; d++) {
					if (*d < '0' || *d > '9')
						goto bad;
					b = b * 10 + (uint64_t)(*d - '0');
				}
				if (b > max)
					goto bad;
				bits = (unsigned)b;
			}
			ip_key(key, addr, v6, bits);
			rc = ioc_add(ioc, &ioc->ips, key, sizeof(key),
				     IOC_IP, s, n, &e);
			if (rc)
				return lt_err_set(err, rc, "out of memory");
			if (v6)
				ioc->v6_len[bits] = true;
			else
				ioc->v4_len[bits] = true;
			return LT_OK;
		}
	}

	/* a URL or "host/path" prefix */
	if (scheme_end || slash) {
		const char *pe = s + n, *hb = a, *he;
		int port = 0;

		an = slash ? (size_t)(slash - a) : (size_t)(pe - a);
		he = a + an;
		for (i = 0; i < an; i++)
			if (a[i] == '@')
				hb = a + i + 1;
		if (hb < he && *hb == '[') {
			const char *close = memchr(hb, ']', (size_t)(he - hb));

			if (!close)
				goto bad;
			if (close + 1 < he) {
				if (close[1] != ':')
					goto bad;
				port = port_of(close + 2, he);
			}
			he = close + 1;
		} else {
			const char *c = memchr(hb, ':', (size_t)(he - hb));

			if (c) {
				port = port_of(c + 1, he);
				if (!port)
					goto bad;
				he = c;
			}
		}
		if (!canon_host(hb, (size_t)(he - hb), host, sizeof(host)))
			goto bad;
		rc = ioc_add(ioc, &ioc->urls, host, strlen(host), IOC_URL, s,
			     n, &e);
		if (rc)
			return lt_err_set(err, rc, "out of memory");
		if (scheme_end)
			e->scheme = dup_n(s, (size_t)(scheme_end - s), true);
		e->port = port;
		if (slash && !(pe - slash == 1))
			e->path = dup_n(slash, (size_t)(pe - slash), false);
		else
			e->path = dup_n("", 0, false);
		if ((scheme_end && !e->scheme) || !e->path)
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		e->path_len = strlen(e->path);
		return LT_OK;
	}

	/* a domain, with an optional "*." or "." in front */
	if (n > 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		n -= 2;
	} else if (n > 1 && s[0] == '.') {
		s++;
		n--;
	}
	if (!canon_host(s, n, host, sizeof(host)) || host[0] == '.' ||
	    strstr(host, ".."))
		goto bad;
	rc = ioc_add(ioc, &ioc->domains, host, strlen(host), IOC_DOMAIN, s, n,
		     &e);
	if (rc)
		return lt_err_set(err, rc, "out of memory");
	return LT_OK;
bad:
	return lt_err_set(err, LT_E_ARG, "line %" PRIu64 ": bad entry '%.*s'",
			  line, (int)LT_MIN(n, 80), s);
}

int lt_ioc_load_mem(const char *buf, size_t len, struct lt_ioc **out,
		    struct lt_err *err)
{
	struct lt_ioc *ioc = calloc(1, sizeof(*ioc));
	size_t off = 0;
	uint64_t line = 0;
	int rc = LT_OK;

	if (!ioc)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	while (off < len) {
		const char *s = buf + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off, i;

		off += n + (nl ? 1 : 0);
		line++;
		/* a comment starts a line or follows a blank */
		for (i = 0; i < n; i++)
			if (s[i] == '#' &&
			    (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t'))
				break;
		n = i;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			     s[n - 1] == '\r'))
			n--;
		while (n && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		if (!n)
			continue;
		if (memchr(s, '\0', n) || memchr(s, ' ', n) ||
		    memchr(s, '\t', n)) {
			rc = lt_err_set(err, LT_E_ARG,
					"line %" PRIu64 ": bad entry '%.*s'",
					line, (int)LT_MIN(n, 80), s);
			break;
		}
		rc = ioc_line(ioc, s, n, line, err);
		if (rc)
			break;
	}
	if (rc) {
		lt_ioc_free(ioc);
		return rc;
	}
	*out = ioc;
	return LT_OK;
}

int lt_ioc_load(const char *path, struct lt_ioc **out, struct lt_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	if (!f)
		return lt_err_set(err,
				  errno == ENOENT ? LT_E_NOTFOUND : LT_E_IO,
				  "cannot open '%s': %s", path,
				  strerror(errno));
	for (;;) {
		if (cap - len < 65536) {
			char *nb;

			if (cap > ((size_t)256 << 20)) {
				fclose(f);
				free(buf);
				return lt_err_set(err, LT_E_LIMIT,
						  "'%s': larger than 256 MiB",
						  path);
			}
			nb = realloc(buf, cap ? cap * 2 : 65536);
			if (!nb) {
				fclose(f);
				free(buf);
				return lt_err_set(err, LT_E_NOMEM,
						  "out of memory");
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		rc = lt_err_set(err, LT_E_IO, "cannot read '%s': %s", path,
				strerror(errno));
	} else {
		rc = lt_ioc_load_mem(buf, len, out, err);
		if (rc)
			lt_err_prefix(err, "'%s'", path);
	}
	fclose(f);
	free(buf);
	return rc;
}

static bool url_entry_match(const struct ioc_entry *e,
			    const struct lt_proxy_event *ev)
{
	int port = ev->port;

	if (e->scheme && strcmp(e->scheme, ev->scheme))
		return false;
	if (!port && e->scheme)
		port = !strcmp(e->scheme, "https") ? 443
		       : !strcmp(e->scheme, "http") ? 80 : 0;
	if (e->port && e->port != port)
		return false;
	return !e->path_len || !strncmp(ev->path ? ev->path : "", e->path,
					e->path_len);
}

bool lt_ioc_match(const struct lt_ioc *ioc, const struct lt_proxy_event *ev,
		  const char **why)
{
	char host[256];
	uint8_t addr[16], key[IPKEY_LEN];
	const struct ioc_entry *e;
	const char *d;
	bool v6;
	unsigned bits;

	if (!ioc || !ev->host || !*ev->host ||
	    !canon_host(ev->host, strlen(ev->host), host, sizeof(host)))
		return false;
	if (parse_ip(host, strlen(host), addr, &v6)) {
		const bool *lens = v6 ? ioc->v6_len : ioc->v4_len;
		unsigned max = v6 ? 128 : 32;

		for (bits = 0; bits <= max; bits++) {
			if (!lens[bits])
				continue;
			ip_key(key, addr, v6, bits);
			e = (const struct ioc_entry *)tbl_find(
				&ioc->ips, key, sizeof(key),
				hash_bytes(key, sizeof(key)));
			if (e)
				goto hit;
		}
	} else {
		for (d = host; d; d = strchr(d, '.')) {
			if (*d == '.')
				d++;
			e = (const struct ioc_entry *)tbl_find(
				&ioc->domains, d, strlen(d),
				hash_bytes(d, strlen(d)));
			if (e)
				goto hit;
		}
	}
	for (e = (const struct ioc_entry *)tbl_find(
		     &ioc->urls, host, strlen(host),
		     hash_bytes(host, strlen(host)));
	     e; e = e->next)
		if (url_entry_match(e, ev))
			goto hit;
	return false;
hit:
	if (why)
		*why = e->text;
	return true;
}

bool lt_allow_outside(const struct lt_ioc *allow,
		      const struct lt_proxy_event *ev)
{
	return ev->host && *ev->host && !lt_ioc_match(allow, ev, NULL);
}

bool lt_proxy_bare_ip(const struct lt_proxy_event *ev)
{
	return ev->host && *ev->host && lt_host_is_ip(ev->host);
}

bool lt_upload_over(const struct lt_proxy_event *ev, int64_t threshold)
{
	return ev->bytes_out >= 0 && ev->bytes_out > threshold;
}

/* ---- keys of client and host -------------------------------------------- */

struct keybuf {
	char *buf;
	size_t cap;
};

/* client \0 host \0 [extra bytes] into kb; returns the key length or 0. */
static size_t make_key(struct keybuf *kb, const char *client,
		       const char *host, const void *extra, size_t elen)
{
	size_t cl = strlen(client), hl = strlen(host), n = cl + hl + 2 + elen;

	if (n > kb->cap) {
		char *nb = realloc(kb->buf, n + 64);

		if (!nb)
			return 0;
		kb->buf = nb;
		kb->cap = n + 64;
	}
	memcpy(kb->buf, client, cl + 1);
	memcpy(kb->buf + cl + 1, host, hl + 1);
	if (elen)
		memcpy(kb->buf + cl + hl + 2, extra, elen);
	return n;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- uploads per client, destination and hour ---------------------------- */

#define HOUR_NS (INT64_C(3600) * 1000000000)

struct bucket {
	struct item h; /* client \0 host \0 hour */
	struct lt_upload_sum s;
};

struct lt_upload_agg {
	struct table t;
	int64_t threshold;
	size_t max;
	lt_upload_fn fn;
	void *udata;
	int64_t newest_hour;
	struct keybuf kb;
};

int lt_upload_agg_new(int64_t threshold, size_t max_buckets, lt_upload_fn fn,
		      void *udata, struct lt_upload_agg **out,
		      struct lt_err *err)
{
	struct lt_upload_agg *a = calloc(1, sizeof(*a));

	if (!a)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	a->threshold = threshold;
	a->max = max_buckets ? max_buckets : LT_UPLOAD_AGG_MAX_BUCKETS;
	a->fn = fn;
	a->udata = udata;
	a->newest_hour = INT64_MIN;
	*out = a;
	return LT_OK;
}

static int cmp_bucket(const void *x, const void *y)
{
	const struct bucket *a = *(struct bucket *const *)x;
	const struct bucket *b = *(struct bucket *const *)y;
	int c;

	if (a->s.hour_ns != b->s.hour_ns)
		return a->s.hour_ns < b->s.hour_ns ? -1 : 1;
	c = strcmp(a->s.client, b->s.client);
	return c ? c : strcmp(a->s.host, b->s.host);
}

/* Close the buckets of hours before `before` (all of them if INT64_MAX):
 * report those over the threshold in (hour, client, host) order. */
static int close_buckets(struct lt_upload_agg *a, int64_t before,
			 struct lt_err *err)
{
	struct bucket **list;
	size_t i, n = 0;
	int rc = LT_OK;

	if (!a->t.count)
		return LT_OK;
	list = malloc(a->t.count * sizeof(*list));
	if (!list)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	for (i = 0; i < a->t.cap; i++) {
		struct bucket *b = (struct bucket *)a->t.slots[i];

		if (b && b->s.hour_ns < before)
			list[n++] = b;
	}
	qsort(list, n, sizeof(*list), cmp_bucket);
	for (i = 0; i < n; i++) {
		if (!rc && a->fn && list[i]->s.bytes_out > a->threshold)
			rc = a->fn(&list[i]->s, a->udata);
		tbl_remove(&a->t, &list[i]->h);
		item_free(&list[i]->h);
	}
	free(list);
	return rc;
}

int lt_upload_agg_add(struct lt_upload_agg *a,
		      const struct lt_proxy_event *ev, struct lt_err *err)
{
	struct bucket *b;
	int64_t hour = floor_div(ev->ts_ns, HOUR_NS) * HOUR_NS;
	size_t n;
	uint64_t h;
	int rc;

	n = make_key(&a->kb, ev->client ? ev->client : "",
		     ev->host ? ev->host : "", &hour, sizeof(hour));
	if (!n)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	h = hash_bytes(a->kb.buf, n);
	b = (struct bucket *)tbl_find(&a->t, a->kb.buf, n, h);
	if (!b) {
		if (a->t.count >= a->max) {
			rc = close_buckets(a, LT_MAX(hour, a->newest_hour),
					   err);
			if (!rc && a->t.count >= a->max)
				rc = close_buckets(a, INT64_MAX, err);
			if (rc)
				return rc;
		}
		b = item_new(sizeof(*b), a->kb.buf, n);
		if (!b || tbl_insert(&a->t, &b->h)) {
			if (b)
				item_free(&b->h);
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		}
		b->s.client = b->h.key;
		b->s.host = b->h.key + strlen(b->h.key) + 1;
		b->s.hour_ns = hour;
		b->s.first_ns = b->s.last_ns = ev->ts_ns;
	}
	if (ev->bytes_out > 0 && b->s.bytes_out <= INT64_MAX - ev->bytes_out)
		b->s.bytes_out += ev->bytes_out;
	b->s.requests++;
	b->s.first_ns = LT_MIN(b->s.first_ns, ev->ts_ns);
	b->s.last_ns = LT_MAX(b->s.last_ns, ev->ts_ns);
	a->newest_hour = LT_MAX(a->newest_hour, hour);
	return LT_OK;
}

int lt_upload_agg_finish(struct lt_upload_agg *a, struct lt_err *err)
{
	return close_buckets(a, INT64_MAX, err);
}

void lt_upload_agg_free(struct lt_upload_agg *a)
{
	if (!a)
		return;
	tbl_release(&a->t, item_free);
	free(a->kb.buf);
	free(a);
}

/* ---- beacons ------------------------------------------------------------ */

#define BEACON_MAX_TIMES 65536

static void beacon_defaults(const struct lt_beacon_opts *in,
			    struct lt_beacon_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (in)
		*o = *in;
	if (!o->max_times)
		o->max_times = 256;
	o->max_times = LT_MIN(o->max_times, BEACON_MAX_TIMES);
	if (o->max_times < 2)
		o->max_times = 2;
	if (!o->max_pairs)
		o->max_pairs = 32768;
	if (!o->min_intervals)
		o->min_intervals = 8;
	if (!(o->max_cv > 0))
		o->max_cv = 0.1;
	if (!o->min_mean_ns)
		o->min_mean_ns = INT64_C(10) * 1000000000;
	if (!o->max_mean_ns)
		o->max_mean_ns = INT64_C(3600) * 1000000000;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/* Score count times already copied into tmp (sorted here). */
static void score_sorted(int64_t *tmp, size_t count,
			 const struct lt_beacon_opts *o,
			 struct lt_beacon_score *out)
{
	double sum = 0, mean, var = 0, d;
	size_t i, k;

	memset(out, 0, sizeof(*out));
	if (!count)
		return;
	qsort(tmp, count, sizeof(*tmp), cmp_i64);
	out->first_ns = tmp[0];
	out->last_ns = tmp[count - 1];
	if (count < 2)
		return;
	k = count - 1;
	out->intervals = (unsigned)k;
	for (i = 1; i < count; i++)
		sum += (double)(tmp[i] - tmp[i - 1]) / 1e9;
	mean = sum / (double)k;
	for (i = 1; i < count; i++) {
		d = (double)(tmp[i] - tmp[i - 1]) / 1e9 - mean;
		var += d * d;
	}
	out->mean_s = mean;
	out->stddev_s = sqrt(var / (double)k);
	out->cv = mean > 0 ? out->stddev_s / mean : INFINITY;
	out->beacon = k >= o->min_intervals && out->cv < o->max_cv &&
		      mean * 1e9 >= (double)o->min_mean_ns &&
		      mean * 1e9 <= (double)o->max_mean_ns;
}

int lt_beacon_score_times(const int64_t *ts, size_t count,
			  const struct lt_beacon_opts *opts,
			  struct lt_beacon_score *out, struct lt_err *err)
{
	struct lt_beacon_opts o;
	int64_t *tmp = NULL;

	beacon_defaults(opts, &o);
	if (count) {
		tmp = lt_calloc(count, sizeof(int64_t));
		if (!tmp)
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		memcpy(tmp, ts, count * sizeof(*tmp));
	}
	score_sorted(tmp, count, &o, out);
	free(tmp);
	return LT_OK;
}

struct pair {
	struct item h; /* client \0 host */
	int64_t *ts;
	unsigned cap, count, head;
	uint64_t requests;
	struct pair *prev, *next; /* prev: more recently used */
};

struct lt_beacon {
	struct table t;
	struct lt_beacon_opts o;
	lt_beacon_fn fn;
	void *udata;
	struct pair *mru, *lru;
	struct keybuf kb;
	int64_t *tmp; /* max_times, for sorting */
};

int lt_beacon_new(const struct lt_beacon_opts *opts, lt_beacon_fn fn,
		  void *udata, struct lt_beacon **out, struct lt_err *err)
{
	struct lt_beacon *b = calloc(1, sizeof(*b));

	if (!b)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	beacon_defaults(opts, &b->o);
	b->fn = fn;
	b->udata = udata;
	b->tmp = lt_calloc(b->o.max_times, sizeof(int64_t));
	if (!b->tmp) {
		free(b);
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	}
	*out = b;
	return LT_OK;
}

static void pair_unlink(struct lt_beacon *b, struct pair *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		b->mru = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		b->lru = p->prev;
	p->prev = p->next = NULL;
}

static void pair_push_front(struct lt_beacon *b, struct pair *p)
{
	p->next = b->mru;
	p->prev = NULL;
	if (b->mru)
		b->mru->prev = p;
	b->mru = p;
	if (!b->lru)
		b->lru = p;
}

static void pair_free(struct item *it)
{
	struct pair *p = (struct pair *)it;

	if (p)
		free(p->ts);
	item_free(it);
}

/* Score p, report it if flagged, drop it. */
static int pair_close(struct lt_beacon *b, struct pair *p)
{
	struct lt_beacon_hit hit;
	int rc = LT_OK;

	memcpy(b->tmp, p->ts, p->count * sizeof(*p->ts));
	score_sorted(b->tmp, p->count, &b->o, &hit.score);
	if (hit.score.beacon && b->fn) {
		hit.client = p->h.key;
		hit.host = p->h.key + strlen(p->h.key) + 1;
		hit.requests = p->requests;
		rc = b->fn(&hit, b->udata);
	}
	pair_unlink(b, p);
	tbl_remove(&b->t, &p->h);
	pair_free(&p->h);
	return rc;
}

int lt_beacon_add(struct lt_beacon *b, const struct lt_proxy_event *ev,
		  struct lt_err *err)
{
	struct pair *p;
	size_t n;
	uint64_t h;
	int rc;

	if (!ev->client || !*ev->client || !ev->host || !*ev->host)
		return LT_OK;
	n = make_key(&b->kb, ev->client, ev->host, NULL, 0);
	if (!n)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	h = hash_bytes(b->kb.buf, n);
	p = (struct pair *)tbl_find(&b->t, b->kb.buf, n, h);
	if (p) {
		pair_unlink(b, p);
		pair_push_front(b, p);
	} else {
		if (b->t.count >= b->o.max_pairs && b->lru) {
			rc = pair_close(b, b->lru);
			if (rc)
				return rc;
		}
		p = item_new(sizeof(*p), b->kb.buf, n);
		if (!p || tbl_insert(&b->t, &p->h)) {
			if (p)
				item_free(&p->h);
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		}
		pair_push_front(b, p);
	}
	p->requests++;
	if (p->count < b->o.max_times) {
		if (p->count == p->cap) {
			unsigned ncap = p->cap ? LT_MIN(p->cap * 2,
							b->o.max_times)
					       : LT_MIN(16u, b->o.max_times);
			int64_t *nt = realloc(p->ts, ncap * sizeof(*nt));

			if (!nt)
				return lt_err_set(err, LT_E_NOMEM,
						  "out of memory");
			p->ts = nt;
			p->cap = ncap;
		}
		p->ts[p->count++] = ev->ts_ns;
	} else {
		p->ts[p->head] = ev->ts_ns;
		p->head = (p->head + 1) % b->o.max_times;
	}
	return LT_OK;
}

static int cmp_pair(const void *x, const void *y)
{
	const struct pair *a = *(struct pair *const *)x;
	const struct pair *b = *(struct pair *const *)y;
	int c = strcmp(a->h.key, b->h.key);

	return c ? c
		 : strcmp(a->h.key + strlen(a->h.key) + 1,
			  b->h.key + strlen(b->h.key) + 1);
}

int lt_beacon_finish(struct lt_beacon *b, struct lt_err *err)
{
	struct pair **list, *p;
	size_t i = 0, n = b->t.count;
	int rc = LT_OK, r;

	if (!n)
		return LT_OK;
	list = malloc(n * sizeof(*list));
	if (!list)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	for (p = b->mru; p; p = p->next)
		list[i++] = p;
	qsort(list, n, sizeof(*list), cmp_pair);
	for (i = 0; i < n; i++) {
		if (rc) { /* stop reporting, still drop */
			lt_beacon_fn fn = b->fn;

			b->fn = NULL;
			pair_close(b, list[i]);
			b->fn = fn;
			continue;
		}
		r = pair_close(b, list[i]);
		if (r)
			rc = r;
	}
	free(list);
	return rc;
}

void lt_beacon_free(struct lt_beacon *b)
{
	if (!b)
		return;
	tbl_release(&b->t, pair_free);
	free(b->kb.buf);
	free(b->tmp);
	free(b);
}

/* ---- rare destinations -------------------------------------------------- */

struct rare_host {
	struct item h; /* host */
	char *client;  /* the first client */
	bool multi;    /* a second client was seen */
	uint64_t count;
	int64_t first_ns, last_ns;
};

struct lt_rare {
	struct table t;
	uint64_t max_count;
	size_t max_hosts;
	struct rare_host **order; /* in order of first sight */
	size_t n, cap;
};

int lt_rare_new(uint64_t max_count, size_t max_hosts, struct lt_rare **out,
		struct lt_err *err)
{
	struct lt_rare *r = calloc(1, sizeof(*r));

	if (!r)
		return lt_err_set(err, LT_E_NOMEM, "out of memory");
	r->max_count = max_count ? max_count : 10;
	r->max_hosts = max_hosts ? max_hosts : ((size_t)4 << 20);
	*out = r;
	return LT_OK;
}

int lt_rare_add(struct lt_rare *r, const struct lt_proxy_event *ev,
		struct lt_err *err)
{
	const char *host = ev->host, *client = ev->client ? ev->client : "";
	size_t n;
	uint64_t h;
	struct rare_host *e;

	if (!host || !*host)
		return LT_OK;
	n = strlen(host);
	h = hash_bytes(host, n);
	e = (struct rare_host *)tbl_find(&r->t, host, n, h);
	if (!e) {
		if (r->n >= r->max_hosts)
			return lt_err_set(err, LT_E_LIMIT,
					  "more than %zu distinct hosts",
					  r->max_hosts);
		if (r->n == r->cap) {
			size_t ncap = r->cap ? r->cap * 2 : 1024;
			struct rare_host **no =
				realloc(r->order, ncap * sizeof(*no));

			if (!no)
				return lt_err_set(err, LT_E_NOMEM,
						  "out of memory");
			r->order = no;
			r->cap = ncap;
		}
		e = item_new(sizeof(*e), host, n);
		if (e)
			e->client = dup_n(client, strlen(client), false);
		if (!e || !e->client || tbl_insert(&r->t, &e->h)) {
			if (e)
				free(e->client);
			item_free(e ? &e->h : NULL);
			return lt_err_set(err, LT_E_NOMEM, "out of memory");
		}
		r->order[r->n++] = e;
		e->first_ns = e->last_ns = ev->ts_ns;
	} else if (!e->multi && strcmp(e->client, client)) {
		e->multi = true;
	}
	e->count++;
	e->first_ns = LT_MIN(e->first_ns, ev->ts_ns);
	e->last_ns = LT_MAX(e->last_ns, ev->ts_ns);
	return LT_OK;
}

int lt_rare_report(const struct lt_rare *r, lt_rare_fn fn, void *udata,
		   struct lt_err *err)
{
	struct lt_rare_dest d;
	size_t i;
	int rc;

	for (i = 0; i < r->n; i++) {
		const struct rare_host *e = r->order[i];

		if (e->multi || e->count >= r->max_count)
			continue;
		d.host = e->h.key;
		d.client = e->client;
		d.count = e->count;
		d.first_ns = e->first_ns;
		d.last_ns = e->last_ns;
		rc = fn(&d, udata);
		if (rc)
			return rc;
	}
	return LT_OK;
}

static void rare_host_free(struct item *it)
{
	struct rare_host *e = (struct rare_host *)it;

	if (e)
		free(e->client);
	item_free(it);
}

void lt_rare_free(struct lt_rare *r)
{
	if (!r)
		return;
	tbl_release(&r->t, rare_host_free);
	free(r->order);
	free(r);
}
