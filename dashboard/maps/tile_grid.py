"""An equal-area tile map: one labelled square per prefecture (geofacet ``jp_prefs_grid2``),
where Tokyo and Osaka weigh as much as Hokkaido."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard import theme
from dashboard.maps.geo import load_tile_grid
from dashboard.maps.prepare import MapStyle, index_by_code, is_missing, prepare
from dashboard.safe import plotly_text


def _text_color(hex_color: str) -> str:
    """Dark or white label colour for a fill, by WCAG relative luminance."""
    digits = hex_color.lstrip("#")
    if len(digits) != 6:
        return theme.LABEL_DARK  # named or rgba() colour: keep the default dark label
    rgb = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return theme.LABEL_DARK if lum > 0.18 else theme.LABEL_LIGHT


def tile_grid(
    frame: Any,
    value_col: str,
    *,
    text_col: str | None = None,
    title: str | None = None,
    height: int = 560,
    style: MapStyle | None = None,
    **options: Any,
) -> go.Figure:
    """Equal-area tile map: one square per prefecture, labelled, coloured by ``value_col``.

    ``text_col`` is written on the tiles (else the short name in the style's language);
    ``options`` are fields of ``MapStyle`` and override those of ``style``.
    """
    style = (style or MapStyle()).with_options(**options)
    prep = prepare(frame, value_col, style)
    tiles = load_tile_grid()
    n_rows = max(t.row for t in tiles)
    n_cols = max(t.col for t in tiles)
    texts: dict[str, str] = {}
    if text_col:
        by_code = index_by_code(frame, [text_col])
        texts = {c: plotly_text(r[text_col]) for c, r in by_code.items()
                 if not is_missing(r[text_col])}

    def grid(fill: Any = None) -> list[list[Any]]:
        return [[fill] * n_cols for _ in range(n_rows)]

    z_val, z_missing = grid(), grid()
    text_val, text_missing, hover, codes = grid(""), grid(""), grid(""), grid(None)
    for t in tiles:
        r, c = t.row - 1, t.col - 1
        short = t.label_en if style.lang == "en" else t.label_ja
        hover[r][c] = prep.hover[t.pref_code]
        codes[r][c] = t.pref_code
        if t.pref_code not in prep.values:
            z_missing[r][c] = 0.0
            text_missing[r][c] = texts.get(t.pref_code, short)
            continue
        text_val[r][c] = texts.get(t.pref_code, short)
        if style.categorical:
            z_val[r][c] = float(prep.categories.index(prep.values[t.pref_code]))
        else:
            z_val[r][c] = float(prep.values[t.pref_code])

    common = {
        "x": list(range(1, n_cols + 1)),
        "y": list(range(1, n_rows + 1)),
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
                colorscale=[[0, theme.MISSING_FILL], [1, theme.MISSING_FILL]],
                showscale=False,
                name=style.missing_label,
                text=text_missing,
                **common,
            )
        )
    if style.categorical:
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
                    name=plotly_text(style.category_name(cat)),
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
                    name=plotly_text(style.category_name(cat)),
                    showlegend=True,
                )
            )
    else:
        lo, hi = style.value_range([float(v) for v in prep.values.values()])
        fig.add_trace(
            go.Heatmap(
                z=z_val,
                colorscale=style.colorscale,
                zmin=lo,
                zmax=hi,
                name=plotly_text(style.value_label or value_col),
                text=text_val,
                colorbar={
                    "title": {"text": plotly_text(style.value_label or value_col)},
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
        margin={"l": 0, "r": 0 if style.categorical else 70, "t": 40 if title else 0, "b": 0},
        font={"family": theme.FONT},
        title={"text": plotly_text(title), "x": 0.01, "xanchor": "left"} if title else None,
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
        plot_bgcolor=theme.TRANSPARENT,
        paper_bgcolor=theme.TRANSPARENT,
        legend={
            "x": 0.99,
            "y": 0.02,
            "xanchor": "right",
            "yanchor": "bottom",
            "bgcolor": theme.LEGEND_BACKGROUND,
        },
        showlegend=style.categorical,
    )
    return fig
