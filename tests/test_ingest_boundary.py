"""warehouse.ingest turns bytes into Parsed and nothing else: it never imports DuckDB, the
settings, the load or the run, and warehouse.reference (which it reads) never imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from warehouse.settings import PROJECT_ROOT

INGEST = PROJECT_ROOT / "warehouse" / "ingest"
FORBIDDEN = ("duckdb", "warehouse.settings", "warehouse.db", "warehouse.load", "warehouse.run",
             "warehouse.load_findings", "warehouse.publish", "prefect", "streamlit")


def imported(path: Path) -> set[str]:
    """Every module a file imports (at any level)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(INGEST.rglob("*.py")), ids=lambda p: p.name)
def test_ingest_reads_bytes_only(path: Path) -> None:
    bad = {n for n in imported(path) for f in FORBIDDEN if n == f or n.startswith(f + ".")}
    assert bad == set()


def test_reference_does_not_import_ingest() -> None:
    names = imported(PROJECT_ROOT / "warehouse" / "reference.py")
    assert not {n for n in names if n.startswith("warehouse.ingest")}
