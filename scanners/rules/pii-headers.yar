/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * leaktriage shipped rules: files whose raw bytes hold Japanese personal-
 * data column headers (DESIGN.md "Classification").  A hint for the
 * examiner, recorded per file; the classifiers decide what a file holds.
 *
 * Each term is a hex string with its variants as alternatives, one rule
 * per encoding (UTF-8, CP932 = Shift_JIS, UTF-16LE, EUC-JP), firing when
 * at least two distinct terms appear.  Bytes computed with Python's
 * codecs (utf-8, cp932, utf-16-le, euc-jp); the text is in the comment.
 * Raw bytes only: compressed content (xlsx, docx, zip members) does not
 * match; an .xls does (BIFF8 keeps its strings in UTF-16LE).
 *
 * Terms: 氏名 name, 生年月日 birthdate, 住所 address, 性別 sex,
 * フリガナ / ﾌﾘｶﾞﾅ / ふりがな reading, 被保険者 insured person,
 * 基礎年金番号 pension number, 個人番号 My Number.
 *
 * Works with the yara command on its own:
 *   yara scanners/rules/pii-headers.yar FILE
 * This file is compiled into leaktriage (scanners/data/rules-pii-headers.txt
 * is a link to it; tests/unit/t-yara.c checks both stay the same).
 */

rule jp_pii_headers_utf8
{
    meta:
        description = "two or more Japanese personal-data header terms (UTF-8)"
        encoding = "UTF-8"

    strings:
        $name    = { E6 B0 8F E5 90 8D }                      // 氏名
        $birth   = { E7 94 9F E5 B9 B4 E6 9C 88 E6 97 A5 }    // 生年月日
        $address = { E4 BD 8F E6 89 80 }                      // 住所
        $sex     = { E6 80 A7 E5 88 A5 }                      // 性別
        $kana    = { ( E3 83 95 E3 83 AA E3 82 AC E3 83 8A |  // フリガナ
                       EF BE 8C EF BE 98 EF BD B6 EF BE 9E EF BE 85 |  // ﾌﾘｶﾞﾅ
                       E3 81 B5 E3 82 8A E3 81 8C E3 81 AA ) } // ふりがな
        $insured = { E8 A2 AB E4 BF 9D E9 99 BA E8 80 85 }    // 被保険者
        $pension = { E5 9F BA E7 A4 8E E5 B9 B4 E9 87 91 E7 95 AA E5 8F B7 }  // 基礎年金番号
        $mynum   = { E5 80 8B E4 BA BA E7 95 AA E5 8F B7 }    // 個人番号

    condition:
        2 of them
}

rule jp_pii_headers_cp932
{
    meta:
        description = "two or more Japanese personal-data header terms (CP932 / Shift_JIS)"
        encoding = "CP932"

    strings:
        $name    = { 8E 81 96 BC }                            // 氏名
        $birth   = { 90 B6 94 4E 8C 8E 93 FA }                // 生年月日
        $address = { 8F 5A 8F 8A }                            // 住所
        $sex     = { 90 AB 95 CA }                            // 性別
        $kana    = { ( 83 74 83 8A 83 4B 83 69 |              // フリガナ
                       CC D8 B6 DE C5 |                       // ﾌﾘｶﾞﾅ
                       82 D3 82 E8 82 AA 82 C8 ) }            // ふりがな
        $insured = { 94 ED 95 DB 8C AF 8E D2 }                // 被保険者
        $pension = { 8A EE 91 62 94 4E 8B E0 94 D4 8D 86 }    // 基礎年金番号
        $mynum   = { 8C C2 90 6C 94 D4 8D 86 }                // 個人番号

    condition:
        2 of them
}

rule jp_pii_headers_utf16le
{
    meta:
        description = "two or more Japanese personal-data header terms (UTF-16LE)"
        encoding = "UTF-16LE"

    strings:
        $name    = { 0F 6C 0D 54 }                            // 氏名
        $birth   = { 1F 75 74 5E 08 67 E5 65 }                // 生年月日
        $address = { 4F 4F 40 62 }                            // 住所
        $sex     = { 27 60 25 52 }                            // 性別
        $kana    = { ( D5 30 EA 30 AC 30 CA 30 |              // フリガナ
                       8C FF 98 FF 76 FF 9E FF 85 FF |        // ﾌﾘｶﾞﾅ
                       75 30 8A 30 4C 30 6A 30 ) }            // ふりがな
        $insured = { AB 88 DD 4F 7A 96 05 80 }                // 被保険者
        $pension = { FA 57 0E 79 74 5E D1 91 6A 75 F7 53 }    // 基礎年金番号
        $mynum   = { 0B 50 BA 4E 6A 75 F7 53 }                // 個人番号

    condition:
        2 of them
}

rule jp_pii_headers_eucjp
{
    meta:
        description = "two or more Japanese personal-data header terms (EUC-JP)"
        encoding = "EUC-JP"

    strings:
        $name    = { BB E1 CC BE }                            // 氏名
        $birth   = { C0 B8 C7 AF B7 EE C6 FC }                // 生年月日
        $address = { BD BB BD EA }                            // 住所
        $sex     = { C0 AD CA CC }                            // 性別
        $kana    = { ( A5 D5 A5 EA A5 AC A5 CA |              // フリガナ
                       8E CC 8E D8 8E B6 8E DE 8E C5 |        // ﾌﾘｶﾞﾅ
                       A4 D5 A4 EA A4 AC A4 CA ) }            // ふりがな
        $insured = { C8 EF CA DD B8 B1 BC D4 }                // 被保険者
        $pension = { B4 F0 C1 C3 C7 AF B6 E2 C8 D6 B9 E6 }    // 基礎年金番号
        $mynum   = { B8 C4 BF CD C8 D6 B9 E6 }                // 個人番号

    condition:
        2 of them
}

/*
 * My Number (個人番号, マイナンバー) named in any of the four encodings:
 * specific personal information under the My Number Act, worth flagging
 * on its own.
 */
rule jp_my_number_header
{
    meta:
        description = "the My Number header term (個人番号 / マイナンバー)"

    strings:
        $utf8    = { ( E5 80 8B E4 BA BA E7 95 AA E5 8F B7 |  // 個人番号
                       E3 83 9E E3 82 A4 E3 83 8A E3 83 B3 E3 83 90 E3 83 BC ) }  // マイナンバー
        $cp932   = { ( 8C C2 90 6C 94 D4 8D 86 |              // 個人番号
                       83 7D 83 43 83 69 83 93 83 6F 81 5B ) } // マイナンバー
        $utf16le = { ( 0B 50 BA 4E 6A 75 F7 53 |              // 個人番号
                       DE 30 A4 30 CA 30 F3 30 D0 30 FC 30 ) } // マイナンバー
        $eucjp   = { ( B8 C4 BF CD C8 D6 B9 E6 |              // 個人番号
                       A5 DE A5 A4 A5 CA A5 F3 A5 D0 A1 BC ) } // マイナンバー

    condition:
        any of them
}
