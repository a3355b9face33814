"""Where a small arrival's time goes inside the run, on the 10M-incident warehouse.

    uv run python benchmarks/profile_arrival.py HOME YEAR

Builds the 10M warehouse of ``bench_runs.py`` in HOME the first time (benchmark data only;
kept for later calls, delete HOME when done), then publishes one small arrival (20 real Hokkaido
incidents moved to YEAR, a new dataset: use a new YEAR each call) with ``run_pipeline`` under
cProfile, and prints the run's wall and CPU time, the functions by cumulative time and the
slowest SQL statements (every ``execute`` of the run's DuckDB connections, timed).
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from pathlib import Path

from bench_dashboard import build_big_warehouse
from bench_runs import small_file

from warehouse import db
from warehouse.run import run_pipeline
from warehouse.settings import Settings

STATEMENTS: list[tuple[float, str]] = []


class TimedConnection:
    """A DuckDB connection whose every ``execute`` is timed into STATEMENTS."""

    def __init__(self, con) -> None:  # noqa: ANN001 (a DuckDB connection)
        self._con = con

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._con, name)

    def execute(self, query: str, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        started = time.perf_counter()
        try:
            return self._con.execute(query, *args, **kwargs)
        finally:
            STATEMENTS.append((time.perf_counter() - started, " ".join(query.split())[:110]))


def main() -> None:
    home, year = Path(sys.argv[1]), int(sys.argv[2])
    settings = Settings.from_env({"SAIHAN_HOME": str(home)})
    if not settings.warehouse.exists():
        print(f"{build_big_warehouse(settings, 4, 8):,} incidents")
    connect = db.connect
    db.connect = lambda *args, **kwargs: TimedConnection(connect(*args, **kwargs))
    path = settings.inbox / f"arrival_{year}_hittakuri.csv"
    path.write_bytes(small_file(year))
    profile = cProfile.Profile()
    wall, cpu = time.perf_counter(), time.process_time()
    profile.enable()
    report = run_pipeline(settings, [path], trigger="ingest")
    profile.disable()
    print(f"{report.status} ({report.build}): {time.perf_counter() - wall:.2f} s wall, "
          f"{time.process_time() - cpu:.2f} s CPU, {report.duration_seconds:.2f} s in the report")
    pstats.Stats(profile).sort_stats("cumtime").print_stats(40)
    print(f"SQL: {sum(s for s, _ in STATEMENTS):.2f} s in {len(STATEMENTS)} statements")
    for seconds, statement in sorted(STATEMENTS, reverse=True)[:25]:
        print(f"{seconds:7.3f} {statement}")


if __name__ == "__main__":
    main()
