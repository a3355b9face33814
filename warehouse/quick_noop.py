"""A no-op run decided from a small record, before DuckDB or polars is imported.

Starting Python with DuckDB, polars and Typer costs a ``saihan run`` process ~0.8 s of CPU,
against a few milliseconds for a run with nothing to do. Every run that ends with the
published warehouse current (published, or a no-op) writes ``$SAIHAN_HOME/noop_record.json``
atomically: the published file's identity, the code fingerprint (``sql/`` and the reference
data), the folders the run used, the quarantine folder's listing, the rollback record's
identity, and every inbox file (path, size, mtime) whose bytes the published warehouse holds
and does not keep out (a file a rollback removed or a hold keeps). A run that starts removes
the record first, so that a run that fails leaves none.

:func:`noop_report` reads it with the standard library alone and answers with the no-op
run's report only when every input of the decision is as recorded; anything else (the record
missing or unreadable, a new or changed file, a symlink, a quarantine report, a rollback,
leftovers of a killed run, a changed setting or SQL file, a notification channel, whose late
notices depend on the day) returns None, and the caller runs the pipeline, which decides as
it always did. It never says "nothing new" where the full run would have done something.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warehouse import resources
from warehouse.files import WriterBusy, survey, write_whole, writer_lock
from warehouse.report import FileResult, RunReport, new_run_id, write_report
from warehouse.settings import Settings

RECORD_NAME = "noop_record.json"
ROLLED_BACK_NAME = "rolled_back.json"  # warehouse.run_state's record of rollbacks
FORMAT = 1

# (path, size, mtime_ns) -> sha256, as meta.file_seen holds it.
Seen = dict[tuple[str, int, int], str]


@dataclass
class PublishedState:
    """What the published warehouse already holds, read without copying it."""

    known: set[str] = field(default_factory=set)
    seen: Seen = field(default_factory=dict)
    fingerprint: str | None = None
    version: int = 0
    quarantined: set[str] = field(default_factory=set)  # raw.rejected_file's quarantined paths
    rejected: set[str] = field(default_factory=set)  # raw.rejected_file's sha256 (or link ids)
    held: dict[str, str] = field(default_factory=dict)  # sha256 -> held path, not yet accepted

    def to_json(self) -> dict:
        return {"known": sorted(self.known), "seen": sorted([*k, v] for k, v in self.seen.items()),
                "fingerprint": self.fingerprint, "version": self.version,
                "quarantined": sorted(self.quarantined), "rejected": sorted(self.rejected),
                "held": self.held}

    @classmethod
    def from_json(cls, data: dict) -> PublishedState:
        return cls(set(data["known"]), {(p, s, m): sha for p, s, m, sha in data["seen"]},
                   data["fingerprint"], data["version"], set(data["quarantined"]),
                   set(data["rejected"]), dict(data["held"]))


def record_path(settings: Settings) -> Path:
    return settings.home / RECORD_NAME


def forget(settings: Settings) -> None:
    """Remove the record (a run is starting: until it ends well, nothing is known)."""
    record_path(settings).unlink(missing_ok=True)


def _identity(path: Path) -> list[int] | None:
    """What tells a file from its replacement: device, inode, size and mtime."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]


def _listing(folder: Path) -> list[list]:
    """A folder's entries (not recursive) by name, size and mtime."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    found = []
    for entry in entries:
        stat = entry.stat(follow_symlinks=False)
        found.append([entry.name, stat.st_size, stat.st_mtime_ns])
    return sorted(found)


def _folders(settings: Settings) -> list[str]:
    """The folders a run reads and writes (they follow SAIHAN_HOME)."""
    return [str(p.resolve()) for p in (settings.home, settings.inbox, settings.quarantine,
                                       settings.held, settings.extracts, settings.snapshots,
                                       settings.work, settings.runs, settings.warehouse)]


def _state(settings: Settings, fingerprint: str) -> dict:
    """Everything besides the inbox files that a no-op decision reads."""
    return {"format": FORMAT, "warehouse": _identity(settings.warehouse),
            "fingerprint": fingerprint, "folders": _folders(settings),
            "quarantine": _listing(settings.quarantine),
            "rolled_back": _identity(settings.home / ROLLED_BACK_NAME)}


def write_record(settings: Settings, fingerprint: str, state: PublishedState, *,
                 hashed: Seen, kept_out: set[str]) -> None:
    """Record the state a run ended in, with the published warehouse current and built from
    the code of ``fingerprint``: ``state`` what the published file holds, ``hashed`` the
    files the run hashed (by path, size and mtime before), ``kept_out`` the files (by sha256)
    it does not load again. Written whole or not at all."""
    files = sorted([path, size, mtime, sha] for (path, size, mtime), sha
                   in (state.seen | hashed).items() if sha in state.known and sha not in kept_out)
    record = _state(settings, fingerprint) | {"files": files, "published": state.to_json()}
    path = record_path(settings)
    write_whole(path, json.dumps(record))


def _read_record(settings: Settings) -> dict | None:
    try:
        record = json.loads(record_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("format") == FORMAT else None


def recorded_state(settings: Settings) -> PublishedState | None:
    """What the published warehouse holds, as the run that published it (or found it
    current) recorded, when the file is still that one; else None."""
    record = _read_record(settings)
    if record is None or record["warehouse"] != _identity(settings.warehouse):
        return None
    try:
        return PublishedState.from_json(record["published"])
    except (KeyError, TypeError, ValueError):
        return None


def _home_ready(settings: Settings) -> bool:
    """Every folder a run creates exists, and no build file of a killed run is left."""
    folders = (settings.inbox, settings.quarantine, settings.held, settings.extracts,
               settings.snapshots, settings.work, settings.runs)
    if not all(folder.is_dir() for folder in folders):
        return False
    return not any(entry.name.startswith("build-") for entry in os.scandir(settings.work))


def _unchanged_files(settings: Settings, record: dict) -> tuple[list[Path], list[Path], dict]:
    """The inbox's data files, its ignored files and each data file's sha256 from the record;
    raises LookupError when a file is not one the record lists as it is now (or is a link)."""
    found = survey([settings.inbox], inbox=settings.inbox)
    if found.links:
        raise LookupError("a symlink out of the inbox")
    listed = {(path, size, mtime): sha for path, size, mtime, sha in record["files"]}
    hashes = {}
    for path in found.files:
        stat = path.stat()
        sha = listed.get((str(path), stat.st_size, stat.st_mtime_ns))
        if sha is None:
            raise LookupError(path)
        hashes[path] = sha
    return found.files, found.ignored, hashes


def decide(settings: Settings, sql_dir: Path) -> RunReport | None:
    """The no-op run's report (not yet finished or written) when the record shows that the
    inbox, the published warehouse and everything else a run reads are as they were; else
    None. Call while holding the writer lock."""
    when = datetime.now(UTC).isoformat(timespec="seconds")
    record = _read_record(settings)
    if (record is None or settings.notification_channels or not _home_ready(settings)
            or record["warehouse"] is None):
        return None
    fingerprint = resources.code_fingerprint(sql_dir, resources.reference_dir())
    if {k: v for k, v in record.items()
            if k not in ("files", "published")} != _state(settings, fingerprint):
        return None
    try:
        files, ignored, hashes = _unchanged_files(settings, record)
    except (LookupError, OSError):
        return None
    report = RunReport(new_run_id(), "run", when, status="noop")
    report.files = [FileResult(str(path), "ignored") for path in ignored]
    report.files += [FileResult(str(path), "unchanged", hashes[path]) for path in files]
    return report


def noop_report(settings: Settings, sql_dir: Path | None = None) -> RunReport | None:
    """Take the writer lock and, when :func:`decide` finds nothing to do, write the no-op run's
    report in runs/ and return it; None when the lock is taken or the run has work (the
    caller then runs the pipeline, which waits for the lock or says who holds it)."""
    started = time.monotonic()
    try:
        with writer_lock(settings, wait_seconds=0):
            report = decide(settings, sql_dir or resources.root() / "sql")
            if report is None:
                return None
            report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
            report.duration_seconds = round(time.monotonic() - started, 3)
            write_report(settings, report)
            return report
    except WriterBusy:
        return None
