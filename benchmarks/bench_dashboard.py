"""Server time of every dashboard page's queries on a warehouse of 10 million incidents.

Builds the warehouse through the real pipeline (bundled sample, plus the real Hokkaido 2018 files
read in place from ``../shared/data`` or ``$SAIHAN_SHARED_DATA``), then multiplies the Hokkaido
2018 incidents across the 47 prefectures and 8 years as extra synthetic deliveries (benchmark
data only: it never leaves the temporary folder), rebuilds every model, and times each page's
queries from ``dashboard.queries`` uncached (the cold case; the dashboard caches results).

    uv run python benchmarks/bench_dashboard.py [--copies 4] [--years 8] [--repeat 5]
    uv run python benchmarks/bench_dashboard.py --scale 50     # ~50 million incidents
    uv run python benchmarks/bench_dashboard.py --scale 50 --home /tmp/big50   # kept, reused

The warehouse lives in a temporary folder that is removed at the end, whatever the scale; with
``--home DIR`` it is built in DIR once, kept, and reused by the next runs with the same DIR
(remove DIR yourself when done).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from shared_data import hokkaido_dir  # a sibling module of the script

from dashboard import queries, ranking_queries
from warehouse import build, db, store
from warehouse.run import run_pipeline
from warehouse.sample import copy_from, copy_sample
from warehouse.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def build_big_warehouse(settings: Settings, copies: int, years: int,
                        scale: float | None = None) -> int:
    """Publish the sample and the real Hokkaido files, then add synthetic deliveries of the
    Hokkaido incidents, ``copies`` times each (or as many as make ``scale`` million incidents);
    rebuild."""
    copy_sample(settings)
    copy_from(settings, hokkaido_dir())
    run_pipeline(settings)
    con = db.connect(settings.warehouse)
    store.attach(con, settings.crime_store)
    con.execute("""
        create temp table template as
        select i.*, f.modus as file_modus
        from raw.crime_incident as i join raw.file as f using (file_id)
        where f.status = 'loaded' and f.source_kind = 'crime_open_data' and not f.is_sample
    """)
    con.execute("""
        create temp table plan as
        select row_number() over () + 100000 as file_id, p.pref_code, y.year, t.modus
        from (select distinct file_modus as modus from template) as t
        cross join (select lpad(cast(range as varchar), 2, '0') as pref_code
                    from range(1, 48)) as p
        cross join (select 2018 - range as year from range(0, ?)) as y
        where not (p.pref_code = '01' and y.year = 2018)
    """, [years])
    if scale is not None:
        per_copy = con.execute("select count(*) from template as t join plan as p "
                               "on t.file_modus = p.modus").fetchall()[0][0]
        copies = max(1, round(scale * 1e6 / per_copy))
    con.execute("""
        insert into raw.file (file_id, file_name, source_path, sha256, size_bytes, source_kind,
            dataset_key, encoding, delimiter, row_count, is_sample, status, loaded_at, run_id,
            pref_code, modus, data_year)
        select file_id, 'synthetic_' || pref_code || '_' || year || '_' || modus || '.csv',
            'benchmark', md5(file_id::varchar), 0, 'crime_open_data',
            'crime/' || pref_code || '/' || modus || '/' || year, 'cp932', ',',
            0, true, 'loaded', now(), 'benchmark', pref_code, modus, year
        from plan
    """)
    con.execute("""
        insert into crime_store.crime_incident by name
        select t.* exclude (file_id, file_modus, occurred_on), p.file_id,
            t.occurred_on + to_years(p.year - 2018) as occurred_on
        from plan as p
        join template as t on t.file_modus = p.modus
        cross join range(0, ?) as c
    """, [copies])
    con.execute("""
        insert into crime_store.crime_file
        select file_id, count(*) from crime_store.crime_incident
        where file_id in (select file_id from plan) group by file_id
    """)
    con.execute("""
        update raw.file set row_count = n.rows from (
            select file_id, count(*) as rows from raw.crime_incident group by file_id) as n
        where raw.file.file_id = n.file_id
    """)
    started = time.perf_counter()
    outcome = build.build(con, full=True)  # records what the models were built from
    db.audit(con)
    build.record_passed_tests(con, outcome)  # as a run does after its audit
    build_seconds = time.perf_counter() - started
    total = con.execute("select count(*) from raw.crime_incident").fetchone()[0]
    con.execute("checkpoint")
    con.execute(f"checkpoint {store.ALIAS}")
    con.close()
    print(f"warehouse: {total:,} incidents; models rebuilt and audited in {build_seconds:.1f} s")
    return total


def page_queries(con) -> dict[str, list[tuple[str, Callable, tuple]]]:
    """Each page's queries with the arguments a first visit uses."""
    modi = tuple(queries.crime_options(con, "13")["modi"])
    years = (2017, 2018)
    fiscal_year = queries.subsidy_fiscal_years(con)[0]
    series_key = queries.indicator_series(con)["series_key"][0]
    crime = ("13", years, modi)
    return {
        "overview": [
            ("published_totals", queries.published_totals, ()),
            ("municipality_counts", queries.municipality_counts, ()),
            ("subsidy_fiscal_years", queries.subsidy_fiscal_years, ()),
            ("subsidy_uptake", queries.subsidy_uptake, (fiscal_year,)),
            ("crime_summary", queries.crime_summary, ()),
            ("crime_by_month", queries.crime_by_month, ()),
        ],
        "progress": [
            ("region_progress", queries.region_progress, ()),
            ("region_subsidy_history", queries.region_subsidy_history, ("13",)),
            ("region_ranking", ranking_queries.region_ranking, ("13",)),
            ("region_indicator_history", queries.region_indicator_history, ("13",)),
            ("plan_status_list", queries.plan_status_list, (("13",), (), ())),
        ],
        "ranking": [
            ("ranking_measures", ranking_queries.ranking_measures, ()),
            ("prefecture_ranking", ranking_queries.prefecture_ranking,
             ("municipal_plan_coverage",)),
            ("prefecture_ranking (crime)", ranking_queries.prefecture_ranking,
             ("crime_incidents",)),
        ],
        "report": [
            ("region_progress", queries.region_progress, ()),
            ("region_subsidy_history", queries.region_subsidy_history, ("01",)),
            ("prefecture_indicators", ranking_queries.prefecture_indicators, ("01",)),
            ("prefecture_crime_by_month", ranking_queries.prefecture_crime_by_month, ("01",)),
        ],
        "subsidy": [
            ("subsidy_by_year", queries.subsidy_by_year, ()),
            ("subsidy_detail", queries.subsidy_detail, (fiscal_year,)),
        ],
        "plans": [
            ("plan_coverage_national", queries.plan_coverage_national, ()),
            ("published_totals", queries.published_totals, ("local_plans",)),
            ("municipality_counts", queries.municipality_counts, ()),
            ("plan_coverage_by_prefecture", queries.plan_coverage_by_prefecture,
             ("municipality",)),
            ("plan_status_list", queries.plan_status_list, ((), (), ())),
        ],
        "indicators": [
            ("indicator_series", queries.indicator_series, ()),
            ("indicator_values", queries.indicator_values, (series_key,)),
        ],
        "crime": [
            ("crime_prefectures", queries.crime_prefectures, ()),
            ("crime_options", queries.crime_options, ("13",)),
            ("crime_totals", queries.crime_totals, (*crime, ())),
            ("crime_monthly", queries.crime_monthly, (*crime, ())),
            ("crime_hour_weekday", queries.crime_hour_weekday, (*crime, ())),
            ("crime_place_types", queries.crime_place_types, (*crime, ())),
            ("crime_top_stations", queries.crime_top_stations, (*crime, ())),
            ("crime_by_municipality", queries.crime_by_municipality, (*crime, ())),
        ],
        "data": [
            ("source_freshness", queries.source_freshness, ()),
            ("rejected_files", queries.rejected_files, ()),
            ("runs", queries.runs, ()),
            ("source_files", queries.source_files, ()),
            ("file_findings", queries.file_findings, ()),
        ],
    }


PAGES = ("overview", "progress", "ranking", "report", "subsidy", "plans", "indicators", "crime",
         "data")


def time_page_runs(settings: Settings) -> dict[str, tuple[float, float]]:
    """Server time of each whole page script (Streamlit AppTest): first visit and a rerun."""

    from streamlit import config
    from streamlit.testing.v1 import AppTest

    os.environ["SAIHAN_HOME"] = str(settings.home)
    config.set_option("server.address", "127.0.0.1")  # as `saihan dashboard`: open mode
    timings = {}
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        at.run()
        started = time.perf_counter()
        at.switch_page(f"views/{page}.py").run()
        cold = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        at.run()
        warm = (time.perf_counter() - started) * 1000
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].message}")
        timings[page] = (cold, warm)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=float, default=None, metavar="MILLIONS",
                        help="incidents to build, in millions (e.g. 50); sets --copies")
    parser.add_argument("--home", type=Path, default=None, metavar="DIR",
                        help="build the warehouse in DIR and keep it; reuse it when it is there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as base:
        settings = Settings.from_env({"SAIHAN_HOME": str(args.home or Path(base) / "home")})
        if args.home is not None and settings.warehouse.exists():
            total = db.open_published(settings.warehouse, settings.crime_store).execute(
                "select count(*) from raw.crime_incident").fetchall()[0][0]
            print(f"warehouse: {total:,} incidents, reused from {settings.warehouse}")
        else:
            total = build_big_warehouse(settings, args.copies, args.years, args.scale)
        con = queries.open_warehouse(settings.warehouse)
        results: dict[str, dict[str, float]] = {}
        for page, calls in page_queries(con).items():
            results[page] = {}
            for name, function, call_args in calls:
                times = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    function(db.cursor(con), *call_args)
                    times.append((time.perf_counter() - started) * 1000)
                results[page][name] = statistics.median(times)
        con.close()
        page_runs = time_page_runs(settings)
    for page, timings in results.items():
        slowest = max(timings, key=timings.get)
        print(f"{page:>9}: all queries {sum(timings.values()):6.1f} ms "
              f"(slowest {slowest} {timings[slowest]:.1f} ms)")
    for page, (cold, warm) in page_runs.items():
        print(f"{page:>9}: whole page script {cold:6.0f} ms first visit, {warm:5.0f} ms rerun")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "dashboard.json").write_text(json.dumps(
        {"incidents": total, "query_milliseconds": results,
         "page_milliseconds": page_runs}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
