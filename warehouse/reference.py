"""The one owner of the product's vocabulary: prefectures, local governments, the JIS check
digit, name matching, the subsidy programme's menus and the special statistical values.

Prefectures, local governments and menus are the bundled lists in ``data/reference``
(``prefecture.csv``, ``local_government.csv``, ``subsidy_menu.csv``), found through
:mod:`warehouse.resources`; the same files are loaded into DuckDB as ``ref.*`` by
:func:`warehouse.db.load_reference`, so Python and SQL read one list. The lists are read once
per process.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse import resources

NATIONAL = "00"  # pref_code used for national (全国) figures
ALL_PREFECTURES = frozenset(f"{n:02d}" for n in range(1, 48))


def _read(name: str) -> list[dict[str, str]]:
    path: Path = resources.reference_dir() / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ----------------------------------------------------------------------------- prefectures


@functools.cache
def prefecture_names() -> dict[str, str]:
    """Prefecture code ('01'..'47') -> official name (北海道, 東京都, ...), in code order."""
    return {row["pref_code"]: row["name_ja"] for row in _read("prefecture")}


def short_name(name_ja: str) -> str:
    """A prefecture's name without 都/府/県 (東京都 -> 東京); 北海道 stays 北海道."""
    return name_ja if name_ja == "北海道" else re.sub("[都府県]$", "", name_ja)


@functools.cache
def prefecture_short_names() -> dict[str, str]:
    """Prefecture code -> short name (東京, 大阪, 北海道)."""
    return {code: short_name(name) for code, name in prefecture_names().items()}


@functools.cache
def prefecture_english_names() -> dict[str, str]:
    """Prefecture code -> English name (Hokkaido, Tokyo, ...)."""
    return {row["pref_code"]: row["name_en"] for row in _read("prefecture")}


@functools.cache
def prefecture_lookup() -> dict[str, str]:
    """Every way of writing a prefecture (code, name, short name, English in lower case, the
    prefecture's local-government code) -> its code."""
    lookup: dict[str, str] = {}
    for row in _read("prefecture"):
        code = row["pref_code"]
        name = row["name_ja"]
        for key in (code, str(int(code)), f"{code}000", name, short_name(name),
                    row["name_en"].lower(), row.get("lg_code") or ""):
            if key:
                lookup[key] = code
    return lookup


# ----------------------------------------------------------------------------- local governments

#: Weights of the JIS X 0402 check digit over a code's first five digits.
CHECK_DIGIT_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit_of(digits: Sequence[Any]) -> Any:
    """JIS X 0402 check digit of a code's first five digits d1..d5:
    s = 6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5, check = (11 − s mod 11) mod 10. The digits are ints,
    or polars expressions (the same arithmetic then builds the expression of the check)."""
    total = sum(w * d for w, d in zip(CHECK_DIGIT_WEIGHTS, digits, strict=True))
    return (11 - total % 11) % 10


def check_digit(first5: str) -> int:
    """JIS X 0402 check digit of a local-government code's first five digits ('13101' -> 6)."""
    return check_digit_of([int(d) for d in first5])


@dataclass(frozen=True)
class LocalGovernment:
    """One entry of the bundled local-government list."""

    lg_code: str
    pref_code: str
    name_ja: str
    full_name_ja: str
    kind: str
    is_northern_territories: bool
    parent_lg_code: str = ""  # a ward's designated city


@functools.cache
def local_governments() -> dict[str, LocalGovernment]:
    """The bundled local-government list by 6-digit code."""
    return {
        row["lg_code"]: LocalGovernment(
            row["lg_code"], row["pref_code"], row["name_ja"], row["full_name_ja"], row["kind"],
            row["northern_territories"] == "true", row["parent_lg_code"],
        )
        for row in _read("local_government")
    }


def name_matches(written: str, government: LocalGovernment) -> bool:
    """Whether a name as written (already NFKC-normalised) names the government: its name or
    full name, also with its prefecture in front (北海道札幌市 for 札幌市); spaces are ignored."""
    name = re.sub(r"\s+", "", written)
    prefecture = prefecture_names().get(government.pref_code, "")
    return any(name in (own, prefecture + own)
               for own in (government.full_name_ja, government.name_ja))


# ----------------------------------------------------------------------------- subsidy menus


@dataclass(frozen=True)
class SubsidyMenu:
    """A menu of the regional subsidy programme (地域再犯防止推進事業)."""

    menu: str  # key, also the column name in raw.subsidy_record
    name_ja: str
    name_en: str
    kind: str  # required | direct_support
    sort_order: int


@functools.cache
def subsidy_menus() -> tuple[SubsidyMenu, ...]:
    """The programme's menus in their order (``data/reference/subsidy_menu.csv``)."""
    menus = [SubsidyMenu(row["menu"], row["name_ja"], row["name_en"], row["kind"],
                         int(row["sort_order"])) for row in _read("subsidy_menu")]
    return tuple(sorted(menus, key=lambda m: m.sort_order))


def menu_keys(kind: str | None = None) -> tuple[str, ...]:
    """The menus' keys in order; only the ``required`` or ``direct_support`` ones when asked."""
    return tuple(m.menu for m in subsidy_menus() if kind is None or m.kind == kind)


# ----------------------------------------------------------------------------- special values


@dataclass(frozen=True)
class SpecialValue:
    """A symbol written in place of a number in Japanese statistics, and where it is read."""

    symbol: str
    meaning: str
    in_estat: bool  # read so in an e-Stat response (unless its DATA_INF.NOTE says otherwise)
    in_templates: bool  # read so in a value cell of a programme template (indicators)


_SUPPRESSED, _NONE, _NA = "秘匿 (suppressed)", "該当数値なし (no value)", "不詳 (not available)"
SPECIAL_VALUES: tuple[SpecialValue, ...] = (
    SpecialValue("X", _SUPPRESSED, True, True),
    SpecialValue("x", _SUPPRESSED, True, True),
    SpecialValue("-", _NONE, True, True),
    SpecialValue("…", _NA, True, True),
    SpecialValue("...", _NA, True, True),
    SpecialValue("***", _NONE, True, True),
    SpecialValue("*", _NONE, True, True),
    SpecialValue("", "値なし (empty)", True, False),
    SpecialValue("―", _NONE, False, True),
    SpecialValue("ー", _NONE, False, True),
    SpecialValue("0.0X", _SUPPRESSED, False, True),
)
ESTAT_SPECIAL_MEANINGS: dict[str, str] = {v.symbol: v.meaning for v in SPECIAL_VALUES if v.in_estat}
TEMPLATE_SPECIAL_MEANINGS: dict[str, str] = {
    v.symbol: v.meaning for v in SPECIAL_VALUES if v.in_templates
}
