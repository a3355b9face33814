"""Errors and findings a person can act on.

A :class:`RejectedFile` names the file, the line and column where reading stopped, what was
found there and what to do; the whole file is then quarantined with that report. A
:class:`Finding` records something worth knowing that does not block a load.
"""

from __future__ import annotations

import errno
import re
import shutil
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from warehouse.reasons import reason_texts


@dataclass(frozen=True)
class Finding:
    """A per-file observation that does not stop the load (shown on the data-status page)."""

    code: str  # machine-readable, e.g. "duplicated_layout", "date_after_data_year"
    message: str  # a sentence a person can read
    line: int | None = None
    column: str | None = None
    count: int = 1
    severity: str = "warning"  # "warning" or "info"

    def to_dict(self) -> dict:
        """Plain dict for JSON and tables."""
        return asdict(self)


@dataclass
class RejectedFile(Exception):
    """A file that cannot be loaded whole; nothing of it is loaded. Build one with
    :func:`reject` (a reason code of :mod:`warehouse.reasons` and its parameters), which fills
    the English ``reason``/``action`` and the Japanese ``reason_ja``/``action_ja``."""

    path: Path
    reason: str  # what was found (English)
    action: str  # what to do about it (English)
    line: int | None = None
    column: str | None = None
    details: list[str] = field(default_factory=list)
    code: str = ""  # the reason code in warehouse.reasons.REASONS
    reason_ja: str = ""  # what was found (Japanese)
    action_ja: str = ""  # what to do about it (Japanese)

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.reason}. {self.action}"

    def to_dict(self) -> dict:
        """Plain dict for the quarantine report and --json output."""
        return {
            "file": str(self.path),
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
            "action": self.action,
            "code": self.code,
            "reason_ja": self.reason_ja,
            "action_ja": self.action_ja,
            "details": self.details,
        }


def reject(path: Path, code: str, *, line: int | None = None, column: str | None = None,
           details: list[str] | None = None, **params: object) -> RejectedFile:
    """The rejection of ``path`` for reason ``code``: its texts in Japanese and English from
    the one table, filled with ``params`` (a parameter the text needs and is not given is a
    KeyError, so no text is ever shown with a hole in it)."""
    ja, en = reason_texts(code, {"line": line, "column": column} | params)
    return RejectedFile(path, en.found, en.todo, line=line, column=column,
                        details=list(details or []), code=code, reason_ja=ja.found,
                        action_ja=ja.todo)


def shown(value: object) -> str:
    """Text as a report shows it: control characters (a newline or CR in a file name, an
    escape sequence) and line or paragraph separators escaped, so that nothing from a file or
    its name can forge a report line or drive a terminal."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch
        for ch in str(value)
    )


# DuckDB's words for a write that failed (the path is quoted), and the OS's for a full disk.
_WRITE_FAILED = re.compile(r'Could not write file "([^"]+)"')
_NO_SPACE = "no space left on device"


def disk_full(error: BaseException, default_where: Path) -> str | None:
    """A plain message when ``error`` (or what led to it) is a full disk: which file could not
    be written, and how much space is left there; None for any other error. DuckDB's follow-on
    errors ("Current transaction is aborted", "cannot rollback") never replace the cause."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    for cause in seen:
        text = str(cause)
        is_full = (isinstance(cause, OSError) and cause.errno == errno.ENOSPC) or (
            _NO_SPACE in text.lower())
        if not is_full:
            continue
        match = _WRITE_FAILED.search(text)
        where = Path(match.group(1) if match else getattr(cause, "filename", None)
                     or default_where)
        folder = next((p for p in [where, *where.parents] if p.exists()), default_where)
        try:
            size = f" (a disk of {shutil.disk_usage(folder).total / (1 << 20):,.0f} MB)"
        except OSError:
            size = ""
        return (f"No space left on device while writing {where}. A run needs room for a copy "
                f"of the warehouse and what it loads: free space on the disk holding "
                f"{folder}{size}, or set SAIHAN_HOME to a larger disk, and run again.")
    return None
