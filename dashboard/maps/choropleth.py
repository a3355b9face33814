"""A prefecture choropleth on the real boundaries, Okinawa in an inset at the top left.

No base map and no tile server: the shipped GeoJSON is drawn on an invisible geo subplot, so
the figure renders offline (and in tests).
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard import theme
from dashboard.maps.geo import split_geojson, subset_geojson
from dashboard.maps.prepare import MapStyle, Prepared, prepare
from dashboard.safe import plotly_text

# Inset placement (paper coordinates) for Okinawa. The Sea of Japan corner (top left) of
# the main map's bounding box is empty whatever the figure's width; the lower left is not
# (Kagoshima's island chain runs there).
_INSET_X = (0.0, 0.3)
_INSET_Y = (0.74, 1.0)


def _geo_layout(domain_x: tuple[float, float], domain_y: tuple[float, float]) -> dict[str, Any]:
    """Geo subplot without a base map, fitted to its own locations."""
    return {
        "visible": False,
        "fitbounds": "locations",
        "projection": {"type": "mercator"},
        "domain": {"x": list(domain_x), "y": list(domain_y)},
        "bgcolor": theme.TRANSPARENT,
    }


def _trace(codes: list[str], z: list[float], hover: list[str], geo: str,
           **kwargs: Any) -> go.Choropleth:
    """One Choropleth trace over the shipped features."""
    return go.Choropleth(
        geojson=subset_geojson(codes),  # only this trace's features: smaller payload
        featureidkey="properties.pref_code",
        locations=codes,
        z=z,
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        marker={"line": {"color": theme.BORDER, "width": 0.6 if geo == "geo" else 0.3}},
        geo=geo,
        **kwargs,
    )


def _flat(colour: str) -> list[list[Any]]:
    """A colour scale of one colour."""
    return [[0, colour], [1, colour]]


def _panel_traces(fig: go.Figure, prep: Prepared, panel_codes: list[str], geo: str,
                  value_col: str, style: MapStyle) -> None:
    """The missing, category or value traces of one geo panel (main map or inset)."""
    missing = [c for c in panel_codes if c not in prep.values]
    if missing:
        fig.add_trace(_trace(missing, [0.0] * len(missing), [prep.hover[c] for c in missing], geo,
                             colorscale=_flat(theme.MISSING_FILL), showscale=False,
                             name=style.missing_label, showlegend=False))
    if style.categorical:
        for cat in prep.categories:
            codes = [c for c in panel_codes if c in prep.values and prep.values[c] == cat]
            shown = plotly_text(style.category_name(cat))
            fig.add_trace(_trace(codes, [0.0] * len(codes), [prep.hover[c] for c in codes], geo,
                                 colorscale=_flat(prep.colors[cat]), showscale=False,
                                 name=shown, legendgroup=shown, showlegend=geo == "geo"))
    else:
        codes = [c for c in panel_codes if c in prep.values]
        fig.add_trace(_trace(codes, [float(prep.values[c]) for c in codes],
                             [prep.hover[c] for c in codes], geo, coloraxis="coloraxis",
                             name=plotly_text(style.value_label or value_col), showlegend=False))


def choropleth(
    frame: Any,
    value_col: str,
    *,
    title: str | None = None,
    okinawa_inset: bool = True,
    height: int = 600,
    style: MapStyle | None = None,
    **options: Any,
) -> go.Figure:
    """Prefecture choropleth from a frame with ``pref_code`` and ``value_col``.

    ``options`` are fields of ``MapStyle`` (label_col, categorical, hover_cols, ...) and
    override those of ``style``.
    """
    style = (style or MapStyle()).with_options(**options)
    prep = prepare(frame, value_col, style)
    main_gj, inset_gj = split_geojson(okinawa_inset)
    panels = [("geo", main_gj)] + ([("geo2", inset_gj)] if inset_gj is not None else [])
    fig = go.Figure()
    for geo, gj in panels:
        # plotly.js downloads its world topojson from cdn.plot.ly before drawing a geo
        # subplot whose *first* trace has a locationmode (every Choropleth does), even
        # with visible=False; offline that fetch fails and the map stays blank. An empty
        # Scattergeo first keeps the figure self-contained (see data/geo/SOURCE.md).
        fig.add_trace(go.Scattergeo(lon=[], lat=[], geo=geo, showlegend=False, hoverinfo="skip"))
        panel_codes = [f["properties"]["pref_code"] for f in gj["features"]]
        _panel_traces(fig, prep, panel_codes, geo, value_col, style)

    layout: dict[str, Any] = {
        "geo": _geo_layout((0.0, 1.0), (0.0, 1.0)),
        "height": height,
        "margin": {"l": 0, "r": 0, "t": 40 if title else 0, "b": 0},
        "font": {"family": theme.FONT},
        "paper_bgcolor": theme.TRANSPARENT,
        "dragmode": False,
    }
    if title:
        layout["title"] = {"text": plotly_text(title), "x": 0.01, "xanchor": "left"}
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
                "line": {"color": theme.INSET_FRAME, "width": 1},
                "fillcolor": theme.TRANSPARENT,
            }
        ]
    if style.categorical:
        layout["legend"] = {
            "x": 0.99,
            "y": 0.02,
            "xanchor": "right",
            "yanchor": "bottom",
            "bgcolor": theme.LEGEND_BACKGROUND,
        }
    else:
        lo, hi = style.value_range([float(v) for v in prep.values.values()])
        layout["coloraxis"] = {
            "colorscale": style.colorscale,
            "cmin": lo,
            "cmax": hi,
            "colorbar": {
                "title": {"text": style.colorbar_title(value_col)},
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
