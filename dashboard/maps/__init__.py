"""Maps of Japan's 47 prefectures as Plotly figures, drawn from data the project ships.

Why this package exists: the dashboard compares prefectures (plan adoption, subsidy
participation, indicators), and a map is the quickest way to read such a comparison.
It draws from ``data/geo/`` only (no tile server, no base map, nothing fetched at run
time), so figures render offline and can be built in tests:

* ``geo`` - the shipped boundaries and tile-grid layout, found through ``warehouse.resources``;
* ``prepare`` - joining a frame's values to the prefectures, and ``MapStyle``, the options
  both figures share (labels, hover, number format, categories, colour scale);
* ``choropleth`` - real boundaries (MLIT N03, simplified; see data/geo/SOURCE.md),
  with Okinawa in an inset at the top left so the main map stays large;
* ``tile_grid`` - one equal-sized square per prefecture (geofacet ``jp_prefs_grid2``
  layout), where Tokyo and Osaka get the same weight as Hokkaido.
* ``municipal`` - municipalities and wards, and estimated police-station areas, on the public
  boundary files that ``warehouse.boundaries`` reads from ``SAIHAN_GEO_DIR`` (not shipped).

Colours come from ``dashboard.theme``. No Streamlit import and no UI strings: titles and
labels come from the caller; the only text defaults are the prefecture names in the data.
The attribution in ``ATTRIBUTION_JA``/``ATTRIBUTION_EN`` must be shown with the map.
"""

from __future__ import annotations

from dashboard.maps.choropleth import choropleth
from dashboard.maps.geo import (
    ATTRIBUTION_EN,
    ATTRIBUTION_JA,
    Tile,
    load_prefecture_geojson,
    load_tile_grid,
)
from dashboard.maps.prepare import MapStyle
from dashboard.maps.tile_grid import tile_grid

__all__ = [
    "ATTRIBUTION_EN",
    "ATTRIBUTION_JA",
    "MapStyle",
    "Tile",
    "choropleth",
    "load_prefecture_geojson",
    "load_tile_grid",
    "tile_grid",
]
