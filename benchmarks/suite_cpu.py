"""Where the test suite's time goes: the CPU of each test, its own and that of the processes it
started (servers, browsers, flow runs), beside its wall time.

    PYTHONPATH=. SUITE_CPU_OUT=/tmp/suite-cpu uv run pytest -p benchmarks.suite_cpu
    uv run python benchmarks/suite_cpu.py /tmp/suite-cpu

Each pytest-xdist worker writes ``<out>.<worker>.json``; the second command adds them up by
test file and lists the costliest tests. A child process's CPU is counted when it is reaped
(``getrusage(RUSAGE_CHILDREN)``), so a server stopped by a later test's teardown, or reaped when
a later test starts a process, lands on that test: read the children's column by file or in
total, not per test.
"""

from __future__ import annotations

import collections
import glob
import json
import os
import resource
import sys
import time

import pytest

_rows: list[tuple[str, float, float, float]] = []


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    own, children = _cpu()
    started = time.monotonic()
    yield
    own_after, children_after = _cpu()
    _rows.append((item.nodeid, own_after - own, children_after - children,
                  time.monotonic() - started))


def pytest_sessionfinish(session):
    out = os.environ.get("SUITE_CPU_OUT")
    if out:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(f"{out}.{worker}.json", "w", encoding="utf-8") as handle:
            json.dump({"rows": _rows, "total": _cpu()}, handle)


def summary(out: str, top: int = 30) -> str:
    """The workers' totals, each test file's CPU and wall time, and the costliest tests (the
    ``main`` file is pytest-xdist's controller: its children are the workers, the whole
    suite)."""
    by_file: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0.0])
    rows, lines = [], []
    for path in sorted(glob.glob(f"{out}.*.json")):
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        own, children = document["total"]
        walls = sum(r[3] for r in document["rows"])
        lines.append(f"{path}: own {own:.0f} s, children {children:.0f} s of CPU; "
                     f"tests' wall time {walls:.0f} s")
        rows += document["rows"]
    for nodeid, own, children, wall in rows:
        totals = by_file[nodeid.split("::")[0]]
        totals[0] += own
        totals[1] += children
        totals[2] += wall
    lines.append(f"{'own':>7} {'child':>7} {'wall':>7}  file")
    for name, (own, children, wall) in sorted(by_file.items(), key=lambda kv: -kv[1][2]):
        lines.append(f"{own:7.1f} {children:7.1f} {wall:7.1f}  {name}")
    lines.append(f"{'own':>7} {'child':>7} {'wall':>7}  test")
    for nodeid, own, children, wall in sorted(rows, key=lambda r: -r[3])[:top]:
        lines.append(f"{own:7.1f} {children:7.1f} {wall:7.1f}  {nodeid[:120]}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(sys.argv[1]))
