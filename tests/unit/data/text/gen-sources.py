#!/usr/bin/env python3
# Writes the UTF-8 sources of the text extractor's test files (run once;
# make-data.sh then makes the other encodings with iconv).
import unicodedata

rows = [
    ("1", "山田 太郎", "ヤマダ タロウ", "男", "昭和45年1月2日",
     "東京都千代田区霞が関1-2-3", "03-1234-5678"),
    ("2", "佐藤 花子", "サトウ ハナコ", "女", "1982/03/04",
     "大阪府大阪市北区梅田3丁目4番5号, 梅田ビル", "06-2345-6789"),
    ("3", "長谷川 翔", "ハセガワ ショウ", "男", "H2.5.6",
     "埼玉県さいたま市浦和区高砂２－１－１", "048-123-4567"),
    ("4", "髙橋 ①子", "タカハシ マルコ", "女", "1990-07-08",
     "北海道札幌市中央区北一条西５丁目", "011-222-3333"),
    ("5", "林 健太", "ﾊﾔｼ ｹﾝﾀ", "男", "S60.12.31",
     "福岡県福岡市博多区～博多駅前", "092-111-2222"),
]


def q(s):
    if ',' in s or '"' in s or '\n' in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pad(s, n, full=False):
    d = n - width(s)
    return s + ("　" * (d // 2) + " " * (d % 2) if full else " " * d)


def write(name, lines):
    with open(name, "w", encoding="utf-8", newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")


csv = ["顧客名簿（2015年5月現在）,,,,,,", ",,,,,,",
       "番号,氏名,フリガナ,性別,生年月日,住所,電話番号"]
csv += [",".join(q(c) for c in r) for r in rows]
write("meibo.csv", csv)

tsv = ["番号\t氏名\tフリガナ\t性別\t生年月日\t住所"]
tsv += ["\t".join(r[:6]) for r in rows]
write("meibo.tsv", tsv)

cols = [(6, False), (14, True), (18, False), (6, False), (16, False)]
fx = ["".join(pad(h, c[0], c[1]) for h, c in
              zip(["番号", "氏名", "フリガナ", "性別", "生年月日"], cols)) + "住所"]
for r in rows:
    cells = [r[0].zfill(4), r[1].replace(" ", "　"), r[2], r[3], r[4]]
    fx.append("".join(pad(x, c[0], c[1]) for x, c in zip(cells, cols)) +
              r[5].split(",")[0])
write("fixed-ja.txt", fx)
