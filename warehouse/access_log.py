"""The access trail: who logged in, and who downloaded or extracted what, when.

Append-only JSON lines in ``$SAIHAN_HOME/audit/access.jsonl``, beside the published warehouse
and not in it, so that a publish or a rollback (which replace ``warehouse.duckdb``) never
changes what was recorded. A line is written whole in one ``write`` on a file opened for
appending and flushed to disk before the download is handed over; nothing rewrites or removes
a line. The dashboard shows the trail to the ministry role only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from warehouse.settings import Settings

EVENTS = ("login", "download", "extract")


@dataclass(frozen=True)
class AccessEvent:
    """One recorded access: what happened, by whom (their login and role), for which
    prefectures, which files were handed over, and when (UTC, ISO 8601)."""

    event: str
    user: str
    role: str
    pref_codes: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    page: str = ""
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        if self.event not in EVENTS:
            raise ValueError(f"unknown access event {self.event!r}; one of {', '.join(EVENTS)}")


def trail_path(settings: Settings):
    """The trail's one file."""
    return settings.audit / "access.jsonl"


def record(settings: Settings, event: AccessEvent) -> None:
    """Append one event to the trail, on disk before returning."""
    settings.audit.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(event), ensure_ascii=False, sort_keys=True) + "\n"
    fd = os.open(trail_path(settings), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read(settings: Settings, limit: int | None = None) -> list[AccessEvent]:
    """The recorded events, newest first (``limit`` of them); a line that does not read as
    an event (a torn last line after a crash) is skipped, never repaired in place."""
    path = trail_path(settings)
    if not path.exists():
        return []
    events = list(_parse(path.read_text(encoding="utf-8").splitlines()))
    events.reverse()
    return events[:limit] if limit is not None else events


def _parse(lines: Iterable[str]) -> Iterable[AccessEvent]:
    for line in lines:
        try:
            row = json.loads(line)
            yield AccessEvent(event=row["event"], user=row["user"], role=row["role"],
                              pref_codes=tuple(row.get("pref_codes") or ()),
                              files=tuple(row.get("files") or ()), page=row.get("page", ""),
                              at=row["at"])
        except (ValueError, KeyError, TypeError):
            continue
