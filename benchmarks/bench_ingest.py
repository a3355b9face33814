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

Prints the times and the ratios saihan/floor and saihan/pandas.

    uv run python benchmarks/bench_ingest.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
from shared_data import hokkaido_dir  # a sibling module of the script

ROOT = Path(__file__).resolve().parent.parent



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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as base:
        folder = Path(base) / "input"
        folder.mkdir()
        rows = build_input(folder, args.rows)
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"input: {rows:,} rows in 7 CP932 files, {size / 1e6:.0f} MB")
        measured = {
            "floor": best_of(args.repeat, raw_floor, folder),
            "pandas": best_of(args.repeat, pandas_pipeline, folder),
            "saihan": best_of(args.repeat, saihan_ingest, folder),
        }
        shutil.rmtree(folder)
    for name, m in measured.items():
        print(f"{name:>7}: {m.seconds:6.2f} s  (cpu {m.cpu_seconds:.2f} s, "
              f"peak {m.peak_mb:,.0f} MB)")
    ratios = {
        "saihan_vs_floor": measured["saihan"].seconds / measured["floor"].seconds,
        "saihan_vs_pandas": measured["saihan"].seconds / measured["pandas"].seconds,
    }
    print(f"saihan / raw floor: {ratios['saihan_vs_floor']:.2f}x (target <= 1.5x)")
    print(f"saihan / pandas:    {ratios['saihan_vs_pandas']:.2f}x (target < 1.0x)")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    summary = {"rows": rows, "measured": {k: asdict(v) for k, v in measured.items()},
               "ratios": ratios}
    (out / "ingest.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
