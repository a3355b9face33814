"""How far a run parses ahead of its (ordered) loads: the parse threads, the budget of input
parsed but not yet loaded, the order new files start parsing in, and how quickly the threads
hand the GIL over. One policy for every run path (``saihan run``/``ingest`` and the Prefect
flows under ``saihan serve``)."""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

# Worker threads, and how much input may be parsed but not yet loaded at a time (always at
# least the next new file): parsed frames wait in memory for their load.
PARSE_WORKERS = 3
PARSE_AHEAD_BYTES = 128 << 20
PARSE_AHEAD_FILES = 8
# New files whose parse starts before the others, largest first: on two cores the two largest
# bound the run (with only the largest first, the second largest started late and ended last).
LARGEST_FIRST = 2


def parse_order(paths: list[Path], sizes: dict[Path, int]) -> list[Path]:
    """The order new files start parsing in: the LARGEST_FIRST largest, then the rest in order."""
    first = sorted(paths, key=sizes.__getitem__, reverse=True)[:LARGEST_FIRST]
    return [*first, *(p for p in paths if p not in first)]


def fits_ahead(ahead: Collection[Path], sizes: dict[Path, int], path: Path) -> bool:
    """Whether ``path`` may start parsing beside the parsed-but-not-loaded ``ahead`` (always
    when nothing is ahead)."""
    return not ahead or (len(ahead) < PARSE_AHEAD_FILES
                         and sum(sizes[p] for p in ahead) + sizes[path] <= PARSE_AHEAD_BYTES)


# How soon a thread waiting for the GIL asks the one holding it to let go (Python's default is
# 5 ms). The run's own thread makes many short DuckDB calls, each giving the GIL up and taking
# it back, while parse threads decode text holding it. Migrating a new warehouse beside one
# thread decoding CP932 took 3.2 s at 5 ms, 1.6 s at 0.5 ms, 0.06 s alone; a whole 1M-row
# ingest, 0.35 s (7%) less (benchmarks/bench_ingest.py, interleaved runs).
GIL_HANDOFF_SECONDS = 0.0005


@contextmanager
def quick_gil_handoff() -> Iterator[None]:
    """Within: a thread waiting for the GIL gets it after GIL_HANDOFF_SECONDS (then as before)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, GIL_HANDOFF_SECONDS))
    try:
        yield
    finally:
        sys.setswitchinterval(before)
