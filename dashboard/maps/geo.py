"""The shipped map data: prefecture boundaries (GeoJSON) and the tile-grid layout.

Both files live in ``data/geo/`` and are found through ``warehouse.resources``, so an installed
wheel draws the same maps as the checkout. Nothing is fetched at run time.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse import resources

PREF_CODES: tuple[str, ...] = tuple(f"{i:02d}" for i in range(1, 48))
OKINAWA = "47"
ATTRIBUTION_JA = "出典：「国土数値情報（行政区域データ）」（国土交通省）を加工して作成"
ATTRIBUTION_EN = (
    "Source: MLIT National Land Numerical Information (Administrative Areas), processed"
)


@dataclass(frozen=True)
class Tile:
    """One prefecture square of the tile grid (row 1 is the top, col 1 the west)."""

    pref_code: str
    row: int
    col: int
    label_ja: str
    label_en: str


def geojson_path() -> Path:
    """The prefecture boundaries (MLIT N03, simplified; see data/geo/SOURCE.md)."""
    return resources.geo_dir() / "prefectures.geojson"


def tile_grid_path() -> Path:
    """The tile-grid layout (geofacet ``jp_prefs_grid2``)."""
    return resources.geo_dir() / "tile_grid.csv"


@functools.lru_cache(maxsize=1)
def load_prefecture_geojson() -> dict[str, Any]:
    """Shipped GeoJSON FeatureCollection, 47 features keyed by ``properties.pref_code``."""
    return json.loads(geojson_path().read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def load_tile_grid() -> tuple[Tile, ...]:
    """Tile-grid positions of the 47 prefectures, in pref_code order."""
    lines = tile_grid_path().read_text(encoding="utf-8").splitlines()
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
def feature_names(lang: str = "ja") -> dict[str, str]:
    """pref_code -> full prefecture name from the GeoJSON ('ja' or 'en'): the label of a
    prefecture whose row gives none."""
    key = "name_en" if lang == "en" else "name_ja"
    return {
        f["properties"]["pref_code"]: f["properties"][key]
        for f in load_prefecture_geojson()["features"]
    }


def subset_geojson(codes: Sequence[str]) -> dict[str, Any]:
    """FeatureCollection with only the given prefectures (keeps each trace light)."""
    wanted = set(codes)
    gj = load_prefecture_geojson()
    return {
        "type": "FeatureCollection",
        "features": [f for f in gj["features"] if f["properties"]["pref_code"] in wanted],
    }


@functools.lru_cache(maxsize=4)
def split_geojson(okinawa_inset: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """GeoJSON for the main map and (optionally) for the Okinawa inset."""
    if not okinawa_inset:
        return load_prefecture_geojson(), None
    main = subset_geojson([c for c in PREF_CODES if c != OKINAWA])
    return main, subset_geojson([OKINAWA])
