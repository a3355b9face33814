"""What a run did: :class:`RunReport` and, as Markdown or text, for a person (the Prefect run
artifact and ``saihan status``).

Rendering takes ``RunReport.to_dict()`` (or the same dict read back from
``runs/<run_id>.json``), so old reports render too. Nothing here runs anything; besides the
report file it writes, it reads and writes nothing (plain Python: a no-op run writes its report
before DuckDB is imported).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from warehouse.errors import shown
from warehouse.files import write_whole
from warehouse.settings import Settings


@dataclass
class FileResult:
    """What happened to one file in a run."""

    file: str
    status: str = "pending"  # loaded | unchanged | rejected | held | rolled_back | ignored
    sha256: str | None = None
    source_kind: str | None = None
    dataset_key: str | None = None
    rows: int = 0
    superseded_file_ids: list[int] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    rejection: dict | None = None
    quarantined_as: str | None = None
    # The plain-text report when it is not beside quarantined_as (a symlink out of the inbox
    # is left where it is; its report is in quarantine/).
    report_as: str | None = None
    # held: would shrink its dataset (warehouse.hold); kept under held/ with its report.
    hold: dict | None = None
    held_as: str | None = None
    accepted_by: str | None = None  # a held delivery loaded by `saihan accept`


@dataclass
class RunReport:
    """What a run did, for people (saihan status, Prefect artifacts) and machines (--json)."""

    run_id: str
    trigger: str
    started_at: str
    status: str = "running"  # published | noop | audit_failed | failed | rolled_back
    finished_at: str | None = None
    duration_seconds: float | None = None
    files: list[FileResult] = field(default_factory=list)
    models_built: int = 0
    data_tests_run: int = 0
    # "full" or "incremental" (only the crime datasets that changed were recomputed: how many).
    build: str | None = None
    changed_datasets: int | None = None
    # Models left as they were built and data tests that passed before, on the same inputs.
    models_kept: int = 0
    data_tests_kept: int = 0
    data_test_failures: list[str] = field(default_factory=list)
    published_snapshot_of: str | None = None
    published_as: str | None = None
    error: str | None = None

    def count(self, status: str) -> int:
        """Number of files with the given status."""
        return sum(1 for f in self.files if f.status == status)

    @property
    def rows_loaded(self) -> int:
        """Rows loaded by this run."""
        return sum(f.rows for f in self.files if f.status == "loaded")

    @property
    def superseded(self) -> int:
        """Earlier deliveries this run superseded."""
        return sum(len(f.superseded_file_ids) for f in self.files)

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        data = asdict(self)
        data["summary"] = {
            "files_seen": len(self.files) - self.count("ignored"),
            "loaded": self.count("loaded"),
            "unchanged": self.count("unchanged"),
            "rejected": self.count("rejected"),
            "held": self.count("held"),
            "rolled_back": self.count("rolled_back"),
            "ignored": self.count("ignored"),
            "superseded": self.superseded,
            "rows_loaded": self.rows_loaded,
        }
        return data


def write_report(settings: Settings, report: RunReport) -> Path:
    """The run's report as ``runs/<run id>.json`` (whole or not at all)."""
    settings.runs.mkdir(parents=True, exist_ok=True)
    path = settings.runs / f"{report.run_id}.json"
    write_whole(path, json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    return path


def new_run_id() -> str:
    """A unique run id that sorts in the order the runs started, also within one second (the
    run reports' files are listed by name: `saihan runs`, notifications). Down to the
    microsecond; an id of the earlier, second-only form sorts before any later one of its
    second."""
    return datetime.now().strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:6]


# Unchanged files are listed up to this many; past that they are counted. Loaded and rejected
# files are always listed, since those are what a person acts on.
MAX_UNCHANGED_LISTED = 20
MAX_FINDINGS_LISTED = 3

HEADLINES = {
    "published": "published",
    "noop": "nothing new",
    "audit_failed": "audit failed, nothing published",
    "failed": "failed, nothing published",
    "running": "still running (or killed)",
    "rolled_back": "rolled back to the previous snapshot",
}


def cell(value: Any) -> str:
    """Text safe inside a Markdown table cell: one line (control characters escaped, see
    :func:`~warehouse.errors.shown`), pipes escaped."""
    text = "" if value is None else shown(value)
    return " ".join(text.split()).replace("|", "\\|")


def code(value: Any) -> str:
    """Inline code for a path or name (backticks inside are dropped)."""
    return f"`{cell(value).replace('`', '')}`"


def quarantine_report_path(quarantined_as: str, report_as: str | None = None) -> str:
    """The plain-text quarantine report: beside the rejected file, or where ``report_as``
    says (a symlink out of the inbox is left in place)."""
    return report_as or f"{quarantined_as}.report.txt"


IGNORED_NOTE = ("not data (a note, document or image): left where it is, never read; "
                "データではないため読み込みません")


def listed_line(result: FileResult) -> str:
    """The line ``saihan run`` prints for a file it ignored or found unchanged."""
    if result.status == "ignored":
        return f"  ignored    {result.file}: {IGNORED_NOTE}"
    return f"  unchanged  {result.file}"


def noop_line(report: RunReport) -> str:
    """The summary ``saihan run`` prints for a run with nothing new."""
    seen = report.to_dict()["summary"]["files_seen"]
    return f"noop: {seen} files seen, none new; {report.duration_seconds:.2f} s"


def current_line(warehouse: Path) -> str:
    """What ``saihan run`` says last when nothing was new."""
    return f"nothing new; {warehouse} is current"


def _summary(report: Mapping[str, Any]) -> Mapping[str, Any]:
    files = report.get("files", [])
    given = report.get("summary")
    if given:
        return given
    return {
        "files_seen": sum(f["status"] != "ignored" for f in files),
        "loaded": sum(f["status"] == "loaded" for f in files),
        "unchanged": sum(f["status"] == "unchanged" for f in files),
        "rejected": sum(f["status"] == "rejected" for f in files),
        "held": sum(f["status"] == "held" for f in files),
        "rolled_back": sum(f["status"] == "rolled_back" for f in files),
        "ignored": sum(f["status"] == "ignored" for f in files),
        "superseded": sum(len(f.get("superseded_file_ids") or []) for f in files),
        "rows_loaded": sum(f.get("rows", 0) for f in files if f["status"] == "loaded"),
    }


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)} min {rest:.0f} s"


def _publish_line(report: Mapping[str, Any]) -> str:
    status = report.get("status")
    if status == "published":
        where = report.get("published_as")
        line = f"Published {code(where)}" if where else "Published"
        line += f" (built by run {code(report['run_id'])})."
        previous = report.get("published_snapshot_of")
        if previous:
            line += (f" The previous version is kept as {code(previous)}; "
                     "`saihan rollback` restores it.")
        else:
            line += " It is the first published version."
        return line
    if status == "rolled_back":
        return (f"Rolled back: {code(report.get('published_snapshot_of'))} was restored as "
                f"{code(report.get('published_as'))}. The files it removed (below) are not "
                "loaded again until they change or `saihan accept FILE` takes them.")
    if status == "noop":
        return "Nothing new and no code change: the published warehouse was left as it was."
    if status in ("audit_failed", "failed"):
        return "Nothing was published: readers still see the previous version."
    return "The run did not finish: the published warehouse was left as it was."


def _data_tests_line(report: Mapping[str, Any]) -> str:
    failures = report.get("data_test_failures") or []
    run = report.get("data_tests_run") or 0
    if failures:
        return f"{len(failures)} data test(s) failed (see below)."
    kept = report.get("data_tests_kept") or 0
    if run and kept:
        return (f"{run} data tests hold: {run - kept} run, all passed; {kept} passed before on "
                "the same inputs (not run again).")
    if run:
        return f"{run} data tests run, all passed."
    if report.get("status") == "noop":
        return "Not run: nothing was rebuilt."
    return "Not run."


def _file_rows(files: list[Mapping[str, Any]]) -> list[str]:
    rows = ["| Status | File | Rows | Dataset | Notes |", "| --- | --- | ---: | --- | --- |"]
    unchanged = [f for f in files if f["status"] == "unchanged"]
    others = [f for f in files if f["status"] != "unchanged"]
    for result in [*others, *unchanged[:MAX_UNCHANGED_LISTED]]:
        status = result["status"]
        notes: list[str] = []
        rows_text = ""
        if status == "loaded":
            rows_text = f"{result.get('rows', 0):,}"
            if result.get("accepted_by"):
                notes.append(f"held delivery accepted by {result['accepted_by']}")
            if result.get("superseded_file_ids"):
                ids = ", ".join(str(i) for i in result["superseded_file_ids"])
                notes.append(f"supersedes earlier delivery (file id {ids})")
            findings = result.get("findings") or []
            notes += [f["message"] for f in findings[:MAX_FINDINGS_LISTED]]
            if len(findings) > MAX_FINDINGS_LISTED:
                notes.append(f"and {len(findings) - MAX_FINDINGS_LISTED} more notes")
        elif status == "rejected":
            notes.append((result.get("rejection") or {}).get("reason", ""))
        elif status == "held":
            notes += (result.get("hold") or {}).get("reasons") or []
        elif status == "ignored":
            notes.append(IGNORED_NOTE)
        elif status == "rolled_back":
            notes.append("removed by a rollback; not loaded again until it changes or "
                         "`saihan accept` takes it")
        label = {"rejected": "**REJECTED**", "held": "**HELD**"}.get(status, status)
        rows.append(f"| {label} | {code(result['file'])} | {rows_text} | "
                    f"{cell(result.get('dataset_key') or '')} | {cell('; '.join(notes))} |")
    if len(unchanged) > MAX_UNCHANGED_LISTED:
        rows.append(f"| unchanged | and {len(unchanged) - MAX_UNCHANGED_LISTED} more files | "
                    "| | |")
    return rows


def _rejections(files: list[Mapping[str, Any]]) -> list[str]:
    lines: list[str] = []
    for result in files:
        if result["status"] != "rejected":
            continue
        rejection = result.get("rejection") or {}
        where = ", ".join(part for part in (
            f"line {rejection['line']}" if rejection.get("line") is not None else "",
            f"column {cell(rejection['column'])}" if rejection.get("column") else "",
        ) if part)
        lines.append(f"### {cell(result['file'])}" + (f" ({where})" if where else ""))
        lines.append("")
        lines.append(f"- Found: {cell(rejection.get('reason'))}")
        lines.append(f"- To do: {cell(rejection.get('action'))}")
        if rejection.get("reason_ja"):  # the same, in Japanese
            lines.append(f"- 内容: {cell(rejection['reason_ja'])}")
            lines.append(f"- 対処: {cell(rejection.get('action_ja'))}")
        for detail in rejection.get("details") or []:
            lines.append(f"  - {cell(detail)}")
        if result.get("report_as"):
            lines.append(f"- Left in place as {code(result['quarantined_as'])} (never "
                         f"followed); report: {code(result['report_as'])}")
        elif result.get("quarantined_as"):
            lines.append(f"- Kept in quarantine as {code(result['quarantined_as'])}; report: "
                         f"{code(quarantine_report_path(result['quarantined_as']))}")
        lines.append("")
    return lines


def _held(files: list[Mapping[str, Any]]) -> list[str]:
    lines: list[str] = []
    for result in files:
        if result["status"] != "held":
            continue
        hold = result.get("hold") or {}
        lines.append(f"### {cell(result['file'])}")
        lines.append("")
        lines.append(f"- Dataset {code(result.get('dataset_key'))}: "
                     f"{hold.get('rows_before', 0):,} rows published, "
                     f"{hold.get('rows_after', 0):,} in this file")
        lines += [f"- Held: {cell(reason)}" for reason in hold.get("reasons") or []]
        lines.append(f"- Kept as {code(result.get('held_as'))}; report: "
                     f"{code(str(result.get('held_as')) + '.held.txt')}")
        lines.append("")
    return lines


def render_markdown(report: Mapping[str, Any]) -> str:
    """The run report (``RunReport.to_dict()``) as Markdown a person can act on."""
    status = report.get("status", "running")
    summary = _summary(report)
    files = list(report.get("files") or [])
    lines = [
        f"# saihan run {code(report['run_id'])}: {HEADLINES.get(status, cell(status))}",
        "",
        "| | |",
        "| --- | --- |",
        f"| Trigger | {cell(report.get('trigger'))} |",
        f"| Started (UTC) | {cell(report.get('started_at'))} |",
        f"| Finished (UTC) | {cell(report.get('finished_at') or '-')} |",
        f"| Duration | {_duration(report.get('duration_seconds'))} |",
        f"| Files seen | {summary['files_seen']} |",
        f"| Loaded | {summary['loaded']} ({summary['rows_loaded']:,} rows) |",
        f"| Unchanged | {summary['unchanged']} |",
        f"| Superseded earlier deliveries | {summary['superseded']} |",
        f"| Rejected | {summary['rejected']} |",
        f"| Held (would shrink a dataset) | {summary.get('held', 0)} |",
        f"| Ignored (not data) | {summary.get('ignored', 0)} |",
        f"| Data tests | {_data_tests_line(report)} |",
        "",
        _publish_line(report),
        "",
    ]
    if report.get("error") and status != "audit_failed":
        lines += ["## Error", "", "```", str(report["error"]), "```", ""]
    failures = report.get("data_test_failures") or []
    if failures:
        lines += ["## Failed data tests", ""]
        lines += [f"- {cell(failure)}" for failure in failures]
        lines.append("")
    if summary["rejected"]:
        lines += ["## Rejected files: what to do", "",
                  "Nothing from these files was loaded. Fix each one and drop it into the inbox "
                  "again.", ""]
        lines += _rejections(files)
    if summary.get("held"):
        lines += ["## Held deliveries: look before they are published", "",
                  "Each would shrink a published dataset, or breaks a data test (named below). "
                  "Nothing from them was loaded. If a smaller delivery is right, `saihan "
                  "accept FILE` publishes it; otherwise ask for the full (or corrected) file.",
                  ""]
        lines += _held(files)
    if files:
        lines += ["## Files", "", *_file_rows(files), ""]
    return "\n".join(lines).rstrip() + "\n"
