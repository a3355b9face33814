"""Every reason a file is rejected, and every problem found in one of its cells, in Japanese
and English: what was found and what to do (a table, like dashboard/i18n.py is for pages).

A rejection carries a reason code and its parameters (:func:`warehouse.errors.reject`); the
texts are filled from here. A parameter may itself be a :class:`Said` (a cell problem inside a
file's rejection): it is shown in the same language, as ``{first.found}`` / ``{first.todo}``.
Japanese comes first; both texts name the same parameters.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import NamedTuple


class Text(NamedTuple):
    """What was found, and what to do about it, in one language."""

    found: str
    todo: str


@dataclass(frozen=True)
class Said:
    """A reason code with its parameters, not yet put into words (a cell problem)."""

    code: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str) -> Text:
        return render(self.code, self.params, lang)


_AGAIN_JA = "もう一度受信フォルダに置いてください。"
_AGAIN_EN = "put the file in the inbox again"
_RESAVE_JA = "CP932 か UTF-8 の CSV として保存し直し、" + _AGAIN_JA
_RESAVE_EN = "Re-save as CP932 or UTF-8 CSV and " + _AGAIN_EN
_DATE_FORMS_JA = "2024-04-01、2024/4/1、2024年4月1日、令和6年4月1日、R6.4.1 のいずれか"
_DATE_FORMS_EN = "2024-04-01, 2024/4/1, 2024年4月1日, 令和6年4月1日 or R6.4.1"
_XLSX_RESAVE_JA = "Excel で開いて .xlsx として保存し直すか、CP932 か UTF-8 の CSV で提出してください。"
_XLSX_RESAVE_EN = "Open it in Excel and save it again as .xlsx, or deliver it as CP932 or UTF-8 CSV"

# code -> (Japanese, English). Placeholders are str.format fields filled from the parameters.
REASONS: dict[str, tuple[Text, Text]] = {
    # ------------------------------------------------------------------ reading the bytes
    "empty_file": (
        Text("ファイルが空です。", "見出し行と各行を入れて、もう一度提出してください。"),
        Text("the file is empty", "Deliver the file again with its header and rows")),
    "binary_file": (
        Text("CSV/TSV の表でも XLSX のブックでもない、バイナリのファイルです。",
             "データを CSV（UTF-8 か CP932）か XLSX で提出してください。"),
        Text("the file is binary, not a CSV/TSV table or an XLSX workbook",
             "Deliver the data as CSV (UTF-8 or CP932) or XLSX")),
    "control_character": (
        Text("{line}行目に制御文字 U+{char} があります。文字の表ではありません。",
             "意図した CSV か確かめるか、" + _RESAVE_JA),
        Text("control character U+{char} at line {line}: this is not a text table",
             "Check that this is the CSV you meant, or r" + _RESAVE_EN[1:])),
    "truncated_character": (
        Text("ファイルが途中で切れています。{line}行目の {byte} バイト目で文字の途中で終わっています"
             "（{bytes} で始まる文字の残りのバイトがありません）。",
             "ファイルをもう一度最後までダウンロードし、" + _AGAIN_JA),
        Text("the file is truncated: it ends inside a character (line {line}, byte {byte}: "
             "bytes {bytes} begin a character whose other bytes are missing)",
             "Download the file again in full and " + _AGAIN_EN)),
    "bad_encoding": (
        Text("{line}行目の {byte} バイト目（{bytes}）が {encoding} として正しくありません。"
             "文字化けしたファイルは読み込みません。", _RESAVE_JA),
        Text("the file does not decode cleanly: byte {byte} of line {line} (bytes {bytes}) "
             "is not valid {encoding}", _RESAVE_EN + "; a partly garbled file is not loaded")),
    "long_cell": (
        Text("1つのセルに {length} 字あり、上限（{limit} 字、Excel の上限）を超えています。",
             "このセルより前に閉じられていない引用符がないか（後ろの行がつながります）確かめ、"
             "セルを短くして保存し直してください。"),
        Text("a cell holds {length} characters, more than one cell may hold ({limit}, "
             "Excel's limit)",
             "Check for a quote that is never closed before this cell (it joins the lines after "
             "it) and shorten the cell, then save again")),
    "nul_byte": (
        Text("{line}行目の「{column}」列（その行の {byte} バイト目）に NUL バイト（0x00）が"
             "あります。ファイルが壊れているか、文字の表ではありません。",
             "意図した CSV か、欠けずにコピーされたかを確かめるか、" + _RESAVE_JA),
        Text("the file is binary or damaged, not a clean text table: a NUL byte (0x00) at line "
             "{line}, column {column} (byte {byte} of the line)",
             "Check that this is the CSV you meant and that it was copied whole, or r"
             + _RESAVE_EN[1:])),
    "nul_byte_template": (
        Text("{line}行目の {byte} バイト目に NUL バイト（0x00）があります。ファイルが壊れて"
             "います。",
             "ファイルが欠けずにコピーされたか確かめるか、Excel で開いて CSV として保存し直して"
             "ください。"),
        Text("a NUL byte (0x00) at line {line}, byte {byte} of the line: the file is damaged, "
             "not a clean text table",
             "Check that the file was copied whole, or open it in Excel and save it again as "
             "CSV")),
    "json_not_utf8": (
        Text("JSON が UTF-8 の文字ではありません（{line}行目）。", "{action.todo}"),
        Text("the JSON is not UTF-8 text (line {line})", "{action.todo}")),
    "json_truncated": (
        Text("ファイルが途中で切れています。JSON が最後まで続いていません。", "{action.todo}"),
        Text("the file is truncated: the JSON stops before its end", "{action.todo}")),
    "json_malformed": (
        Text("{line}行目の {character} 文字目で JSON の書き方が崩れています。", "{action.todo}"),
        Text("the JSON is malformed at line {line}, character {character}", "{action.todo}")),
    # what to do, shared by several reasons (given as ``action=Said(code)``; nothing found)
    "action_resave_estat_json": (
        Text("", "API の応答を欠けずに（UTF-8 の JSON で）保存し直すか、`saihan estat fetch` で"
             "取得してください。"),
        Text("", "Save the API response again in full (UTF-8 JSON) or fetch it with "
             "`saihan estat fetch`")),
    "action_resave_json": (
        Text("", "API から保存したままの JSON（UTF-8）を欠けずに提出してください。"),
        Text("", "Deliver the JSON as saved from the API (UTF-8), in full")),
    # ------------------------------------------------------------------ recognising the file
    "unknown_json": (
        Text("saihan の知らない JSON です（{keys}）。",
             "次のいずれかを提出してください: {expected_ja}（README の「Input formats」参照）。"),
        Text("the JSON document ({keys}) is not one saihan knows",
             "Deliver {expected_en}; see README, 'Input formats'")),
    "unopenable_table": (
        Text("表として開けません（破損したブックなど）。", _XLSX_RESAVE_JA),
        Text("the file cannot be opened as a table (a damaged or unusual workbook)",
             _XLSX_RESAVE_EN)),
    "unreadable_kind": (
        Text("{kind_ja}のようですが、saihan の読み込み処理で想定外の問題（{error}）が起きて"
             "読めませんでした。",
             "どの行にも見出しの列がそろっているか確かめて保存し直してください。正しく見える"
             "場合は、このファイルと報告書を添えて連絡してください（詳しい記録は実行ログにあり"
             "ます）。"),
        Text("the file looks like {kind_en} but saihan's reader met an unexpected problem "
             "({error}) and could not read it",
             "Check that every row has the header's columns and re-save the file; if it looks "
             "right, report it with this file and its report (the details are in the run's "
             "log)")),
    "no_rows": (
        Text("見出し行はありますが、データの行がありません。", "行を入れて、もう一度提出してください。"),
        Text("the file has a header but no rows", "Deliver the file again with its rows")),
    "unknown_header": (
        Text("saihan の知らない見出しです（{header}）。",
             "入力形式（{expected_ja}）のいずれかを使ってください（README の「Input formats」参照）。"),
        Text("the header {header} is not one saihan knows",
             "Use one of the input formats ({expected_en}); see README, 'Input formats'")),
    "closest_header": (
        Text("saihan の知らない見出しです。いちばん近い形式は「{kind_ja}」で、必要な {needed} 列"
             "のうち {found_count} 列（{found}）があり、{missing_count} 列（{missing}）がありません。",
             "「{kind_ja}」の見出し（足りない列: {missing}）にして、もう一度受信フォルダに置いて"
             "ください（README の「Input formats」参照）。"),
        Text("the header is not one saihan knows; the closest format is {kind_en}, which needs "
             "{needed} column(s): {found_count} found ({found}), {missing_count} missing "
             "({missing})",
             "Give the file the header of {kind_en} (the missing columns: {missing}) and put it in "
             "the inbox again; see README, 'Input formats'")),
    # ------------------------------------------------------------------ workbooks
    "xlsx_unreadable": (
        Text("Excel ブックとして読めません（破損しているか、途中で切れています）。", _XLSX_RESAVE_JA),
        Text("the file starts like an Excel workbook but is not a readable one (damaged or cut "
             "short)", _XLSX_RESAVE_EN)),
    "xlsx_too_large": (
        Text("ブックを展開すると {size} MB になり、saihan が開く上限（{limit} MB）を超えています。",
             "データを年や手口ごとに複数のファイルに分けて提出してください。"),
        Text("the workbook unpacks to {size} MB, more than saihan opens ({limit} MB)",
             "Split the data into several files (one per year or modus)")),
    "xlsx_odd_packing": (
        Text("ブックの中に Excel が使わない形式で圧縮された部分があります（{parts}）。",
             _XLSX_RESAVE_JA),
        Text("the workbook holds parts packed in a way Excel does not use ({parts})",
             _XLSX_RESAVE_EN)),
    "xlsx_damaged_part": (
        Text("ブックの一部（{part}）が破損しています。", _XLSX_RESAVE_JA),
        Text("the part {part} of the workbook is damaged", _XLSX_RESAVE_EN)),
    "xlsx_too_wide": (
        Text("シート「{sheet}」の {cell} にセルがあり、{limit} 列目（IV 列）より右です。"
             "saihan はそれほど幅の広いシートを開きません。",
             "表より右の列を削除して保存し直してください。"),
        Text("sheet {sheet} has a cell at {cell}, beyond column {limit} (IV); saihan does not "
             "open sheets that wide", "Delete the columns to the right of the table and save "
             "again")),
    "xlsx_long_text": (
        Text("{where_ja}に、1つのセルに入る文字数（{limit} 字）を超える文字列があります。",
             "1つのセルに1行程度を超える文字がないか確かめ、直して保存し直してください。"),
        Text("{where_en} hold a text longer than one cell can ({limit} characters)",
             "Check that no cell holds more than a line of text and save again")),
    "xlsx_formulas": (
        Text("計算結果が保存されていない数式セルが {count} 個あります（{cells}{more_ja}）。"
             "このままでは空として読み込まれます。",
             "Excel でブックを開いて（数式が計算されます）保存するか、数式を値に置き換えて"
             "ください。"),
        Text("{count} formula cell(s) have no calculated value saved ({cells}{more_en}), so they "
             "would load as empty",
             "Open the workbook in Excel (which calculates the formulas) and save it, or "
             "replace the formulas by their values")),
    "xlsx_not_workbook": (
        Text("読める Excel ブックではありません（{error}）。",
             "Excel で開いて .xlsx として、または CP932 か UTF-8 の CSV として保存し直してください。"),
        Text("the file is not a readable Excel workbook ({error})",
             "Open it in Excel and save it again as .xlsx, or as CP932 or UTF-8 CSV")),
    "xlsx_named_not_workbook": (
        Text("名前は .xlsx ですが、Excel ブックではありません。",
             "Excel で開いて .xlsx として、または CP932 か UTF-8 の CSV として保存し直してください。"),
        Text("the file is named .xlsx but is not an Excel workbook",
             "Open it in Excel and save it again as .xlsx, or as CP932 or UTF-8 CSV")),
    "xls_workbook": (
        Text("古い Excel 97-2003 形式（.xls）のブックで、読み込めません。",
             "Excel で開いて .xlsx か、CP932 か UTF-8 の CSV として保存してください。"),
        Text("the file is an old Excel 97-2003 (.xls) workbook, which is not read",
             "Open it in Excel and save it as .xlsx or as CP932 or UTF-8 CSV")),
    "workbook_unopenable": (
        Text("ブックを開けません（破損しているか、通常と異なる形式です）。",
             "Excel で開いて .xlsx として保存し直してください。"),
        Text("the workbook cannot be opened (damaged or unusual)",
             "Open it in Excel and save it again as .xlsx")),
    "sheet_row_too_wide": (
        Text("シートの {line}行目に {found} 個のセルが入っていますが、見出しは {width} 列です。",
             "見出しの列より右のセルを削除して保存し直してください。"),
        Text("sheet row {line} has {found} filled cells where the header has {width}",
             "Remove the cells beyond the header's columns and save again")),
    "incidents_on_several_sheets": (
        Text("複数のシートに発生情報があります。最初のシート（{sheet}）だけが読まれ、"
             "{ignored} は読み込まれません。",
             "すべての行を最初のシートにまとめるか、シートごとに別のファイルにして保存し直して"
             "ください。"),
        Text("incidents are on more than one sheet: the first sheet ({sheet}) is read, and the "
             "sheet(s) {ignored} would be left out",
             "Put every incident on the first sheet (or deliver one file per sheet) and save "
             "again")),
    "rows_on_several_sheets": (
        Text("{title}の行が複数のシートにあります。{sheet} が読まれ、{ignored} は読み込まれ"
             "ません。", "行を1つのシートにまとめるか、シートごとに別のファイルにして保存し直して"
             "ください。"),
        Text("rows of {title} are on more than one sheet: {sheet} is read, and {ignored} would "
             "be left out",
             "Put every row on one sheet (or deliver one file per sheet) and save again")),
    "first_sheet_empty": (
        Text("最初のシートが空で、発生情報がありません。", "犯罪の表を最初のシートに置いて保存し直して"
             "ください。"),
        Text("the first sheet is empty: no incidents",
             "Put the crime table on the first sheet and save again")),
    # ------------------------------------------------------------------ crime CSV structure
    "cr_line_ends": (
        Text("行末が CR だけ（古い Mac の改行）のため、ファイル全体が1行として読まれます。",
             "Windows（CRLF）か Unix（LF）の改行で保存し直し、" + _AGAIN_JA),
        Text("the lines end with a CR alone (old Mac line ends), so the whole file reads as one "
             "line", "Save the file again with Windows (CRLF) or Unix (LF) line ends and "
             + _AGAIN_EN)),
    "no_header_delimiter": (
        Text("1行目が表の見出しではありません（列の間にカンマもタブもありません）。",
             "犯罪オープンデータの CSV で、1行目が見出しになっているか確かめてください。"),
        Text("line 1 is not a table header (no comma or tab between columns)",
             "Check that this is a crime open-data CSV with its header on line 1")),
    "truncated_last_line": (
        Text("ファイルが途中で切れています。最後の {line}行目は {expected} 項目のうち {found} "
             "項目で終わっています。", "ファイルをもう一度最後までダウンロードし、" + _AGAIN_JA),
        Text("the file is truncated: its last line {line} stops after {found} of {expected} "
             "fields", "Download the file again in full and " + _AGAIN_EN)),
    "field_count": (
        Text("{line}行目の項目数が {found} で、見出しの {expected} と合いません。",
             "その行（余分な・足りないカンマやタブ、値の中の引用符で囲まれていないカンマ）を"
             "直して、" + _AGAIN_JA),
        Text("line {line} has {found} fields where the header has {expected}",
             "Fix that line (a stray or missing comma/tab, or an unquoted comma inside a value) "
             "and " + _AGAIN_EN)),
    "unclosed_quote": (
        Text("ファイルが途中で切れています。{line}行目で始まる引用符（\"）が閉じられていません。",
             "ファイルをもう一度最後までダウンロードする（または引用符を閉じる）して、"
             + _AGAIN_JA),
        Text("the file is truncated: a quoted value opened on line {line} is never closed",
             "Download the file again in full (or close the quote) and " + _AGAIN_EN)),
    "text_after_quote": (
        Text("{line}行目{where_ja}: 引用符で囲んだ値の後、次の区切りまでに別の文字（{found}）が"
             "あります。値の中の「\"」は2つ重ねて書きます。",
             "その行の引用符を直して（値の中の引用符は \"\" と書くか、余分な引用符を消す）、"
             + _AGAIN_JA),
        Text("line {line}{where_en}: a quoted value is followed by other text before the next "
             "delimiter ({found}); a '\"' inside a value must be written twice",
             "Fix the quoting on that line (write \"\" for a quote inside a quoted value, or "
             "remove the stray quote) and " + _AGAIN_EN)),
    "csv_quote_broken": (
        Text("{line}行目で CSV が読めません。引用符の対応が崩れています（閉じられていないか、"
             "後ろに文字が続いています）。", "この行の引用符を確かめて保存し直してください。"),
        Text("the CSV cannot be read: a quote is not closed or is followed by text",
             "Check the quotes on this line and save the file again")),
    "conflicting_halves": (
        Text("見出しに同じ {half} 列が2組並んでいますが、{line}行目で2組の値が違い、どちらが正しいか"
             "分かりません。", "列を1組だけ残し（その行を元データと照らしてください）、"
             + _AGAIN_JA),
        Text("the header repeats its {half} columns side by side, but on line {line} the two "
             "halves hold different values, so it is not clear which is right",
             "Keep one copy of the columns (check that line against the source) and "
             + _AGAIN_EN)),
    "duplicate_column": (
        Text("見出しに「{column}」列が2回あります。", "2つのうち1つの列だけを残して、" + _AGAIN_JA),
        Text("column {column!r} appears twice in the header",
             "Keep one of the two columns and " + _AGAIN_EN)),
    "missing_column": (
        Text("必要な「{column}」列がありません{more_ja}。",
             "警察庁の犯罪オープンデータ形式の見出し（罪名, 手口, … 発生時（始期））にして、"
             + _AGAIN_JA),
        Text("required column {column} is missing{more_en}",
             "Use the header of the NPA crime open-data format (罪名, 手口, … 発生時（始期）) "
             "and " + _AGAIN_EN)),
    "no_incidents": (
        Text("見出し行はありますが、発生情報の行がありません。",
             "ダウンロードが最後まで終わったか確かめてください。空のファイルは読み込みません。"),
        Text("the file has a header but no incidents",
             "Check that the download completed; an empty file is not loaded")),
    "empty_crime_file": (
        Text("ファイルが空で、発生情報がありません。",
             "ダウンロードが最後まで終わったか確かめ、完全なファイルを" + _AGAIN_JA),
        Text("the file is empty: no incidents",
             "Check that the download completed and put the full file in the inbox again")),
    # ------------------------------------------------------------------ crime content
    "no_data_year": (
        Text("データの年が分かりません。ファイル名に年がなく、「発生年月日（始期）」にも読める"
             "日付がありません。",
             "ファイル名に年を入れて（例: hokkaido_2018zitensyatou.csv）、" + _AGAIN_JA),
        Text("the data year cannot be told: no year in the file name and no readable date in "
             "発生年月日（始期）",
             "Put the year in the file name (e.g. hokkaido_2018zitensyatou.csv) and "
             + _AGAIN_EN)),
    "modus_empty": (
        Text("「手口」列がすべての行で空です。", "手口を入れて（1ファイルに1つの手口）、" + _AGAIN_JA),
        Text("the 手口 column is empty on every line",
             "Fill 手口 (one modus per file) and " + _AGAIN_EN)),
    "modus_unknown": (
        Text("{line}行目の「手口」{value} は、この形式の7つの手口のどれでもありません。",
             "{modi} のいずれかを使って、" + _AGAIN_JA),
        Text("line {line}: 手口 {value} is not one of the 7 modus of the format",
             "Use one of {modi} and " + _AGAIN_EN)),
    "modus_mixed": (
        Text("{line}行目の「手口」は {other} ですが、それより前の行は {first} です。1つの"
             "ファイルには1つの手口だけを入れます。",
             "手口ごとにファイルを分けて、それぞれを" + _AGAIN_JA),
        Text("line {line}: 手口 is {other} but earlier lines are {first}; a file holds one "
             "modus", "Split the file by 手口 (one modus per file) and put the files in the "
             "inbox again")),
    "prefecture_unknown": (
        Text("{line}行目の {value} は都道府県名ではありません。",
             "都道府県を JIS X 0401 のとおり（例: 北海道、東京都）に書いて、" + _AGAIN_JA),
        Text("line {line}: {value} is not a prefecture name",
             "Write the prefecture as in JIS X 0401 (e.g. 北海道, 東京都) and " + _AGAIN_EN)),
    "lg_code_other_prefecture": (
        Text("{line}行目の「市区町村コード」が別の都道府県のものです（{first} の後に {other}）。"
             "1つのファイルには1つの都道府県だけを入れます。",
             "都道府県ごとにファイルを分けて、それぞれを" + _AGAIN_JA),
        Text("line {line}: 市区町村コード of another prefecture ({other} after {first}); a file "
             "holds one prefecture",
             "Split the file by prefecture and put the files in the inbox again")),
    "prefecture_empty": (
        Text("都道府県が分かりません。「都道府県」と「市区町村コード」がすべての行で空です。",
             "「都道府県（発生地）」を入れて、" + _AGAIN_JA),
        Text("the prefecture cannot be told: 都道府県 and 市区町村コード are empty on every line",
             "Fill 都道府県（発生地） and " + _AGAIN_EN)),
    "prefecture_mixed": (
        Text("{line}行目の「都道府県」は {other} ですが、それより前の行は {first} です。1つの"
             "ファイルには1つの都道府県だけを入れます。",
             "都道府県ごとにファイルを分けて、それぞれを" + _AGAIN_JA),
        Text("line {line}: 都道府県 is {other} but earlier lines are {first}; a file holds one "
             "prefecture", "Split the file by prefecture and put the files in the inbox again")),
    "sample_mixed": (
        Text("{line}行目の「{column}」は {value} ですが、サンプルのファイルではすべての行に "
             "{mark} と書き、実データは空欄か「実データ」と書きます。",
             "サンプルと実データを別のファイルにし、サンプルではすべての行の「データ区分」を"
             "サンプルにして、" + _AGAIN_JA),
        Text("line {line}: {column} is {value} but {mark!r} marks sample data on every line of "
             "a sample file, and real data leaves it blank or writes 実データ",
             "Deliver sample data and real data in separate files, with データ区分 サンプル on "
             "every line of the sample, and " + _AGAIN_EN)),
    # ------------------------------------------------------------------ programme templates
    "template_no_header_sheet": (
        Text("{identifying} を含む見出し行のあるシートがありません。",
             "「{title}」の様式の見出しを、シートの最初の行に置いてください。"),
        Text("no sheet has a header row with {identifying}",
             "Put the header of the {title} template in the first rows of a sheet")),
    "template_no_header": (
        Text("{identifying} を含む見出し行がありません。", "「{title}」の様式の見出しを使ってください。"),
        Text("no header row with {identifying}", "Use the header of the {title} template")),
    "template_missing_columns": (
        Text("見出しに「{columns}」列がありません。",
             "足りない列を加えて（様式の注意書きのシートを参照）、もう一度提出してください。"),
        Text("the header has no column {columns}",
             "Add the missing columns (see the notes sheet of the template) and deliver the "
             "file again")),
    "template_ragged_rows": (
        Text("{count} 行で、見出しより多くのセルが入っています（{lines}行目）。",
             "余分なセルを消すか、その列に見出しを付けて、もう一度提出してください。"),
        Text("{count} row(s) have more cells than the header (lines {lines})",
             "Remove the extra cells or add a header for them, then deliver the file again")),
    "data_class_unknown": (
        Text("{value} は {real} でも {sample} でもありません。", "{real} か {sample} と書いてください。"),
        Text("{value} is neither {real} nor {sample}", "Write {real} or {sample}")),
    "data_class_mixed": (
        Text("実データの行とサンプルの行が1つのファイルに混ざっています。",
             "サンプルと実データを別のファイルにして提出してください。"),
        Text("the file mixes real rows and sample rows",
             "Deliver sample data and real data in separate files")),
    "duplicate_conflict": (
        Text("この行は {earlier}行目（{row}）と同じですが、{column} が違います（そちらは {there}、"
             "こちらは {here}）。", "{per} ごとに1行だけ残して、もう一度提出してください。"),
        Text("this row repeats line {earlier} ({row}) with a different {column} ({there} there, "
             "{here} here)", "Keep one row per {per} and deliver the file again")),
    "cell_problems": (
        Text("{where_ja}: {first.found}（このファイルの問題は全部で {count} 件）",
             "{first.todo}報告にある行をすべて直して、ファイル全体をもう一度置いてください"
             "（このファイルからは何も読み込まれていません）。"),
        Text("{count} problem{plural} in the file; the first: {first.found}",
             "{first.todo}. Correct every line listed in the report and deliver the whole file "
             "again (nothing of it was loaded)")),
    # ------------------------------------------------------------------ e-Stat and facts
    "estat_not_stats_data": (
        Text("JSON が getStatsData の応答ではありません（GET_STATS_DATA がありません）。",
             "e-Stat の getStatsData が返す JSON を提出してください。"),
        Text("the JSON is not a getStatsData response (no GET_STATS_DATA)",
             "Deliver the JSON that e-Stat's getStatsData returns")),
    "estat_bad_status": (
        Text("RESULT.STATUS が {value} で、e-Stat の状態番号（0 = データあり）ではありません。",
             "`saihan estat fetch` で表を取得し直し、新しい応答を手を加えずに提出してください。"),
        Text("RESULT.STATUS is {value}, not an e-Stat status number (0 = data found)",
             "Fetch the table again with `saihan estat fetch` and deliver the new response "
             "unedited")),
    "estat_error": (
        Text("応答が e-Stat のエラーか空です（STATUS {status} {message}）。",
             "statsDataId と絞り込みの条件を確かめ、取得し直して新しい応答を提出してください。"),
        Text("the response is an e-Stat error or empty: STATUS {status} {message}",
             "Check the statsDataId and the narrowing conditions, fetch again and deliver the "
             "new response")),
    "estat_no_table": (
        Text("応答に統計表の名前（TABLE_INF @id）がありません。",
             "getStatsData の応答を欠けずに提出してください。"),
        Text("the response names no statistics table (TABLE_INF @id)",
             "Deliver the complete getStatsData response")),
    "estat_no_values": (
        Text("応答に値がありません（DATA_INF.VALUE が空です）。",
             "何も残らないほど絞り込まずに、表を取得し直してください。"),
        Text("the response has no values (DATA_INF.VALUE is empty)",
             "Fetch the table again without narrowing it to nothing")),
    "estat_bad_values": (
        Text("{count} 個の値が読めません。最初のもの: {first}",
             "`saihan estat fetch` で表を取得し直し、応答を欠けずに提出してください。JSON を"
             "手で編集しないでください。"),
        Text("{count} value(s) cannot be read; the first: {first}",
             "Fetch the table again (`saihan estat fetch`) and deliver the complete response; "
             "do not edit the JSON by hand")),
    "fact_empty": (Text("空です。", "値を書いてください。"), Text("is empty", "Write the value")),
    "fact_not_number": (
        Text("{value} は数値として読めません。", "数値で書いてください。"),
        Text("{value} is not a number", "Write a number")),
    "fact_not_date": (
        Text("{value} は 2024-04-01 の形の日付ではありません。", "2024-04-01 の形で書いてください。"),
        Text("{value} is not a date like 2024-04-01", "Write the date as 2024-04-01")),
    "fact_not_url": (
        Text("{value} はウェブページのアドレス（https://…）ではありません。",
             "出典のページのアドレスを https:// から書くか、空欄にしてください。"),
        Text("{value} is not a web address (https://...)",
             "Write the address of the source page starting with https://, or leave it empty")),
    "fact_duplicate": (
        Text("{value} が2回あります。", "id を1つずつにしてください。"),
        Text("{value} appears twice", "Give each fact its own id")),
    "fact_problem": (
        Text("「{column}」列: {problem.found}",
             "セルを直して（どの項目にも id、数値、単位、出典が必要で、as_of は書く場合 "
             "2024-04-01 の形の日付、source_url は書く場合 https:// で始まる出典ページのアドレス"
             "です）、もう一度提出してください。"),
        Text("{column} {problem.found}",
             "Correct the cell (every fact needs an id, a number, a unit and its source; as_of, "
             "when given, is an ISO date; source_url, when given, is the address of the source "
             "page starting with https://) and deliver the file again")),
    "facts_mixed_sources": (
        Text("1つのファイルに複数の刊行物の数値が入っています（{sources}）。",
             "刊行物ごとに1つのファイルにして提出してください。"),
        Text("the file mixes publications {sources}", "Deliver one file per publication")),
    # ------------------------------------------------------------------ the inbox
    "symlink_outside_inbox": (
        Text("受信フォルダの外を指すシンボリックリンクです（{target}）。saihan はたどりません。",
             "リンクではなくファイルそのものを受信フォルダに置いてください。リンクはそのまま残され、"
             "変更されるまで再び報告されません。"),
        Text("a symbolic link pointing outside the inbox (to {target}); saihan never follows it",
             "Put the file itself into the inbox, not a link to it. The link is left as it is "
             "and not reported again until it changes.")),
    # ------------------------------------------------------------------ cells (Said)
    "era_year_missing": (
        Text("{era}{number}年は存在しません。", "年は元年（1）から書いてください。"),
        Text("{era}{number}年 does not exist", "Write the year from 元年 (1)")),
    "date_outside_era": (
        Text("{value} は{era}の期間（{first}〜{last}）の外です。",
             "元号を確かめてください。平成は2019年4月30日まで、令和は2019年5月1日からです"
             "（平成31年5月1日は令和元年5月1日）。"),
        Text("{value} is outside the {era} era ({first} to {last})",
             "Check the era: 平成 ended on 2019-04-30 and 令和 began on 2019-05-01 (平成31年5月1日 "
             "is 令和元年5月1日)")),
    "date_not_real": (
        Text("実在しない日付です（{value}）。", "実在する日付を " + _DATE_FORMS_JA + "の形で書いて"
             "ください。"),
        Text("{value} is not a real date ({error})", "Write a date that exists, as "
             + _DATE_FORMS_EN)),
    "not_a_date": (
        Text("日付として読めません（{value}）。", _DATE_FORMS_JA + "の形で書き直してください。"),
        Text("{value} is not a date", "Write the date as " + _DATE_FORMS_EN)),
    "fiscal_era_year": (
        Text("{value}: {era}にその年はありません。", "年度を 2024 か 令和6年度 の形で書いてください。"),
        Text("{value}: {era} had no such year", "Write the fiscal year as 2024 or 令和6年度")),
    "not_a_fiscal_year": (
        Text("{value} は年度として読めません。",
             "年度を 2024、2024年度、FY2024、令和6年度、R6 のいずれかの形で書いてください。"),
        Text("{value} is not a fiscal year",
             "Write the fiscal year as 2024, 2024年度, FY2024, 令和6年度 or R6")),
    "not_a_period": (
        Text("{value} は期間として読めません。",
             "暦年（2022、2022年、令和4年）か年度（2022年度、令和4年度、FY2022）で書いてください。"),
        Text("{value} is not a period",
             "Write a calendar year (2022, 2022年, 令和4年) or a fiscal year (2022年度, 令和4年度, "
             "FY2022)")),
    "not_a_number": (
        Text("{value} は数値として読めません。", "数値で書いてください。"),
        Text("{value} is not a number", "Write a number")),
    "not_a_plain_number": (
        Text("{value} は数値として読めません。",
             "1500000 や 1,500,000 のような数値で書いてください。"),
        Text("{value} is not a number", "Write a plain number such as 1500000 or 1,500,000")),
    "not_whole_yen": (
        Text("{value} は円単位の整数ではありません。", "金額を円単位の整数で書いてください。"),
        Text("{value} is not a whole number of yen", "Write the amount in whole yen")),
    "not_a_flag": (
        Text("{value} は「はい」か「いいえ」として読めません。",
             "○ か × （または 有/無、はい/いいえ、1/0）で書いてください。"),
        Text("{value} is not yes or no", "Write ○ or × (or 有/無, はい/いいえ, 1/0)")),
    "not_a_prefecture": (
        Text("{value} は都道府県として読めません。",
             "都道府県名（東京都）か、そのコード 01〜47 で書いてください{national_ja}。"),
        Text("{value} is not a prefecture",
             "Write the prefecture's name (東京都) or its code 01-47{national_en}")),
    "not_a_lg_code": (
        Text("{value} は地方公共団体コードとして読めません。",
             "6桁の全国地方公共団体コード（例: 千代田区は 131016）で書いてください。"),
        Text("{value} is not a local-government code",
             "Write the 6-digit 全国地方公共団体コード (e.g. 131016 for 千代田区)")),
    "lg_check_digit": (
        Text("{value} の検査数字は {digit} ですが、正しくは {expected} です。",
             "コードを確かめてください（{suggested} ではありませんか）。"),
        Text("{value} has check digit {digit}, but the code's check digit is {expected}",
             "Check the code (did you mean {suggested}?)")),
    "lg_code_ambiguous": (
        Text("{value} は {options} のどれか分かりません。",
             "6桁のコードをすべて書くか、横に団体名を書いてください。"),
        Text("{value} could be {options}",
             "Write the full 6-digit code, or the government's name beside it")),
    "lg_code_unknown": (
        Text("コード {value}{read_ja} の地方公共団体はありません。",
             "総務省の全国地方公共団体コードと照らしてください（同梱の一覧は 2024年1月1日時点）。"),
        Text("no local government has the code {value}{read_en}",
             "Check the code against 総務省's 全国地方公共団体コード (the bundled list is as of "
             "2024-01-01)")),
    "not_a_date_or_fiscal_year": (
        Text("{value} は日付としても年度としても読めません。",
             "日付（2024-04-01）か年度（令和6年度）で書いてください。"),
        Text("{value} is not a date or fiscal year",
             "Write a date (2024-04-01) or a fiscal year (令和6年度)")),
    "period_bound_problem": (
        Text("{problem.found}", "日付（2024-04-01）か年度（令和6年度）で書いてください。"),
        Text("{problem.found}", "Write a date (2024-04-01) or a fiscal year (令和6年度)")),
    "not_a_period_range": (
        Text("{value} は「いつからいつまで」の期間として読めません。",
             "期間を 令和6年度～令和10年度 の形で書くか、「計画期間（開始）」と「計画期間（終了）」"
             "の列を使ってください。"),
        Text("{value} is not a period from ... to ...",
             "Write the period as 令和6年度～令和10年度, or use the 計画期間（開始）and "
             "計画期間（終了） columns")),
    "not_a_plan_edition": (
        Text("{value} は計画の「第何次」として読めません。",
             "再犯防止推進計画の次数を 第二次 か 2 の形で書いてください。"),
        Text("{value} is not a plan edition",
             "Write the edition of the Recidivism Prevention Plan as 第二次 or 2")),
    "not_an_indicator_number": (
        Text("{value} は指標番号として読めません。",
             "番号を計画のとおり（3、1-1）に書くか、空欄にしてください。"),
        Text("{value} is not an indicator number",
             "Write the number as in the plan (3, 1-1) or leave it blank")),
    "not_a_menu": (
        Text("{value} はこの事業のメニューではありません。",
             "市町村間調整会議、職員研修、就労・住居支援、専門的支援、相談支援 のいずれかを"
             "使ってください。"),
        Text("{value} is not one of the programme's menus",
             "Use 市町村間調整会議, 職員研修, 就労・住居支援, 専門的支援 or 相談支援")),
    "not_a_plan_status": (
        Text("{value} は計画の策定状況として読めません。", "策定済、策定中、未策定 のいずれかを書いて"
             "ください。"),
        Text("{value} is not a plan status", "Write 策定済, 策定中 or 未策定")),
    "not_a_plan_method": (
        Text("{value} は計画の策定方法として読めません。", "単独 か 他計画に包含 と書いてください。"),
        Text("{value} is not a way of adopting the plan", "Write 単独 or 他計画に包含")),
    "not_a_plan_form": (
        Text("{value} は計画の形式として読めません。",
             "計画、条例、実施方針 のいずれかを書いてください（空欄は計画とみなします）。"),
        Text("{value} is not a plan form", "Write 計画, 条例 or 実施方針 (blank means 計画)")),
    # ------------------------------------------------------------------ programme rows
    "indicator_name_empty": (
        Text("指標名が空です。", "指標名を書いてください。"),
        Text("the indicator's name is empty", "Write the indicator's name")),
    "indicator_prefecture_empty": (
        Text("都道府県が空です。", "都道府県を書いてください（全国の数値なら「全国」）。"),
        Text("the prefecture is empty",
             "Write the prefecture (or 全国 for the national figure)")),
    "period_empty": (
        Text("期間が空です。", "年か年度を書いてください。"),
        Text("the period is empty", "Write the year or fiscal year")),
    "unit_empty": (
        Text("単位が空です。", "単位（%、人、件 など）を書いてください。"),
        Text("the unit is empty", "Write the unit (%, 人, 件, ...)")),
    "value_empty": (
        Text("値が空です。", "値を書くか、X（秘匿）、-（該当なし）、…（不詳）のいずれかを書いて"
             "ください。"),
        Text("the value is empty",
             "Write the value, or X (suppressed), - (none) or … (not available)")),
    "rate_out_of_range": (
        Text("率 {value} が 0〜100 の範囲の外です。",
             "率は 0〜100 のパーセントで書いてください（0.234 や 234 ではなく 23.4）。"),
        Text("the rate {value} is outside 0-100",
             "Write rates in percent between 0 and 100 (23.4, not 0.234 or 234)")),
    "rate_numerator_only": (
        Text("率の分子だけが書かれています。", "分子と分母を両方書くか、どちらも空欄にしてください。"),
        Text("only the numerator of the rate is given",
             "Give both numerator and denominator, or neither")),
    "rate_denominator_only": (
        Text("率の分母だけが書かれています。", "分子と分母を両方書くか、どちらも空欄にしてください。"),
        Text("only the denominator of the rate is given",
             "Give both numerator and denominator, or neither")),
    "rate_not_a_rate": (
        Text("分子 {numerator} / 分母 {denominator} は率になりません。",
             "分母は 0 より大きく、分子は 0 以上にしてください。"),
        Text("numerator {numerator} / denominator {denominator} is not a rate",
             "The denominator must be above 0 and the numerator 0 or more")),
    "rate_numerator_larger": (
        Text("分子 {numerator} が分母 {denominator} より大きくなっています。",
             "分子と分母が逆でないか確かめてください（率 = 分子 / 分母 × 100）。"),
        Text("the numerator {numerator} is larger than the denominator {denominator}",
             "Check which is which: the rate is numerator / denominator x 100")),
    "rate_mismatch": (
        Text("率 {value} が 分子 / 分母 = {numerator} / {denominator} = {computed}% と合いません。",
             "率、分子、分母のどれかを直してください。"),
        Text("the rate {value} does not match numerator / denominator = {numerator} / "
             "{denominator} = {computed}%", "Correct the rate, the numerator or the denominator")),
    "as_of_empty": (
        Text("時点の日付が空です。", "状況がいつ時点のものかを日付で書いてください（例: 2024-04-01）。"),
        Text("the as-of date is empty", "Write the date the status refers to (e.g. 2024-04-01)")),
    "lg_code_empty": (
        Text("団体コードが空です。", "6桁の団体コードを書いてください。"),
        Text("the local-government code is empty", "Write the 6-digit 団体コード")),
    "lg_ward": (
        Text("{lg_code} は政令指定都市の区（{name}）です。区は計画を策定しません。",
             "区ではなく市を報告してください{parent}。"),
        Text("{lg_code} is {name}, a ward of a designated city; wards do not adopt plans",
             "Report the city instead{parent}")),
    "lg_northern_territories": (
        Text("{lg_code}（{name}）はコードはありますが、機能している地方公共団体がありません。",
             "この行を削除してください。"),
        Text("{lg_code} ({name}) has a code but no functioning government", "Remove this row")),
    "lg_name_mismatch": (
        Text("{lg_code} は{full_name}ですが、団体名は {name} となっています。",
             "コードか団体名を直してください。"),
        Text("{lg_code} is {full_name}, but the name says {name}", "Correct the code or the name")),
    "lg_prefecture_mismatch": (
        Text("{lg_code}（{full_name}）は{prefecture}にありますが、都道府県は {written} と"
             "なっています。", "コードか都道府県を直してください。"),
        Text("{lg_code} ({full_name}) is in {prefecture}, but the prefecture says {written}",
             "Correct the code or the prefecture")),
    "plan_status_empty": (
        Text("計画の策定状況が空です。", "策定済、策定中、未策定 のいずれかを書いてください。"),
        Text("the plan status is empty", "Write 策定済, 策定中 or 未策定")),
    "plan_method_empty": (
        Text("策定済ですが、策定方法が空です。", "単独 か 他計画に包含 と書いてください。"),
        Text("the plan is adopted but the way it was adopted is empty",
             "Write 単独 or 他計画に包含")),
    "plan_none_described": (
        Text("策定状況が未策定なのに、計画の内容が書かれています。",
             "策定状況を策定済（または策定中）にするか、計画の内容を消してください。"),
        Text("the status is 未策定 but a plan is described",
             "Set the status to 策定済 (or 策定中), or clear the plan's details")),
    "plan_period_reversed": (
        Text("計画期間の終わり（{end}）が始まり（{start}）より前です。",
             "期間の始まりか終わりを直してください。"),
        Text("the plan period ends ({end}) before it starts ({start})",
             "Correct the start or the end of the period")),
    "fiscal_year_empty": (
        Text("年度が空です。", "年度を書いてください。"),
        Text("the fiscal year is empty", "Write the fiscal year")),
    "prefecture_cell_empty": (
        Text("都道府県が空です。", "都道府県を書いてください。"),
        Text("the prefecture is empty", "Write the prefecture")),
    "participation_empty": (
        Text("事業実施が空です。", "その年度に事業を実施したなら ○、していなければ × と書いてください。"),
        Text("participation is empty",
             "Write ○ if the prefecture ran the programme that year, else ×")),
    "amount_negative": (
        Text("金額 {value} がマイナスです（{amount} 円）。事業費や国庫補助額はマイナスになり"
             "ません。",
             "符号を付けずに（-、△、▲ を書かずに）実際に使った金額を円で書いてください。返還・減額が"
             "あった場合は訂正後の合計を、使っていなければ 0 を書いてください。"),
        Text("the amount {value} is below zero ({amount} yen); a cost or a national share "
             "cannot be",
             "Write the amount spent in yen without a minus sign (-, △ or ▲); if the amount "
             "was corrected or refunded, write the corrected total, or 0 if nothing was spent")),
    "not_participating_but_filled": (
        Text("事業実施が × なのに、メニューか金額が書かれています。",
             "事業実施を ○ にするか、この行のメニューと金額を消してください。"),
        Text("participation is × but menus or amounts are filled in",
             "Set 事業実施 to ○, or clear the menus and amounts of this row")),
    "share_above_cap": (
        Text("国庫補助額 {share} 円が上限の {cap} 円を超えています。",
             "国の補助は 1,500,000 円までです。国庫補助額を直してください。"),
        Text("the national share {share} yen is above the cap of {cap} yen",
             "The state pays at most 1,500,000 yen: correct the national share")),
    "share_without_cost": (
        Text("事業費がないのに国庫補助額が書かれています。",
             "2分の1の決まりを確かめられるよう、事業費を書いてください。"),
        Text("the national share is given without the cost",
             "Write the project cost so the 1/2 rule can be checked")),
    "share_over_half": (
        Text("国庫補助額 {share} 円が事業費 {cost} 円の半分を超えています。",
             "国の補助は半分までです。補助額（{half} 円まで）か事業費を直してください。"),
        Text("the national share {share} yen is more than half the cost {cost} yen",
             "The state pays at most half: correct the share (at most {half} yen) or the cost")),
}

# The input formats as a Japanese reason names them (source kind -> name); English reasons use
# each kind's description in warehouse/ingest/route.py.
SOURCE_KINDS_JA: dict[str, str] = {
    "published_facts": "白書等の公表値（fact_id, topic, measure, … quote）",
    "crime_open_data": "警察の犯罪オープンデータ（罪名, 手口, 管轄警察署（発生地）, …）",
    "indicators": "都道府県別の再犯防止指標（計画, 指標番号, 指標名, 都道府県, 期間, 値, 単位）",
    "subsidy_records": "地域再犯防止推進事業の実績（年度, 都道府県, 事業実施, …, 国庫補助額）",
    "local_plans": "地方再犯防止推進計画の策定状況（基準日, 団体コード, 策定状況, 策定方法, …）",
    "estat": "e-Stat の getStatsData の応答（GET_STATS_DATA）",
    "estat_dashboard": "統計ダッシュボードの getData の応答（GET_STATS）",
}

LANGUAGES = ("ja", "en")


def render(code: str, params: dict, lang: str) -> Text:
    """The texts of reason ``code`` in ``lang``, filled with ``params`` (a Said among them in
    the same language). A missing parameter raises KeyError: no text has a hole in it."""
    template = REASONS[code][LANGUAGES.index(lang)]
    filled = {k: v.text(lang) if isinstance(v, Said) else v for k, v in params.items()}
    return Text(template.found.format(**filled), template.todo.format(**filled))


def reason_texts(code: str, params: dict) -> tuple[Text, Text]:
    """(Japanese, English) texts of reason ``code`` with ``params``."""
    return render(code, params, "ja"), render(code, params, "en")


def placeholders(text: str) -> set[str]:
    """The parameter names a template text needs (``first.found`` counts as ``first``)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text)
            if name}
