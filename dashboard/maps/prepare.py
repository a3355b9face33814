"""Joining a frame's values to the 47 prefectures, and the styling both map types share.

``MapStyle`` holds the options that a choropleth and a tile grid read the same way (labels,
hover, number format, categories, colour scale); ``prepare`` validates a frame against them and
computes per prefecture the value, the label and the hover text. Frames may be polars or pandas
(or a list of dicts): neither is imported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dashboard import theme
from dashboard.maps.geo import PREF_CODES, feature_names
from dashboard.safe import plotly_text


@dataclass(frozen=True)
class MapStyle:
    """How a map shows its values; the same options for the choropleth and the tile grid.

    ``label_col`` names the column with each prefecture's label (else the GeoJSON name in
    ``lang``); ``hover_cols`` adds columns to the hover (a list, or {column: label});
    ``value_format`` is a format spec (',.1f'), a callable or None (thousands separators).
    Categorical maps colour each value of ``category_order`` (else True/False, else sorted)
    with Okabe-Ito unless ``category_colors`` says otherwise; numeric maps use ``colorscale``
    over ``zrange`` (else the values' own range). ``scale_title`` is the colour bar's title, a
    line each (its unit, the national value: "%", "全国 43.5%"); else ``value_label``.
    """

    label_col: str | None = None
    colorscale: str | Sequence[Any] = theme.SEQUENTIAL_SCALE
    categorical: bool = False
    hover_cols: Sequence[str] | Mapping[str, str] = ()
    value_label: str | None = None
    value_format: str | Callable[[Any], str] | None = None
    category_order: Sequence[Any] | None = None
    category_colors: Mapping[Any, str] | None = None
    category_labels: Mapping[Any, str] | None = None
    zrange: tuple[float, float] | None = None
    missing_label: str = "–"
    lang: str = "ja"
    scale_title: Sequence[str] = ()

    def with_options(self, **options: Any) -> MapStyle:
        """This style with some options changed (a TypeError names an unknown one)."""
        return replace(self, **options) if options else self

    def category_name(self, category: Any) -> str:
        """A category as shown in the legend."""
        return (self.category_labels or {}).get(category, str(category))

    def colorbar_title(self, value_col: str) -> str:
        """The colour bar's title: ``scale_title``'s lines (each escaped), else the value's
        label."""
        lines = list(self.scale_title) or [self.value_label or value_col]
        return "<br>".join(plotly_text(line) for line in lines)

    def value_range(self, values: Sequence[float]) -> tuple[float, float]:
        """The colour scale's (min, max): ``zrange``, else the values' range, never empty."""
        if self.zrange:
            lo, hi = self.zrange
        else:
            lo, hi = (min(values), max(values)) if values else (0, 1)
        return lo, hi if hi > lo else lo + 1


# ---------------------------------------------------------------------------
# Frame handling (polars or pandas, without importing either)
# ---------------------------------------------------------------------------


def _rows(frame: Any) -> list[dict[str, Any]]:
    """Records from a polars or pandas DataFrame (or a list of dicts)."""
    if hasattr(frame, "to_dicts"):  # polars
        return frame.to_dicts()
    if hasattr(frame, "to_dict"):  # pandas
        return frame.to_dict(orient="records")
    return [dict(r) for r in frame]


def _norm_code(value: Any) -> str:
    """'1', 1, '01', '01000' (local-government code) -> '01'."""
    text = str(value).strip()
    if text.isdigit() and len(text) in (5, 6):
        text = text[:2]
    code = text.zfill(2)
    if code not in PREF_CODES:
        raise ValueError(f"unknown pref_code {value!r}")
    return code


def is_missing(value: Any) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def index_by_code(frame: Any, columns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """pref_code -> row, checking columns and duplicates."""
    out: dict[str, dict[str, Any]] = {}
    for row in _rows(frame):
        if "pref_code" not in row:
            raise KeyError("frame needs a 'pref_code' column")
        for col in columns:
            if col not in row:
                raise KeyError(f"frame has no column {col!r}")
        code = _norm_code(row["pref_code"])
        if code in out:
            raise ValueError(f"duplicate pref_code {code}")
        out[code] = row
    return out


def _default_format(value: Any) -> str:
    """Thousands separators; at most two decimals, trailing zeros dropped."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return text if text not in ("", "-0") else "0"
    return str(value)


def _formatter(value_format: str | Callable[[Any], str] | None) -> Callable[[Any], str]:
    """Callable formatter from a format spec (e.g. ',.1f'), a callable or None."""
    if value_format is None:
        return _default_format
    if callable(value_format):
        return value_format
    return lambda v: format(v, value_format) if isinstance(v, (int, float)) else str(v)


def _hover_pairs(hover_cols: Sequence[str] | Mapping[str, str]) -> list[tuple[str, str]]:
    """[(column, label)] from a list of columns or a {column: label} mapping."""
    if isinstance(hover_cols, Mapping):
        return list(hover_cols.items())
    return [(c, c) for c in hover_cols]


@dataclass(frozen=True)
class Prepared:
    """Per-prefecture values, labels and hover text for one figure."""

    values: dict[str, Any]  # only prefectures with a value
    labels: dict[str, str]  # all 47
    hover: dict[str, str]  # all 47
    categories: tuple[Any, ...]  # categorical only, in legend order
    colors: dict[Any, str]  # categorical only


def _categories(values: dict[str, Any], style: MapStyle) -> tuple[Any, ...]:
    """The categories in legend order: ``category_order``, else True/False, else sorted."""
    present = list(dict.fromkeys(values[c] for c in PREF_CODES if c in values))
    if style.category_order is not None:
        extra = [v for v in present if v not in style.category_order]
        if extra:
            raise ValueError(f"values not in category_order: {extra!r}")
        return tuple(style.category_order)
    if all(isinstance(v, bool) for v in present):
        return tuple(v for v in (True, False) if v in present)
    return tuple(sorted(present, key=str))


def prepare(frame: Any, value_col: str, style: MapStyle) -> Prepared:
    """Validate the frame and compute everything both map types need."""
    pairs = _hover_pairs(style.hover_cols)
    label_col = style.label_col
    needed = [value_col] + ([label_col] if label_col else []) + [c for c, _ in pairs]
    by_code = index_by_code(frame, needed)
    names = feature_names(style.lang)
    fmt = _formatter(style.value_format)
    vlabel = style.value_label if style.value_label is not None else value_col

    values = {c: r[value_col] for c, r in by_code.items() if not is_missing(r[value_col])}
    categories: tuple[Any, ...] = ()
    colors: dict[Any, str] = {}
    if style.categorical:
        categories = _categories(values, style)
        for i, cat in enumerate(categories):
            colors[cat] = (style.category_colors or {}).get(cat, theme.category_colour(i))

    def shown(value: Any) -> str:
        if style.categorical and style.category_labels and value in style.category_labels:
            return style.category_labels[value]
        return fmt(value)

    labels, hover = {}, {}
    for code in PREF_CODES:
        row = by_code.get(code, {})
        label = row.get(label_col) if label_col else None
        # Labels and values may be delivered text: Plotly must show them, not read them as HTML.
        labels[code] = plotly_text(
            label if not is_missing(label) and label is not None else names[code])
        lines = [f"<b>{labels[code]}</b>"]
        lines.append(
            f"{plotly_text(vlabel)}: "
            f"{plotly_text(shown(values[code])) if code in values else style.missing_label}"
        )
        for col, lab in pairs:
            val = row.get(col)
            lines.append(f"{plotly_text(lab)}: "
                         f"{style.missing_label if is_missing(val) else plotly_text(fmt(val))}")
        hover[code] = "<br>".join(lines)
    return Prepared(values, labels, hover, categories, colors)
