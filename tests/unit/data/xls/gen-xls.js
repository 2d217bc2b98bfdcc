// SPDX-License-Identifier: GPL-2.0-or-later
// Writes the BIFF8 workbooks the xls tests read, with SheetJS (the npm
// package "xlsx", BIFF8 writer): run by make.sh with NODE_PATH set and
// TZ=UTC.  The names and addresses are invented.
"use strict";
const XLSX = require("xlsx");

function d(y, m, day) { return new Date(Date.UTC(y, m - 1, day)); }

// meibo.xls: a roster with a title row, dates, era-code numbers (3600305 =
// Showa 36-03-05), text; a second sheet with numbers, a date-time and a
// time-of-day cell and an empty row; a third, empty sheet.  Strings as
// LABEL records, a Workbook stream under 4096 bytes (in the mini stream).
const meibo = [
	["職員名簿", null, null, null, null, null],
	[],
	["氏名", "フリガナ", "生年月日", "和暦コード", "性別", "住所"],
	["検証 太郎", "ケンショウ タロウ", d(1970, 1, 1), 3450101, "男", "架空県見本市1-2-3"],
	["試験 花子", "シケン ハナコ", d(1985, 12, 31), 3601231, "女", "架空県例題町4-5"],
	["見本 次郎", "ミホン ジロウ", d(1961, 3, 5), 3600305, "男", null],
];
const ws1 = XLSX.utils.aoa_to_sheet(meibo, { cellDates: true, dateNF: "yyyy-mm-dd" });
const ws2 = XLSX.utils.aoa_to_sheet([
	["コード", "金額", "比率", "登録日時", "時刻"],
	[1, 1500, 0.25, null, null],
	[],
	[2, -42, 1.5, null, null],
]);
ws2["D2"] = { t: "n", v: 25569.5, z: "yyyy-mm-dd hh:mm" };  // 1970-01-01 12:00
ws2["E2"] = { t: "n", v: 0.75, z: "hh:mm:ss" };              // 18:00:00
let wb = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(wb, ws1, "名簿");
XLSX.utils.book_append_sheet(wb, ws2, "Sheet2");
XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([]), "空");
XLSX.writeFile(wb, "meibo.xls", { bookType: "biff8" });

// big.xls: 400 rows, strings in the shared string table (SST, LABELSST),
// a Workbook stream of about 20 KB (regular sectors, a FAT chain).
const rows = [["氏名", "番号", "生年月日"]];
for (let i = 0; i < 400; i++)
	rows.push(["試験 " + i, 3600000 + i, d(1950 + i % 50, 1 + i % 12, 1 + i % 28)]);
wb = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows, { cellDates: true, dateNF: "yyyy-mm-dd" }), "一覧");
XLSX.writeFile(wb, "big.xls", { bookType: "biff8", bookSST: true });

// datebomb.xls: date-formatted numbers near 2^31: freexl would count
// 2.1e9 days for each (about a second apiece).
const ws3 = XLSX.utils.aoa_to_sheet([["日付"]]);
for (let i = 2; i <= 16; i++)
	ws3["A" + i] = { t: "n", v: 2100000000, z: "yyyy-mm-dd" };
ws3["!ref"] = "A1:A16";
wb = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(wb, ws3, "S");
XLSX.writeFile(wb, "datebomb.xls", { bookType: "biff8" });

// calc-src.xls: numbers that gen-bad.py turns into FORMULA records (with
// their cached results; SheetJS writes results only): a string, a date, a
// number, a boolean.
const ws4 = XLSX.utils.aoa_to_sheet([["氏名", "生年月日", "合計", "確認"], [0, 0, 0, 0]]);
ws4["B2"] = { t: "n", v: 25569, z: "yyyy-mm-dd" };
wb = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(wb, ws4, "計算");
XLSX.writeFile(wb, "calc-src.xls", { bookType: "biff8" });

// biff5.xls: Excel 5.0/95 format (a "Book" stream, code page 1252).
const ws5 = XLSX.utils.aoa_to_sheet([["Name", "Birth", "Code"],
	["Kensho Taro", d(1970, 1, 1), 3450101]], { cellDates: true, dateNF: "yyyy-mm-dd" });
wb = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(wb, ws5, "List");
XLSX.writeFile(wb, "biff5.xls", { bookType: "biff5" });
