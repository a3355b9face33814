"""The NPA crime open-data format (犯罪オープンデータ): its columns, its seven modus and the
frame a crime file is read into.

One file = one prefecture, one year, one modus (手口); one row per recorded incident.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from warehouse.errors import Finding
from warehouse.reference import prefecture_names, prefecture_short_names

#: The seven modus of the standard format, with the romanised names the NPA files use.
MODI: dict[str, str] = {
    "ひったくり": "hittakuri",
    "車上ねらい": "syazyounerai",
    "部品ねらい": "buhinnerai",
    "自動販売機ねらい": "zidouhanbaikinerai",
    "自動車盗": "zidousyatou",
    "オートバイ盗": "ootobaitou",
    "自転車盗": "zitensyatou",
}


def match_key(text: str) -> str:
    """Matching key for a header or label: NFKC, no whitespace (values themselves stay intact)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@functools.cache
def pref_by_name() -> dict[str, str]:
    """Matching key of a prefecture's name or short name (東京都, 東京) -> its code."""
    found: dict[str, str] = {}
    for code, name in prefecture_names().items():
        found[match_key(name)] = code
        found[match_key(prefecture_short_names()[code])] = code  # 東京都 -> 東京, also accepted
    return found


MODUS_BY_KEY = {match_key(m): m for m in MODI}

#: Suffixes some forces leave out of their headers (管轄警察署 for 管轄警察署（発生地）).
HEADER_SUFFIXES = re.compile(r"\((?:発生地|始期)\)$")


def header_key(text: str) -> str:
    """Matching key for a header: :func:`match_key` (so half-width brackets and stray spaces
    do not matter) without the （発生地）/（始期） suffix that some forces leave out."""
    return HEADER_SUFFIXES.sub("", match_key(text.lstrip("\ufeff")))

# Header (as published) -> frame column. Matching uses header_key(), so half-width parentheses,
# half-width katakana, stray spaces and headers without the （発生地）/（始期） suffix are accepted.
REQUIRED_COLUMNS: dict[str, str] = {
    "罪名": "crime_type",
    "手口": "modus",
    "管轄警察署（発生地）": "police_station",
    "管轄交番・駐在所（発生地）": "koban",
    "市区町村コード（発生地）": "lg_code_raw",
    "都道府県（発生地）": "prefecture_name",
    "市区町村（発生地）": "municipality_name",
    "町丁目（発生地）": "town",
    "発生年月日（始期）": "occurred_on_raw",
    "発生時（始期）": "occurred_hour_raw",
}
OPTIONAL_COLUMNS: dict[str, str] = {
    "発生場所": "place_type",  # newer files
    "発生場所の属性": "place_type",  # older files
    "発生場所の詳細": "place_detail",
    "被害者の性別": "victim_sex",
    "被害者の年齢": "victim_age",
    "被害者の職業": "victim_occupation",
    "施錠関係": "locking",
    "現金被害の有無": "cash_damage",
    "盗難防止装置の有無": "anti_theft_device",
    "現金以外の主な被害品": "stolen_item",
}
#: Not part of the police format: a column ``データ区分`` saying ``サンプル`` on every row marks a
#: file of generated sample data (as in the programme templates); it is read, not loaded.
DATA_CLASS_COLUMN = "データ区分"
SAMPLE_MARK = "サンプル"
SAMPLE_WORDS = {match_key(w).lower() for w in (SAMPLE_MARK, "sample")}
REAL_WORDS = {match_key(w).lower() for w in ("実データ", "real")}
KNOWN_HEADERS = [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, DATA_CLASS_COLUMN]
HEADER_TO_FIELD = {header_key(k): v for k, v in {**REQUIRED_COLUMNS, **OPTIONAL_COLUMNS,
                                                DATA_CLASS_COLUMN: "data_class"}.items()}
HEADER_BY_KEY = {header_key(k): k for k in KNOWN_HEADERS}  # key -> the header as published
REQUIRED_KEYS = {header_key(k): k for k in REQUIRED_COLUMNS}

#: Columns and types of :attr:`CrimeFile.frame`, in order.
FRAME_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int64(),
    "crime_type": pl.String(),
    "modus": pl.String(),
    "police_station": pl.String(),
    "koban": pl.String(),
    "lg_code_raw": pl.String(),
    "lg_code": pl.String(),
    "lg_code_status": pl.String(),
    "prefecture_name": pl.String(),
    "municipality_name": pl.String(),
    "town": pl.String(),
    "occurred_on_raw": pl.String(),
    "occurred_on": pl.Date(),
    "occurred_hour_raw": pl.String(),
    "occurred_hour": pl.Int8(),
    "place_type": pl.String(),
    "place_detail": pl.String(),
    # 発生場所の属性 when a file also has 発生場所 (then the place type): both are kept.
    "place_attribute": pl.String(),
    "victim_sex": pl.String(),
    "victim_age": pl.String(),
    "victim_occupation": pl.String(),
    "locking": pl.String(),
    "cash_damage": pl.String(),
    "anti_theft_device": pl.String(),
    "stolen_item": pl.String(),
}

UNKNOWN = "不明"
# Columns computed from others in normalise (equal sources give equal values).
DERIVED = frozenset({"lg_code", "lg_code_status", "occurred_on", "occurred_hour"})
FULLWIDTH = [chr(0xFF10 + i) for i in range(10)] + ["／", "－", "ー", "：", "　"]
HALFWIDTH = [str(i) for i in range(10)] + ["/", "-", "-", ":", " "]
INDEX_HEADER = re.compile(r"^(?:|Unnamed:\s*\d+|unnamed_?\d*|__index_level_\d+__)$", re.I)
YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
# What is stripped from both ends of every value (besides '\n', which cannot be inside a line).
BLANKS = " \t\r\u3000"


@dataclass
class CrimeFile:
    """One crime open-data file, read whole."""

    frame: pl.DataFrame  # one row per incident, columns as FRAME_SCHEMA
    findings: list[Finding]
    encoding: str  # 'cp932' | 'utf-8-sig' | 'utf-8' | 'xlsx'
    delimiter: str | None  # ',' or '\t'; None for xlsx
    pref_code: str  # '01'..'47'
    modus: str  # one of MODI
    data_year: int
    row_count: int
    path: Path | None = None
    source_columns: list[str] = field(default_factory=list)  # header cells as found
    is_sample: bool = False  # データ区分 = サンプル: generated sample data, not police data

    @property
    def pref_name(self) -> str:
        return prefecture_names()[self.pref_code]


def is_crime_file(header_cells: list[str] | tuple[str, ...]) -> bool:
    """True when a header row looks like the NPA crime open-data format.

    It needs 手口 and at least 6 of the 10 common columns (so that a crime file missing one
    column is still routed here and rejected with a precise reason).
    """
    keys = {header_key(str(c)) for c in header_cells if c is not None}
    return header_key("手口") in keys and len(keys & set(REQUIRED_KEYS)) >= 6
