"""The ingest benchmark's own arithmetic and its step-by-step mode (``benchmarks/bench_ingest.py``):
ratios by wall and by CPU time, judged against issue #16's targets, and ``--phases`` taking real
Hokkaido rows through every step of saihan's ingest and of the floor."""

from __future__ import annotations

import pytest

from tests.helpers import REPO


@pytest.fixture
def bench(monkeypatch):
    """The benchmark module, imported as the script runs it (beside its sibling modules)."""
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    import bench_ingest

    return bench_ingest


def test_ratios_are_taken_by_wall_and_by_cpu_time_and_judged_against_the_targets(bench):
    measured = {"floor": bench.Measured(2.0, 2.0, 300), "pandas": bench.Measured(4.0, 8.0, 600),
                "saihan": bench.Measured(2.6, 3.0, 900)}
    ratios = bench.ratios_of(measured)
    assert ratios["saihan_vs_floor"] == pytest.approx({"wall": 1.3, "cpu": 1.5})
    assert ratios["saihan_vs_pandas"] == pytest.approx({"wall": 0.65, "cpu": 0.375})
    assert bench.TARGETS == {"saihan_vs_floor": 1.3, "saihan_vs_pandas": 0.5}
    assert bench.verdict(1.3, bench.TARGETS["saihan_vs_floor"]) == "met"
    assert bench.verdict(1.5, bench.TARGETS["saihan_vs_floor"]) == "NOT met"
    assert bench.verdict(0.65, bench.TARGETS["saihan_vs_pandas"]) == "NOT met"


def test_phases_take_real_rows_through_every_step_of_saihan_and_of_the_floor(bench, tmp_path):
    folder = tmp_path / "input"
    folder.mkdir()
    assert bench.build_input(folder, 2_000) == 2_000
    saihan = bench.saihan_phases(folder, tmp_path)  # exits when a data test fails
    assert list(saihan) == [
        "imports (warehouse, polars, duckdb)", "sha256 of the files",
        "strict decode CP932 + suspect-character scan", "re-encode to UTF-8",
        "cells: polars read_csv + whole-text checks", "frame, normalise, findings (polars)",
        "migrate + reference lists", "load with lineage (DuckDB insert, compression)",
        "build every model", "data tests", "checkpoint + close",
    ]
    assert all(seconds >= 0 for seconds in saihan.values())
    con = bench.duckdb.connect(str(tmp_path / "phases.duckdb"), read_only=True)
    con.execute("attach ? as crime_store (read_only)", [str(tmp_path / "phases_store.duckdb")])
    assert con.execute("select count(*) from raw.crime_incident").fetchall() == [(2_000,)]
    assert con.execute("select count(*) from raw.file").fetchall() == [(7,)]
    con.close()
    floor = bench.floor_phases(folder, tmp_path)
    assert list(floor) == ["decode CP932 + re-encode + write",
                           "DuckDB read_csv (all text) into a table", "close"]
