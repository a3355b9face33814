"""Municipal and ward boundaries from the public files in ``SAIHAN_GEO_DIR``, checked against
the bundled local-government list.

Why this module exists: the prefecture maps ship with saihan (``data/geo``), but municipal maps
need boundary files the project does not ship (they are public, but large and licensed with a
credit line). Whoever installs saihan puts them in one folder; this module finds them there,
reads them with ``topojson`` and ``shapely`` (no hand-written geometry), checks their codes
against ``data/reference`` and hands the dashboard GeoJSON features keyed by local-government
code:

* デジタル庁 ``ja_municipality_area.json`` (TopoJSON, N03-2025, CC BY 4.0): every municipality,
  designated cities as one area each; the source of every municipality drawn.
* SmartNews ``N03-21_210101.json`` (GeoJSON, N03 as of 2021-01-01): the wards of designated
  cities. A ward is drawn from it only when its code and name are in the reference list
  (2024-01-01); a city with a ward that is not (浜松市 reorganised its wards on 2024-01-01) is
  drawn whole from the デジタル庁 file.

Nothing here imports DuckDB or Streamlit; the messages are in ``warehouse.boundary_text``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
import topojson
from shapely.geometry import shape

from warehouse.boundary_text import (
    DIFFERENCE_KINDS,
    HANDLING,
    REPORT,
    SOURCES,
    GeoFileError,
    say,
)
from warehouse.reference import check_digit, local_governments

MUNICIPAL_FILE = "ja_municipality_area.json"
MUNICIPAL_OBJECT = "ja_municipality_area_simplified_1741"
WARD_FILE = "N03-21_210101.json"
# ~10 m: finer than the デジタル庁 file's own quantisation (0.00014° x 0.00011°).
PREFECTURE_DECIMALS = 4
# The whole country: arcs simplified once (shared borders stay shared), ~100 m coordinates.
JAPAN_TOLERANCE = 0.01
JAPAN_DECIMALS = 3
CACHE_VERSION = 1  # raise when the prepared features change shape


@dataclass(frozen=True)
class BoundaryFiles:
    """Where the two public files were found in the folder (None: not there)."""

    folder: Path
    municipal: Path | None
    wards: Path | None


@dataclass(frozen=True)
class Difference:
    """One code of a boundary file that differs from the reference list, and what is done."""

    source: str  # "municipal" or "wards"
    lg_code: str
    name: str
    kind: str  # not_in_reference, not_in_file, name_differs
    handling: str  # key of the handling text (warehouse.boundary_text.HANDLING)


@dataclass(frozen=True)
class Boundaries:
    """Features (GeoJSON dicts, properties lg_code, pref_code, name) by 6-digit code."""

    files: BoundaryFiles
    municipalities: dict[str, dict[str, Any]]
    wards: dict[str, dict[str, Any]]
    differences: tuple[Difference, ...] = field(default=())
    # Designated cities drawn by ward (every ward of the reference has a boundary).
    cities_by_ward: frozenset[str] = frozenset()
    # Every municipality, simplified for one national map.
    japan: tuple[dict[str, Any], ...] = ()


def find_files(folder: Path) -> BoundaryFiles:
    """The public files anywhere below ``folder`` (by their published names)."""
    def first(name: str) -> Path | None:
        if not folder.is_dir():
            return None
        return next(iter(sorted(folder.rglob(name))), None)

    return BoundaryFiles(folder, first(MUNICIPAL_FILE), first(WARD_FILE))


def _read_json(path: Path) -> Any:
    """A JSON file, or a GeoFileError naming the file, line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GeoFileError("not_utf8", path, byte=exc.start) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise GeoFileError("not_json", path, line=exc.lineno, column=exc.colno) from None


def _clockwise(geometry: Any, decimals: int) -> dict[str, Any]:
    """GeoJSON geometry with exteriors clockwise (plotly.js's d3-geo convention; the other
    winding fills the globe), rounded to ``decimals``."""
    geom = shapely.orient_polygons(shapely.make_valid(geometry), exterior_cw=True)
    geom = shapely.set_precision(geom, 10 ** -decimals)
    return json.loads(shapely.to_geojson(geom))


def _feature(lg_code: str, geometry: Any, decimals: int) -> dict[str, Any]:
    government = local_governments()[lg_code]
    return {
        "type": "Feature",
        "id": lg_code,
        "properties": {"lg_code": lg_code, "pref_code": government.pref_code,
                       "name": government.full_name_ja},
        "geometry": _clockwise(geometry, decimals),
    }


def _municipal_geometries(path: Path) -> dict[str, tuple[str, Any]]:
    """lg_code -> (name as in the file, shapely geometry) of the デジタル庁 TopoJSON."""
    topo = _read_json(path)
    objects = topo.get("objects") if isinstance(topo, dict) else None
    if not isinstance(objects, dict) or MUNICIPAL_OBJECT not in objects:
        raise GeoFileError("no_object", path, name=MUNICIPAL_OBJECT)
    collection = topojson.utils.serialize_as_geojson(topo, objectname=MUNICIPAL_OBJECT)
    found = {}
    for feature in collection["features"]:
        props = feature.get("properties") or {}
        code = str(props.get("lg_code") or "")
        if feature.get("geometry") and code:
            found[code] = (str(props.get("city_name") or ""), shape(feature["geometry"]))
    return found


def _ward_geometries(path: Path) -> dict[str, tuple[str, Any]]:
    """lg_code (with its check digit) -> (ward name, geometry) of the N03 GeoJSON; a code's
    parts (islands published as separate features) are joined."""
    collection = _read_json(path)
    if not isinstance(collection, dict) or not isinstance(collection.get("features"), list):
        raise GeoFileError("no_features", path)
    parts: dict[str, list[Any]] = {}
    names: dict[str, str] = {}
    for feature in collection["features"]:
        props = feature.get("properties") or {}
        code5, ward = str(props.get("N03_007") or ""), props.get("N03_004") or ""
        city = props.get("N03_003") or ""
        # Wards of designated cities: a ward name under a city name (東京23区 have no city).
        if not (len(code5) == 5 and code5.isdigit() and city.endswith("市")
                and ward.endswith("区")) or not feature.get("geometry"):
            continue
        code = f"{code5}{check_digit(code5)}"
        parts.setdefault(code, []).append(shape(feature["geometry"]))
        names[code] = f"{city}{ward}"
    return {code: (names[code], shapely.union_all(geoms)) for code, geoms in parts.items()}


def _compare(source: str, found: dict[str, tuple[str, Any]], expected: Iterable[str],
             handling: dict[str, str]) -> list[Difference]:
    """Codes of a file against the reference codes of the same kind."""
    expected = set(expected)
    governments = local_governments()
    out = []
    for code in sorted(set(found) - expected):
        out.append(Difference(source, code, found[code][0], "not_in_reference",
                              handling["not_in_reference"]))
    for code in sorted(expected - set(found)):
        out.append(Difference(source, code, governments[code].full_name_ja, "not_in_file",
                              handling["not_in_file"]))
    for code in sorted(expected & set(found)):
        written = found[code][0]
        own = governments[code]
        if written and written not in (own.name_ja, own.full_name_ja):
            out.append(Difference(source, code, written, "name_differs",
                                  handling["name_differs"]))
    return out


def _load(files: BoundaryFiles) -> Boundaries:
    governments = local_governments()
    municipal_codes = [c for c, g in governments.items() if g.kind not in ("prefecture", "ward")]
    ward_codes = [c for c, g in governments.items() if g.kind == "ward"]
    municipal = _municipal_geometries(files.municipal) if files.municipal else {}
    wards = _ward_geometries(files.wards) if files.wards else {}
    differences = _compare("municipal", municipal, municipal_codes, {
        "not_in_reference": "dropped", "not_in_file": "not_drawn",
        "name_differs": "drawn_by_code"})
    if files.wards:
        differences += _compare("wards", wards, ward_codes, {
            "not_in_reference": "dropped", "not_in_file": "city_whole",
            "name_differs": "drawn_by_code"})
    parent: dict[str, list[str]] = {}
    for code in ward_codes:
        parent.setdefault(_city_of(code), []).append(code)
    by_ward = frozenset(city for city, codes in parent.items()
                        if all(code in wards for code in codes))
    return Boundaries(
        files,
        {code: _feature(code, geom, PREFECTURE_DECIMALS)
         for code, (_, geom) in municipal.items() if code in governments},
        {code: _feature(code, geom, PREFECTURE_DECIMALS)
         for code, (_, geom) in wards.items()
         if code in governments and _city_of(code) in by_ward},
        tuple(differences),
        by_ward,
        _japan(files.municipal),
    )


def _city_of(ward_code: str) -> str:
    government = local_governments().get(ward_code)
    return government.parent_lg_code if government and government.kind == "ward" else ""


def _digest(files: BoundaryFiles) -> str:
    """What a prepared copy is valid for: the files' contents and this module's processing."""
    digest = hashlib.sha256(f"{CACHE_VERSION}|{JAPAN_TOLERANCE}|{JAPAN_DECIMALS}".encode())
    for path in (files.municipal, files.wards):
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path else b"-")
    return digest.hexdigest()[:16]


def _from_cache(files: BoundaryFiles, path: Path) -> Boundaries | None:
    """The prepared copy, or None when it cannot be read back whole (it is then prepared
    again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Boundaries(
            files, data["municipalities"], data["wards"],
            tuple(Difference(**d) for d in data["differences"]),
            frozenset(data["cities_by_ward"]), tuple(data["japan"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _to_cache(found: Boundaries, path: Path) -> None:
    """Write the prepared boundaries atomically; a folder that cannot be written is skipped
    (the next process prepares them again)."""
    data = {"municipalities": found.municipalities, "wards": found.wards,
            "differences": [d.__dict__ for d in found.differences],
            "cities_by_ward": sorted(found.cities_by_ward), "japan": list(found.japan)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                             encoding="utf-8")
        temporary.replace(path)
    except OSError:
        return


def _prepare(files: BoundaryFiles, cache_dir: Path | None) -> Boundaries:
    """The prepared copy in ``cache_dir`` when it is there for these files, else built (and
    written there)."""
    if cache_dir is None:
        return _load(files)
    path = cache_dir / f"boundaries-{_digest(files)}.json"
    found = _from_cache(files, path) if path.is_file() else None
    if found is None:
        found = _load(files)
        _to_cache(found, path)
    return found


# Boundaries prepared in this process, by files and their (size, mtime): a page asks for them
# on every rerun. The lock keeps two sessions from preparing the same files at once.
_MEMORY: dict[tuple[BoundaryFiles, tuple[tuple[int, int], ...]], Boundaries] = {}
_MEMORY_LOCK = threading.Lock()


def load(folder: Path, cache_dir: Path | None = None) -> Boundaries | None:
    """The boundaries in ``folder``, prepared once per process while the files stay unchanged;
    None when the municipal file is not there (the maps then stay at prefecture level).
    With ``cache_dir``, a process that prepares them keeps them there (one JSON file per
    content of the boundary files), so the next process reads them in a fraction of a second."""
    files = find_files(folder)
    if files.municipal is None:
        return None
    stamps = tuple((p.stat().st_size, p.stat().st_mtime_ns)
                   for p in (files.municipal, files.wards) if p is not None)
    with _MEMORY_LOCK:
        if (files, stamps) not in _MEMORY:
            if len(_MEMORY) >= 4:
                _MEMORY.clear()
            _MEMORY[files, stamps] = _prepare(files, cache_dir)
        return _MEMORY[files, stamps]


def city_of(ward_code: str) -> str:
    """The designated city of a ward ('' for a code that is not a ward)."""
    return _city_of(ward_code)


def prefecture_features(boundaries: Boundaries, pref_code: str, *,
                        by_ward: bool) -> list[dict[str, Any]]:
    """The features of one prefecture: its municipalities, and with ``by_ward`` the wards in
    place of each designated city drawn by ward."""
    out = []
    for code, feature in boundaries.municipalities.items():
        if feature["properties"]["pref_code"] != pref_code:
            continue
        if by_ward and code in boundaries.cities_by_ward:
            out.extend(f for c, f in boundaries.wards.items() if _city_of(c) == code)
        else:
            out.append(feature)
    return out


def _japan(path: Path) -> tuple[dict[str, Any], ...]:
    """Every municipality for one national map: the TopoJSON's arcs simplified once (so
    neighbours keep one shared border; topojson's toposimplify), rounded to ~100 m."""
    topo = _read_json(path)
    simplified = topojson.Topology(topo, object_name=MUNICIPAL_OBJECT).toposimplify(
        JAPAN_TOLERANCE)
    geojson = topojson.utils.serialize_as_geojson(simplified.to_dict(),
                                                  objectname=MUNICIPAL_OBJECT)
    governments = local_governments()
    out = []
    for feature in geojson["features"]:
        code = str((feature.get("properties") or {}).get("lg_code") or "")
        if code in governments and feature.get("geometry"):
            out.append(_feature(code, shape(feature["geometry"]), JAPAN_DECIMALS))
    return tuple(out)


def japan_features(boundaries: Boundaries) -> list[dict[str, Any]]:
    """Every municipality of Japan, simplified for one national map."""
    return list(boundaries.japan)


def report(files: BoundaryFiles, found: Boundaries | None, lang: str) -> list[str]:
    """The boundary check in words (``saihan geo check``): where the files are, what can be
    drawn, and each difference from the reference list with how it is handled."""
    lines = [say(REPORT, "folder", lang, folder=files.folder)]
    for source, path, name in (("municipal", files.municipal, MUNICIPAL_FILE),
                               ("wards", files.wards, WARD_FILE)):
        what = say(SOURCES, source, lang)
        lines.append(say(REPORT, "found", lang, what=what, path=path) if path
                     else say(REPORT, "missing" if source == "municipal" else "missing_wards",
                              lang, what=what, file=name))
    if found is None:
        return lines
    lines.append(say(REPORT, "counts", lang, municipalities=len(found.municipalities),
                     wards=len(found.wards), cities=len(found.cities_by_ward)))
    if not found.differences:
        return [*lines, say(REPORT, "no_differences", lang)]
    lines.append(say(REPORT, "differences", lang, n=len(found.differences)))
    for d in found.differences:
        lines.append(say(REPORT, "difference", lang, source=say(SOURCES, d.source, lang),
                         lg_code=d.lg_code, name=d.name, kind=say(DIFFERENCE_KINDS, d.kind, lang),
                         handling=say(HANDLING, d.handling, lang)))
    return lines


def report_json(files: BoundaryFiles, found: Boundaries | None) -> dict[str, Any]:
    """The same check as data: files, counts and differences."""
    return {
        "folder": str(files.folder),
        "municipal_file": str(files.municipal) if files.municipal else None,
        "ward_file": str(files.wards) if files.wards else None,
        "municipalities": len(found.municipalities) if found else 0,
        "wards": len(found.wards) if found else 0,
        "cities_by_ward": sorted(found.cities_by_ward) if found else [],
        "differences": [
            {"source": d.source, "lg_code": d.lg_code, "name": d.name, "kind": d.kind,
             "handling": d.handling,
             "handling_ja": HANDLING[d.handling]["ja"], "handling_en": HANDLING[d.handling]["en"]}
            for d in (found.differences if found else ())],
    }
