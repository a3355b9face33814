"""Which files in the inbox are complete, so that a file still being written is never read.

A copy, a download or an upload grows a file over time. A file counts as complete once its
size and modification time have stayed the same for ``stable_seconds`` and it is not empty;
temporary names (``*.part``, ``~$book.xlsx``, hidden files) never count. ``saihan serve``
feeds file-system events into :class:`StableFiles` and ingests each file it reports ready.
This module is plain Python with an injectable clock, so it is tested without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import db
from warehouse.files import discover, is_candidate
from warehouse.settings import Settings


@dataclass
class _Watched:
    size: int
    mtime_ns: int
    since: float  # clock time when this size and mtime were first seen


class StableFiles:
    """Tracks candidate files until each has kept its size and mtime for ``stable_seconds``."""

    def __init__(self, stable_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.stable_seconds = stable_seconds
        self.clock = clock
        self._watched: dict[Path, _Watched | None] = {}

    def touch(self, path: Path) -> bool:
        """Note that a file was created or changed; return whether it is now being watched."""
        if not is_candidate(path):
            return False
        # Its stability clock restarts at the next poll: any change means "not done yet".
        self._watched[path] = None
        return True

    def forget(self, path: Path) -> None:
        """Stop watching a file (it was deleted or moved away)."""
        self._watched.pop(path, None)

    @property
    def pending(self) -> list[Path]:
        """Files being watched that are not ready yet."""
        return sorted(self._watched)

    def poll(self) -> list[Path]:
        """Check every watched file; return (and stop watching) the ones now complete."""
        now = self.clock()
        ready = []
        for path, seen in list(self._watched.items()):
            try:
                stat = path.stat()
            except FileNotFoundError:
                self.forget(path)
                continue
            if not path.is_file():
                self.forget(path)
                continue
            if seen is None or (stat.st_size, stat.st_mtime_ns) != (seen.size, seen.mtime_ns):
                seen = _Watched(stat.st_size, stat.st_mtime_ns, now)
                self._watched[path] = seen
            if stat.st_size > 0 and now - seen.since >= self.stable_seconds:
                del self._watched[path]
                ready.append(path)
        return sorted(ready)


def unseen_inbox_files(settings: Settings) -> list[Path]:
    """Inbox files that the published warehouse has not seen with this size and mtime."""
    if not settings.inbox.exists():
        return []
    files = discover([settings.inbox])
    if not settings.warehouse.exists():
        return files
    con = db.open_published(settings.warehouse)
    try:
        seen = set(con.execute(
            "select source_path, size_bytes, mtime_ns from meta.file_seen").fetchall())
    except duckdb.CatalogException:  # a warehouse from before meta.file_seen existed
        seen = set()
    finally:
        con.close()
    unseen = []
    for path in files:
        stat = path.stat()
        if (str(path), stat.st_size, stat.st_mtime_ns) not in seen:
            unseen.append(path)
    return unseen


def settled_unseen_inbox_files(settings: Settings, now_ns: int | None = None) -> list[Path]:
    """Unseen inbox files that are not empty and unchanged for ``settings.stable_seconds``.

    What a run started for one arrived file also takes in, so that files dropped together are
    loaded and published together (the runs for the others then find nothing new).
    """
    now_ns = time.time_ns() if now_ns is None else now_ns
    settled = []
    for path in unseen_inbox_files(settings):
        stat = path.stat()
        if stat.st_size > 0 and now_ns - stat.st_mtime_ns >= settings.stable_seconds * 1e9:
            settled.append(path)
    return settled
