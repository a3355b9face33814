"""The shape of the house, checked: data moves one way (file -> route -> reader -> load ->
models -> audit -> publish -> marts -> pages/extracts) and each layer imports only what lies
below it. Read from the source with ``ast``: nothing is imported or run."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

PACKAGES = ("saihan", "warehouse", "flows", "dashboard")
# Declarative tables may be long; code modules stay readable.
LONG_TABLES = {"dashboard/i18n.py", "warehouse/reasons.py"}
MAX_LINES = 500


def modules() -> dict[str, Path]:
    """Every module of the product, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = modules()


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def project_imports(name: str) -> set[str]:
    """The product's own modules that module ``name`` imports."""
    found = set()
    for target in imports(MODULES[name]):
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != name and not name.startswith(target + "."):
            found.add(target)
    return found


def under(prefix: str) -> list[str]:
    return [name for name in MODULES if name == prefix or name.startswith(prefix + ".")]


@pytest.mark.parametrize("name", under("warehouse"))
def test_warehouse_never_imports_prefect_or_streamlit(name: str) -> None:
    third_party = {i.split(".")[0] for i in imports(MODULES[name])}
    assert not third_party & {"prefect", "streamlit", "plotly"}, name
    assert not {m.split(".")[0] for m in project_imports(name)} & {"flows", "dashboard",
                                                                  "saihan"}, name


def test_importing_all_of_warehouse_loads_no_prefect_or_streamlit() -> None:
    """Beyond the import lines: nothing warehouse/ imports, however indirectly, pulls them in."""
    code = ("import importlib, sys\n"
            f"for name in {under('warehouse')!r}: importlib.import_module(name)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'streamlit'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO).stdout
    assert out.strip() == "[]"


def test_the_vocabulary_imports_nothing_above_it() -> None:
    """warehouse.reference (prefectures, governments, menus) is read by every layer."""
    assert project_imports("warehouse.reference") <= {"warehouse.resources", "warehouse.errors"}


def test_the_reason_texts_import_nothing_of_the_product() -> None:
    """warehouse.reasons (every rejection's words, ja and en) is a table below every layer."""
    assert project_imports("warehouse.reasons") == set()


@pytest.mark.parametrize("name", under("warehouse.ingest"))
def test_ingest_reads_bytes_without_duckdb_or_settings(name: str) -> None:
    """Readers turn bytes into rows; they neither open the warehouse nor read settings."""
    assert "duckdb" not in {i.split(".")[0] for i in imports(MODULES[name])}, name
    upward = {m for m in project_imports(name) if m.startswith("warehouse.")
              and not m.startswith("warehouse.ingest")} - {"warehouse.errors",
                                                           "warehouse.reasons",
                                                           "warehouse.reference",
                                                           "warehouse.resources"}
    assert not upward, f"{name} imports {sorted(upward)}"


@pytest.mark.parametrize("name", under("dashboard"))
def test_dashboard_reads_only_marts(name: str) -> None:
    """Pages and queries read the published marts, never raw, staging, core or meta tables."""
    text = MODULES[name].read_text(encoding="utf-8")
    other = re.findall(r"\b(?:from|join)\s+(raw|stg|core|meta|ref|information_schema)\.",
                       text, re.IGNORECASE)
    assert not other, f"{name} reads {sorted(set(other))}"
    assert not {m for m in project_imports(name) if m.startswith(("flows", "saihan"))}, name


def test_no_import_cycles_even_through_imports_inside_functions() -> None:
    """A function-level import that hid a cycle counts as one."""
    graph = {name: project_imports(name) for name in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_readable_in_size(name: str) -> None:
    path = MODULES[name]
    relative = path.relative_to(REPO).as_posix()
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert relative in LONG_TABLES or lines <= MAX_LINES, f"{relative}: {lines} lines"


def test_no_mart_reads_the_crime_store_when_a_reader_opens_it() -> None:
    """The dashboard and the extracts open the published warehouse alone, never the crime store
    a run writes (warehouse.store): no mart view may reach raw.crime_incident through views
    (a table in between is computed at the build)."""
    from warehouse import build, db

    models = {m.qualified: m for m in db.discover_models()}

    def reaches_store(name: str, seen: set[str]) -> bool:
        text = models[name].path.read_text(encoding="utf-8")
        if "raw.crime_incident" in text:
            return True
        return any(ref in models and models[ref].materialized == "view" and ref not in seen
                   and reaches_store(ref, seen | {ref})
                   for ref in set(build.MODEL_REF.findall(text)) - {name})

    views = [name for name, m in models.items()
             if m.layer == "mart" and m.materialized == "view" and reaches_store(name, {name})]
    assert views == []
