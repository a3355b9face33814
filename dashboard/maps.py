"""Maps of Japan's 47 prefectures as Plotly figures, drawn from data the project ships.

Why this module exists: the dashboard compares prefectures (plan adoption, subsidy
participation, indicators), and a map is the quickest way to read such a comparison.
It draws from ``data/geo/`` only (no tile server, no base map, nothing fetched at run
time), so figures render offline and can be built in tests:

* ``choropleth`` - real boundaries (MLIT N03, simplified; see data/geo/SOURCE.md),
  with Okinawa in an inset at the top left so the main map stays large.
* ``tile_grid`` - one equal-sized square per prefecture (geofacet ``jp_prefs_grid2``
  layout), where Tokyo and Osaka get the same weight as Hokkaido.

Colours are colour-blind safe: Cividis (or another sequential scale) for numbers,
Okabe-Ito for categories. No Streamlit import and no UI strings: titles and labels
come from the caller; the only text defaults are the prefecture names in the data.
The attribution in ``ATTRIBUTION_JA``/``ATTRIBUTION_EN`` must be shown with the map.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
GEOJSON_PATH = GEO_DIR / "prefectures.geojson"
TILE_GRID_PATH = GEO_DIR / "tile_grid.csv"

PREF_CODES: tuple[str, ...] = tuple(f"{i:02d}" for i in range(1, 48))
OKINAWA = "47"
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
MISSING_COLOR = "#CCCCCC"
BORDER_COLOR = "#FFFFFF"
FONT = "Noto Sans CJK JP, Hiragino Sans, Meiryo, sans-serif"
ATTRIBUTION_JA = "出典：「国土数値情報（行政区域データ）」（国土交通省）を加工して作成"
ATTRIBUTION_EN = (
    "Source: MLIT National Land Numerical Information (Administrative Areas), processed"
)

# Inset placement (paper coordinates) for Okinawa. The Sea of Japan corner (top left) of
# the main map's bounding box is empty whatever the figure's width; the lower left is not
# (Kagoshima's island chain runs there).
_INSET_X = (0.0, 0.3)
_INSET_Y = (0.74, 1.0)


@dataclass(frozen=True)
class Tile:
    """One prefecture square of the tile grid (row 1 is the top, col 1 the west)."""

    pref_code: str
    row: int
    col: int
    label_ja: str
    label_en: str


@functools.lru_cache(maxsize=1)
def load_prefecture_geojson() -> dict[str, Any]:
    """Shipped GeoJSON FeatureCollection, 47 features keyed by ``properties.pref_code``."""
    return json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def load_tile_grid() -> tuple[Tile, ...]:
    """Tile-grid positions of the 47 prefectures, in pref_code order."""
    lines = TILE_GRID_PATH.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    tiles = []
    for line in lines[1:]:
        if not line.strip():
            continue
        rec = dict(zip(header, line.split(","), strict=True))
        tiles.append(
            Tile(
                rec["pref_code"], int(rec["row"]), int(rec["col"]), rec["label_ja"], rec["label_en"]
            )
        )
    return tuple(sorted(tiles, key=lambda t: t.pref_code))


@functools.lru_cache(maxsize=2)
def prefecture_names(lang: str = "ja") -> dict[str, str]:
    """pref_code -> full prefecture name from the GeoJSON ('ja' or 'en')."""
    key = "name_en" if lang == "en" else "name_ja"
    return {
        f["properties"]["pref_code"]: f["properties"][key]
        for f in load_prefecture_geojson()["features"]
    }


def _subset_geojson(codes: Sequence[str]) -> dict[str, Any]:
    """FeatureCollection with only the given prefectures (keeps each trace light)."""
    wanted = set(codes)
    gj = load_prefecture_geojson()
    return {
        "type": "FeatureCollection",
        "features": [f for f in gj["features"] if f["properties"]["pref_code"] in wanted],
    }


@functools.lru_cache(maxsize=4)
def _split_geojson(okinawa_inset: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """GeoJSON for the main map and (optionally) for the Okinawa inset."""
    if not okinawa_inset:
        return load_prefecture_geojson(), None
    main = _subset_geojson([c for c in PREF_CODES if c != OKINAWA])
    return main, _subset_geojson([OKINAWA])


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


def _is_missing(value: Any) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _index(frame: Any, columns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """pref_code -> row, checking columns and duplicates."""
    rows = _rows(frame)
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
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
class _Prepared:
    """Per-prefecture values, labels and hover text for one figure."""

    values: dict[str, Any]  # only prefectures with a value
    labels: dict[str, str]  # all 47
    hover: dict[str, str]  # all 47
    categories: tuple[Any, ...]  # categorical only, in legend order
    colors: dict[Any, str]  # categorical only


def _prepare(
    frame: Any,
    value_col: str,
    *,
    label_col: str | None,
    hover_cols: Sequence[str] | Mapping[str, str],
    value_label: str | None,
    value_format: str | Callable[[Any], str] | None,
    categorical: bool,
    category_order: Sequence[Any] | None,
    category_colors: Mapping[Any, str] | None,
    category_labels: Mapping[Any, str] | None,
    missing_label: str,
    lang: str,
) -> _Prepared:
    """Validate the frame and compute everything both map types need."""
    pairs = _hover_pairs(hover_cols)
    needed = [value_col] + ([label_col] if label_col else []) + [c for c, _ in pairs]
    by_code = _index(frame, needed)
    names = prefecture_names(lang)
    fmt = _formatter(value_format)
    vlabel = value_label if value_label is not None else value_col

    values = {c: r[value_col] for c, r in by_code.items() if not _is_missing(r[value_col])}
    categories: tuple[Any, ...] = ()
    colors: dict[Any, str] = {}
    if categorical:
        present = list(dict.fromkeys(values[c] for c in PREF_CODES if c in values))
        if category_order is not None:
            extra = [v for v in present if v not in category_order]
            if extra:
                raise ValueError(f"values not in category_order: {extra!r}")
            categories = tuple(category_order)
        elif all(isinstance(v, bool) for v in present):
            categories = tuple(v for v in (True, False) if v in present)
        else:
            categories = tuple(sorted(present, key=str))
        for i, cat in enumerate(categories):
            colors[cat] = (category_colors or {}).get(cat, OKABE_ITO[i % len(OKABE_ITO)])

    def shown(value: Any) -> str:
        if categorical and category_labels and value in category_labels:
            return category_labels[value]
        return fmt(value)

    labels, hover = {}, {}
    for code in PREF_CODES:
        row = by_code.get(code, {})
        label = row.get(label_col) if label_col else None
        labels[code] = str(label) if not _is_missing(label) and label is not None else names[code]
        lines = [f"<b>{labels[code]}</b>"]
        lines.append(f"{vlabel}: {shown(values[code]) if code in values else missing_label}")
        for col, lab in pairs:
            val = row.get(col)
            lines.append(f"{lab}: {missing_label if _is_missing(val) else fmt(val)}")
        hover[code] = "<br>".join(lines)
    return _Prepared(values, labels, hover, categories, colors)


# ---------------------------------------------------------------------------
# Choropleth
# ---------------------------------------------------------------------------


def _geo_layout(domain_x: tuple[float, float], domain_y: tuple[float, float]) -> dict[str, Any]:
    """Geo subplot without a base map, fitted to its own locations."""
    return {
        "visible": False,
        "fitbounds": "locations",
        "projection": {"type": "mercator"},
        "domain": {"x": list(domain_x), "y": list(domain_y)},
        "bgcolor": "rgba(0,0,0,0)",
    }


def _choropleth_trace(
    codes: list[str],
    z: list[float],
    hover: list[str],
    geo: str,
    **kwargs: Any,
) -> go.Choropleth:
    """One Choropleth trace over the shipped features."""
    return go.Choropleth(
        geojson=_subset_geojson(codes),  # only this trace's features: smaller payload
        featureidkey="properties.pref_code",
        locations=codes,
        z=z,
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        marker={"line": {"color": BORDER_COLOR, "width": 0.6 if geo == "geo" else 0.3}},
        geo=geo,
        **kwargs,
    )


def choropleth(
    frame: Any,
    value_col: str,
    *,
    label_col: str | None = None,
    title: str | None = None,
    colorscale: str | Sequence[Any] = "Cividis",
    categorical: bool = False,
    hover_cols: Sequence[str] | Mapping[str, str] = (),
    value_label: str | None = None,
    value_format: str | Callable[[Any], str] | None = None,
    category_order: Sequence[Any] | None = None,
    category_colors: Mapping[Any, str] | None = None,
    category_labels: Mapping[Any, str] | None = None,
    zrange: tuple[float, float] | None = None,
    missing_label: str = "–",
    okinawa_inset: bool = True,
    lang: str = "ja",
    height: int = 600,
) -> go.Figure:
    """Prefecture choropleth from a frame with ``pref_code`` and ``value_col``."""
    prep = _prepare(
        frame,
        value_col,
        label_col=label_col,
        hover_cols=hover_cols,
        value_label=value_label,
        value_format=value_format,
        categorical=categorical,
        category_order=category_order,
        category_colors=category_colors,
        category_labels=category_labels,
        missing_label=missing_label,
        lang=lang,
    )
    main_gj, inset_gj = _split_geojson(okinawa_inset)
    panels = [("geo", main_gj)] + ([("geo2", inset_gj)] if inset_gj is not None else [])
    fig = go.Figure()
    for geo, gj in panels:
        # plotly.js downloads its world topojson from cdn.plot.ly before drawing a geo
        # subplot whose *first* trace has a locationmode (every Choropleth does), even
        # with visible=False; offline that fetch fails and the map stays blank. An empty
        # Scattergeo first keeps the figure self-contained (see data/geo/SOURCE.md).
        fig.add_trace(go.Scattergeo(lon=[], lat=[], geo=geo, showlegend=False, hoverinfo="skip"))
        panel_codes = [f["properties"]["pref_code"] for f in gj["features"]]
        missing = [c for c in panel_codes if c not in prep.values]
        if missing:
            fig.add_trace(
                _choropleth_trace(
                    missing,
                    [0.0] * len(missing),
                    [prep.hover[c] for c in missing],
                    geo,
                    colorscale=[[0, MISSING_COLOR], [1, MISSING_COLOR]],
                    showscale=False,
                    name=missing_label,
                    showlegend=False,
                )
            )
        if categorical:
            for cat in prep.categories:
                codes = [c for c in panel_codes if c in prep.values and prep.values[c] == cat]
                shown = (category_labels or {}).get(cat, str(cat))
                color = prep.colors[cat]
                fig.add_trace(
                    _choropleth_trace(
                        codes,
                        [0.0] * len(codes),
                        [prep.hover[c] for c in codes],
                        geo,
                        colorscale=[[0, color], [1, color]],
                        showscale=False,
                        name=shown,
                        legendgroup=shown,
                        showlegend=geo == "geo",
                    )
                )
        else:
            codes = [c for c in panel_codes if c in prep.values]
            fig.add_trace(
                _choropleth_trace(
                    codes,
                    [float(prep.values[c]) for c in codes],
                    [prep.hover[c] for c in codes],
                    geo,
                    coloraxis="coloraxis",
                    name=value_label or value_col,
                    showlegend=False,
                )
            )

    layout: dict[str, Any] = {
        "geo": _geo_layout((0.0, 1.0), (0.0, 1.0)),
        "height": height,
        "margin": {"l": 0, "r": 0, "t": 40 if title else 0, "b": 0},
        "font": {"family": FONT},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "dragmode": False,
    }
    if title:
        layout["title"] = {"text": title, "x": 0.01, "xanchor": "left"}
    if inset_gj is not None:
        layout["geo2"] = _geo_layout(_INSET_X, _INSET_Y)
        layout["shapes"] = [
            {
                "type": "rect",
                "xref": "paper",
                "yref": "paper",
                "x0": _INSET_X[0] + 0.005,
                "x1": _INSET_X[1],
                "y0": _INSET_Y[0],
                "y1": _INSET_Y[1],
                "line": {"color": "#999999", "width": 1},
                "fillcolor": "rgba(0,0,0,0)",
            }
        ]
    if categorical:
        layout["legend"] = {
            "x": 0.99,
            "y": 0.02,
            "xanchor": "right",
            "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0.8)",
        }
    else:
        numbers = [float(v) for v in prep.values.values()]
        lo, hi = zrange if zrange else ((min(numbers), max(numbers)) if numbers else (0, 1))
        layout["coloraxis"] = {
            "colorscale": colorscale,
            "cmin": lo,
            "cmax": hi if hi > lo else lo + 1,
            "colorbar": {
                "title": {"text": value_label or value_col},
                "x": 0.99,
                "xanchor": "right",
                "y": 0.03,
                "yanchor": "bottom",
                "len": 0.45,
                "thickness": 14,
            },
        }
    fig.update_layout(**layout)
    return fig


def _text_color(hex_color: str) -> str:
    """Dark or white label colour for a fill, by WCAG relative luminance."""
    digits = hex_color.lstrip("#")
    if len(digits) != 6:
        return "#1A1A1A"  # named or rgba() colour: keep the default dark label
    rgb = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#1A1A1A" if lum > 0.18 else "#FFFFFF"


# ---------------------------------------------------------------------------
# Tile grid
# ---------------------------------------------------------------------------


def tile_grid(
    frame: Any,
    value_col: str,
    *,
    text_col: str | None = None,
    label_col: str | None = None,
    title: str | None = None,
    colorscale: str | Sequence[Any] = "Cividis",
    categorical: bool = False,
    hover_cols: Sequence[str] | Mapping[str, str] = (),
    value_label: str | None = None,
    value_format: str | Callable[[Any], str] | None = None,
    category_order: Sequence[Any] | None = None,
    category_colors: Mapping[Any, str] | None = None,
    category_labels: Mapping[Any, str] | None = None,
    zrange: tuple[float, float] | None = None,
    missing_label: str = "–",
    lang: str = "ja",
    height: int = 560,
) -> go.Figure:
    """Equal-area tile map: one square per prefecture, labelled, coloured by ``value_col``."""
    prep = _prepare(
        frame,
        value_col,
        label_col=label_col,
        hover_cols=hover_cols,
        value_label=value_label,
        value_format=value_format,
        categorical=categorical,
        category_order=category_order,
        category_colors=category_colors,
        category_labels=category_labels,
        missing_label=missing_label,
        lang=lang,
    )
    tiles = load_tile_grid()
    n_rows = max(t.row for t in tiles)
    n_cols = max(t.col for t in tiles)
    texts: dict[str, str] = {}
    if text_col:
        by_code = _index(frame, [text_col])
        texts = {c: str(r[text_col]) for c, r in by_code.items() if not _is_missing(r[text_col])}

    def grid(fill: Any = None) -> list[list[Any]]:
        return [[fill] * n_cols for _ in range(n_rows)]

    z_val, z_missing = grid(), grid()
    text_val, text_missing, hover, codes = grid(""), grid(""), grid(""), grid(None)
    for t in tiles:
        r, c = t.row - 1, t.col - 1
        short = t.label_en if lang == "en" else t.label_ja
        hover[r][c] = prep.hover[t.pref_code]
        codes[r][c] = t.pref_code
        if t.pref_code not in prep.values:
            z_missing[r][c] = 0.0
            text_missing[r][c] = texts.get(t.pref_code, short)
            continue
        text_val[r][c] = texts.get(t.pref_code, short)
        if categorical:
            z_val[r][c] = float(prep.categories.index(prep.values[t.pref_code]))
        else:
            z_val[r][c] = float(prep.values[t.pref_code])

    xs = list(range(1, n_cols + 1))
    ys = list(range(1, n_rows + 1))
    common = {
        "x": xs,
        "y": ys,
        "xgap": 3,
        "ygap": 3,
        "hovertext": hover,
        "customdata": codes,
        "texttemplate": "%{text}",
        "hovertemplate": "%{hovertext}<extra></extra>",
        "textfont": {"size": 11},
        "hoverongaps": False,
    }
    fig = go.Figure()
    if any(v is not None for row in z_missing for v in row):
        fig.add_trace(
            go.Heatmap(
                z=z_missing,
                colorscale=[[0, MISSING_COLOR], [1, MISSING_COLOR]],
                showscale=False,
                name=missing_label,
                text=text_missing,
                **common,
            )
        )
    if categorical:
        # One layer per category so each gets a readable label colour (plotly's automatic
        # contrast puts white on Okabe-Ito orange).
        for i, cat in enumerate(prep.categories):
            color = prep.colors[cat]
            z_cat = [[z if z == float(i) else None for z in row] for row in z_val]
            text_cat = [
                [t if z == float(i) else "" for t, z in zip(trow, zrow, strict=True)]
                for trow, zrow in zip(text_val, z_val, strict=True)
            ]
            fig.add_trace(
                go.Heatmap(
                    z=z_cat,
                    colorscale=[[0, color], [1, color]],
                    showscale=False,
                    name=(category_labels or {}).get(cat, str(cat)),
                    text=text_cat,
                    **{**common, "textfont": {"size": 11, "color": _text_color(color)}},
                )
            )
        for cat in prep.categories:
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    hoverinfo="skip",
                    marker={"symbol": "square", "size": 14, "color": prep.colors[cat]},
                    name=(category_labels or {}).get(cat, str(cat)),
                    showlegend=True,
                )
            )
    else:
        numbers = [float(v) for v in prep.values.values()]
        lo, hi = zrange if zrange else ((min(numbers), max(numbers)) if numbers else (0, 1))
        fig.add_trace(
            go.Heatmap(
                z=z_val,
                colorscale=colorscale,
                zmin=lo,
                zmax=hi if hi > lo else lo + 1,
                name=value_label or value_col,
                text=text_val,
                colorbar={
                    "title": {"text": value_label or value_col},
                    # Outside the tiles, in the right margin: inside it would cover Chiba.
                    "x": 1.0,
                    "xanchor": "left",
                    "y": 0.03,
                    "yanchor": "bottom",
                    "len": 0.5,
                    "thickness": 14,
                },
                **common,
            )
        )
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0 if categorical else 70, "t": 40 if title else 0, "b": 0},
        font={"family": FONT},
        title={"text": title, "x": 0.01, "xanchor": "left"} if title else None,
        xaxis={
            "visible": False,
            "range": [0.5, n_cols + 0.5],
            "fixedrange": True,
            "constrain": "domain",
        },
        yaxis={
            "visible": False,
            "range": [n_rows + 0.5, 0.5],
            "fixedrange": True,
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
        },
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
        legend={
            "x": 0.99,
            "y": 0.02,
            "xanchor": "right",
            "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0.8)",
        },
        showlegend=categorical,
    )
    return fig
