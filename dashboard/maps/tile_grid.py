"""An equal-area tile map: one labelled square per prefecture (geofacet ``jp_prefs_grid2``),
where Tokyo and Osaka weigh as much as Hokkaido."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.colors import convert_colors_to_same_type, get_colorscale, sample_colorscale

from dashboard import theme
from dashboard.maps.geo import load_tile_grid
from dashboard.maps.prepare import MapStyle, index_by_code, is_missing, prepare
from dashboard.safe import plotly_text


def tile_fill(value: float, lo: float, hi: float, colorscale: Any) -> str:
    """The colour Plotly fills a tile of ``value`` with on ``colorscale`` from lo to hi."""
    position = 0.5 if hi <= lo else min(max((value - lo) / (hi - lo), 0.0), 1.0)
    scale = get_colorscale(colorscale) if isinstance(colorscale, str) else colorscale
    rgb = [[float(p), convert_colors_to_same_type(c, colortype="rgb")[0][0]] for p, c in scale]
    return sample_colorscale(rgb, [position])[0]


def label_font_size(labels: list[str]) -> int:
    """Tile labels' size: romanised names are longer than the two kanji of a short name, so
    they are set smaller (and broken in two, ``latin_parts``) to stay inside their tile. Told
    from the labels themselves: pages give English names without saying the language."""
    shown = [label for label in labels if label]
    return 9 if shown and all(label.isascii() for label in shown) else 11


def latin_parts(name: str, longest: int = 7) -> list[str]:
    """A romanised name in the lines that fit a tile: up to ``longest`` letters as it is, else
    broken after the syllable nearest its middle (["Kago", "shima"], not "agoshim" cut by its
    neighbours). Anything but one romanised word stays whole."""
    if len(name) <= longest or not name.isascii() or not name.isalpha():
        return [name]
    vowels = "aeiou"
    ends = [i + 1 for i, c in enumerate(name[:-1])  # a syllable ends on a vowel not followed
            if c.lower() in vowels and name[i + 1].lower() not in vowels]  # by one (Hokkai-do)
    cut = min(ends, key=lambda i: (abs(i - len(name) / 2), -i)) if ends else len(name) // 2
    return [name[:cut], name[cut:]]


def latin_label(name: str) -> str:
    """``name`` as a tile's label: its lines (``latin_parts``), escaped, hyphenated."""
    return "-<br>".join(plotly_text(part) for part in latin_parts(name))


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
        texts = {c: latin_label(str(r[text_col])) for c, r in by_code.items()
                 if not is_missing(r[text_col])}

    def grid(fill: Any = None) -> list[list[Any]]:
        return [[fill] * n_cols for _ in range(n_rows)]

    z_val, z_missing = grid(), grid()
    text_val, text_missing, hover, codes = grid(""), grid(""), grid(""), grid(None)
    for t in tiles:
        r, c = t.row - 1, t.col - 1
        short = latin_label(t.label_en) if style.lang == "en" else t.label_ja  # escaped
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

    label_size = label_font_size([v for row in text_val + text_missing for v in row])
    common = {
        "x": list(range(1, n_cols + 1)),
        "y": list(range(1, n_rows + 1)),
        "xgap": 3,
        "ygap": 3,
        "hovertext": hover,
        "customdata": codes,
        "texttemplate": "%{text}",
        "hovertemplate": "%{hovertext}<extra></extra>",
        "textfont": {"size": label_size},
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
                    **{**common, "textfont": {"size": label_size,
                                               "color": theme.label_colour(color)}},
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
                colorbar={
                    "title": {"text": style.colorbar_title(value_col), "side": "top"},
                    # Under the tiles, across: beside them it would take a phone's width
                    # from the map (and inside it would cover Chiba).
                    "orientation": "h",
                    "x": 0.5,
                    "xanchor": "center",
                    "y": 0.0,
                    "yanchor": "top",
                    "len": 0.7,
                    "thickness": 12,
                },
                **{**common, "texttemplate": None},
            )
        )
        # Labels as their own layer, each coloured for its tile's fill (Plotly's automatic
        # label colour puts white on mid-grey Cividis, under 4.5:1).
        labelled = [(t, float(prep.values[t.pref_code])) for t in tiles
                    if t.pref_code in prep.values]
        fig.add_trace(
            go.Scatter(
                x=[t.col for t, _ in labelled],
                y=[t.row for t, _ in labelled],
                text=[text_val[t.row - 1][t.col - 1] for t, _ in labelled],
                mode="text",
                textfont={"size": label_size, "family": theme.FONT,
                          "color": [theme.label_colour(tile_fill(v, lo, hi, style.colorscale))
                                    for _, v in labelled]},
                hoverinfo="skip",
                showlegend=False,
                cliponaxis=False,
                name="labels",
            )
        )
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 40 if title else 0, "b": 0 if style.categorical else 90},
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
