"""The nightly set of extracts: written only when the published warehouse changed, and the dated
folders beyond ``SAIHAN_KEEP_EXTRACTS`` removed.

A set (``$SAIHAN_HOME/extracts/<YYYY-MM-DD>/``) is complete once its ``manifest.json`` is
written (last). The newest complete set is current when it was made from the published build
(run id, build time, code fingerprint), with this extract version, all 47 prefectures, every
format, UTF-8 and the suppression now configured: the same warehouse gives byte-identical
files, so writing them again would change nothing but the folder's date.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from warehouse import db
from warehouse.export.extract import (
    EXTRACT_VERSION,
    FORMATS,
    build_extract,
    build_info,
    default_out_dir,
    prefectures,
    write_manifest,
)
from warehouse.export.suppression import describe_thresholds
from warehouse.settings import Settings

DATED = re.compile(r"\d{4}-\d{2}-\d{2}")
PREFECTURES = 47
# Writes the given prefectures' extracts into a folder: in turn here, as Prefect tasks on the
# flow's task runner in flows/pipeline.py (threads, or a Dask cluster).
WritePrefectures = Callable[[Settings, list[str], Path], Any]


# The connection each set being written in this process reads from, by the set's folder (see
# reading_for).
_readers: dict[Path, duckdb.DuckDBPyConnection] = {}
_readers_lock = threading.Lock()


@contextmanager
def reading_for(out_dir: Path, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """While a nightly writes the set in ``out_dir``, each of its extracts in this process (in
    turn, or a task on a thread) reads through a cursor of ``con`` instead of opening the
    published file again (47 openings cost as much as a third of the extracts), so every
    extract of the set comes from the build its manifest names, even if a run publishes
    meanwhile. A task in another process (a Dask worker) opens the file itself."""
    key = out_dir.resolve()
    with _readers_lock:
        _readers[key] = con
    try:
        yield
    finally:
        with _readers_lock:
            _readers.pop(key, None)


def _reader(settings: Settings, out_dir: Path) -> duckdb.DuckDBPyConnection:
    """A connection for one extract into ``out_dir``: a cursor of its set's, else its own."""
    with _readers_lock:
        shared = _readers.get(out_dir.resolve())
        if shared is not None:
            return db.cursor(shared)
    return db.open_published(settings.warehouse)


@dataclass
class NightlyExtracts:
    """What the nightly extract step did: the current set's manifest, whether it was written
    now (else the newest set was current), and the dated folders removed."""

    manifest: Path
    written: bool
    removed: list[Path] = field(default_factory=list)


def dated_sets(settings: Settings) -> list[Path]:
    """The dated extract folders, newest first."""
    if not settings.extracts.is_dir():
        return []
    return sorted((p for p in settings.extracts.iterdir()
                   if p.is_dir() and DATED.fullmatch(p.name)), reverse=True)


def published_build(settings: Settings) -> dict[str, str]:
    """The published warehouse's build, as extract manifests name it."""
    con = db.open_published(settings.warehouse)
    try:
        return _build_of(con)
    finally:
        con.close()


def _build_of(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    info = build_info(con)
    return {k: v for k, v in info.items() if k in ("run_id", "built_at", "code_fingerprint")}


def is_current(settings: Settings, folder: Path, build: dict[str, str]) -> bool:
    """Whether the complete set in ``folder`` is what writing it now would give."""
    try:
        top = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        prefectures = top.get("prefectures") or []
        if (top.get("extract_version") != EXTRACT_VERSION or top.get("warehouse") != build
                or len(prefectures) != PREFECTURES):
            return False
        suppression = describe_thresholds(settings.suppress_below)
        for entry in prefectures:
            own = json.loads((folder / entry["folder"] / "manifest.json")
                             .read_text(encoding="utf-8"))
            if (own.get("warehouse") != build or own.get("formats") != list(FORMATS)
                    or own.get("csv_encoding") != "utf-8"
                    or own.get("suppress_below") != suppression):
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False  # incomplete or not ours: written again
    return True


def prune_sets(settings: Settings, keep: Path) -> list[Path]:
    """Remove the dated sets beyond the newest ``keep_extracts`` (never ``keep``)."""
    if settings.keep_extracts == 0:
        return []
    removed = []
    for old in dated_sets(settings)[settings.keep_extracts:]:
        if old != keep:
            shutil.rmtree(old)
            removed.append(old)
    return removed


def write_prefecture(settings: Settings, pref_code: str, out_dir: Path) -> dict[str, Any]:
    """One prefecture's nightly extract (every format, UTF-8) from the published warehouse,
    read-only: safe in another thread, process or machine that sees the home."""
    con = _reader(settings, out_dir)
    try:
        return build_extract(con, pref_code, FORMATS, out_dir,
                             suppress_below=settings.suppress_below)
    finally:
        con.close()


def write_in_turn(settings: Settings, pref_codes: list[str], out_dir: Path) -> None:
    """Each prefecture's extract, one after another, in this process."""
    for code in pref_codes:
        write_prefecture(settings, code, out_dir)


def write_nightly_extracts(settings: Settings, today: date | None = None, *,
                           write: WritePrefectures = write_in_turn) -> NightlyExtracts:
    """Every prefecture's extracts into today's folder (``write`` writes them; the folder's
    manifest.json comes last), unless the newest set is current; then the dated sets beyond
    SAIHAN_KEEP_EXTRACTS are removed."""
    if not settings.warehouse.exists():
        raise FileNotFoundError(f"No published warehouse at {settings.warehouse}; "
                                "run `saihan run` first.")
    con = db.open_published(settings.warehouse)
    try:
        build = _build_of(con)
        newest = next((s for s in dated_sets(settings) if (s / "manifest.json").exists()), None)
        if newest is not None and is_current(settings, newest, build):
            return NightlyExtracts(newest / "manifest.json", False, prune_sets(settings, newest))
        out_dir = default_out_dir(settings, today)
        codes = [p["pref_code"] for p in prefectures(con)]
        out_dir.mkdir(parents=True, exist_ok=True)
        with reading_for(out_dir, con):
            write(settings, codes, out_dir)
    finally:
        con.close()
    manifest = write_manifest(out_dir, build)
    return NightlyExtracts(manifest, True, prune_sets(settings, out_dir))
