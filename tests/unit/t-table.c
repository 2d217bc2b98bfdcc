// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table classifier on small tables: header below title rows, no
 * header, decoy columns (受注日, 商品コード), 記号/番号 pairs, family and
 * given names, totals and repeated headers.
 */
#include "triage/core/compat.h"
#include "leaktriage/table.h"
#include "tests/unit/check.h"

#define B(e) LT_ELEM_BIT(e)

struct got {
	size_t n;
	uint32_t elems[64];
	uint64_t rows[64];
	char keys[64][LT_KEY_COUNT][128];
};

static int on_rec(const struct lt_record *r, void *udata)
{
	struct got *g = udata;
	int k;

	if (g->n < 64) {
		g->elems[g->n] = r->elems;
		g->rows[g->n] = r->row;
		for (k = 0; k < LT_KEY_COUNT; k++)
			snprintf(g->keys[g->n][k], 128, "%.*s",
				 (int)r->key_lens[k], r->keys[k] ? r->keys[k] : "");
	}
	g->n++;
	return 0;
}

/* Feed rows given as "a,b,c" strings (no quoting needed here). */
static void feed(struct got *g, const char *const *lines, size_t n)
{
	struct lt_classifier *c;
	struct lt_err err = LT_ERR_INIT;
	const struct lt_extract_sink *s;
	size_t i;

	memset(g, 0, sizeof(*g));
	if (lt_classifier_new(on_rec, g, &c, &err)) {
		CHECK(0);
		return;
	}
	s = lt_classifier_sink(c);
	s->table_begin("", s->udata);
	for (i = 0; i < n; i++) {
		struct lt_cell cells[16];
		char buf[1024], *p, *start;
		size_t count = 0;
		struct lt_row row;

		snprintf(buf, sizeof(buf), "%s", lines[i]);
		for (p = start = buf;; p++) {
			if (*p == ',' || !*p) {
				int end = !*p;

				*p = '\0';
				cells[count].text = start;
				cells[count].len = strlen(start);
				cells[count].hint = LT_CELL_TEXT;
				count++;
				start = p + 1;
				if (end || count == 16)
					break;
			}
		}
		row.sheet = "";
		row.row = i + 1;
		row.cells = cells;
		row.count = count;
		s->row(&row, s->udata);
	}
	s->table_end(s->udata);
	lt_classifier_free(c);
}

int main(void)
{
	struct got g;

	{
		/* Title row, blank row, header, rows with blanks. */
		static const char *const t[] = {
			"被保険者一覧　平成27年5月,,,,,,",
			",,,,,,",
			"氏名,フリガナ,性別,生年月日,住所,被保険者記号,被保険者番号",
			"山田 太郎,ヤマダ タロウ,男,1985/03/05,東京都千代田区千代田1-1,1234567,89",
			"佐藤 花子,サトウ ハナコ,女,昭和60年3月5日,,1234567,90",
			"鈴木 一郎,スズキ イチロウ,,,,,",
			"合計,,,,,,",
			"氏名,フリガナ,性別,生年月日,住所,被保険者記号,被保険者番号",
			",,,1990-01-01,,,",
		};
		feed(&g, t, LT_ARRAY_SIZE(t));
		CHECK(g.n == 4);
		CHECK(g.rows[0] == 4);
		CHECK(g.elems[0] == (B(LT_EL_NAME) | B(LT_EL_KANA) |
				     B(LT_EL_SEX) | B(LT_EL_BIRTHDATE) |
				     B(LT_EL_ADDRESS) |
				     B(LT_EL_INSURED_NUMBER)));
		CHECK(g.elems[1] == (B(LT_EL_NAME) | B(LT_EL_KANA) |
				     B(LT_EL_SEX) | B(LT_EL_BIRTHDATE) |
				     B(LT_EL_INSURED_NUMBER)));
		CHECK(g.elems[2] == (B(LT_EL_NAME) | B(LT_EL_KANA)));
		/* A birthdate without a name is still a record. */
		CHECK(g.elems[3] == B(LT_EL_BIRTHDATE));
		/* The same birthdate in two notations gives the same key. */
		CHECK_STR(g.keys[0][LT_KEY_NAME_BIRTH], "山田太郎|1985-03-05");
		CHECK_STR(g.keys[1][LT_KEY_NAME_BIRTH], "佐藤花子|1985-03-05");
		CHECK_STR(g.keys[0][LT_KEY_INSURED], "1234567/89");
		CHECK(g.keys[2][LT_KEY_NAME_BIRTH][0] == '\0');
	}
	{
		/* Decoys: order dates and product codes are no PII. */
		static const char *const t[] = {
			"受注日,商品コード,商品名,数量",
			"2015/05/01,4901234567894,ボールペン,3",
			"2015/05/02,4901234567895,ノート,1",
			"2015/05/03,12345678,消しゴム,2",
			"2015/05/04,4901234567896,定規,5",
		};
		feed(&g, t, LT_ARRAY_SIZE(t));
		CHECK(g.n == 0);
	}
	{
		/* Prefecture statistics: a prefecture alone is no address. */
		static const char *const t[] = {
			"都道府県,人口",
			"東京都,13515271",
			"大阪府,8839469",
			"北海道,5381733",
		};
		feed(&g, t, LT_ARRAY_SIZE(t));
		CHECK(g.n == 0);
	}
	{
		/* No header: values decide. */
		static const char *const t[] = {
			"山田 太郎,1985-03-05,東京都千代田区千代田1-1,03-1234-5678",
			"佐藤 花子,1962-11-30,大阪府大阪市北区梅田2-3-4,06-2345-6789",
			"鈴木 一郎,1948-07-07,北海道札幌市中央区北1条西2,011-234-5678",
			"高橋 美咲,2001-01-15,福岡県福岡市博多区博多駅前3-1,092-345-6789",
		};
		feed(&g, t, LT_ARRAY_SIZE(t));
		CHECK(g.n == 4);
		CHECK(g.elems[0] == (B(LT_EL_NAME) | B(LT_EL_BIRTHDATE) |
				     B(LT_EL_ADDRESS) | B(LT_EL_PHONE)));
	}
	{
		/* Family and given names in two columns; 記号・番号 combined. */
		static const char *const t[] = {
			"姓,名,生年月日,記号・番号",
			"山田,太郎,S60.3.5,1234567・89",
			"佐藤,花子,H1.1.8,1234567・90",
			"鈴木,一郎,3600305,",
		};
		feed(&g, t, LT_ARRAY_SIZE(t));
		CHECK(g.n == 3);
		CHECK_STR(g.keys[0][LT_KEY_NAME_BIRTH], "山田太郎|1985-03-05");
		CHECK_STR(g.keys[1][LT_KEY_NAME_BIRTH], "佐藤花子|1989-01-08");
		CHECK_STR(g.keys[2][LT_KEY_NAME_BIRTH], "鈴木一郎|1985-03-05");
		CHECK(g.elems[0] & B(LT_EL_INSURED_NUMBER));
		CHECK(!(g.elems[2] & B(LT_EL_INSURED_NUMBER)));
		CHECK_STR(g.keys[0][LT_KEY_INSURED], "1234567/89");
	}
	{
		/* No written-name column: the kana is the name in the keys,
		 * family and given kana joined; a total is no record. */
		static const char *const t[] = {
			"セイ,メイ,生年月日,住所",
			"ヤマダ,タロウ,1985-03-05,東京都千代田区一丁目二番三号",
			"サトウ,,1962-11-30,大阪府大阪市北区梅田2-3-4",
			"合計,,,",
		};
		feed(&g, t, LT_ARRAY_SIZE(t));
		CHECK(g.n == 2);
		CHECK(g.elems[0] == (B(LT_EL_KANA) | B(LT_EL_BIRTHDATE) |
				     B(LT_EL_ADDRESS)));
		CHECK_STR(g.keys[0][LT_KEY_NAME_BIRTH],
			  "ヤマダタロウ|1985-03-05");
		CHECK_STR(g.keys[0][LT_KEY_NAME_ADDR],
			  "ヤマダタロウ|東京都千代田区1-2-3");
		CHECK_STR(g.keys[1][LT_KEY_NAME_BIRTH], "サトウ|1962-11-30");
	}
	{
		/* A written name and a kana column: keys use the written
		 * name, spaces gone, as written in one column or two. */
		static const char *const t[] = {
			"氏名,フリガナ,生年月日",
			"山田　太郎,ヤマダ タロウ,1985-03-05",
			"佐藤 花子,サトウ ハナコ,S37.11.30",
		};
		feed(&g, t, LT_ARRAY_SIZE(t));
		CHECK(g.n == 2);
		CHECK_STR(g.keys[0][LT_KEY_NAME_BIRTH], "山田太郎|1985-03-05");
		CHECK_STR(g.keys[1][LT_KEY_NAME_BIRTH], "佐藤花子|1962-11-30");
	}
	{
		/* 番号 without 記号 names no insured-person number. */
		static const char *const t[] = {
			"氏名,番号",
			"山田 太郎,12",
			"佐藤 花子,13",
			"鈴木 一郎,14",
		};
		feed(&g, t, LT_ARRAY_SIZE(t));
		CHECK(g.n == 3);
		CHECK(g.elems[0] == B(LT_EL_NAME));
	}
	{
		/*
		 * One classifier, file after file (as a scan worker uses it):
		 * a file whose extractor fails before its first row (a zip
		 * bomb) reports no columns, not the previous file's.  Also a
		 * table begun again without an end drops its sample.
		 */
		static const char *const row1[] = { "氏名", "生年月日" };
		static const char *const row2[] = { "山田 太郎", "1985/03/05" };
		const char *const *rows[] = { row1, row2 };
		struct lt_classifier *c;
		struct lt_err err = LT_ERR_INIT;
		const struct lt_extract_sink *s;
		struct lt_classify_result cr;
		size_t i;

		memset(&g, 0, sizeof(g));
		CHECK(lt_classifier_new(on_rec, &g, &c, &err) == LT_OK);
		s = lt_classifier_sink(c);
		s->table_begin("", s->udata);
		for (i = 0; i < 2; i++) {
			struct lt_cell cells[2];
			struct lt_row row = { "", i + 1, cells, 2 };
			int k;

			for (k = 0; k < 2; k++) {
				cells[k].text = rows[i][k];
				cells[k].len = strlen(rows[i][k]);
				cells[k].hint = LT_CELL_TEXT;
			}
			s->row(&row, s->udata);
		}
		s->table_end(s->udata);
		lt_classifier_result(c, &cr);
		CHECK(g.n == 1);
		CHECK(cr.columns == (B(LT_EL_NAME) | B(LT_EL_BIRTHDATE)));
		/* the next file: a table that fails before its first row */
		lt_classifier_reset(c);
		s->table_begin("A", s->udata);
		s->table_end(s->udata);
		lt_classifier_result(c, &cr);
		CHECK(cr.columns == 0);
		CHECK(cr.tables == 1);
		/* a table left in its sample, then another one */
		lt_classifier_reset(c);
		s->table_begin("A", s->udata);
		{
			struct lt_cell cells[2] = {
				{ "氏名", strlen("氏名"), LT_CELL_TEXT },
				{ "x", 1, LT_CELL_TEXT } };
			struct lt_row row = { "A", 1, cells, 2 };

			s->row(&row, s->udata);
		}
		s->table_begin("B", s->udata);
		s->table_end(s->udata);
		lt_classifier_result(c, &cr);
		CHECK(cr.columns == 0);
		CHECK(cr.tables == 2);
		lt_classifier_free(c);
	}
	CHECK_DONE();
}
