// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Value recognisers for written text: names (kanji, romaji), kana, family
 * or given names, sex, addresses; and lt_val_fold, the allocation-free
 * folding the numeric recognisers share.
 *
 * They run on every cell, so they work on the bytes: UTF-8 is decoded
 * inline, nothing is allocated, utf8proc is not called.  No dictionary of
 * names can be shipped (it would be personal data), so names are judged by
 * their structure, and the common non-names that share it (company and
 * department names, header words, status words, addresses) are turned away
 * by two-character words they contain and by their last character.  The
 * prefecture list comes from scanners/data/prefectures.txt; it and the
 * word table are built once (pthread_once) and only read afterwards.
 */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "scanners/classify/cell.h"

#include <pthread.h>

extern const char lt_data_prefectures[];

/*
 * One code point at s[*i] (*i < len); advances *i.  An invalid or
 * truncated sequence gives U+FFFD and advances one byte.
 */
static inline __attribute__((always_inline)) uint32_t
u8_next(const unsigned char *s, size_t len, size_t *i)
{
	size_t p = *i;
	uint32_t c = s[p], cp;

	if (c < 0x80) {
		*i = p + 1;
		return c;
	}
	/* three bytes first: kana and kanji */
	if ((c & 0xF0) == 0xE0) {
		if (p + 2 < len) {
			uint32_t b1 = s[p + 1] ^ 0x80u, b2 = s[p + 2] ^ 0x80u;

			/* continuation bytes; not overlong (E0 80..9F), no
			 * surrogate (ED A0..BF) */
			if ((b1 | b2) < 0x40 && (c != 0xE0 || b1 >= 0x20) &&
			    (c != 0xED || b1 < 0x20)) {
				*i = p + 3;
				return ((c & 0x0F) << 12) | (b1 << 6) | b2;
			}
		}
	} else if (c >= 0xC2 && c <= 0xDF && p + 1 < len &&
		   (s[p + 1] & 0xC0) == 0x80) {
		*i = p + 2;
		return ((c & 0x1F) << 6) | (s[p + 1] & 0x3F);
	} else if (c >= 0xF0 && c <= 0xF4 && p + 3 < len &&
		   (s[p + 1] & 0xC0) == 0x80 && (s[p + 2] & 0xC0) == 0x80 &&
		   (s[p + 3] & 0xC0) == 0x80) {
		cp = ((c & 0x07) << 18) | ((uint32_t)(s[p + 1] & 0x3F) << 12) |
		     ((uint32_t)(s[p + 2] & 0x3F) << 6) | (s[p + 3] & 0x3F);
		if (cp >= 0x10000 && cp <= 0x10FFFF) {
			*i = p + 4;
			return cp;
		}
	}
	*i = p + 1;
	return 0xFFFD;
}

static inline bool is_space_cp(uint32_t c)
{
	return c <= 0x3000 && /* (one test for kana and kanji) */
	       (c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0 ||
		c == '\r' || c == '\n');
}

/* CJK ideographs (with the extensions and compatibility block), 々 〆. */
static inline bool is_kanji(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0x20000 && c <= 0x3134F) || c == 0x3005 || c == 0x3006;
}

/* Kana written inside kanji names and place names: ヶ ヵ ケ ノ. */
static inline bool is_kanji_kana(uint32_t c)
{
	return c == 0x30F6 || c == 0x30F5 || c == 0x30B1 || c == 0x30CE;
}

static inline bool is_hiragana(uint32_t c)
{
	return (c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E;
}

/* Katakana with ー and ヽヾ, the small ones, and half-width katakana. */
static inline bool is_katakana(uint32_t c)
{
	return (c >= 0x30A1 && c <= 0x30FA) || (c >= 0x30FC && c <= 0x30FE) ||
	       (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xFF66 && c <= 0xFF9D);
}

/* Voicing marks: part of the preceding kana, not a character of their own. */
static inline bool is_voicing(uint32_t c)
{
	return (c >= 0x3099 && c <= 0x309C) || c == 0xFF9E || c == 0xFF9F;
}

static inline bool is_long_vowel(uint32_t c)
{
	return c == 0x30FC || c == 0xFF70;
}

static inline bool is_dash_cp(uint32_t c)
{
	return (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63;
}

/*
 * The LT_CV_F_* flag an ASCII byte of a fold sets, and FOLD_CTL for the
 * bytes folding turns into a space (tab, line ends), by table: this runs
 * on every byte of every sampled cell.
 */
#define FOLD_CTL 0x80u
#define FF(c)                                                            \
	((c) == '\t' || (c) == '\r' || (c) == '\n'     ? FOLD_CTL          \
	 : (c) >= '0' && (c) <= '9'                    ? LT_CV_F_DIGIT     \
	 : (c) == '@'                                  ? LT_CV_F_AT        \
	 : ((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z')        \
		 ? LT_CV_F_ALPHA                                           \
		 : 0)
#define FF4(c) FF(c), FF((c) + 1), FF((c) + 2), FF((c) + 3)
#define FF16(c) FF4(c), FF4((c) + 4), FF4((c) + 8), FF4((c) + 12)
#define FF64(c) FF16(c), FF16((c) + 16), FF16((c) + 32), FF16((c) + 48)
static const unsigned char ascii_class[128] = { FF64(0), FF64(64) };
#undef FF64
#undef FF16
#undef FF4
#undef FF
_Static_assert(!(FOLD_CTL & LT_CV_F_ALL), "FOLD_CTL is none of the F flags");

/* The LT_CV_F_* flag a byte of a fold sets (0 for most). */
static inline unsigned fold_flag(unsigned char c)
{
	return c >= 0x80 ? LT_CV_F_NONASCII : ascii_class[c] & LT_CV_F_ALL;
}

/*
 * lt_val_fold, also giving the output's length before trailing spaces were
 * dropped in *raw (SIZE_MAX with a SIZE_MAX result): the one fact a cell
 * view needs to answer for any smaller cap (scanners/classify/cell.h); and
 * the fold_flag()s of the output in *flags.
 */
static size_t fold_raw(const char *s, size_t len, char *out, size_t cap,
		       size_t *raw, unsigned *flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n = 0;
	unsigned f = 0;

	*raw = SIZE_MAX;
	/* Every code point keeps at least a third of its bytes. */
	if (len / 3 > cap)
		return SIZE_MAX;
	while (i < len) {
		size_t st = i;
		uint32_t c;
		char a = 0;

		if (u[i] < 0x80) {
			/* the common case, without decoding */
			a = (char)u[i++];
			if (a == '\t' || a == '\r' || a == '\n')
				a = ' ';
			if (a == ' ' && n == 0)
				continue;
			if (n >= cap)
				return SIZE_MAX;
			f |= fold_flag((unsigned char)a);
			out[n++] = a;
			continue;
		}
		c = u8_next(u, len, &i);
		if (c >= 0x3001 && c <= 0xFE62 && c != 0x30FC)
			; /* kana, kanji ...: none of the cases below */
		else if (c >= 0xFF01 && c <= 0xFF5E)
			a = (char)(c - 0xFEE0);
		else if (c == 0x3000 || c == 0xA0)
			a = ' ';
		else if (is_dash_cp(c))
			a = '-';
		else if (is_long_vowel(c) && n && out[n - 1] >= '0' &&
			 out[n - 1] <= '9')
			a = '-';
		else if (c == 0xA5 || c == 0xFFE5)
			a = '\\';
		if (a) {
			if (a == ' ' && n == 0)
				continue;
			if (n >= cap)
				return SIZE_MAX;
			f |= fold_flag((unsigned char)a);
			out[n++] = a;
		} else {
			if (n + (i - st) > cap)
				return SIZE_MAX;
			while (st < i) /* 1 to 4 bytes */
				out[n++] = s[st++];
			f |= LT_CV_F_NONASCII;
		}
	}
	*raw = n;
	*flags = f;
	while (n && out[n - 1] == ' ')
		n--;
	return n;
}

size_t lt_val_fold(const char *s, size_t len, char *out, size_t cap)
{
	size_t raw;
	unsigned f;

	return fold_raw(s, len, out, cap, &raw, &f);
}

/* --- cell views ------------------------------------------------------- */

/* Whether s[i..n) is all ASCII. */
static bool ascii_from(const unsigned char *s, size_t i, size_t n)
{
	for (; i < n; i++)
		if (s[i] >= 0x80)
			return false;
	return true;
}

/*
 * Whether the non-ASCII character at u[i] is one lt_val_fold copies as it
 * is (and that changes nothing around it): three bytes, U+3001..U+FE62 but
 * ー (U+30FC, a hyphen after a digit) and the surrogates.  Kana, kanji and
 * CJK punctuation are.
 */
static inline bool folds_to_itself(const unsigned char *u, size_t n, size_t i)
{
	uint32_t c;

	if (u[i] < 0xE3 || u[i] > 0xEF || i + 3 > n ||
	    ((u[i + 1] ^ 0x80) | (u[i + 2] ^ 0x80)) >= 0x40)
		return false;
	if ((u[i] >= 0xE4 && u[i] <= 0xEC) || u[i] == 0xEE)
		return true; /* U+4000..U+CFFF, U+E000..U+EFFF */
	c = (uint32_t)(u[i] & 0x0F) << 12 | (uint32_t)(u[i + 1] & 0x3F) << 6 |
	    (u[i + 2] & 0x3F);
	return c >= 0x3001 && c <= 0xFE62 && c != 0x30FC &&
	       (c < 0xD800 || c > 0xDFFF);
}

void lt_cv_fold_now(struct lt_cv *v)
{
	const unsigned char *u = (const unsigned char *)v->s;
	size_t i, a = 0, n = v->len;
	unsigned f = 0;
	bool ascii;

	v->flags |= LT_CV_FOLDED | LT_CV_SCANNED;
	v->fp = v->fold;
	if (!u) {
		v->fold_len = v->fold_raw = 0;
		return;
	}
	/*
	 * A cell of characters that fold to themselves (ASCII but tabs and
	 * line ends, kana, kanji ...) folds to itself less the spaces at the
	 * ends: no copy, and the flags on the way.
	 */
	while (a < n && u[a] == ' ')
		a++;
	for (i = a; i < n; i++) {
		unsigned char c = u[i];

		if (c < 0x80) {
			f |= ascii_class[c]; /* FOLD_CTL too: seen below */
		} else if (folds_to_itself(u, n, i)) {
			f |= LT_CV_F_NONASCII;
			i += 2;
		} else {
			break;
		}
	}
	ascii = !(f & LT_CV_F_NONASCII) && ascii_from(u, i, n);
	if (ascii)
		v->flags |= LT_CV_ASCII;
	if (i >= n && !(f & FOLD_CTL)) {
		/* lt_val_fold's limits: len / 3 and the untrimmed output */
		if (v->len / 3 > LT_CV_FOLD_CAP || n - a > LT_CV_FOLD_CAP) {
			v->fold_len = v->fold_raw = SIZE_MAX;
			return;
		}
		v->fp = v->s + a;
		v->fold_raw = n - a;
		while (n > a && u[n - 1] == ' ')
			n--;
		v->fold_len = n - a;
		v->flags |= f & LT_CV_F_ALL;
		return;
	}
	v->fold_len = fold_raw(v->s, v->len, v->fold, sizeof(v->fold),
			       &v->fold_raw, &f);
	if (v->fold_raw != SIZE_MAX)
		v->flags |= f;
}

bool lt_cv_ascii(struct lt_cv *v)
{
	if (!(v->flags & LT_CV_SCANNED)) {
		v->flags |= LT_CV_SCANNED;
		if (v->s && ascii_from((const unsigned char *)v->s, 0, v->len))
			v->flags |= LT_CV_ASCII;
	}
	return v->flags & LT_CV_ASCII;
}

/* --- tables built once ------------------------------------------------ */

#define PREF_MAX 64
#define WORD_SLOTS 1024 /* open addressing, a power of two */

struct pref {
	uint32_t first;  /* first code point */
	uint8_t len;     /* bytes */
	char name[15];
};

static struct pref prefs[PREF_MAX];
static size_t pref_count;
/* Prefectures by first code point: chains in list order, -1 ends. */
#define PREF_SLOTS 128
static signed char pref_head[PREF_SLOTS], pref_next[PREF_MAX];

static inline size_t pref_slot(uint32_t c)
{
	return (c * 2654435761u) >> 25; /* 7 bits: PREF_SLOTS */
}
static uint64_t word_set[WORD_SLOTS]; /* (a << 21 | b) + 1; 0 is empty */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/*
 * Two-character words that a person's name does not contain: companies
 * and institutions, departments, header words, relations (続柄), status
 * and placeholder words, products, address parts.
 */
static const char *const not_name_words[] = {
	/* companies, institutions */
	"会社", "病院", "医院", "寺院", "療所", "務所", "業所", "役所", "組合",
	"協会", "商会", "支店", "本店", "商店", "工場", "役場", "大学", "学校",
	"学園", "銀行", "法人", "財団", "社団", "商事", "本社", "支社", "本部",
	"支部", "薬局", "歯科", "内科", "外科", "金庫", "工業", "産業", "興業",
	"建設", "工務", "電気", "電機", "製作", "物産", "運輸", "食品", "動産",
	"保険", "証券", "事業", "機構", "連合", "委員", "議会", "協同", "生協",
	"農協", "漁協", "施設", "病棟", "整骨", "接骨", "治療", "福祉", "介護",
	"保育", "幼稚", "小学", "中学", "高校", "高等", "出張", "研究", "センタ",
	/* departments */
	"営業", "総務", "人事", "経理", "企画", "開発", "技術", "管理", "製造",
	"販売", "広報", "法務", "財務", "情報", "部署", "所属", "役職",
	/* header words */
	"氏名", "名前", "住所", "電話", "番号", "生年", "月日", "性別", "年齢",
	"備考", "合計", "小計", "総計", "記号", "日付", "金額", "郵便", "年金",
	"所在", "勤務", "連絡", "携帯", "個人", "被保", "単価", "数量", "品名",
	"品番", "型番", "名称", "項目", "区分", "種別", "摘要", "件名", "件数",
	"内容", "状態", "職業", "職種", "続柄", "世帯", "本人", "配偶", "漢字",
	/* sex, employment */
	"男性", "女性", "男子", "女子", "社員", "派遣", "常勤", "正規", "臨時",
	"嘱託",
	/* relations */
	"長男", "長女", "次男", "次女", "三男", "三女", "義父", "義母", "祖父",
	"祖母",
	/* status and placeholders */
	"不明", "未定", "余白", "該当", "以下", "同上", "無し", "有り", "在職",
	"退職", "休職", "加入", "脱退", "喪失", "取得", "有効", "無効", "完了",
	"保留", "対象", "対応", "予定", "確認", "承認", "申請", "変更", "登録",
	"削除", "新規", "継続", "更新", "解約", "年度", "曜日", "未記", "記入",
	"入力", "未入",
	/* products */
	"商品", "製品", "部品", "用品", "野菜", "牛肉", "豚肉", "鶏肉", "果物",
	"飲料", "弁当", "限定", "特選", "特価", "新品", "中古", "送料", "税込",
	"税抜", "消費",
	/* address parts */
	"丁目", "番地",
};

static uint64_t word_key(uint32_t a, uint32_t b)
{
	return ((uint64_t)a << 21 | b) + 1;
}

static size_t word_slot(uint64_t k)
{
	return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 54) & (WORD_SLOTS - 1);
}

static void word_add(const char *w)
{
	const unsigned char *u = (const unsigned char *)w;
	size_t len = strlen(w), i = 0, h;
	uint32_t a, b;
	uint64_t k;

	a = u8_next(u, len, &i);
	b = u8_next(u, len, &i);
	k = word_key(a, b);
	for (h = word_slot(k);; h = (h + 1) & (WORD_SLOTS - 1)) {
		if (word_set[h] == k)
			return;
		if (!word_set[h]) {
			word_set[h] = k;
			return;
		}
	}
}

static bool word_has(uint32_t a, uint32_t b)
{
	uint64_t k = word_key(a, b);
	size_t h;

	for (h = word_slot(k);; h = (h + 1) & (WORD_SLOTS - 1)) {
		if (word_set[h] == k)
			return true;
		if (!word_set[h])
			return false;
	}
}

static void tables_init(void)
{
	const char *p = lt_data_prefectures;
	size_t i;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len && *p != '#') {
			size_t k = 0;

			if (pref_count >= PREF_MAX ||
			    len >= sizeof(prefs[0].name))
				LT_BUG("prefectures.txt: too many or too long");
			if ((unsigned char)*p < 0x80) /* prefecture_at's */
				LT_BUG("prefectures.txt: ASCII in front");
			memcpy(prefs[pref_count].name, p, len);
			prefs[pref_count].len = (uint8_t)len;
			prefs[pref_count].first =
				u8_next((const unsigned char *)p, len, &k);
			pref_count++;
		}
		p += len + (e != NULL);
	}
	for (i = 0; i < PREF_SLOTS; i++)
		pref_head[i] = -1;
	for (i = pref_count; i-- > 0;) { /* prepend: chains in list order */
		size_t h = pref_slot(prefs[i].first);

		pref_next[i] = pref_head[h];
		pref_head[h] = (signed char)i;
	}
	for (i = 0; i < LT_ARRAY_SIZE(not_name_words); i++)
		word_add(not_name_words[i]);
}

static void tables(void)
{
	pthread_once(&tables_once, tables_init);
}

/* Bytes of the prefecture that s starts with (with its suffix), or 0. */
static size_t prefecture_at(const unsigned char *s, size_t len)
{
	size_t i = 0;
	uint32_t c;
	int k;

	if (!len || s[0] < 0x80)
		return 0; /* every prefecture starts with a kanji */
	c = u8_next(s, len, &i);
	for (k = pref_head[pref_slot(c)]; k >= 0; k = pref_next[k])
		if (prefs[k].first == c && prefs[k].len <= len &&
		    lt_cv_same(prefs[k].name, (const char *)s, prefs[k].len))
			return prefs[k].len;
	return 0;
}

/* --- names -------------------------------------------------------------- */

/* Last characters of departments, offices, places and things. */
static bool not_name_last(uint32_t c)
{
	switch (c) {
	case 0x5E02: /* 市 */ case 0x533A: /* 区 */ case 0x90E1: /* 郡 */
	case 0x753A: /* 町 */ case 0x6751: /* 村 */ case 0x90E8: /* 部 */
	case 0x8AB2: /* 課 */ case 0x4FC2: /* 係 */ case 0x5BA4: /* 室 */
	case 0x5C40: /* 局 */ case 0x5E97: /* 店 */ case 0x793E: /* 社 */
	case 0x9662: /* 院 */ case 0x6240: /* 所 */ case 0x7F72: /* 署 */
	case 0x5E81: /* 庁 */ case 0x7701: /* 省 */ case 0x9928: /* 館 */
	case 0x6821: /* 校 */ case 0x770C: /* 県 */ case 0x5E9C: /* 府 */
	case 0x76EE: /* 目 */ case 0x756A: /* 番 */ case 0x53F7: /* 号 */
	case 0x968E: /* 階 */ case 0x68DF: /* 棟 */ case 0x54C1: /* 品 */
	case 0x985E: /* 類 */ case 0x8CBB: /* 費 */ case 0x6599: /* 料 */
	case 0x984D: /* 額 */ case 0x6570: /* 数 */ case 0x8A08: /* 計 */
	case 0x7387: /* 率 */ case 0x5186: /* 円 */ case 0x4EF6: /* 件 */
	case 0x8868: /* 表 */ case 0x66F8: /* 書 */ case 0x7968: /* 票 */
	case 0x6B04: /* 欄 */ case 0x75C7: /* 症 */ case 0x75C5: /* 病 */
	case 0x708E: /* 炎 */ case 0x764C: /* 癌 */ case 0x760D: /* 瘍 */
	case 0x6298: /* 折 */ case 0x75DB: /* 痛 */ case 0x50B7: /* 傷 */
	case 0x5264: /* 剤 */ case 0x9320: /* 錠 */ case 0x85AC: /* 薬 */
	case 0x5668: /* 器 */ case 0x6A5F: /* 機 */ case 0x696D: /* 業 */
	case 0x5F0F: /* 式 */ case 0x578B: /* 型 */ case 0x88FD: /* 製 */
		return true;
	}
	return false;
}

#define NAME_CP_MAX 16

/* Kanji that end given names written in kana: えり子, さゆ美, ちよ江. */
static bool is_given_suffix(uint32_t c)
{
	static const uint32_t suf[] = {
		0x5B50 /* 子 */, 0x7F8E /* 美 */, 0x4EE3 /* 代 */,
		0x6C5F /* 江 */, 0x6075 /* 恵 */, 0x679D /* 枝 */,
		0x4E43 /* 乃 */, 0x5948 /* 奈 */, 0x9999 /* 香 */,
		0x83DC /* 菜 */, 0x7D75 /* 絵 */, 0x4E16 /* 世 */,
		0x90CE /* 郎 */, 0x592A /* 太 */, 0x5409 /* 吉 */,
	};
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(suf); i++)
		if (suf[i] == c)
			return true;
	return false;
}

/*
 * Kanji names: family and given name in kanji, 2..8 characters, with at
 * most one run of spaces between them; after a space the given name may
 * be hiragana, or up to 4 katakana without ー ("山田 さくら", "佐藤 エミ").
 */
static bool kanji_name(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp[NAME_CP_MAX];
	size_t i = 0, n = 0, gap = 0, kanji = 0, kata = 0;
	bool kana_given = false, kata_long = false, was_space = false;

	while (i < len) {
		uint32_t c = u8_next(u, len, &i);

		if (is_space_cp(c)) {
			if (!was_space) {
				if (gap)
					return false;
				gap = n;
			}
			was_space = true;
			continue;
		}
		was_space = false;
		if (n >= NAME_CP_MAX)
			return false;
		if (is_kanji(c)) {
			/* given names that mix kana and kanji: えり子, マリ子 */
			if (kana_given && !is_given_suffix(c))
				return false;
			kanji++;
		} else if (is_kanji_kana(c) && n && !(gap && n == gap)) {
			/* inside a kanji name: 霞ヶ関, 木ノ下 */
		} else if (gap && (is_hiragana(c) || is_katakana(c))) {
			kana_given = true;
			if (is_katakana(c))
				kata++;
			if (is_long_vowel(c) || c == 0x30FB)
				kata_long = true;
		} else if (gap && is_voicing(c) && kana_given) {
			continue;
		} else {
			return false;
		}
		cp[n++] = c;
	}
	if (n < 2 || n > 8 || kanji < 1)
		return false;
	if (gap && (gap >= n || n - gap > 6))
		return false;
	if (!gap && kanji < 2)
		return false;
	if (kana_given && (kata_long || kata > 4))
		return false;
	for (i = 1; i < n; i++)
		if (word_has(cp[i - 1], cp[i]))
			return false;
	if (!gap && n >= 3 && not_name_last(cp[n - 1]))
		return false;
	if (gap && (cp[n - 1] == 0x5E02 || cp[n - 1] == 0x533A ||
		    cp[n - 1] == 0x90E1))
		return false;
	if (prefecture_at(u, len))
		return false;
	return true;
}

/* Words that two or three capitalised words may be but a name is not. */
static const char *const not_name_en[] = {
	"ACCOUNT", "ADDRESS", "AGE", "ALL", "AMOUNT", "AND", "APPLICABLE",
	"AT", "BIRTH", "BY", "CELL", "CITY", "CLINIC", "CO", "CODE",
	"COMMENT", "COMPANY", "CORP", "CORPORATION", "CUSTOMER", "DATA",
	"DATE", "DAY", "DEPARTMENT", "DEPT", "DOB", "EMAIL", "FAMILY", "FAX",
	"FEMALE", "FILE", "FIRST", "FOR", "FROM", "FULL", "GENDER", "GIVEN",
	"GROUP", "HOME", "HOSPITAL", "ID", "IN", "INC", "INVOICE", "ITEM",
	"JAPAN", "LAST", "LIST", "LLC", "LTD", "MAIL", "MALE",
	"MEMBER", "MEMO", "MIDDLE", "MOBILE", "MONTH", "NAME", "NEW", "NO",
	"NONE", "NOT", "NOTE", "NOTES", "NULL", "NUMBER", "OF", "OFFICE",
	"OLD", "ON", "OR", "ORDER", "OTHER", "OTHERS", "PAGE", "PHONE",
	"POST", "POSTAL", "PRICE", "PRODUCT", "REMARKS", "REPORT", "SALES",
	"SAMPLE", "SEX", "SHEET", "STATUS", "STREET", "SUM", "TABLE", "TAX",
	"TEL", "TEST", "THE", "TIME", "TO", "TOTAL", "TYPE", "UNIT",
	"UNIVERSITY", "UNKNOWN", "USER", "WITH", "WORK", "YEAR", "YEN", "YES",
	"ZIP",
};

static int cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static bool en_stop_word(const char *w, size_t len)
{
	char up[16];
	size_t i;

	if (len >= sizeof(up))
		return false;
	for (i = 0; i < len; i++)
		up[i] = (char)(w[i] >= 'a' && w[i] <= 'z' ? w[i] - 32 : w[i]);
	up[len] = '\0';
	return bsearch(up, not_name_en, LT_ARRAY_SIZE(not_name_en),
		       sizeof(not_name_en[0]), cmp_word) != NULL;
}

static inline bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static inline bool is_vowel(char c)
{
	switch (c | 0x20) {
	case 'a': case 'e': case 'i': case 'o': case 'u': case 'y':
		return true;
	}
	return false;
}

/*
 * Romaji and other Latin-letter names: two or three words of letters (a
 * hyphen or apostrophe inside, a full stop after an initial, a comma after
 * the first word), each longer word with a vowel, none a common English
 * word of headers, companies and placeholders.
 */
static bool romaji_name(struct lt_cv *v, const char *s, size_t len)
{
	char own[64];
	const char *b = own;
	size_t n, i = 0, words = 0, longw = 0, k, at[3], wlen[3];

	/* The view's fold is of v->s: usable when trimming and dropping an
	 * honorific left the cell as it was (table.c trims alike). */
	if (s == v->s && len == v->len)
		n = lt_cv_fold(v, sizeof(own), &b);
	else
		n = lt_val_fold(s, len, own, sizeof(own));
	if (n == SIZE_MAX || n < 3)
		return false;
	while (i < n) {
		size_t st = i, letters = 0;
		bool vowel = false;

		while (i < n && b[i] != ' ' && b[i] != ',') {
			char c = b[i];

			if (is_alpha(c)) {
				letters++;
				if (is_vowel(c))
					vowel = true;
			} else if ((c == '-' || c == '\'') && letters &&
				   i + 1 < n && is_alpha(b[i + 1])) {
			} else if (c == '.' && letters == 1 &&
				   (i + 1 == n || b[i + 1] == ' ')) {
			} else {
				return false;
			}
			i++;
		}
		if (!letters || letters > 20)
			return false;
		if (letters >= 2) {
			if (!vowel)
				return false;
			/* stop words last: the shape refuses most cells */
			at[longw] = st;
			wlen[longw] = i - st;
			longw++;
		}
		words++;
		if (i < n && b[i] == ',') {
			if (words != 1)
				return false;
			i++;
		}
		while (i < n && b[i] == ' ')
			i++;
		if (i < n && words == 3)
			return false;
	}
	if (words < 2 || longw < 2)
		return false;
	for (k = 0; k < longw; k++)
		if (en_stop_word(b + at[k], wlen[k]))
			return false;
	return true;
}

static size_t trim(const char *s, size_t *len);

/*
 * Drop an honorific after the name (様, 殿) and the spaces before it; s is
 * trimmed already, so no leading space can appear.
 */
static void strip_honorific(const char *s, size_t *len)
{
	if (*len > 3 && (!memcmp(s + *len - 3, "様", 3) ||
			 !memcmp(s + *len - 3, "殿", 3))) {
		*len -= 3;
		(void)trim(s, len);
	}
}

static size_t trim(const char *s, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t a = 0, n = *len;

	/* most cells: neither end is a space or U+3000 (E3 80 80) */
	if (n && u[0] > ' ' && u[0] != 0xE3 && u[n - 1] > ' ' &&
	    u[n - 1] != 0x80)
		return 0;
	for (;;) {
		if (a < n && (u[a] == ' ' || u[a] == '\t' || u[a] == '\r' ||
			      u[a] == '\n'))
			a++;
		else if (a + 2 < n && u[a] == 0xE3 && u[a + 1] == 0x80 &&
			 u[a + 2] == 0x80)
			a += 3;
		else
			break;
	}
	for (;;) {
		if (n > a && (u[n - 1] == ' ' || u[n - 1] == '\t' ||
			      u[n - 1] == '\r' || u[n - 1] == '\n'))
			n--;
		else if (n >= a + 3 && u[n - 3] == 0xE3 && u[n - 2] == 0x80 &&
			 u[n - 1] == 0x80)
			n -= 3;
		else
			break;
	}
	*len = n - a;
	return a;
}

/*
 * A written name: kanji_name or romaji_name, after an honorific (様, 殿)
 * is dropped.  Kanji and kana without a space between them ("山田さくら")
 * are not taken: too many product and place names look like that.
 */
bool lt_val_name(const char *s, size_t len)
{
	struct lt_cv v;

	lt_cv_init(&v, s, len, LT_CELL_TEXT);
	return lt_cv_name(&v);
}

bool lt_cv_name(struct lt_cv *v)
{
	const char *s = v->s;
	size_t a, len = v->len;
	uint32_t c;

	if (!s)
		return false;
	a = trim(s, &len);
	s += a;
	strip_honorific(s, &len);
	if (len < 2 || len > 64)
		return false;
	tables();
	a = 0;
	c = u8_next((const unsigned char *)s, len, &a);
	if (c < 0x80 || (c >= 0xFF21 && c <= 0xFF5A))
		return (c >= 0x80 || is_alpha((char)c)) &&
		       romaji_name(v, s, len);
	return kanji_name(s, len);
}

/* A word list with the lengths, so that lookups need no strlen. */
struct word {
	const char *s;
	size_t len;
};
#define W(x) { x, sizeof(x) - 1 }

/* Header and placeholder words that are written in kana. */
static const struct word kana_not_names[] = {
	W("フリガナ"), W("ふりがな"), W("ヨミガナ"), W("よみがな"),
	W("カナ"), W("かな"), W("セイ"), W("メイ"), W("シメイ"),
	W("カナシメイ"), W("ナシ"), W("なし"), W("アリ"), W("あり"),
	W("フメイ"), W("ふめい"), W("ﾌﾘｶﾞﾅ"), W("ｶﾅ"), W("ｾｲ"), W("ﾒｲ"),
};

static bool in_list(const char *s, size_t len, const struct word *list,
		    size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (list[i].len == len && lt_cv_same(list[i].s, s, len))
			return true;
	return false;
}

/*
 * A reading: 2..20 hiragana or katakana (full or half width; voicing
 * marks are part of their kana), ー and ・ inside but not most of it, at
 * most one run of spaces; kana header and placeholder words are refused.
 */
bool lt_val_kana(const char *s, size_t len)
{
	struct lt_cv v;

	lt_cv_init(&v, s, len, LT_CELL_TEXT);
	return lt_cv_kana(&v);
}

bool lt_cv_kana(struct lt_cv *v)
{
	const char *s = v->s;
	const unsigned char *u;
	size_t a, i = 0, n = 0, marks = 0, len = v->len;
	bool gap = false, was_space = false;

	if (!s || lt_cv_ascii(v)) /* (kana and spaces only: no ASCII) */
		return false;
	a = trim(s, &len);
	s += a;
	u = (const unsigned char *)s;
	if (len < 4 || len > 128)
		return false;
	while (i < len) {
		uint32_t c = u8_next(u, len, &i);

		/* the common case first: none of the cases below */
		if ((c >= 0x3041 && c <= 0x3096) ||
		    (c >= 0x30A1 && c <= 0x30FA)) {
			was_space = false;
			if (++n > 20)
				return false;
			continue;
		}
		if (is_space_cp(c)) {
			if (!was_space) {
				if (gap)
					return false;
				gap = true;
			}
			was_space = true;
			continue;
		}
		was_space = false;
		if (is_voicing(c)) {
			if (!n)
				return false;
			continue;
		}
		if (is_long_vowel(c) || c == 0x30FB || c == 0xFF65) {
			if (!n)
				return false;
			marks++;
		} else if (!is_hiragana(c) && !is_katakana(c)) {
			return false;
		}
		if (++n > 20)
			return false;
	}
	if (n < 2 || marks * 2 >= n)
		return false;
	return !in_list(s, len, kana_not_names, LT_ARRAY_SIZE(kana_not_names));
}

/* One-character cells that are not a family or given name. */
static bool not_a_part(uint32_t c)
{
	switch (c) {
	case 0x7537: /* 男 */ case 0x5973: /* 女 */ case 0x6709: /* 有 */
	case 0x7121: /* 無 */ case 0x6E08: /* 済 */ case 0x672A: /* 未 */
	case 0x53EF: /* 可 */ case 0x5426: /* 否 */ case 0x8A08: /* 計 */
	case 0x4ED6: /* 他 */ case 0x8981: /* 要 */ case 0x4E0D: /* 不 */
	case 0x6B63: /* 正 */ case 0x526F: /* 副 */ case 0x7D9A: /* 続 */
	case 0x59D3: /* 姓 */ case 0x540D: /* 名 */ case 0x6C0F: /* 氏 */
		return true;
	}
	return false;
}

/*
 * One part of a name: 1..4 characters when any is a kanji (まり子 too),
 * 1..8 when all are kana; no space.  Refused: one-character cells that
 * are values of other columns (男, 女, 有, 済 ...), the not-a-name words,
 * and 3+ kanji ending like a department or place (営業部).
 */
bool lt_val_family_or_given(const char *s, size_t len)
{
	struct lt_cv v;

	lt_cv_init(&v, s, len, LT_CELL_TEXT);
	return lt_cv_family_or_given(&v);
}

bool lt_cv_family_or_given(struct lt_cv *v)
{
	const char *s = v->s;
	const unsigned char *u;
	uint32_t cp[9];
	size_t a, i = 0, n = 0, kanji = 0, len = v->len;

	if (!s || lt_cv_ascii(v)) /* (kanji and kana only) */
		return false;
	a = trim(s, &len);
	s += a;
	strip_honorific(s, &len);
	u = (const unsigned char *)s;
	if (!len || len > 40)
		return false;
	tables();
	while (i < len) {
		uint32_t c = u8_next(u, len, &i);

		if (is_voicing(c) && n)
			continue;
		if (is_kanji(c))
			kanji++;
		else if (is_kanji_kana(c) && n)
			;
		else if (!is_hiragana(c) && !is_katakana(c))
			return false;
		if (is_long_vowel(c) && !n)
			return false;
		if (n >= 8)
			return false;
		cp[n++] = c;
	}
	if (kanji ? n > 4 : n > 8)
		return false;
	if (n == 1 && not_a_part(cp[0]))
		return false;
	for (i = 1; i < n; i++)
		if (word_has(cp[i - 1], cp[i]))
			return false;
	if (kanji && n >= 3 && not_name_last(cp[n - 1]))
		return false;
	return !in_list(s, len, kana_not_names, LT_ARRAY_SIZE(kana_not_names));
}

/* --- sex ---------------------------------------------------------------- */

int lt_val_sex(const char *s, size_t len, bool allow_digits)
{
	struct lt_cv v;

	lt_cv_init(&v, s, len, LT_CELL_TEXT);
	return lt_cv_sex(&v, allow_digits);
}

int lt_cv_sex(struct lt_cv *v, bool allow_digits)
{
	static const struct word male[] = { W("男"), W("男性"), W("男子"),
					    W("♂"), W("M"), W("MALE"),
					    W("MAN") };
	static const struct word female[] = { W("女"), W("女性"), W("女子"),
					      W("♀"), W("F"), W("FEMALE"),
					      W("WOMAN") };
	const char *s = v->s, *f;
	char b[16];
	size_t n, i, len = v->len;

	if (!s || len > 24)
		return 0;
	switch (s[0]) { /* quick: what the first byte of a sex value can be */
	case ' ': case '\t': case '\r': case '\n': case '1': case '2':
	case 'M': case 'm':
	case 'F': case 'f': case 'W': case 'w':
	case '\xE2': case '\xE3': case '\xE5': case '\xE7': case '\xEF':
		break;
	default:
		return 0;
	}
	n = lt_cv_fold(v, sizeof(b), &f);
	if (n == SIZE_MAX || n == 0 || n > sizeof("FEMALE") - 1)
		return 0; /* (longer than every word of the lists) */
	for (i = 0; i < n; i++) /* upper-cased copy: the fold is shared */
		b[i] = (char)(f[i] >= 'a' && f[i] <= 'z' ? f[i] - 32 : f[i]);
	if (n == 1 && allow_digits && (b[0] == '1' || b[0] == '2'))
		return b[0] - '0';
	if (in_list(b, n, male, LT_ARRAY_SIZE(male)))
		return 1;
	if (in_list(b, n, female, LT_ARRAY_SIZE(female)))
		return 2;
	return 0;
}

/* --- addresses ---------------------------------------------------------- */

#define CP_SHI 0x5E02  /* 市 */
#define CP_KU 0x533A   /* 区 */
#define CP_GUN 0x90E1  /* 郡 */
#define CP_MACHI 0x753A /* 町 */
#define CP_MURA 0x6751 /* 村 */

static inline bool is_place_char(uint32_t c)
{
	return is_kanji(c) || is_kanji_kana(c) || is_hiragana(c) ||
	       is_katakana(c);
}

/*
 * A municipality at s[*i]: 1..10 place characters and then 市, 区, 町 or
 * 村, or ...郡 followed by ...町/村.  Returns the last code point (0 if
 * none) and moves *i past it.  Markers in first position belong to the
 * name (市川市, 町田市).
 */
static uint32_t municipality(const unsigned char *s, size_t len, size_t *i)
{
	size_t p = *i, k = 0;
	bool gun = false;

	while (p < len && k < 12) {
		uint32_t c = u8_next(s, len, &p);

		if (!is_place_char(c))
			return 0;
		if (k >= 1 && (c == CP_SHI || c == CP_KU || c == CP_MACHI ||
			       c == CP_MURA)) {
			if (!gun || c == CP_MACHI || c == CP_MURA) {
				*i = p;
				return c;
			}
		} else if (k >= 1 && c == CP_GUN && !gun) {
			gun = true;
			k = 0;
			continue;
		}
		k++;
	}
	return 0;
}

/* After a municipality: a block number (digits, 丁目, 番地, 番, 号). */
static bool block_number(const unsigned char *s, size_t len)
{
	size_t i = 0;

	if (len > 384)
		len = 384;
	while (i < len) {
		uint32_t c = u8_next(s, len, &i);

		if ((c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19))
			return true;
		if (c == 0x756A || c == 0x53F7) /* 番 号 */
			return true;
		if (c == 0x4E01 && i + 3 <= len &&
		    !memcmp(s + i, "目", 3)) /* 丁目 */
			return true;
	}
	return false;
}

/* 〒, spaces and a postal code in front of an address. */
static bool postal_digit(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static bool postal_dash(uint32_t c)
{
	return c == '-' || c == 0xFF0D || is_dash_cp(c) || is_long_vowel(c);
}

static size_t skip_postal(const unsigned char *s, size_t len)
{
	size_t i = 0, p, digits = 0, dash = 0;

	if (len) { /* most addresses start with none of it */
		uint32_t c = u8_next(s, len, &i);

		if (!is_space_cp(c) && c != 0x3012 && !postal_digit(c) &&
		    !postal_dash(c))
			return 0;
		i = 0;
	}
	while (i < len) {
		size_t q = i;
		uint32_t c = u8_next(s, len, &q);

		if (!is_space_cp(c) && c != 0x3012) /* 〒 */
			break;
		i = q;
	}
	p = i;
	while (p < len) {
		size_t q = p;
		uint32_t c = u8_next(s, len, &q);

		if (postal_digit(c))
			digits++;
		else if (postal_dash(c))
			dash++;
		else
			break;
		p = q;
	}
	if (digits == 7 && dash <= 1)
		i = p;
	while (i < len) {
		size_t q = i;

		if (!is_space_cp(u8_next(s, len, &q)))
			break;
		i = q;
	}
	return i;
}

static size_t skip_spaces(const unsigned char *s, size_t len, size_t i)
{
	while (i < len) {
		size_t q = i;

		if (!is_space_cp(u8_next(s, len, &q)))
			break;
		i = q;
	}
	return i;
}

/*
 * Municipality level at least.  After an optional 〒 and postal code:
 * - a prefecture (prefectures.txt, with 都道府県) followed by a
 *   municipality (…市, …区, …町, …村, …郡…町/村): "東京都千代田区";
 *   a prefecture followed by anything else is not an address ("東京都",
 *   "東京都 1,234", "東京都計");
 * - without one, a designated city and its ward ("大阪市北区"), or a
 *   municipality followed by a block number (digits, 丁目, 番, 号):
 *   "千代田区千代田1-1", "横浜市鶴見1"; a municipality alone is too
 *   much like a name ("中村", "木村拓哉", "横浜市" alone is refused).
 */
bool lt_val_address(const char *s, size_t len)
{
	struct lt_cv v;

	lt_cv_init(&v, s, len, LT_CELL_TEXT);
	return lt_cv_address(&v);
}

bool lt_cv_address(struct lt_cv *v)
{
	const char *s = v->s;
	const unsigned char *u = (const unsigned char *)s;
	size_t i, pl, j, len = v->len;
	uint32_t m;

	/* (a municipality is written in kanji or kana) */
	if (!s || len < 6 || lt_cv_ascii(v))
		return false;
	tables();
	i = skip_postal(u, len);
	pl = prefecture_at(u + i, len - i);
	if (pl) {
		i = skip_spaces(u, len, i + pl);
		return municipality(u, len, &i) != 0;
	}
	m = municipality(u, len, &i);
	if (!m)
		return false;
	j = skip_spaces(u, len, i);
	if (m == CP_SHI && municipality(u, len, &j) == CP_KU)
		return true; /* a designated city and its ward */
	return block_number(u + i, len - i);
}
