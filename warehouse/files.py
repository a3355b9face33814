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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from warehouse.errors import RejectedFile, reject, shown
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


# Files people put beside the data that are not data: notes, documents and images. They are
# listed as ignored in the run report and never read. A `.txt` is read (Excel saves
# tab-separated text as .txt) unless its name says it is a note (README, LICENSE, 説明, ...).
NOT_DATA_SUFFIXES = frozenset({
    ".md", ".markdown", ".rst", ".pdf", ".doc", ".docx", ".ppt", ".pptx", ".odt", ".rtf",
    ".html", ".htm", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".tif",
    ".tiff", ".heic", ".ico",
})
NOTE_NAMES = ("readme", "license", "licence", "changelog", "notice", "お読みください", "はじめに",
              "説明")


def is_not_data(path: Path) -> bool:
    """Whether a file is a note, document or image rather than a delivery (listed as ignored,
    never read, never quarantined)."""
    suffix = path.suffix.lower()
    return suffix in NOT_DATA_SUFFIXES or (
        suffix in {".txt", ""} and path.name.lower().startswith(NOTE_NAMES))


def leaves(folder: Path, path: Path) -> bool:
    """Whether ``path`` (a symlink, or under one) resolves outside ``folder``."""
    return not path.resolve().is_relative_to(folder.resolve())


def outside(folder: Path) -> list[Path]:
    """Paths under a folder (files, folders, symlinks) that resolve outside it: never
    followed, moved or read (a symlink in the inbox must not make a run touch its target)."""
    root = folder.resolve()
    found = []
    for child in sorted(folder.rglob("*")):
        if child.is_symlink() and not child.resolve().is_relative_to(root):
            found.append(child)
    return found


def link_identity(link: Path) -> str:
    """What a symlink is, without following it: a sha256 of its path, the target it names and
    its own modification time. A rejected link is not rejected again until one changes."""
    text = f"symlink\0{link}\0{os.readlink(link)}\0{link.lstat().st_mtime_ns}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass
class Survey:
    """What the given files and folders hold: data files (oldest first, then by name), files
    that are not data (ignored) and symlinks that resolve outside their folder."""

    files: list[Path] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)
    links: list[Path] = field(default_factory=list)


def survey(paths: Iterable[Path], *, inbox: Path | None = None) -> Survey:
    """Sort the given files and folders into data files, ignored files and links out. A path
    inside a folder that resolves outside it (see :func:`outside`) is never a data file; nor is
    a given path in ``inbox`` that resolves outside the inbox."""
    found: dict[Path, None] = {}
    ignored: dict[Path, None] = {}
    links: dict[Path, None] = {}
    for path in paths:
        if inbox is not None and path.is_symlink() and path.absolute().is_relative_to(
                inbox.absolute()) and leaves(inbox, path):
            links[path] = None
        elif path.is_dir():
            root = path.resolve()
            for child in sorted(path.rglob("*")):
                if not child.resolve().is_relative_to(root):
                    if child.is_symlink():
                        links[child] = None  # pointing outside: reported, never followed
                    continue
                if child.is_file() and is_candidate(child):
                    (ignored if is_not_data(child) else found)[child.resolve()] = None
        elif path.is_file():
            (ignored if is_not_data(path) else found)[path.resolve()] = None
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return Survey(sorted(found, key=lambda p: (p.stat().st_mtime_ns, str(p))),
                  sorted(ignored), sorted(links))


def discover(paths: Iterable[Path]) -> list[Path]:
    """Data files under the given files and folders, oldest first then by name (see
    :func:`survey`)."""
    return survey(paths).files


def sha256_of(path: Path, chunk_size: int = 16 << 20) -> str:
    """The sha256 of a file's bytes. Reading and hashing release the GIL; large chunks mean
    few waits to take it back while a parse thread holds it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def write_whole(path: Path, text: str) -> None:
    """Write a text file whole or not at all: into a hidden scratch file of this process beside
    it, renamed over it once written (a reader never sees half a file, even when the disk
    fills up part-way)."""
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        scratch.write_text(text, encoding="utf-8")
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


def ensure_home(settings: Settings) -> None:
    """Create the home folder layout (idempotent)."""
    for folder in (settings.inbox, settings.quarantine, settings.held, settings.extracts,
                   settings.snapshots, settings.work, settings.runs):
        folder.mkdir(parents=True, exist_ok=True)


def aside_name(folder: Path, path: Path) -> tuple[Path, str]:
    """A name of its own for a file put aside in ``folder`` (``<time>_<name>``, numbered when
    taken, by the file or a report beside it), and the time stamp."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = folder / f"{stamp}_{path.name}"
    counter = 1
    while target.exists() or Path(f"{target}{REPORT_SUFFIX}").exists():
        target = folder / f"{stamp}_{counter}_{path.name}"
        counter += 1
    return target, stamp


def set_aside(folder: Path, path: Path, *, move: bool,
              target: tuple[Path, str] | None = None) -> tuple[Path, str]:
    """Move (inbox) or copy (elsewhere) a file into ``folder`` under a name of its own (see
    :func:`aside_name`, or the one given); return where it went and the time stamp."""
    target, stamp = target or aside_name(folder, path)
    if move:
        shutil.move(str(path), target)
    else:
        shutil.copy2(path, target)
    return target, stamp


def quarantine(settings: Settings, path: Path, error: RejectedFile, *, move: bool) -> Path:
    """Move (inbox) or copy (elsewhere) a rejected file into quarantine with its report. The
    reports are written first: a run killed in between leaves the file where it was (and a
    report without a file, which no run records), never a quarantined file without its
    report."""
    target, stamp = aside_name(settings.quarantine, path)
    report = error.to_dict() | {"quarantined_as": str(target), "rejected_at": stamp}
    Path(f"{target}.report.txt").write_text(_report_text(error, target), encoding="utf-8")
    Path(f"{target}{REPORT_SUFFIX}").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    set_aside(settings.quarantine, path, move=move, target=(target, stamp))
    return target


def report_link(settings: Settings, link: Path, identity: str) -> tuple[RejectedFile, Path]:
    """Write the quarantine report of a symlink that resolves outside the inbox. The link stays
    where it is and its target is never opened: the report names what it points to. Return
    the rejection and the plain-text report's path."""
    named = os.readlink(link)
    error = reject(link, "symlink_outside_inbox", target=named)
    settings.quarantine.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    base = settings.quarantine / f"{stamp}_{link.name}"
    counter = 1
    while Path(f"{base}{REPORT_SUFFIX}").exists():
        base = settings.quarantine / f"{stamp}_{counter}_{link.name}"
        counter += 1
    report = error.to_dict() | {"quarantined_as": str(link), "rejected_at": stamp,
                                "symlink_target": named, "link_identity": identity}
    Path(f"{base}{REPORT_SUFFIX}").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    text = Path(f"{base}.report.txt")
    text.write_text(_report_text(error, link, kept_note=" (left in place, not followed)"),
                    encoding="utf-8")
    return error, text


def _report_text(error: RejectedFile, target: Path, kept_note: str = "") -> str:
    """The quarantine report as plain text for a person opening the folder."""
    line = error.line if error.line is not None else "-"
    column = shown(error.column) if error.column is not None else "-"
    lines = [
        f"ファイル: {shown(error.path)}",
        f"行:       {line}",
        f"列:       {column}",
        f"内容:     {shown(error.reason_ja)}",
        f"対処:     {shown(error.action_ja)}",
        "このファイルからは何も読み込まれていません。直して、もう一度受信フォルダに置いてください。",
        "",
        f"File:   {shown(error.path)}",
        f"Kept as: {shown(target)}{kept_note}",
        f"Line:   {line}",
        f"Column: {column}",
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
