// SPDX-License-Identifier: GPL-2.0-or-later
/* The header dictionary: every term, negative terms, variants, English. */
#include "triage/core/compat.h"
#include "leaktriage/classify.h"
#include "tests/unit/check.h"

#include <pthread.h>

extern const char lt_data_headers[];

static bool role_is(const char *h, int role, int strength)
{
	int st = -1, r = lt_header_role(h, strlen(h), &st);

	if (r != role || st != strength) {
		fprintf(stderr, "header '%s': %s/%d, want %s/%d\n", h,
			lt_elem_name(r), st, lt_elem_name(role), strength);
		return false;
	}
	return true;
}

/* Every line of headers.txt finds itself with its role and strength. */
static void every_term(void)
{
	const char *p = lt_data_headers;
	unsigned count = 0;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char line[256];

		if (len && *p != '#' && len < sizeof(line)) {
			char *t1, *t2;
			int role;

			memcpy(line, p, len);
			line[len] = '\0';
			t1 = strchr(line, '\t');
			CHECK(t1 != NULL);
			if (t1) {
				*t1++ = '\0';
				t2 = strchr(t1, '\t');
				CHECK(t2 != NULL);
				if (t2) {
					*t2++ = '\0';
					role = lt_elem_from_name(t1,
								 strlen(t1));
					CHECK(role >= 0);
					CHECK(role_is(line, role,
						      t2[0] - '0'));
					count++;
				}
			}
		}
		p += len + (e != NULL);
	}
	CHECK(count > 200);
}

static const struct {
	const char *h;
	int role, strength;
} cases[] = {
	/* the brief's list */
	{ "氏名", LT_EL_NAME, 2 },
	{ "名前", LT_EL_NAME, 2 },
	{ "被保険者氏名", LT_EL_NAME, 2 },
	{ "漢字氏名", LT_EL_NAME, 2 },
	{ "姓", LT_ROLE_FAMILY_NAME, 2 },
	{ "名", LT_ROLE_GIVEN_NAME, 1 },
	{ "氏", LT_ROLE_FAMILY_NAME, 1 },
	{ "カナ氏名", LT_EL_KANA, 2 },
	{ "フリガナ", LT_EL_KANA, 2 },
	{ "ふりがな", LT_EL_KANA, 2 },
	{ "氏名カナ", LT_EL_KANA, 2 },
	{ "セイ", LT_ROLE_FAMILY_KANA, 2 },
	{ "メイ", LT_ROLE_GIVEN_KANA, 2 },
	{ "性別", LT_EL_SEX, 2 },
	{ "生年月日", LT_EL_BIRTHDATE, 2 },
	{ "生年月日(和暦)", LT_EL_BIRTHDATE, 2 },
	{ "誕生日", LT_EL_BIRTHDATE, 2 },
	{ "住所", LT_EL_ADDRESS, 2 },
	{ "現住所", LT_EL_ADDRESS, 2 },
	{ "所在地", LT_EL_ADDRESS, 1 },
	{ "郵便番号", LT_EL_POSTAL_CODE, 2 },
	{ "〒", LT_EL_POSTAL_CODE, 2 },
	{ "記号", LT_ROLE_INSURED_SYMBOL, 1 },
	{ "番号", LT_ROLE_INSURED_NO, 1 },
	{ "被保険者記号", LT_ROLE_INSURED_SYMBOL, 2 },
	{ "被保険者番号", LT_ROLE_INSURED_NO, 2 },
	{ "被保険者記号・番号", LT_EL_INSURED_NUMBER, 2 },
	{ "記号番号", LT_EL_INSURED_NUMBER, 2 },
	{ "基礎年金番号", LT_EL_PENSION_NUMBER, 2 },
	{ "年金番号", LT_EL_PENSION_NUMBER, 2 },
	{ "個人番号", LT_EL_MY_NUMBER, 2 },
	{ "マイナンバー", LT_EL_MY_NUMBER, 2 },
	{ "保険者番号", LT_EL_INSURER_NUMBER, 2 },
	{ "電話番号", LT_EL_PHONE, 2 },
	{ "TEL", LT_EL_PHONE, 2 },
	{ "携帯", LT_EL_PHONE, 2 },
	{ "メール", LT_EL_EMAIL, 2 },
	{ "メールアドレス", LT_EL_EMAIL, 2 },
	{ "E-mail", LT_EL_EMAIL, 2 },
	{ "事業所名", LT_EL_EMPLOYER, 2 },
	{ "勤務先", LT_EL_EMPLOYER, 2 },
	{ "会社名", LT_EL_EMPLOYER, 2 },
	{ "医療機関名", LT_EL_MEDICAL_INSTITUTION, 2 },
	{ "病院名", LT_EL_MEDICAL_INSTITUTION, 2 },
	{ "病名", LT_EL_DISEASE, 2 },
	{ "傷病名", LT_EL_DISEASE, 2 },
	{ "金額", LT_EL_AMOUNT, 2 },
	{ "請求額", LT_EL_AMOUNT, 2 },
	{ "点数", LT_EL_AMOUNT, 2 },
	/* English */
	{ "name", LT_EL_NAME, 2 },
	{ "Full Name", LT_EL_NAME, 2 },
	{ "FULL_NAME", LT_EL_NAME, 2 },
	{ "fullName", LT_EL_NAME, 2 },
	{ "First Name", LT_ROLE_GIVEN_NAME, 2 },
	{ "first_name", LT_ROLE_GIVEN_NAME, 2 },
	{ "Last Name", LT_ROLE_FAMILY_NAME, 2 },
	{ "Surname", LT_ROLE_FAMILY_NAME, 2 },
	{ "Sex", LT_EL_SEX, 2 },
	{ "GENDER", LT_EL_SEX, 2 },
	{ "Date of Birth", LT_EL_BIRTHDATE, 2 },
	{ "DOB", LT_EL_BIRTHDATE, 2 },
	{ "dob", LT_EL_BIRTHDATE, 2 },
	{ "Birthdate", LT_EL_BIRTHDATE, 2 },
	{ "birth_date", LT_EL_BIRTHDATE, 2 },
	{ "Address", LT_EL_ADDRESS, 2 },
	{ "ZIP", LT_EL_POSTAL_CODE, 2 },
	{ "Zip Code", LT_EL_POSTAL_CODE, 2 },
	{ "zipcode", LT_EL_POSTAL_CODE, 2 },
	{ "Postal Code", LT_EL_POSTAL_CODE, 2 },
	{ "Phone", LT_EL_PHONE, 2 },
	{ "Tel.", LT_EL_PHONE, 2 },
	{ "Email", LT_EL_EMAIL, 2 },
	{ "e-mail address", LT_EL_EMAIL, 2 },
	{ "Employer", LT_EL_EMPLOYER, 2 },
	{ "Company Name", LT_EL_EMPLOYER, 2 },
	{ "My Number", LT_EL_MY_NUMBER, 2 },
	/* negative terms: positively none */
	{ "受注日", LT_ROLE_NONE, 2 },
	{ "発注日", LT_ROLE_NONE, 2 },
	{ "発売日", LT_ROLE_NONE, 2 },
	{ "購入日", LT_ROLE_NONE, 2 },
	{ "登録日", LT_ROLE_NONE, 2 },
	{ "作成日", LT_ROLE_NONE, 2 },
	{ "更新日", LT_ROLE_NONE, 2 },
	{ "日付", LT_ROLE_NONE, 2 },
	{ "商品コード", LT_ROLE_NONE, 2 },
	{ "商品番号", LT_ROLE_NONE, 2 },
	{ "JANコード", LT_ROLE_NONE, 2 },
	{ "JAN", LT_ROLE_NONE, 2 },
	{ "品番", LT_ROLE_NONE, 2 },
	{ "型番", LT_ROLE_NONE, 2 },
	{ "注文番号", LT_ROLE_NONE, 2 },
	{ "伝票番号", LT_ROLE_NONE, 2 },
	{ "製品名", LT_ROLE_NONE, 2 },
	{ "商品名", LT_ROLE_NONE, 2 },
	{ "単価", LT_ROLE_NONE, 2 },
	{ "数量", LT_ROLE_NONE, 2 },
	{ "Order Date", LT_ROLE_NONE, 2 },
	{ "Product Code", LT_ROLE_NONE, 2 },
	/* NFKC, full width, spaces, brackets, 中黒, colons, case */
	{ "氏　名", LT_EL_NAME, 2 },
	{ " 氏 名 ", LT_EL_NAME, 2 },
	{ "氏名：", LT_EL_NAME, 2 },
	{ "【氏名】", LT_EL_NAME, 2 },
	{ "「住所」", LT_EL_ADDRESS, 2 },
	{ "生年月日（和暦）", LT_EL_BIRTHDATE, 2 },
	{ "生年月日[和暦]", LT_EL_BIRTHDATE, 2 },
	{ "氏名(カナ)", LT_EL_KANA, 2 },
	{ "氏名（ｶﾅ）", LT_EL_KANA, 2 },
	{ "ﾌﾘｶﾞﾅ", LT_EL_KANA, 2 },
	{ "被保険者記号･番号", LT_EL_INSURED_NUMBER, 2 },
	{ "被保険者記号/番号", LT_EL_INSURED_NUMBER, 2 },
	{ "記号・番号", LT_EL_INSURED_NUMBER, 2 },
	{ "ＴＥＬ", LT_EL_PHONE, 2 },
	{ "tel", LT_EL_PHONE, 2 },
	{ "Ｅ－ｍａｉｌ", LT_EL_EMAIL, 2 },
	{ "ＪＡＮコード", LT_ROLE_NONE, 2 },
	{ "※氏名", LT_EL_NAME, 2 },
	{ "氏名*", LT_EL_NAME, 2 },
	{ "住所1", LT_EL_ADDRESS, 2 },
	{ "住所２", LT_EL_ADDRESS, 2 },
	{ "電話番号2", LT_EL_PHONE, 2 },
	/* contains a strong term: weaker */
	{ "会員氏名漢字", LT_EL_NAME, 1 },
	{ "申込者氏名", LT_EL_NAME, 1 },
	{ "顧客生年月日", LT_EL_BIRTHDATE, 1 },
	{ "勤務先住所", LT_EL_ADDRESS, 1 },
	{ "自宅電話番号(携帯可)", LT_EL_PHONE, 1 },
	{ "顧客受注日", LT_ROLE_NONE, 1 },
	{ "医療機関コード", LT_ROLE_NONE, 1 },
	{ "被保険者番号枝番", LT_ROLE_INSURED_NO, 1 },
	{ "Patient Name", LT_EL_NAME, 2 },
	{ "Member Name", LT_EL_NAME, 1 },
	{ "memberName", LT_EL_NAME, 1 },
	{ "Date of Birth (YYYY/MM/DD)", LT_EL_BIRTHDATE, 1 },
	/* ASCII terms only as whole words */
	{ "HOTEL", LT_ROLE_NONE, 0 },
	{ "filename", LT_ROLE_NONE, 0 },
	{ "Sussex", LT_ROLE_NONE, 0 },
	{ "Zipper", LT_ROLE_NONE, 0 },
	{ "January", LT_ROLE_NONE, 0 },
	/* not in the dictionary */
	{ "", LT_ROLE_NONE, 0 },
	{ "   ", LT_ROLE_NONE, 0 },
	{ "備考", LT_ROLE_NONE, 0 },
	{ "会員番号", LT_ROLE_NONE, 0 },   /* 番号 is weak: no contains */
	{ "部署名", LT_ROLE_NONE, 0 },     /* 名 is one character */
	{ "山田太郎", LT_ROLE_NONE, 0 },
	{ "1985/03/05", LT_ROLE_NONE, 0 },
};

static void *thread_main(void *arg)
{
	int *ok = arg, i, st;

	for (i = 0; i < 2000; i++)
		if (lt_header_role("生年月日", strlen("生年月日"), &st) !=
			    LT_EL_BIRTHDATE ||
		    st != 2)
			*ok = 0;
	return NULL;
}

int main(void)
{
	size_t i;
	int st, ok[4] = { 1, 1, 1, 1 };
	pthread_t th[4];
	char big[300];

	/* first use from several threads at once: pthread_once */
	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&th[i], NULL, thread_main, &ok[i]) == 0);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(ok[i]);
	}

	every_term();
	for (i = 0; i < LT_ARRAY_SIZE(cases); i++)
		CHECK(role_is(cases[i].h, cases[i].role, cases[i].strength));

	/* strength may be NULL; long cells are not headers; bad UTF-8 */
	CHECK(lt_header_role("氏名", strlen("氏名"), NULL) == LT_EL_NAME);
	memset(big, 'a', sizeof(big));
	CHECK(lt_header_role(big, sizeof(big), &st) == LT_ROLE_NONE &&
	      st == 0);
	CHECK(lt_header_role("\xff\xfe", 2, &st) == LT_ROLE_NONE && st == 0);
	CHECK(lt_header_role(NULL, 0, &st) == LT_ROLE_NONE && st == 0);
	/* not NUL-terminated */
	CHECK(lt_header_role("氏名XYZ", strlen("氏名"), &st) == LT_EL_NAME &&
	      st == 2);

	/* element names */
	CHECK_STR(lt_elem_name(LT_EL_NAME), "name");
	CHECK_STR(lt_elem_name(LT_EL_POSTAL_CODE), "postal_code");
	CHECK_STR(lt_elem_name(LT_EL_MEDICAL_INSTITUTION),
		  "medical_institution");
	CHECK_STR(lt_elem_name(LT_EL_AMOUNT), "amount");
	CHECK_STR(lt_elem_name(LT_ROLE_INSURED_NO), "insured_no");
	CHECK_STR(lt_elem_name(LT_ROLE_NONE), "none");
	CHECK(lt_elem_name(LT_EL_COUNT) == NULL);
	CHECK(lt_elem_name((enum lt_elem)40) == NULL);
	CHECK(lt_elem_name((enum lt_elem)-1) == NULL);
	for (i = 0; i < LT_EL_COUNT; i++) {
		const char *n = lt_elem_name((enum lt_elem)i);

		CHECK(n != NULL);
		if (n)
			CHECK(lt_elem_from_name(n, strlen(n)) == (int)i);
	}
	CHECK(lt_elem_from_name("nam", 3) == -1);
	CHECK(lt_elem_from_name(NULL, 0) == -1);
	CHECK_DONE();
}
