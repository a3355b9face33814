"""How far a run parses ahead of its (ordered) loads: the parse threads, the budget of input
parsed but not yet loaded, and the order new files start parsing in. One policy for every run
path (``saihan run``/``ingest`` and the Prefect flows under ``saihan serve``)."""

from __future__ import annotations

from collections.abc import Collection
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
