"""Tables as people read them: a frame's typed columns turned into what a Japanese reader (or an
English one) expects to see in a cell. Pages show ``for_display(frame, lang)`` with
``number_columns(frame)`` as column settings; downloads keep the typed frame.

- dates as 2024年4月1日 (English: 2024-04-01), never ``2024-04-01 00:00:00``;
- times in JST (2024年4月1日 09:30 / 2024-04-01 09:30 JST);
- empty cells, not ``None``; yes/no for flags;
- numbers with thousands separators (years excepted).

No Streamlit import: the column settings are plain dicts ``st.dataframe`` accepts.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl

from dashboard.i18n import date_label, t

JST = ZoneInfo("Asia/Tokyo")
_YEARLIKE = ("year", "年", "code", "コード", "id")


def datetime_label(value: datetime | None, lang: str = "ja") -> str:
    """A moment in Japan Standard Time: 2024年4月1日 09:30, or 2024-04-01 09:30 JST."""
    if value is None:
        return ""
    if value.tzinfo is None:  # the warehouse stores UTC without a zone
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    local = value.astimezone(JST)
    if lang == "ja":
        return f"{date_label(local.date(), 'ja')} {local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M} JST"


def _date_cell(value: date | None, lang: str) -> str:
    return "" if value is None else date_label(value, lang)


def for_display(frame: pl.DataFrame, lang: str = "ja") -> pl.DataFrame:
    """``frame`` with dates, times, flags and empty cells written for people."""
    yes, no = t("yes", lang), t("no", lang)
    columns = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            columns.append(col.map_elements(lambda v: _date_cell(v, lang), return_dtype=pl.String,
                                            skip_nulls=False).alias(name))
        elif isinstance(dtype, pl.Datetime):
            columns.append(col.map_elements(lambda v: datetime_label(v, lang),
                                            return_dtype=pl.String, skip_nulls=False).alias(name))
        elif dtype == pl.Boolean:
            columns.append(pl.when(col).then(pl.lit(yes)).when(~col).then(pl.lit(no))
                           .otherwise(pl.lit("")).alias(name))
        elif dtype == pl.String:
            columns.append(col.fill_null("").alias(name))

        else:
            columns.append(col)
    return frame.select(columns)


def line_numbers(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
    """Line (and other position) numbers as text, empty where unknown: a place in a file is
    read, not summed or sorted, and a number column would show a missing one as "None"."""
    return frame.with_columns(pl.col(n).cast(pl.String).fill_null("") for n in names
                              if n in frame.columns)


def number_columns(frame: pl.DataFrame, decimals: dict[str, int] | None = None
                   ) -> dict[str, dict]:
    """Column settings writing numbers with separators (not years, codes or ids); a column
    named in ``decimals`` keeps that many places on every row (-11.0 beside -1.3, not -11)."""
    decimals = decimals or {}
    return {
        name: {"type_config": {"type": "number",
                               "format": f"%.{decimals[name]}f" if name in decimals
                               else "localized"}}
        for name, dtype in frame.schema.items()
        if dtype.is_numeric() and (name in decimals
                                   or not any(w in name.lower() for w in _YEARLIKE))
    }
