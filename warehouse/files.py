"""Files on disk: finding complete inputs, hashing them, quarantining rejects, one writer.

Nothing here knows about formats; it deals with paths, bytes and the home folder layout.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from warehouse.errors import RejectedFile, shown
from warehouse.settings import Settings

# Names that belong to files still being written or to editors/OS bookkeeping.
TEMPORARY_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".swp", ".download")
REPORT_SUFFIX = ".report.json"


def is_candidate(path: Path) -> bool:
    """Whether a file in an input folder should be read (not hidden, temporary or a report)."""
    name = path.name
    return not (
        name.startswith((".", "~$", "~"))
        or name.lower().endswith(TEMPORARY_SUFFIXES)
        or name.endswith(REPORT_SUFFIX)
        or name.endswith(".report.txt")
    )


def outside(folder: Path) -> list[Path]:
    """Paths under a folder (files, folders, symlinks) that resolve outside it: never
    followed, moved or read (a symlink in the inbox must not make a run touch its target)."""
    root = folder.resolve()
    found = []
    for child in sorted(folder.rglob("*")):
        if child.is_symlink() and not child.resolve().is_relative_to(root):
            found.append(child)
    return found


def discover(paths: Iterable[Path]) -> list[Path]:
    """Candidate files under the given files and folders, oldest first then by name. A path
    inside a folder that resolves outside it (see :func:`outside`) is not a candidate."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for child in sorted(path.rglob("*")):
                target = child.resolve()
                if not target.is_relative_to(root):
                    continue  # a symlink (or one under a linked folder) pointing outside
                if child.is_file() and is_candidate(child):
                    found[target] = None
        elif path.is_file():
            found[path.resolve()] = None
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, str(p)))


def sha256_of(path: Path, chunk_size: int = 16 << 20) -> str:
    """The sha256 of a file's bytes. Reading and hashing release the GIL; large chunks mean
    few waits to take it back while a parse thread holds it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_home(settings: Settings) -> None:
    """Create the home folder layout (idempotent)."""
    for folder in (settings.inbox, settings.quarantine, settings.held, settings.extracts,
                   settings.snapshots, settings.work, settings.runs):
        folder.mkdir(parents=True, exist_ok=True)


def set_aside(folder: Path, path: Path, *, move: bool) -> tuple[Path, str]:
    """Move (inbox) or copy (elsewhere) a file into ``folder`` under a name of its own
    (``<time>_<name>``, numbered when taken); return where it went and the time stamp."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = folder / f"{stamp}_{path.name}"
    counter = 1
    while target.exists():
        target = folder / f"{stamp}_{counter}_{path.name}"
        counter += 1
    if move:
        shutil.move(str(path), target)
    else:
        shutil.copy2(path, target)
    return target, stamp


def quarantine(settings: Settings, path: Path, error: RejectedFile, *, move: bool) -> Path:
    """Move (inbox) or copy (elsewhere) a rejected file into quarantine with its report."""
    target, stamp = set_aside(settings.quarantine, path, move=move)
    report = error.to_dict() | {"quarantined_as": str(target), "rejected_at": stamp}
    Path(f"{target}{REPORT_SUFFIX}").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    Path(f"{target}.report.txt").write_text(_report_text(error, target), encoding="utf-8")
    return target


def _report_text(error: RejectedFile, target: Path) -> str:
    """The quarantine report as plain text for a person opening the folder."""
    lines = [
        f"File:   {shown(error.path)}",
        f"Kept as: {shown(target)}",
        f"Line:   {error.line if error.line is not None else '-'}",
        f"Column: {shown(error.column) if error.column is not None else '-'}",
        f"Found:  {shown(error.reason)}",
        f"To do:  {shown(error.action)}",
    ]
    lines += [f"        {shown(detail)}" for detail in error.details]
    lines.append("Nothing from this file was loaded. Fix it and drop it into the inbox again.")
    return "\n".join(lines) + "\n"


class WriterBusy(RuntimeError):
    """Another saihan process holds the writer lock."""


@contextmanager
def writer_lock(settings: Settings, *, wait_seconds: float = 0) -> Iterator[None]:
    """Hold the single-writer lock of this home for the duration of the block."""
    settings.home.mkdir(parents=True, exist_ok=True)
    lock_path = settings.home / ".writer.lock"
    handle = lock_path.open("a+")
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise WriterBusy(
                    f"Another saihan run is writing to {settings.home} ({holder}). "
                    "Wait for it to finish, or run again with --wait SECONDS."
                ) from None
            time.sleep(0.2)
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} since {datetime.now().isoformat(timespec='seconds')}")
    handle.flush()
    try:
        yield
    finally:
        handle.truncate(0)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
