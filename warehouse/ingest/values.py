"""Reading the values people type into Japanese spreadsheets: dates, years, codes, flags, money.

Everything here is a pure function from the text of one cell to a value, or a
:class:`ValueProblem` saying what is wrong with it and what to write instead. Input is first
NFKC-normalised, so full-width digits and letters (２０２４, ＦＹ, ％) and mixed 全角/半角 read
the same as their half-width forms. What the values mean (prefectures, local governments,
special symbols) comes from :mod:`warehouse.reference`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from warehouse.reasons import Said
from warehouse.reference import (
    NATIONAL,
    TEMPLATE_SPECIAL_MEANINGS,
    check_digit,
    local_governments,
    name_matches,
    prefecture_lookup,
)


class ValueProblem(ValueError):
    """A cell that cannot be read: a reason code of :mod:`warehouse.reasons` with its
    parameters (``said``); ``what``/``todo`` are its English texts."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.said = Said(code, params)  # put into words only when shown (readers catch many)

    @property
    def what(self) -> str:
        return self.said.text("en").found

    @property
    def todo(self) -> str:
        return self.said.text("en").todo

    def __str__(self) -> str:
        return self.what


def nfkc(text: object) -> str:
    """A cell's text, NFKC-normalised (全角 -> 半角 for digits/letters), trimmed, no BOM."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "")
    # Minus-like characters NFKC leaves alone.
    value = value.replace("\u2212", "-").replace("\u2010", "-").replace("\u2015", "-")
    return value.strip()


def is_blank(text: object) -> bool:
    """Whether a cell is empty (or only whitespace)."""
    return nfkc(text) == ""


# ----------------------------------------------------------------------------- dates and eras


@dataclass(frozen=True)
class Era:
    """A Japanese era (元号): its names and the first and last day."""

    name: str
    letter: str
    first: date
    last: date


ERAS: tuple[Era, ...] = (
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", date(2019, 5, 1), date(9999, 12, 31)),
)
_ERA_BY_KEY = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}
_ERA = r"(?P<era>大正|昭和|平成|令和|[TSHR])\s*(?P<eyear>元|\d{1,2})"
_SEP_YEAR = r"\s*(?:年|[./\-])\s*"
_SEP_MONTH = r"\s*(?:月|[./\-])\s*"
_ERA_DATE = re.compile(
    rf"^{_ERA}{_SEP_YEAR}(?P<m>\d{{1,2}}){_SEP_MONTH}(?P<d>\d{{1,2}})\s*日?$", re.IGNORECASE
)
_WESTERN_DATE = re.compile(
    rf"^(?P<y>\d{{4}}){_SEP_YEAR}(?P<m>\d{{1,2}}){_SEP_MONTH}(?P<d>\d{{1,2}})\s*日?"
    r"(?:[ T]00:00(?::00)?)?$"
)
_COMPACT_DATE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")


def era_year(era_key: str, year_text: str) -> tuple[Era, int]:
    """The Western year of an era year (令和6 -> 2024, 令和元 -> 2019)."""
    era = _ERA_BY_KEY[era_key.upper() if len(era_key) == 1 else era_key]
    number = 1 if year_text == "元" else int(year_text)
    if number < 1:
        raise ValueProblem("era_year_missing", era=era.name, number=number)
    return era, era.first.year + number - 1


def parse_date(text: object) -> date | None:
    """A date written as 2024-04-01, 2024/4/1, 20240401, 2024年4月1日, 令和6年4月1日, R6.4.1 or
    平成31年4月1日 (an Excel date cell arrives as an ISO date); None when blank."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    value = nfkc(text).removesuffix("現在").strip()
    if not value:
        return None
    try:
        match = _ERA_DATE.match(value)
        if match:
            era, year = era_year(match["era"], match["eyear"])
            day = date(year, int(match["m"]), int(match["d"]))
            if not era.first <= day <= era.last:
                raise ValueProblem("date_outside_era", value=repr(value), era=era.name,
                                   first=era.first.isoformat(), last=era.last.isoformat())
            return day
        match = _WESTERN_DATE.match(value) or _COMPACT_DATE.match(value)
        if match:
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError as exc:
        if isinstance(exc, ValueProblem):
            raise
        raise ValueProblem("date_not_real", value=repr(value), error=str(exc)) from None
    raise ValueProblem("not_a_date", value=repr(value))


_FISCAL_WESTERN = re.compile(r"^(?:FY)?\s*(?P<y>\d{4})\s*(?:年度)?$", re.IGNORECASE)
_FISCAL_ERA = re.compile(rf"^{_ERA}\s*(?:年度)?$", re.IGNORECASE)


def parse_fiscal_year(text: object) -> int | None:
    """A fiscal year (April to March) written as 2024, 2024年度, FY2024, 令和6年度 or R6; None
    when blank."""
    value = nfkc(text)
    if not value:
        return None
    if value.endswith(".0") and value[:-2].isdigit():  # a number typed into Excel
        value = value[:-2]
    match = _FISCAL_WESTERN.match(value)
    if match:
        return int(match["y"])
    match = _FISCAL_ERA.match(value)
    if match:
        era, year = era_year(match["era"], match["eyear"])
        if year > era.last.year:
            raise ValueProblem("fiscal_era_year", value=repr(value), era=era.name)
        return year
    raise ValueProblem("not_a_fiscal_year", value=repr(value))


_PERIOD = re.compile(
    rf"^(?:(?P<fy>FY)\s*)?(?:(?P<y>\d{{4}})|{_ERA})\s*(?P<unit>年度|年)?(?P<rest>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Period:
    """A reporting period: calendar year or fiscal year, with its label ('2022', 'FY2022')."""

    kind: str  # year | fiscal_year
    year: int

    @property
    def label(self) -> str:
        """'2022' for a calendar year, 'FY2022' for a fiscal year."""
        return f"FY{self.year}" if self.kind == "fiscal_year" else str(self.year)


def parse_period(text: object) -> Period | None:
    """A period written as 2022, 2022年, 令和4年 (calendar year) or 2022年度, 令和4年度, FY2022
    (fiscal year); words after 年 such as 出所者 are allowed and kept only in the raw text."""
    value = nfkc(text)
    if not value:
        return None
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    match = _PERIOD.match(value)
    if match and (match["unit"] or not match["rest"]):
        if match["y"]:
            year = int(match["y"])
        else:
            _, year = era_year(match["era"], match["eyear"])
        fiscal = bool(match["fy"]) or match["unit"] == "年度"
        return Period("fiscal_year" if fiscal else "year", year)
    raise ValueProblem("not_a_period", value=repr(value))


# ----------------------------------------------------------------------------- numbers and flags

def special_value_meaning(text: object) -> str | None:
    """The meaning of a special cell such as X, -, … or *** (None when it is not one)."""
    return TEMPLATE_SPECIAL_MEANINGS.get(nfkc(text))


_UNIT_SUFFIXES = ("円", "%", "人", "件", "団体", "pt", "ポイント")


def parse_number(text: object, *, allow_man: bool = False) -> float | None:
    """A number with optional thousands separators, yen sign, unit suffix, △/▲ for negative and
    (when allow_man) 万/千 multipliers (150万 -> 1500000); None when blank."""
    if isinstance(text, bool):
        raise ValueProblem("not_a_number", value=repr(text))
    if isinstance(text, int | float):
        return float(text)
    value = nfkc(text)
    if not value:
        return None
    raw = value
    value = value.replace(",", "").replace(" ", "").lstrip("¥\\")
    negative = value.startswith(("△", "▲"))
    value = value.lstrip("△▲")
    for suffix in _UNIT_SUFFIXES:
        value = value.removesuffix(suffix)
    multiplier = 1.0
    if allow_man:
        for word, factor in (("億", 1e8), ("万", 1e4), ("千", 1e3)):
            if value.endswith(word):
                value, multiplier = value[: -len(word)], factor
                break
    try:
        number = float(value) * multiplier
    except ValueError:
        raise ValueProblem("not_a_plain_number", value=repr(raw)) from None
    return -number if negative else number


def parse_yen(text: object) -> int | None:
    """An amount in yen (1,500,000 / 1500000円 / ¥1,500,000 / 150万円); None when blank."""
    number = parse_number(text, allow_man=True)
    if number is None:
        return None
    if number != round(number):
        raise ValueProblem("not_whole_yen", value=repr(nfkc(text)))
    return int(round(number))


_TRUE = {"1", "はい", "有", "有り", "あり", "○", "〇", "◯", "●", "実施", "実施済", "実施済み",
         "参加", "該当", "yes", "y", "true", "t", "✓", "✔", "レ"}
_FALSE = {"0", "いいえ", "無", "無し", "なし", "×", "✕", "未実施", "不参加", "非該当", "no", "n",
          "false", "f", "-", "―", "ー"}


def parse_flag(text: object) -> bool | None:
    """A yes/no cell (○/×, 有/無, 実施/未実施, はい/いいえ, 1/0, yes/no, TRUE/FALSE); None when
    blank."""
    if isinstance(text, bool):
        return text
    value = nfkc(text).lower()
    if not value:
        return None
    if value.endswith(".0"):
        value = value[:-2]
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueProblem("not_a_flag", value=repr(nfkc(text)))


# ----------------------------------------------------------------------------- prefectures


_NATIONAL_WORDS = {"全国", "国", "national", "japan", "all", "00", "0", "00000"}


def parse_prefecture(text: object, *, allow_national: bool = False) -> str | None:
    """A prefecture code '01'..'47' from a code (1, 01, 01000, 010006), a name (東京都, 東京) or
    an English name; '00' for 全国 when allow_national; None when blank."""
    value = re.sub(r"\s+", "", nfkc(text))
    if not value:
        return None
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    if allow_national and value.lower() in _NATIONAL_WORDS:
        return NATIONAL
    code = prefecture_lookup().get(value) or prefecture_lookup().get(value.lower())
    if code is None and value.isdigit() and len(value) == 1:
        code = prefecture_lookup().get(value.zfill(2))
    if code is None:
        raise ValueProblem(
            "not_a_prefecture", value=repr(nfkc(text)),
            national_ja="。全国の数値なら「全国」と書きます" if allow_national else "",
            national_en=", or 全国 for the national figure" if allow_national else "")
    return code


# ----------------------------------------------------------------------------- local governments


def parse_lg_code(text: object, name: object = None) -> str | None:
    """A 6-digit local-government code with check digit from 6 digits, 5 digits without check
    digit (13101), or a code that lost its leading zero in Excel (11002 for 011002, 1100 for
    01100); the name, when given, settles an ambiguous code. None when blank."""
    value = re.sub(r"[\s\-]", "", nfkc(text))
    if not value:
        return None
    if value.endswith(".0"):
        value = value[:-2]
    if not value.isdigit() or not 4 <= len(value) <= 6:
        raise ValueProblem("not_a_lg_code", value=repr(nfkc(text)))
    known = local_governments()
    if len(value) == 6:
        expected = check_digit(value[:5])
        if int(value[5]) != expected:
            raise ValueProblem("lg_check_digit", value=value, digit=value[5],
                               expected=expected, suggested=f"{value[:5]}{expected}")
        candidates = [value]
    elif len(value) == 5:
        candidates = [value + str(check_digit(value))]
        padded = "0" + value
        if check_digit(padded[:5]) == int(padded[5]):
            candidates.append(padded)
    else:
        padded = "0" + value
        candidates = [padded + str(check_digit(padded))]
    found = [code for code in candidates if code in known]
    if len(found) > 1 and not is_blank(name):
        found = [code for code in found if name_matches(nfkc(name), known[code])] or found
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        options = ", ".join(f"{c} {known[c].full_name_ja}" for c in found)
        raise ValueProblem("lg_code_ambiguous", value=value, options=options)
    read_as = candidates[0] != value
    raise ValueProblem("lg_code_unknown", value=value,
                       read_ja=f"（{candidates[0]} と読みました）" if read_as else "",
                       read_en=f" (read as {candidates[0]})" if read_as else "")
