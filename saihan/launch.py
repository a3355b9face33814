"""The ``saihan`` command's entry point.

A ``saihan run`` with nothing new is answered here, with the standard library and
``warehouse.quick_noop`` alone: the same lines, run report and exit status as the full
command, without importing Typer, DuckDB or polars (~0.8 s of CPU a process). Anything else,
and any run the record cannot show to be a no-op, goes to the full command line
(:mod:`saihan.cli`), which decides as it always did.
"""

from __future__ import annotations

import re
import sys

from warehouse.quick_noop import noop_report
from warehouse.report import current_line, listed_line, noop_line
from warehouse.settings import Settings

# `saihan run`, `saihan run --wait N` and `saihan run --wait=N`: nothing else is answered here.
_PLAIN_RUN = re.compile(r"run( --wait[ =]\d+(\.\d*)?)?")


def quick_noop(args: list[str]) -> bool:
    """Answer ``saihan run`` when it has nothing to do (True: done, the exit status is 0)."""
    if not _PLAIN_RUN.fullmatch(" ".join(args)):
        return False
    try:
        settings = Settings.from_env()
    except ValueError:
        return False  # the full command says what is wrong with the configuration
    report = noop_report(settings)
    if report is None:
        return False
    lines = [*(listed_line(result) for result in report.files), noop_line(report),
             current_line(settings.warehouse)]
    print("\n".join(lines))
    return True


def main() -> None:
    """Console entry point."""
    if quick_noop(sys.argv[1:]):
        return
    # Imported here, not at the top, so that the no-op above never loads the full command
    # line (Typer, DuckDB, polars); saihan.cli imports nothing of this module.
    from saihan.cli import main as full_command

    full_command()
