"""Server time and size of the municipal maps, on the public boundary files and the real
Hokkaido police files (both read in place from ``../shared/data``).

Times, in this process: preparing the boundaries from the files (cold) and reading the prepared
copy back; then, for each of the 47 prefectures, what a page does for its municipal map
(select the areas, build the figure, serialise it to the JSON Streamlit sends) with the bytes
sent; the estimated police-station map of Hokkaido from the real crime data; all of Japan at
municipal level; and the whole crime and plans pages through Streamlit's AppTest (first visit
and rerun). CPU is this process's user + system time.

    uv run python benchmarks/bench_municipal_maps.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
from shared_data import geo_dir, hokkaido_dir  # sibling modules of the script

from dashboard.maps import MapStyle
from dashboard.maps import municipal as areas
from warehouse import boundaries
from warehouse.run import run_pipeline
from warehouse.sample import bundled_files, copy_files, copy_from
from warehouse.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def timed(work: Callable[[], object]) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def best(work: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds over ``repeat`` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu, result = timed(work)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus), result


def prefecture_map(found: boundaries.Boundaries, pref_code: str) -> int:
    """What the crime page does for one prefecture's map; the bytes of JSON it sends."""
    features = boundaries.prefecture_features(found, pref_code, by_ward=True)
    values = {f["id"]: i for i, f in enumerate(features)}
    hover = {f["id"]: areas.hover_lines(f["properties"]["name"], [("件数", str(values[f["id"]]))])
             for f in features}
    figure = areas.area_map(features, values, hover, style=MapStyle(value_label="件数"),
                            credit="出典")
    return len(figure.to_json().encode())


def station_map(found: boundaries.Boundaries, rows: list[dict]) -> int:
    features = boundaries.prefecture_features(found, "01", by_ward=True)
    estimated = areas.station_areas(rows, features)
    values = {str(i): 1 for i in range(len(estimated.stations))}
    figure = areas.area_map(estimated.features, values, {}, style=MapStyle(), credit="出典")
    return len(figure.to_json().encode())


def japan_map(found: boundaries.Boundaries) -> int:
    features = boundaries.japan_features(found)
    statuses = ("adopted", "none", "in_preparation", "not_reported")
    values = {f["id"]: statuses[i % 4] for i, f in enumerate(features)}
    hover = {f["id"]: areas.hover_lines(f["properties"]["name"], [("計画", values[f["id"]])])
             for f in features}
    figure = areas.area_map(features, values, hover, credit="出典",
                            style=MapStyle(categorical=True, category_order=statuses))
    return len(figure.to_json().encode())


def page_runs(settings: Settings) -> dict[str, tuple[float, float]]:
    """Whole page scripts (AppTest): first visit and rerun, wall seconds (the script runs in
    Streamlit's own thread)."""
    from streamlit.testing.v1 import AppTest

    out = {}
    for page, params in (("views/crime.py", {"pref": "01"}), ("views/plans.py", {}),
                         ("views/progress.py", {"pref": "01"})):
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        first, _, _ = timed(lambda at=at, page=page: at.switch_page(page).run())
        again, _, _ = timed(lambda at=at: at.run())
        assert not at.exception, [e.message for e in at.exception]
        out[page] = (first, again)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = geo_dir()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "geo-cache"
        wall, cpu, found = timed(lambda: boundaries.load(folder, cache))
        [prepared] = cache.glob("*.json")
        print(f"prepare boundaries from the files: {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"(prepared copy {prepared.stat().st_size / 1e6:.1f} MB)")
        boundaries._MEMORY.clear()
        wall, cpu, found = timed(lambda: boundaries.load(folder, cache))
        print(f"read the prepared copy (a new process): {wall:.2f} s wall, {cpu:.2f} s CPU")

        prefecture_map(found, "13")  # plotly's validators warm up once per process
        results = {}
        for number in range(1, 48):
            code = f"{number:02d}"
            results[code] = best(lambda code=code: prefecture_map(found, code), args.repeat)
        slowest = max(results, key=lambda c: results[c][1])
        largest = max(results, key=lambda c: results[c][2])
        print(f"prefecture municipal map (47 prefectures, median of {args.repeat}): "
              f"CPU median {statistics.median(r[1] for r in results.values()) * 1000:.0f} ms, "
              f"slowest {slowest} {results[slowest][1] * 1000:.0f} ms CPU "
              f"({results[slowest][0] * 1000:.0f} ms wall); "
              f"largest {largest} {results[largest][2] / 1e3:,.0f} KB sent")

        settings = Settings.from_env({"SAIHAN_HOME": str(Path(tmp) / "home"),
                                      "SAIHAN_GEO_DIR": str(folder)})
        # The bundled data without its generated crime sample, and the real Hokkaido files.
        copy_files(settings, [(path, relative) for path, relative in bundled_files()
                              if not relative.startswith("sample/crime/")])
        copy_from(settings, hokkaido_dir())
        assert run_pipeline(settings).status == "published"
        with duckdb.connect(str(settings.warehouse), read_only=True) as con:
            rows = [dict(zip(("police_station", "lg_code", "incidents"), r, strict=True))
                    for r in con.execute("select police_station, lg_code, incidents "
                                         "from mart.police_station_area "
                                         "where pref_code = '01'").fetchall()]
        wall, cpu, size = best(lambda: station_map(found, rows), args.repeat)
        stations = len({r["police_station"] for r in rows})
        print(f"Hokkaido estimated station areas (real 2018 data, {stations} stations, "
              f"{len(rows)} station x municipality rows): {cpu * 1000:.0f} ms CPU "
              f"({wall * 1000:.0f} ms wall), "
              f"{size / 1e3:,.0f} KB sent")
        wall, cpu, size = best(lambda: japan_map(found), args.repeat)
        print(f"all of Japan, {len(found.japan):,} municipalities: {cpu * 1000:.0f} ms CPU "
              f"({wall * 1000:.0f} ms wall), {size / 1e3:,.0f} KB sent")

        os.environ["SAIHAN_HOME"] = str(settings.home)
        os.environ["SAIHAN_GEO_DIR"] = str(folder)
        os.environ.pop("SAIHAN_LANG", None)
        for page, (first, again) in page_runs(settings).items():
            print(f"{page:>18}: whole page script {first * 1000:5.0f} ms first visit, "
                  f"{again * 1000:5.0f} ms rerun")


if __name__ == "__main__":
    main()
