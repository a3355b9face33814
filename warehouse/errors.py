"""Errors and findings a person can act on.

A :class:`RejectedFile` names the file, the line and column where reading stopped, what was
found there and what to do; the whole file is then quarantined with that report. A
:class:`Finding` records something worth knowing that does not block a load.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path


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
    """A file that cannot be loaded whole; nothing of it is loaded."""

    path: Path
    reason: str  # what was found
    action: str  # what to do about it
    line: int | None = None
    column: str | None = None
    details: list[str] = field(default_factory=list)

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
            "details": self.details,
        }


def shown(value: object) -> str:
    """Text as a report shows it: control characters (a newline or CR in a file name, an
    escape sequence) and line or paragraph separators escaped, so that nothing from a file or
    its name can forge a report line or drive a terminal."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch
        for ch in str(value)
    )
