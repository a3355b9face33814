"""Do rejections survive `kill -9`? Kills `saihan run` at random moments and counts the runs
whose rejection is kept (issue 12, point 7).

Each round: a home where two real Hokkaido files (read in place from ``../shared/data``) are
published, the five other real files and one broken file (a PNG named ``broken.csv``) are put
into the inbox, ``saihan run`` is started as its own process and sent SIGKILL after a random
delay within its usual duration. Then a plain ``saihan run`` follows, as an operator or
``saihan serve`` would. The rejection is kept when, after that, ``mart.rejected_file`` lists
``broken.csv``, ``saihan status`` shows it, its bytes are in quarantine beside a report, and
the inbox no longer holds it; the round also checks that every real file ended up published
exactly once. Only the processes this script starts are killed, by their own pid.

    uv run python benchmarks/kill9_rejections.py [--rounds 30] [--seed 12]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from shared_data import ROOT, hokkaido_dir  # a sibling module of the script

BROKEN = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def saihan(home: Path, *args: str, **popen: object) -> subprocess.Popen:
    env = dict(os.environ, SAIHAN_HOME=str(home))
    return subprocess.Popen([sys.executable, "-c", "from saihan.cli import main; main()", *args],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            **popen)


def run(home: Path, *args: str) -> tuple[int, str]:
    process = saihan(home, *args)
    output, _ = process.communicate(timeout=600)
    return process.returncode, output.decode("utf-8", "replace")


def prepare(folder: Path, source: Path, names: list[str]) -> Path:
    home = folder / "home"
    (home / "inbox").mkdir(parents=True)
    for name in names[:2]:
        shutil.copy2(source / name, home / "inbox" / name)
    code, output = run(home, "run")
    assert code == 0, output
    for name in names[2:]:
        shutil.copy2(source / name, home / "inbox" / name)
    (home / "inbox" / "broken.csv").write_bytes(BROKEN)
    return home


def kept(home: Path, names: list[str]) -> tuple[bool, bool, str]:
    """(rejection kept, every real file published once, what was wrong)."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        rejected = [r[0] for r in con.execute("select file_name from mart.rejected_file")
                    .fetchall()]
        loaded = sorted(r[0] for r in con.execute(
            "select file_name from raw.file where status = 'loaded'").fetchall())
    finally:
        con.close()
    _, status = run(home, "status", "--last", "10")
    quarantined = [p for p in (home / "quarantine").glob("*broken.csv")
                   if p.read_bytes() == BROKEN and Path(f"{p}.report.txt").is_file()]
    problems = []
    if rejected.count("broken.csv") != 1:
        problems.append(f"mart.rejected_file lists broken.csv {rejected.count('broken.csv')} times")
    if "rejected" not in status or "broken.csv" not in status:
        problems.append("saihan status does not show it")
    if len(quarantined) != 1:
        problems.append(f"{len(quarantined)} quarantined copies with a report")
    if (home / "inbox" / "broken.csv").exists():
        problems.append("still in the inbox")
    once = loaded == sorted(names)
    if not once:
        problems.append(f"published files {loaded}")
    return len(problems) == (0 if once else 1), once, "; ".join(problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    source = hokkaido_dir()
    names = sorted(p.name for p in source.glob("hokkaido_2018*.csv"))
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        # How long an uninterrupted run takes, to kill within it.
        home = prepare(Path(scratch) / "timing", source, names)
        started = time.monotonic()
        code, output = run(home, "run")
        duration = time.monotonic() - started
        assert code == 3, output
        print(f"an uninterrupted run: {duration:.1f} s (exit 3, broken.csv rejected)")
        results = []
        for n in range(args.rounds):
            home = prepare(Path(scratch) / f"round{n}", source, names)
            delay = rng.uniform(0.05, duration)
            process = saihan(home, "run")
            time.sleep(delay)
            finished_first = process.poll() is not None
            if not finished_first:
                os.kill(process.pid, signal.SIGKILL)  # only the process started above
            process.communicate(timeout=60)
            code, output = run(home, "run")
            survived, once, problems = kept(home, names)
            results.append({"delay": round(delay, 2), "killed": not finished_first,
                            "next_exit": code, "kept": survived, "published_once": once,
                            "problems": problems})
            print(f"round {n + 1:>2}: killed after {delay:4.1f} s"
                  f"{' (had finished)' if finished_first else ''}; next run exit {code}; "
                  f"rejection {'kept' if survived else 'LOST'}"
                  f"{'' if once else '; files not published once'}"
                  f"{': ' + problems if problems else ''}")
            shutil.rmtree(home.parent)
    killed = [r for r in results if r["killed"]]
    print(json.dumps({
        "rounds": len(results), "killed": len(killed),
        "rejection_kept": sum(r["kept"] for r in killed),
        "published_once": sum(r["published_once"] for r in killed),
        "next_run_exit_3": sum(r["next_exit"] == 3 for r in killed),
    }))


if __name__ == "__main__":
    main()
