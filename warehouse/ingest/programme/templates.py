"""Input templates for the sources no public dataset provides, from one column spec per kind.

Prefecture indicators, subsidy records (地域再犯防止推進事業) and local-plan status
(地方再犯防止推進計画) are handed to local governments, not published. Each kind has one
:class:`TemplateSpec` here: its columns with Japanese and English headers, type, whether
required and what to write. The loaders (:mod:`warehouse.ingest.programme`) read files by the
same spec, and the templates users download (CSV in UTF-8 with BOM, XLSX with a notes sheet) are
generated from it, so what the template says and what the loader accepts cannot drift apart.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from warehouse.ingest.values import nfkc
from warehouse.reference import subsidy_menus

TYPES_JA = {
    "text": "文字列", "integer": "整数", "number": "数値", "yen": "金額（円）", "date": "日付",
    "fiscal_year": "年度", "period": "期間（年・年度）", "prefecture": "都道府県",
    "lg_code": "団体コード", "flag": "○/×", "choice": "選択肢", "edition": "計画の次",
    "value": "数値または記号", "date_or_fiscal_year": "日付または年度", "list": "一覧",
}
TYPES_EN = {
    "text": "text", "integer": "whole number", "number": "number", "yen": "yen amount",
    "date": "date", "fiscal_year": "fiscal year", "period": "year or fiscal year",
    "prefecture": "prefecture", "lg_code": "local-government code", "flag": "yes/no",
    "choice": "one of the choices", "edition": "plan edition", "value": "number or symbol",
    "date_or_fiscal_year": "date or fiscal year", "list": "list",
}

DATA_CLASS_REAL = "実データ"
DATA_CLASS_SAMPLE = "サンプル"


@dataclass(frozen=True)
class Column:
    """One column of an input template."""

    key: str  # English header, also the name the loader gives the value
    ja: str  # Japanese header as printed in the template
    type: str  # a key of TYPES_JA
    required: bool
    description_ja: str
    description_en: str
    example: str = ""
    aliases: tuple[str, ...] = ()  # other headers people write for it (matched after canon())
    choices: tuple[str, ...] = ()  # offered as a drop-down in the XLSX template
    in_template: bool = True  # False: accepted when present, not offered in the template


@dataclass(frozen=True)
class TemplateSpec:
    """An input kind: its columns, the columns that recognise it, and notes for people."""

    kind: str
    title_ja: str
    title_en: str
    columns: tuple[Column, ...]
    identifying: tuple[str, ...]  # keys whose headers must all be present to recognise a file
    notes_ja: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()
    file_stem: str = ""
    extra: dict = field(default_factory=dict)

    def column(self, key: str) -> Column:
        """The column with this key."""
        return next(c for c in self.columns if c.key == key)

    @property
    def template_columns(self) -> tuple[Column, ...]:
        """The columns offered in the downloadable template."""
        return tuple(c for c in self.columns if c.in_template)


def canon(header: object) -> str:
    """A header as compared: NFKC, lower case, without spaces, punctuation, a trailing unit in
    brackets (事業費（円） -> 事業費) or marks such as ※ and *."""
    text = nfkc(header).lower()
    text = re.sub(r"[(\[【](?:単位[:：]?)?(?:円|千円|万円|人|件|%|yen)[)\]】]$", "", text)
    return re.sub(r"[\s_\-・/()\[\]【】「」※*:：.、,]", "", text)


# The menus' Japanese headers are their names in data/reference/subsidy_menu.csv.
_MENU_JA = {menu.menu: menu.name_ja for menu in subsidy_menus()}

DATA_CLASS = Column(
    "data_class", "データ区分", "choice", False,
    "実データ または サンプル。空欄は実データ。1つのファイルに両方を混ぜないでください。"
    "サンプルと書いたファイルは画面と抽出データに「サンプル」と表示されます。",
    "実データ (real) or サンプル (sample); blank means real. Do not mix both in one file. Files "
    "marked サンプル are shown with a 'sample data' mark everywhere.",
    DATA_CLASS_REAL, ("区分", "サンプル区分", "sample", "is_sample", "標本", "dataclass"),
    (DATA_CLASS_REAL, DATA_CLASS_SAMPLE),
)
NOTES = Column("notes", "備考", "text", False, "自由記述。", "Free text.", "",
               ("注記", "メモ", "note", "remarks", "comment"))

INDICATORS = TemplateSpec(
    kind="indicators",
    title_ja="都道府県別 再犯防止指標",
    title_en="Prefecture indicators of the Recidivism Prevention Plan",
    file_stem="saihan_template_indicators",
    columns=(
        Column("plan_edition", "計画", "edition", True,
               "指標を定めた再犯防止推進計画。第二次 または 2 のように書きます。"
               "指標番号は計画ごとに"
               "異なるため、番号と組で読みます。",
               "The Recidivism Prevention Plan that defines the indicator: 第二次 or 2. Indicator "
               "numbers differ between editions, so they are read together.",
               "第二次", ("計画版", "計画の次", "計画次", "版", "edition", "planedition", "plan")),
        Column("indicator_number", "指標番号", "text", False,
               "計画での指標番号（例: 3、1-1）。分からなければ空欄。",
               "The indicator's number in the plan (e.g. 3, 1-1); blank when not known.",
               "3", ("番号", "指標no", "no", "number", "indicatorno")),
        Column("indicator_name", "指標名", "text", True,
               "指標の名称（提供資料のとおり）。", "The indicator's name as written in the source.",
               "出所受刑者の2年以内再入率", ("指標", "項目", "項目名", "indicator", "name",
                                             "indicatorname")),
        Column("prefecture", "都道府県", "prefecture", True,
               "都道府県名（東京都）またはコード（13）。全国値は 全国 または 00。",
               "Prefecture name (東京都) or code (13); 全国 or 00 for the national figure.",
               "東京都", ("都道府県名", "都道府県コード", "県名", "pref", "prefname", "prefcode",
                          "area", "地域")),
        Column("period", "期間", "period", True,
               "暦年は 2022、2022年、令和4年。年度は 2022年度、令和4年度、FY2022。"
               "「2022年出所者」のように後ろに語を付けてもかまいません。",
               "Calendar year: 2022, 2022年, 令和4年. Fiscal year: 2022年度, 令和4年度, FY2022. "
               "Words after 年 (2022年出所者) are allowed.",
               "2022年出所者", ("年", "年次", "年度", "時点", "対象年", "year", "period")),
        Column("value", "値", "value", True,
               "数値。率はパーセント（0～100）で。秘匿は X、該当なしは -、不詳は … と書けます。",
               "The number; rates in percent (0-100). X (suppressed), - (none) or … (not "
               "available) are kept as rows without a value.",
               "13.0", ("数値", "実績値", "実績", "value", "val")),
        Column("unit", "単位", "text", True,
               "% 、人、件 など。単位が % の行は率として 0～100 と分子・分母を確かめます。",
               "%, 人, 件, ... Rows in % are checked as rates (0-100, numerator/denominator).",
               "%", ("unit", "units")),
        Column("numerator", "分子", "number", False,
               "率の分子（例: 2年以内再入者数）。分母と組で書きます。",
               "The rate's numerator (e.g. persons re-admitted within 2 years); give it with "
               "the denominator.", "2218", ("numerator",)),
        Column("denominator", "分母", "number", False,
               "率の分母（例: 出所受刑者数）。", "The rate's denominator (e.g. persons released).",
               "", ("denominator",)),
        Column("source", "出典", "text", False,
               "資料名（例: 法務省提供 都道府県別データ）。空欄ならファイル名。",
               "Where the figure comes from; the file name when blank.",
               "法務省提供 都道府県別データ", ("資料", "出所", "source")),
        NOTES,
        DATA_CLASS,
    ),
    identifying=("indicator_name", "prefecture", "period", "value"),
    notes_ja=(
        "1行に1つの値（指標×都道府県×期間）を書きます。見出しは1行目に置きます（上に表題行があっても読めます）。",
        "同じ計画・指標番号（番号がなければ指標名）・単位・都道府県・期間の行が2つあり値が違うと、ファイル全体を受け付けません。",
        "後から届いたファイルの値が優先されます（実データはサンプルより優先）。違いは取込結果に記録されます。",
        "全角数字・全角英字も読めます。"
        "CSV は UTF-8（BOM 付き可）または Shift_JIS（CP932）で保存してください。",
    ),
    notes_en=(
        "One value per row (indicator x prefecture x period). The header is the first row (a "
        "title row above it is tolerated).",
        "Two rows with the same plan, number (or name), unit, prefecture and period but different "
        "values reject the whole file.",
        "A later delivery wins (real data over sample data); the differences are reported.",
        "Full-width digits are read. Save CSV as UTF-8 (BOM optional) or Shift_JIS (CP932).",
    ),
)

SUBSIDY = TemplateSpec(
    kind="subsidy",
    title_ja="地域再犯防止推進事業 実施状況",
    title_en="Regional recidivism-prevention subsidy programme (地域再犯防止推進事業) records",
    file_stem="saihan_template_subsidy",
    columns=(
        Column("fiscal_year", "年度", "fiscal_year", True,
               "2024、2024年度、令和6年度、R6 のいずれか。", "2024, 2024年度, 令和6年度 or R6.",
               "令和6年度", ("事業年度", "実施年度", "fy", "fiscalyear", "year")),
        Column("prefecture", "都道府県", "prefecture", True,
               "都道府県名またはコード。", "Prefecture name or code.", "北海道",
               ("都道府県名", "都道府県コード", "実施団体", "団体名", "pref", "prefname",
                "prefcode")),
        Column("participating", "事業実施", "flag", True,
               "その年度に事業を実施したか（○/×、有/無、はい/いいえ）。",
               "Whether the prefecture ran the programme that year (○/×).",
               "○", ("実施", "実施有無", "実施の有無", "参加", "participating", "participation"),
               ("○", "×")),
        Column("coordination_meetings", _MENU_JA["coordination_meetings"], "flag", False,
               "【必須事務】基礎自治体間で施策の調整や情報共有を行う会議の開催（○/×）。",
               "[Required] Meetings among municipalities to coordinate and share information.",
               "○", ("調整会議", "会議開催", "会議", "coordinationmeetings", "meetings"),
               ("○", "×")),
        Column("staff_training", _MENU_JA["staff_training"], "flag", False,
               "【必須事務】基礎自治体職員等の理解促進のための研修会の開催（○/×）。",
               "[Required] Training for municipal staff.", "○",
               ("研修", "研修会", "研修会開催", "stafftraining", "training"), ("○", "×")),
        Column("employment_housing_support", _MENU_JA["employment_housing_support"], "flag", False,
               "直接支援メニュー（○/×）。直接支援は3つのうち1つ以上を実施します。",
               "Direct-support menu (○/×); at least one of the three is run.", "○",
               ("就労住居支援", "就労支援", "employmenthousingsupport", "employmenthousing"),
               ("○", "×")),
        Column("specialised_support", _MENU_JA["specialised_support"], "flag", False,
               "直接支援メニュー（○/×）。", "Direct-support menu (○/×).", "×",
               ("specialisedsupport", "specializedsupport", "specialised", "specialized"),
               ("○", "×")),
        Column("consultation_support", _MENU_JA["consultation_support"], "flag", False,
               "直接支援メニュー（○/×）。", "Direct-support menu (○/×).", "×",
               ("consultationsupport", "consultation"), ("○", "×")),
        Column("menus", "実施メニュー", "list", False,
               "メニューを1つの欄に「就労・住居支援、相談支援」のように並べても読めます。",
               "Alternatively, the menus listed in one cell.", "",
               ("メニュー", "実施内容", "menus", "menu"), in_template=False),
        Column("project_cost_yen", "事業費（円）", "yen", False,
               "事業の総額（円）。実施した年度は必須。1,500,000 や 150万 と書けます。",
               "Total project cost in yen; required when participating. 1,500,000 or 150万.",
               "3,000,000", ("事業費", "総事業費", "事業費総額", "経費", "projectcost",
                             "projectcostyen", "cost")),
        Column("national_share_yen", "国庫補助額（円）", "yen", False,
               "国（法務省）の補助額（円）。事業費の1/2以下、かつ150万円以下。",
               "The state's (Ministry of Justice) share in yen: at most half the cost and at most "
               "1,500,000 yen.", "1,500,000",
               ("国庫補助額", "補助額", "補助金額", "国庫補助", "国費", "国庫補助金",
                "nationalshare", "nationalshareyen", "subsidy")),
        NOTES,
        DATA_CLASS,
    ),
    identifying=("fiscal_year", "prefecture", "participating"),
    notes_ja=(
        "1行に1つの都道府県×年度を書きます。実施しなかった年度も × として書けます。",
        "国の補助は経費の1/2、最大150万円です。これを超える国庫補助額の行があるとファイル全体を受け付けません。",
        "実施した年度は【必須事務】の会議と研修、直接支援メニュー1つ以上が要件です（欠けていれば取込結果に記録）。",
        "同じ都道府県・年度の行が2つあり内容が違うと受け付けません。後から届いたファイルが優先されます。",
    ),
    notes_en=(
        "One row per prefecture and fiscal year; a year without the programme may be given as ×.",
        "The state pays half the cost, at most 1,500,000 yen; a larger national share rejects "
        "the file.",
        "A participating year needs the required meetings and training and at least one "
        "direct-support menu (a gap is reported, not rejected).",
        "Two different rows for the same prefecture and year reject the file; a later delivery "
        "wins.",
    ),
)

LOCAL_PLANS = TemplateSpec(
    kind="local_plans",
    title_ja="地方再犯防止推進計画 策定状況",
    title_en="Local recidivism-prevention plans (地方再犯防止推進計画)",
    file_stem="saihan_template_local_plans",
    columns=(
        Column("as_of", "基準日", "date", True,
               "いつ時点の状況か。2024-04-01、令和6年4月1日、R6.4.1 などで。",
               "The date the status refers to: 2024-04-01, 令和6年4月1日, R6.4.1, ...",
               "令和6年4月1日", ("時点", "調査基準日", "現在", "asof", "asofdate")),
        Column("lg_code", "団体コード", "lg_code", True,
               "全国地方公共団体コード（6桁、検査数字付き）。5桁や先頭の0が落ちた形も読めます。"
               "都道府県・指定都市・市町村・特別区（行政区は不可）。",
               "全国地方公共団体コード, 6 digits with check digit (5 digits and a lost leading "
               "zero are read). Prefectures, designated cities, municipalities, special wards "
               "(not the wards of designated cities).",
               "011002", ("地方公共団体コード", "全国地方公共団体コード", "市区町村コード",
                          "自治体コード", "団体code", "lgcode", "code", "localgovernmentcode")),
        Column("name", "団体名", "text", False,
               "団体名（コードの確認に使います）。", "Name (checked against the code).", "札幌市",
               ("地方公共団体名", "市区町村名", "自治体名", "市町村名", "name", "lgname")),
        Column("prefecture", "都道府県", "prefecture", False,
               "都道府県名またはコード（コードの確認に使います）。",
               "Prefecture name or code (checked against the code).", "北海道",
               ("都道府県名", "pref", "prefname")),
        Column("status", "策定状況", "choice", True,
               "策定済 / 策定中 / 未策定。"
               "条例や実施方針で代えた団体は 策定済 と書き、形式 欄に書きます。",
               "策定済 (adopted), 策定中 (in preparation) or 未策定 (none). An ordinance or "
               "implementation policy in place of a plan counts as adopted (see 形式).",
               "策定済", ("策定", "策定有無", "計画策定", "状況", "status", "hasplan"),
               ("策定済", "策定中", "未策定")),
        Column("method", "策定方法", "choice", False,
               "単独 / 他計画に包含。策定済なら必須。", "単独 (standalone) or 他計画に包含 "
               "(included in another plan); required when adopted.", "他計画に包含",
               ("方法", "策定形態", "単独包含", "method"), ("単独", "他計画に包含")),
        Column("included_in", "包含先の計画", "text", False,
               "包含した計画（地域福祉計画、防犯に関する計画、人権に関する計画など）。",
               "The plan it is included in (地域福祉計画, crime-prevention or human-rights "
               "plan, ...).", "地域福祉計画", ("包含先", "包含計画", "関連計画", "includedin")),
        Column("plan_form", "形式", "choice", False,
               "計画 / 条例 / 実施方針。空欄は 計画。", "計画 (plan), 条例 (ordinance) or 実施方針 "
               "(policy); blank means plan.", "計画", ("策定形式", "種別", "form", "planform"),
               ("計画", "条例", "実施方針")),
        Column("plan_name", "計画名", "text", False, "計画の名称。", "The plan's name.",
               "第4期札幌市地域福祉社会計画", ("計画の名称", "名称", "planname")),
        Column("adopted_on", "策定日", "date", False, "策定（改定）日。",
               "Date adopted (or revised).", "2024-03-29",
               ("策定年月日", "策定時期", "adopted", "adoptedon", "adoptiondate")),
        Column("period_start", "計画期間（開始）", "date_or_fiscal_year", False,
               "開始日または開始年度（令和6年度 は 2024-04-01 と読みます）。",
               "Start date or first fiscal year (令和6年度 reads as 2024-04-01).", "令和6年度",
               ("計画期間開始", "開始", "期間開始", "開始年度", "periodstart")),
        Column("period_end", "計画期間（終了）", "date_or_fiscal_year", False,
               "終了日または最終年度（令和11年度 は 2030-03-31 と読みます）。",
               "End date or last fiscal year (令和11年度 reads as 2030-03-31).", "令和11年度",
               ("計画期間終了", "終了", "期間終了", "終了年度", "periodend")),
        Column("plan_period", "計画期間", "text", False,
               "開始と終了を1つの欄に「令和6年度～令和11年度」のように書いても読めます。",
               "Alternatively, start and end in one cell: 令和6年度～令和11年度.", "",
               ("期間", "planperiod"), in_template=False),
        NOTES,
        DATA_CLASS,
    ),
    identifying=("lg_code", "status"),
    notes_ja=(
        "1行に1団体を書きます。都道府県・指定都市・その他の市区町村を同じファイルに書けます。",
        "存在しない団体コード、指定都市の行政区、コードと団体名・都道府県の食い違いがあるとファイル全体を受け付けません。",
        "同じ団体・基準日の行が2つあり内容が違うと受け付けません。後から届いたファイルが優先されます（実データはサンプルより優先）。",
        "白書の策定数には条例や実施方針で代えた団体も含まれます（資7-79-3 注2）。",
    ),
    notes_en=(
        "One row per local government; prefectures, designated cities and other municipalities "
        "may share a file.",
        "An unknown code, a ward of a designated city, or a code that disagrees with its name "
        "or prefecture rejects the whole file.",
        "Two different rows for the same government and date reject the file; a later delivery "
        "wins (real data over sample data).",
        "The white paper counts ordinances and implementation policies as plans (資7-79-3 "
        "note 2).",
    ),
)

TEMPLATES: dict[str, TemplateSpec] = {
    spec.kind: spec for spec in (INDICATORS, SUBSIDY, LOCAL_PLANS)
}


def get_spec(kind: str) -> TemplateSpec:
    """The spec of a kind ('indicators', 'subsidy', 'local_plans'; '-' accepted for '_')."""
    key = kind.strip().lower().replace("-", "_")
    if key not in TEMPLATES:
        raise KeyError(f"unknown template kind {kind!r}; choose one of {', '.join(TEMPLATES)}")
    return TEMPLATES[key]


def header_index(spec: TemplateSpec) -> dict[str, str]:
    """canon(header) -> column key, for every header and alias of the spec."""
    index: dict[str, str] = {}
    for column in spec.columns:
        for header in (column.ja, column.key, *column.aliases):
            index.setdefault(canon(header), column.key)
    return index


def match_header(spec: TemplateSpec, header: list[str]) -> dict[int, str]:
    """Position -> column key for the header cells this spec knows (first match wins)."""
    index = header_index(spec)
    found: dict[int, str] = {}
    for position, cell in enumerate(header):
        key = index.get(canon(cell))
        if key is not None and key not in found.values():
            found[position] = key
    return found


def recognises(spec: TemplateSpec, header: list[str]) -> bool:
    """Whether a header row carries every identifying column of the spec."""
    return set(spec.identifying) <= set(match_header(spec, header).values())


# ----------------------------------------------------------------------------- writing templates


def csv_bytes(spec: TemplateSpec) -> bytes:
    """The CSV template: the Japanese header row, UTF-8 with BOM (Excel opens it), CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.ja for c in spec.template_columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(spec: TemplateSpec) -> bytes:
    """The XLSX template: a data sheet (Japanese header, drop-downs, required columns marked)
    and a notes sheet (記入要領) describing every column in Japanese and English."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # A fixed creation time keeps the bytes identical from run to run.
    workbook.set_properties({"title": spec.title_ja, "subject": spec.title_en,
                             "author": "saihan", "created": datetime(2024, 4, 1)})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    title = workbook.add_format({"bold": True, "font_size": 13})

    data = workbook.add_worksheet("データ")
    columns = spec.template_columns
    for position, column in enumerate(columns):
        data.write(0, position, column.ja, required if column.required else bold)
        data.set_column(position, position, max(10, min(28, len(column.ja) * 2 + 4)))
        data.write_comment(0, position, f"{column.description_ja}\n{column.description_en}",
                           {"x_scale": 2.5, "y_scale": 2})
        if column.choices:
            data.data_validation(1, position, 5000, position, {
                "validate": "list", "source": list(column.choices),
                "error_type": "warning",
            })
    data.freeze_panes(1, 0)

    notes = workbook.add_worksheet("記入要領")
    notes.write(0, 0, f"{spec.title_ja} / {spec.title_en}", title)
    row = 2
    for ja, en in zip(spec.notes_ja, spec.notes_en, strict=True):
        notes.write(row, 0, "・" + ja)
        notes.write(row + 1, 0, "  " + en)
        row += 2
    row += 1
    headings = ["列名", "English header", "型 / type", "必須 / required", "説明",
                "description", "記入例 / example", "選択肢 / choices"]
    for position, heading in enumerate(headings):
        notes.write(row, position, heading, bold)
    for column in spec.columns:
        row += 1
        values = [
            column.ja, column.key, f"{TYPES_JA[column.type]} / {TYPES_EN[column.type]}",
            "必須 / yes" if column.required else "任意 / no",
            column.description_ja
            + ("" if column.in_template else "（テンプレートにはない別形式）"),
            column.description_en + ("" if column.in_template else " (alternative form, not in "
                                     "the template)"),
            column.example, " / ".join(column.choices),
        ]
        for position, value in enumerate(values):
            notes.write(row, position, value, wrap)
    for position, width in enumerate((22, 26, 22, 14, 60, 60, 24, 24)):
        notes.set_column(position, position, width)
    workbook.close()
    return buffer.getvalue()


def template_bytes(kind: str, fmt: str = "xlsx") -> tuple[str, bytes]:
    """(file name, bytes) of a template, for `saihan template` and dashboard downloads."""
    spec = get_spec(kind)
    if fmt == "csv":
        return f"{spec.file_stem}.csv", csv_bytes(spec)
    if fmt == "xlsx":
        return f"{spec.file_stem}.xlsx", xlsx_bytes(spec)
    raise ValueError(f"unknown format {fmt!r}; choose csv or xlsx")


def write_template(kind: str, fmt: str, out_dir: Path) -> Path:
    """Write a template into a folder; return its path."""
    name, content = template_bytes(kind, fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    path.write_bytes(content)
    return path
