"""How fast `saihan ingest` takes in police open data, against two baselines in the same run.

Builds one million rows of real-format CP932 crime open data from the real Hokkaido 2018
files (read in place from ``../shared/data/crime-open-data/hokkaido-2018`` beside the checkout,
or ``$SAIHAN_SHARED_DATA/crime-open-data/hokkaido-2018``; the project keeps no copy): each
file's data rows repeated, its header and layout kept, including the side-by-side duplicated
自動車盗 file. Then times, best of ``--repeat`` runs each:

- raw floor: decode CP932 in Python and DuckDB ``read_csv`` (all text) into a table;
- pandas: ``pandas.read_csv(encoding='cp932')``, normalise dates, hours and codes, load
  into DuckDB (a plain approach someone would write first);
- saihan: ``saihan ingest DIR`` on an empty home (decode, validate, normalise, load with
  lineage, build every model, run the data tests, publish).

Each is timed as a whole new Python process (interpreter start and imports included), so
the three pay the same fixed costs.

Prints the times and the ratios saihan/floor and saihan/pandas, by wall time and by CPU time
(user + system of the process and its threads: steadier than wall time on a machine other work
shares), each against issue #16's target (saihan at most 1.3x the floor, at most 0.5x pandas),
and the load average before and after.

``--phases`` instead takes the same input through each step of saihan's ingest and of the
floor one after the other in this one process, on one parse thread, and prints the CPU time of
each step: where the time goes (the whole run overlaps parsing with loading; the sum here has
no such overlap and no process start).

    uv run python benchmarks/bench_ingest.py [--rows 1000000] [--repeat 3] [--phases]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
from shared_data import hokkaido_dir  # a sibling module of the script

ROOT = Path(__file__).resolve().parent.parent
# Issue #16, point 3: saihan's ingest at most 1.3x the raw floor, at least twice as fast as pandas.
TARGETS = {"saihan_vs_floor": 1.3, "saihan_vs_pandas": 0.5}


def build_input(folder: Path, total_rows: int) -> int:
    """Write the 7 Hokkaido files scaled up to about ``total_rows`` data rows in all."""
    sources = sorted(hokkaido_dir().glob("*.csv"))
    counts = {p: p.read_bytes().count(b"\n") - 1 for p in sources}
    real_total = sum(counts.values())
    written = 0
    for path in sources:
        raw = path.read_bytes()
        header, _, body = raw.partition(b"\r\n")
        lines = body.rstrip(b"\r\n").split(b"\r\n")
        target = round(total_rows * counts[path] / real_total)
        repeats, remainder = divmod(target, len(lines))
        rows = lines * repeats + lines[:remainder]
        (folder / path.name).write_bytes(header + b"\r\n" + b"\r\n".join(rows) + b"\r\n")
        written += len(rows)
    return written


def raw_floor(folder: Path, work: Path) -> float:
    """Decode CP932 and DuckDB read_csv every file into a table."""
    started = time.perf_counter()
    con = duckdb.connect(str(work / "floor.duckdb"))
    con.execute("set enable_progress_bar = false")
    for i, path in enumerate(sorted(folder.glob("*.csv"))):
        utf8 = work / f"floor_{i}.csv"
        utf8.write_bytes(path.read_bytes().decode("cp932").encode("utf-8"))
        con.execute(
            f"create table t{i} as select * from read_csv(?, header = true, all_varchar = true)",
            [str(utf8)],
        )
    con.close()
    return time.perf_counter() - started


def pandas_pipeline(folder: Path, work: Path) -> float:
    """read_csv(cp932) -> normalise -> DuckDB, the plain pandas way."""
    import pandas as pd

    started = time.perf_counter()
    con = duckdb.connect(str(work / "pandas.duckdb"))
    con.execute("set enable_progress_bar = false")
    for i, path in enumerate(sorted(folder.glob("*.csv"))):
        frame = pd.read_csv(path, encoding="cp932", dtype=str, keep_default_na=False)
        frame = frame.loc[:, ~frame.columns.str.endswith(".1")]  # side-by-side copies
        dates = frame["発生年月日（始期）"].replace("不明", None)
        frame["occurred_on"] = pd.to_datetime(dates, format="mixed", errors="coerce").dt.date
        frame["occurred_hour"] = pd.to_numeric(frame["発生時（始期）"], errors="coerce")
        code = frame["市区町村コード（発生地）"]
        frame["lg_code"] = code.where(code.str.len() != 5, "0" + code)
        con.register("incoming", frame)
        con.execute(f"create table t{i} as select * from incoming")
        con.unregister("incoming")
    con.close()
    return time.perf_counter() - started


@dataclass
class Measured:
    """One whole process: wall time, CPU time (user + system) and peak resident memory."""

    seconds: float
    cpu_seconds: float
    peak_mb: float


def timed_process(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run a command as a new process; what it took (its own rusage, from wait4)."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own resource use
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            log.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n"
                             + log.read().decode(errors="replace"))
    return Measured(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def saihan_ingest(folder: Path, work: Path) -> Measured:
    """`saihan ingest DIR` as a new process on an empty home."""
    env = dict(os.environ, SAIHAN_HOME=str(work / "home"))
    return timed_process([str(Path(sys.executable).parent / "saihan"), "ingest", str(folder)],
                         env)


def in_new_process(function, folder: Path, work: Path) -> Measured:
    """Run one of this module's baselines as a new Python process."""
    # The checkout and benchmarks/ (bench_ingest imports its sibling shared_data).
    code = (f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'benchmarks')!r}]; "
            "from pathlib import Path; "
            f"from benchmarks.bench_ingest import {function.__name__}; "
            f"{function.__name__}(Path({str(folder)!r}), Path({str(work)!r}))")
    return timed_process([sys.executable, "-c", code])


def best_of(repeat: int, function, folder: Path) -> Measured:
    """The fastest of ``repeat`` runs, each a new process in a fresh scratch folder, with the
    least CPU time one of them used (steadier than wall time on a busy box) and the highest
    peak memory."""
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=folder.parent) as scratch:
            if function is saihan_ingest:
                runs.append(saihan_ingest(folder, Path(scratch)))
            else:
                runs.append(in_new_process(function, folder, Path(scratch)))
    return Measured(min(r.seconds for r in runs), min(r.cpu_seconds for r in runs),
                    max(r.peak_mb for r in runs))


def ratios_of(measured: dict[str, Measured]) -> dict[str, dict[str, float]]:
    """saihan / floor and saihan / pandas, by wall time and by CPU time."""
    saihan = measured["saihan"]
    return {
        f"saihan_vs_{base}": {"wall": saihan.seconds / measured[base].seconds,
                              "cpu": saihan.cpu_seconds / measured[base].cpu_seconds}
        for base in ("floor", "pandas")
    }


def verdict(ratio: float, target: float) -> str:
    """'met' or 'NOT met' for a ratio that must stay at or under its target."""
    return "met" if ratio <= target else "NOT met"


def load_average() -> str:
    """The 1, 5 and 15-minute load averages, as `uptime` prints them."""
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def cpu_now() -> float:
    """This process's CPU time so far (user + system, every thread)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Phases:
    """CPU seconds per named step, in the order first seen."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = cpu_now()
        try:
            yield
        finally:
            self.cpu[name] = self.cpu.get(name, 0.0) + cpu_now() - started


def saihan_phases(folder: Path, work: Path) -> dict[str, float]:
    """saihan's ingest step by step on one thread: hash, decode, cells, frame and findings,
    load with lineage, models, data tests (the modules the run uses, in its order)."""
    phases = Phases()
    with phases.step("imports (warehouse, polars, duckdb)"):
        from warehouse import db, load, store
        from warehouse.files import sha256_of
        from warehouse.ingest.crime.cells import read_text
        from warehouse.ingest.crime.read import crime_file_of, parsed_of
        from warehouse.ingest.text import decode_pieces, utf8_of
    files = sorted(folder.glob("*.csv"))
    parsed = []
    for path in files:
        with phases.step("sha256 of the files"):
            sha = sha256_of(path)
        content = path.read_bytes()
        with phases.step("strict decode CP932 + suspect-character scan"):
            encoding, pieces = decode_pieces(path, content)
        with phases.step("re-encode to UTF-8"):
            data = utf8_of(content, encoding, pieces)
        with phases.step("cells: polars read_csv + whole-text checks"):
            cells = read_text(path, data, pieces)
        with phases.step("frame, normalise, findings (polars)"):
            header, body, delimiter, trimmed = cells
            parsed.append((path, sha, parsed_of(crime_file_of(path, encoding, header, body,
                                                              delimiter, trimmed))))
    con = db.connect(work / "phases.duckdb")
    with phases.step("migrate + reference lists"):
        store.attach(con, work / "phases_store.duckdb")
        db.migrate(con)
        db.load_reference(con)
    with phases.step("load with lineage (DuckDB insert, compression)"):
        con.execute("begin transaction")
        # As a run does: the incidents in the crime store, in a transaction of their own.
        appender = load.RowGroupAppender(con.cursor().execute("begin transaction"),
                                         "crime_incident")
        for path, sha, crime in parsed:
            load.load_parsed(con, path, sha, crime, "phases", appender)
        appender.flush()
        appender.con.execute("commit")
        con.execute("commit")
    with phases.step("build every model"):
        db.build_models(con, reference=False)
    with phases.step("data tests"):
        failures = db.run_data_tests(con)
    with phases.step("checkpoint + close"):
        con.execute("checkpoint")
        con.execute(f"checkpoint {store.ALIAS}")
        con.close()
    if failures:
        raise SystemExit(f"data tests failed: {failures}")
    return phases.cpu


def floor_phases(folder: Path, work: Path) -> dict[str, float]:
    """The raw floor step by step: decode + re-encode + write, DuckDB read_csv into a table."""
    phases = Phases()
    con = duckdb.connect(str(work / "floor.duckdb"))
    con.execute("set enable_progress_bar = false")
    for i, path in enumerate(sorted(folder.glob("*.csv"))):
        utf8 = work / f"floor_{i}.csv"
        with phases.step("decode CP932 + re-encode + write"):
            utf8.write_bytes(path.read_bytes().decode("cp932").encode("utf-8"))
        with phases.step("DuckDB read_csv (all text) into a table"):
            con.execute(f"create table t{i} as select * from read_csv(?, header = true, "
                        "all_varchar = true)", [str(utf8)])
    with phases.step("close"):
        con.close()
    return phases.cpu


def print_phases(folder: Path) -> None:
    """CPU time of every step of saihan's ingest and of the floor, one after the other."""
    for name, function in (("saihan", saihan_phases), ("floor", floor_phases)):
        with tempfile.TemporaryDirectory(dir=folder.parent) as scratch:
            cpu = function(folder, Path(scratch))
        print(f"{name} by step (CPU seconds, one parse thread, no process start):")
        for step, seconds in cpu.items():
            print(f"  {seconds:6.2f}  {step}")
        print(f"  {sum(cpu.values()):6.2f}  in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--phases", action="store_true",
                        help="CPU time of each step, in this process, instead of the processes")
    args = parser.parse_args()
    load_before = load_average()
    with tempfile.TemporaryDirectory() as base:
        folder = Path(base) / "input"
        folder.mkdir()
        rows = build_input(folder, args.rows)
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"input: {rows:,} rows in 7 CP932 files, {size / 1e6:.0f} MB; "
              f"load average {load_before}")
        if args.phases:
            print_phases(folder)
            return
        measured = {
            "floor": best_of(args.repeat, raw_floor, folder),
            "pandas": best_of(args.repeat, pandas_pipeline, folder),
            "saihan": best_of(args.repeat, saihan_ingest, folder),
        }
        shutil.rmtree(folder)
    load_after = load_average()
    for name, m in measured.items():
        print(f"{name:>7}: {m.seconds:6.2f} s  (cpu {m.cpu_seconds:.2f} s, "
              f"peak {m.peak_mb:,.0f} MB)")
    ratios = ratios_of(measured)
    for key, label in (("saihan_vs_floor", "saihan / raw floor"),
                       ("saihan_vs_pandas", "saihan / pandas   ")):
        wall, cpu, target = ratios[key]["wall"], ratios[key]["cpu"], TARGETS[key]
        print(f"{label}: {wall:.2f}x wall ({verdict(wall, target)}), {cpu:.2f}x cpu "
              f"({verdict(cpu, target)}); target <= {target}x")
    print(f"load average: {load_before} before, {load_after} after")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    summary = {"rows": rows, "measured": {k: asdict(v) for k, v in measured.items()},
               "ratios": ratios, "targets": TARGETS,
               "load_average": {"before": load_before, "after": load_after}}
    (out / "ingest.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
