"""Municipal and ward maps, and estimated police-station areas, as Plotly figures.

The boundaries come from ``warehouse.boundaries`` (the public files in ``SAIHAN_GEO_DIR``);
this module joins a frame's values to them by local-government code and draws them the way
``choropleth`` draws prefectures (no base map, nothing fetched, exteriors clockwise). Two
joins need care and are written once here:

* ``place``: a count's code -> the area drawn. A ward's count is drawn on its ward, or on its
  city where the city is drawn whole; a count coded to a designated city drawn by ward, or with
  no valid code, cannot be placed and is counted as such.
* ``station_areas``: each area drawn goes to the police station that recorded most of its
  incidents (``mart.police_station_area``, summed where several codes share an area); a
  station's estimated area (推定管轄) is the union of its areas (shapely).

Texts (titles, labels, the credit) come from the caller; delivered names are made inert with
``plotly_text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import shapely
from shapely.geometry import mapping, shape

from dashboard import theme
from dashboard.maps.prepare import MapStyle, is_missing
from dashboard.safe import plotly_text
from warehouse.boundaries import PREFECTURE_DECIMALS, city_of


@dataclass(frozen=True)
class Placed:
    """Counts per area drawn, and what could not be placed on the map."""

    values: dict[str, float]
    unplaced: float


def place(counts: Mapping[str | None, float], features: Sequence[dict[str, Any]]) -> Placed:
    """Sum counts by code onto the areas drawn (see the module docstring)."""
    drawn = {f["id"] for f in features}
    values: dict[str, float] = {}
    unplaced = 0.0
    for code, count in counts.items():
        target = code if code in drawn else city_of(code or "")
        if target in drawn:
            values[target] = values.get(target, 0) + count
        else:
            unplaced += count
    return Placed(values, unplaced)


class SharedGeoJSON(dict):
    """A GeoJSON FeatureCollection that plotly may hold without copying: plotly deep-copies a
    trace's data when it validates and when it serialises a figure, which for a national map
    is most of its server time (over a second for 1,747 municipalities). The boundaries are
    never changed once prepared, so a copy is the object itself; it serialises as a dict."""

    def __deepcopy__(self, memo: dict) -> SharedGeoJSON:
        return self


def _subset(features: Sequence[dict[str, Any]], codes: Sequence[str]) -> SharedGeoJSON:
    """The features of ``codes`` as the browser needs them: id and geometry (names go in the
    hover text, so properties would only add bytes)."""
    wanted = set(codes)
    return SharedGeoJSON(type="FeatureCollection",
                         features=[{"type": "Feature", "id": f["id"], "geometry": f["geometry"]}
                                   for f in features if f["id"] in wanted])


def _trace(features: Sequence[dict[str, Any]], codes: list[str], z: list[float],
           hover: list[str], **kwargs: Any) -> go.Choropleth:
    return go.Choropleth(
        geojson=_subset(features, codes),  # only this trace's areas: a lighter payload
        featureidkey="id", locations=codes, z=z, hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        marker={"line": {"color": theme.BORDER, "width": 0.4}}, **kwargs)


def area_map(features: Sequence[dict[str, Any]], values: Mapping[str, Any],
             hover: Mapping[str, str], *, style: MapStyle, credit: str,
             height: int = 560) -> go.Figure:
    """A choropleth of the given areas: ``values`` by feature id (categorical or numeric as
    ``style`` says), ``hover`` by id (already inert), the ``credit`` line drawn on the map."""
    credit_lines = wrap_credit(credit)
    codes = [f["id"] for f in features]
    with_value = [c for c in codes if c in values and not is_missing(values[c])]
    missing = [c for c in codes if c not in with_value]
    fig = go.Figure()
    # An empty Scattergeo first keeps plotly.js from fetching its world map (data/geo/SOURCE.md).
    fig.add_trace(go.Scattergeo(lon=[], lat=[], showlegend=False, hoverinfo="skip"))
    flat = lambda colour: [[0, colour], [1, colour]]  # noqa: E731
    if missing:
        fig.add_trace(_trace(features, missing, [0.0] * len(missing),
                             [hover.get(c, "") for c in missing], showscale=False,
                             colorscale=flat(theme.MISSING_FILL), showlegend=False))
    layout: dict[str, Any] = {}
    if style.categorical:
        order = list(style.category_order or sorted({values[c] for c in with_value}, key=str))
        for i, category in enumerate(order):
            chosen = [c for c in with_value if values[c] == category]
            if not chosen:
                continue
            colour = (style.category_colors or {}).get(category, theme.category_colour(i))
            fig.add_trace(_trace(features, chosen, [0.0] * len(chosen),
                                 [hover.get(c, "") for c in chosen], showscale=False,
                                 colorscale=flat(colour), showlegend=True,
                                 name=plotly_text(style.category_name(category))))
        layout["legend"] = {"x": 0.99, "y": 0.02, "xanchor": "right", "yanchor": "bottom",
                            "bgcolor": theme.LEGEND_BACKGROUND}
    elif with_value:
        z = [float(values[c]) for c in with_value]
        lo, hi = style.value_range(z)
        fig.add_trace(_trace(features, with_value, z, [hover.get(c, "") for c in with_value],
                             coloraxis="coloraxis", showlegend=False))
        layout["coloraxis"] = {
            "colorscale": style.colorscale, "cmin": lo, "cmax": hi,
            "colorbar": {"title": {"text": plotly_text(style.value_label or "")}, "x": 0.99,
                         "xanchor": "right", "y": 0.05, "yanchor": "bottom", "len": 0.45,
                         "thickness": 14},
        }
    fig.update_layout(
        geo={"visible": False, "fitbounds": "locations", "projection": {"type": "mercator"},
             "bgcolor": theme.TRANSPARENT},
        height=height, margin={"l": 0, "r": 0, "t": 0, "b": 8 + 14 * len(credit_lines)},
        dragmode=False, font={"family": theme.FONT}, paper_bgcolor=theme.TRANSPARENT,
        annotations=[{"text": "<br>".join(map(plotly_text, credit_lines)), "showarrow": False,
                      "xref": "paper",
                      "yref": "paper", "x": 0, "y": 0, "xanchor": "left", "yanchor": "top",
                      "yshift": -4, "font": {"size": 11, "color": theme.NONE_TEXT}}],
        **layout,
    )
    return fig


def _display_width(text: str) -> int:
    """Columns a text takes: two for a full-width character, one for any other."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_credit(text: str, width: int = 90) -> list[str]:
    """The credit line in lines of at most about ``width`` columns, broken after its list
    separators (、 or a comma), so a narrow map does not cut it off (Plotly does not wrap)."""
    lines = [""]
    for part in re.split(r"(?<=、)|(?<=, )", text):
        if lines[-1] and _display_width(lines[-1] + part) > width:
            lines.append("")
        lines[-1] += part
    return [line.strip() for line in lines if line.strip()]


def hover_lines(title: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Hover text: a bold title and ``label: value`` lines, every part made inert."""
    lines = [f"<b>{plotly_text(title)}</b>"]
    lines += [f"{plotly_text(label)}: {plotly_text(value)}" for label, value in pairs]
    return "<br>".join(lines)


@dataclass(frozen=True)
class StationAreas:
    """Estimated station areas: one feature per station (id = its index), the station names,
    the areas each was drawn from, and the stations that lead in no area (not drawn)."""

    features: list[dict[str, Any]]
    stations: list[str]
    areas: dict[str, list[str]]
    undrawn: list[str]


def station_areas(rows: Sequence[Mapping[str, Any]], features: Sequence[dict[str, Any]]
                  ) -> StationAreas:
    """Estimated areas from ``mart.police_station_area`` rows (police_station, lg_code,
    incidents): each area drawn goes to the station with most of its incidents (a tie to the
    first name in order), and a station's area is the union of its areas."""
    drawn = {f["id"]: f for f in features}
    per_area: dict[str, dict[str, float]] = {}
    stations = sorted({str(r["police_station"]) for r in rows})
    for row in rows:
        code = row["lg_code"]
        target = code if code in drawn else city_of(code or "")
        if target in drawn:
            counts = per_area.setdefault(target, {})
            station = str(row["police_station"])
            counts[station] = counts.get(station, 0) + row["incidents"]
    areas: dict[str, list[str]] = {}
    for code, counts in sorted(per_area.items()):
        leader = min(counts, key=lambda s: (-counts[s], s))
        areas.setdefault(leader, []).append(code)
    out, named = [], []
    for station in stations:
        if station not in areas:
            continue
        union = shapely.union_all([shape(drawn[c]["geometry"]) for c in areas[station]])
        union = shapely.orient_polygons(shapely.set_precision(
            shapely.make_valid(union), 10 ** -PREFECTURE_DECIMALS), exterior_cw=True)
        named.append(station)
        out.append({"type": "Feature", "id": str(len(named) - 1),
                    "properties": {}, "geometry": mapping(union)})
    return StationAreas(out, named, areas, [s for s in stations if s not in areas])


def names_of(features: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Feature id -> the area's name (from the reference list)."""
    return {f["id"]: f["properties"]["name"] for f in features}

