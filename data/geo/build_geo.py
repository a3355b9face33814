"""Build the shipped prefecture GeoJSON from the vendored TopoJSON source.

Reproducible, offline build step (not run by the dashboard). Input is the
vendored copy of smartnews-smri/japan-topography's prefecture TopoJSON (derived
from MLIT National Land Numerical Information N03, 2021-01-01); output is
``prefectures.geojson`` next to this file, one feature per prefecture with
``pref_code`` '01'..'47'. See SOURCE.md for provenance and licence.

Steps:
1. Decode the quantised, delta-encoded TopoJSON arcs to lon/lat.
2. Simplify each *arc* once (Douglas-Peucker, ``--tolerance`` degrees) so
   borders shared by two prefectures stay identical on both sides (no slivers).
3. Assemble rings per prefecture, repair with shapely, drop islands below
   ``--min-area`` (the largest part of every prefecture is always kept) and
   the Kazan (Volcano) Islands of Tokyo south of ``--tokyo-min-lat``.
4. Orient rings RFC 7946-style, round to ``--precision`` decimals and write
   compact JSON.

Run:  uv run python data/geo/build_geo.py
(shapely is a dev-group dependency, used only here.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient
from shapely.ops import unary_union
from shapely.validation import make_valid

from warehouse.reference import prefecture_english_names, prefecture_names

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "raw" / "japan-topography_prefectures_s0001.topojson"
SOURCE_SHA256 = "7e42c97adc115eb73e0521e8fa6bd21d0ac544f4ebd0a80fef121a71cb540887"
OUTPUT = HERE / "prefectures.geojson"



def prefectures() -> list[tuple[str, str, str]]:
    """(JIS X 0401 code, name as in N03, English name) of every prefecture, from the one
    reference list (data/reference/prefecture.csv)."""
    names, english = prefecture_names(), prefecture_english_names()
    return [(code, names[code], english[code]) for code in names]


def decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Undo TopoJSON delta encoding and quantisation."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def simplify_arcs(
    arcs: list[list[tuple[float, float]]], tolerance: float
) -> list[list[tuple[float, float]]]:
    """Douglas-Peucker each arc; endpoints are kept, so shared borders still meet."""
    if tolerance <= 0:
        return arcs
    out = []
    for pts in arcs:
        if len(pts) <= 2:
            out.append(pts)
            continue
        closed = pts[0] == pts[-1]
        if closed:
            # Split closed arcs (islands) in two so the ring cannot collapse.
            mid = len(pts) // 2
            a = list(LineString(pts[: mid + 1]).simplify(tolerance).coords)
            b = list(LineString(pts[mid:]).simplify(tolerance).coords)
            out.append(a + b[1:])
        else:
            out.append(list(LineString(pts).simplify(tolerance).coords))
    return out


def ring_from(
    arc_ids: list[int], arcs: list[list[tuple[float, float]]]
) -> list[tuple[float, float]]:
    """Stitch a TopoJSON ring (negative id = reversed arc ~i)."""
    ring: list[tuple[float, float]] = []
    for i in arc_ids:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])
    return ring


def build_geometry(geom: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> MultiPolygon:
    """Turn one TopoJSON Polygon/MultiPolygon into a valid shapely MultiPolygon."""
    polys_arcs = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    parts = []
    for poly_arcs in polys_arcs:
        rings = [ring_from(r, arcs) for r in poly_arcs]
        rings = [r for r in rings if len(r) >= 4]
        if not rings:
            continue
        poly = Polygon(rings[0], rings[1:])
        if not poly.is_valid:
            poly = make_valid(poly)
        if not poly.is_empty and poly.area > 0:
            parts.append(poly)
    merged = unary_union(parts)
    polys = [g for g in getattr(merged, "geoms", [merged]) if isinstance(g, Polygon)]
    return MultiPolygon(polys)


def filter_parts(
    mp: MultiPolygon, code: str, min_area: float, tokyo_min_lat: float
) -> MultiPolygon:
    """Drop tiny islands (never the largest part) and Tokyo's far-south islands."""
    parts = sorted(mp.geoms, key=lambda p: p.area, reverse=True)
    kept = [parts[0]]
    for p in parts[1:]:
        if p.area < min_area:
            continue
        if code == "13" and p.centroid.y < tokyo_min_lat:
            continue
        kept.append(p)
    return MultiPolygon(kept)


def round_coords(obj: Any, precision: int) -> Any:
    """Round nested coordinate lists and drop consecutive duplicates."""
    if isinstance(obj, (list, tuple)) and obj and isinstance(obj[0], (int, float)):
        return [round(obj[0], precision), round(obj[1], precision)]
    rounded = [round_coords(o, precision) for o in obj]
    if rounded and isinstance(rounded[0], list) and rounded[0] and isinstance(rounded[0][0], float):
        dedup = [rounded[0]]
        for p in rounded[1:]:
            if p != dedup[-1]:
                dedup.append(p)
        return dedup
    return rounded


def build(
    tolerance: float, min_area: float, precision: int, tokyo_min_lat: float
) -> dict[str, Any]:
    """Return the FeatureCollection for all 47 prefectures."""
    raw = SOURCE.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"unexpected source checksum {digest}; see SOURCE.md")
    topo = json.loads(raw)
    arcs = simplify_arcs(decode_arcs(topo), tolerance)
    by_name = {g["properties"]["N03_001"]: g for g in topo["objects"]["prefectures"]["geometries"]}
    features = []
    for code, name_ja, name_en in prefectures():
        mp = filter_parts(build_geometry(by_name[name_ja], arcs), code, min_area, tokyo_min_lat)
        mp = MultiPolygon([orient(p, sign=-1.0) for p in mp.geoms])  # d3-geo: CW exteriors
        geom = mapping(mp if len(mp.geoms) > 1 else mp.geoms[0])
        geom = {"type": geom["type"], "coordinates": round_coords(geom["coordinates"], precision)}
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"pref_code": code, "name_ja": name_ja, "name_en": name_en},
                "geometry": geom,
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "japan_prefectures",
        "attribution": "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成 / "
        "Source: MLIT National Land Numerical Information (Administrative Areas, N03), "
        "2021-01-01; simplified and processed.",
        "features": features,
    }


def main() -> None:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tolerance", type=float, default=0.0, help="extra DP simplification, deg")
    ap.add_argument("--min-area", type=float, default=0.0004, help="drop islands below, deg^2")
    ap.add_argument("--precision", type=int, default=4, help="coordinate decimals")
    ap.add_argument("--tokyo-min-lat", type=float, default=26.0, help="drop Tokyo parts south")
    ap.add_argument("--output", type=Path, default=OUTPUT)
    args = ap.parse_args()
    fc = build(args.tolerance, args.min_area, args.precision, args.tokyo_min_lat)
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    args.output.write_text(text + "\n", encoding="utf-8")
    n_pts = text.count("],[") + len(fc["features"])
    print(f"wrote {args.output} ({len(text.encode()):,} bytes, ~{n_pts:,} points)")


if __name__ == "__main__":
    main()
