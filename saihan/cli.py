"""The ``saihan`` command: set up a home, take in files, publish, open the dashboard.

Every command is a thin shell over ``warehouse`` functions; the app and what the commands share
are in :mod:`saihan.app`, the commands in three modules by what they are for. Typer gives every
command ``--help``.
"""

from __future__ import annotations

import gc

import saihan.geo_commands  # noqa: F401

# Imported for their commands, in the order ``saihan --help`` lists them.
import saihan.run_commands  # noqa: F401
import saihan.serve_commands  # noqa: F401
import saihan.tool_commands  # noqa: F401
from saihan.app import app


def main() -> None:
    """Console entry point."""
    # The modules imported so far live as long as the process: keep the cycle collector from
    # walking them again and again (seen: 2% of an ingest's CPU) and at exit.
    gc.freeze()
    app()
