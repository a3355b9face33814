"""The tables of a prefecture extract, declared: which mart each is read from, its sheet and
title, and every column's Japanese header, type, definition and labels (the text of README.txt
and of the 列の定義 sheet). The figures themselves are made in SQL, in the ``mart.extract_*``
models (``sql/mart/extract_*.sql``), one row set for all prefectures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

from warehouse.export.suppression import SUPPRESSED_MARK
from warehouse.reference import subsidy_menus

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
    """One table of the extract: the mart it is read from and how its columns read."""

    key: str  # file name part and manifest key
    sheet: str  # XLSX sheet name (Japanese)
    title: str
    description: str
    # The mart holding the table for every prefecture: exactly the columns, pref_code among
    # them, and row_order, the row's place in its prefecture's file (sql/mart/<model>.sql).
    model: str
    requires: tuple[str, ...]  # the model and the marts it reads
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


# The subsidy menus in Japanese, for the 実施メニュー column (the reference data's menu table).
MENU_LABELS = {menu.menu: menu.name_ja for menu in subsidy_menus()}

TABLES: tuple[Table, ...] = (
    Table(
        key="indicators",
        sheet="指標",
        title="成果指標（全国との比較）",
        description="再犯防止推進計画の成果指標の、この都道府県の値を期間ごとに、同じ指標・同じ期間の"
        "全国値と並べたもの。指標番号は計画（版）ごとに異なるため、計画と指標番号を組で読む。",
        model="extract_indicators",
        requires=("extract_indicators", "indicator_value", "prefecture"),
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
        model="extract_subsidy",
        requires=("extract_subsidy", "subsidy_uptake",
                  "subsidy_participation_by_fiscal_year", "prefecture"),
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
        model="extract_plan_status",
        requires=("extract_plan_status", "plan_status", "prefecture"),
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
        model="extract_crime_station_month",
        requires=("extract_crime_station_month", "crime_by_station_month", "prefecture"),
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
        model="extract_crime_municipality",
        requires=("extract_crime_municipality", "crime_by_municipality", "prefecture",
                  "municipality_population"),
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
            Column("population", "人口", "count",
                   "発生地の市区町村（指定都市は区）の国勢調査人口（e-Stat から取り込んだ場合）。"
                   "出典と調査年は「人口の出典」列。分からない市区町村は空欄。"),
            Column("population_source", "人口の出典", "text",
                   "人口の出典と調査年（例：国勢調査 2020年（e-Stat 0003445078））。"),
            Column("incidents_per_100k", "人口10万人当たり件数", "number",
                   "件数 ÷ 人口 × 100,000（小数第1位まで）。人口が分からない市区町村は空欄。"),
        ),
        source="crime_open_data",
        as_of=_crime_period,
        counts=("incidents",),
        dependents=("incidents_per_100k",),
    ),
)
TABLES_BY_KEY: dict[str, Table] = {table.key: table for table in TABLES}


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
