"""What a run keeps beside the build: the published state it plans from, the record of
rejections on disk, run reports in runs/, and rollbacks as events.

:func:`warehouse.run.run_pipeline` decides; this module reads and writes the records those
decisions need (plain Python, no Prefect).
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse import db, quick_noop
from warehouse.errors import RejectedFile
from warehouse.files import REPORT_SUFFIX as QUARANTINE_REPORT_SUFFIX
from warehouse.files import (
    ensure_home,
    link_identity,
    report_link,
    sha256_of,
    write_whole,
    writer_lock,
)
from warehouse.hold import REPORT_SUFFIX as HELD_REPORT_SUFFIX
from warehouse.hold import TEXT_SUFFIX as HELD_TEXT_SUFFIX
from warehouse.publish import rollback as restore_snapshot
from warehouse.report import FileResult, RunReport, new_run_id, write_report
from warehouse.settings import Settings

SeenCache = quick_noop.Seen
PublishedState = quick_noop.PublishedState


def seen_sha(seen: SeenCache, path: Path) -> str | None:
    """The file's sha256 from the seen-files cache, when its size and mtime are unchanged."""
    stat = path.stat()
    return seen.get((str(path), stat.st_size, stat.st_mtime_ns))


def file_sha(seen: SeenCache, path: Path) -> tuple[tuple[str, int, int], str]:
    """The file by path, size and mtime as it was before it was read, and its sha256 (from the
    seen-files cache when size and mtime are unchanged)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    cached = seen.get(key)
    return key, cached if cached is not None else sha256_of(path)


def known_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("select sha256 from raw.file").fetchall()}


def record_rejection(con, result: FileResult, error: RejectedFile, run_id: str) -> None:
    con.execute(
        "insert into raw.rejected_file (sha256, file_name, source_path, quarantined_path, "
        "rejected_at, run_id, line, column_name, reason, action, reason_code, reason_ja, "
        "action_ja) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [result.sha256, Path(result.file).name, result.file, result.quarantined_as,
         datetime.now(UTC), run_id, error.line, error.column, error.reason, error.action,
         error.code or None, error.reason_ja or None, error.action_ja or None],
    )


def seen_row(path: Path, sha: str) -> tuple[str, int, int, str]:
    """A row of meta.file_seen: the file by path, size and mtime, and its sha256."""
    stat = path.stat()
    return str(path), stat.st_size, stat.st_mtime_ns, sha


def remember_seen(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, int, int, str]]) -> None:
    """Record the files a run saw (one statement for all: a row at a time costs ~10 ms each)."""
    if rows:
        columns = [list(column) for column in zip(*rows, strict=True)]
        con.execute("insert or replace into meta.file_seen "
                    "select unnest(?), unnest(?), unnest(?), unnest(?)", columns)


def published_state(settings: Settings) -> PublishedState:
    """Known file hashes, seen-file cache, code fingerprint and schema version: from the record
    the run that published the file wrote (see warehouse.quick_noop), else from the file."""
    if not settings.warehouse.exists():
        return PublishedState()
    recorded = quick_noop.recorded_state(settings)  # as the run that published it left it
    if recorded is not None:
        return recorded
    con = db.open_published(settings.warehouse)
    try:
        return state_of(con)
    finally:
        con.close()


def state_of(con: duckdb.DuckDBPyConnection, *, version: int | None = None) -> PublishedState:
    """What a warehouse (the published one, or a build about to be) holds; ``version``: the
    schema version a build was migrated to (then neither it nor raw.held_file is looked up)."""
    migrated = version is not None
    version = db.schema_version(con) if version is None else version
    if version == 0:
        return PublishedState()
    fingerprint = con.execute(
        "select value from meta.build_info where key = 'code_fingerprint'"
    ).fetchone()
    seen = {(p, size, mtime): sha for p, size, mtime, sha in
            con.execute("select * from meta.file_seen").fetchall()}
    rejections = con.execute(
        "select quarantined_path, sha256 from raw.rejected_file").fetchall()
    quarantined = {kept for kept, _ in rejections}
    has_held = migrated or con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and "
        "table_name = 'held_file'").fetchall()[0][0]
    held = dict(con.execute("select sha256, held_path from raw.held_file "
                            "where accepted_at is null").fetchall()) if has_held else {}
    return PublishedState(known_hashes(con), seen,
                          fingerprint[0] if fingerprint else None, version, quarantined,
                          {sha for _, sha in rejections}, held)


def unrecorded_rejections(settings: Settings, published: PublishedState) -> list[dict]:
    """Quarantine reports (the record of a rejection on disk) whose file the published
    warehouse does not list in raw.rejected_file."""
    found = []
    for report_path in sorted(settings.quarantine.glob(f"*{QUARANTINE_REPORT_SUFFIX}")):
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        kept = report.get("quarantined_as")
        if report.get("link_identity"):  # a symlink out of the inbox: never opened
            if report["link_identity"] not in published.rejected:
                found.append(report | {"report_as": str(report_path.with_suffix(".txt"))})
        elif kept and kept not in published.quarantined and Path(kept).is_file():
            found.append(report)
    return found


def record_unrecorded_rejections(con: duckdb.DuckDBPyConnection, run_report: RunReport,
                                 reports: list[dict]) -> None:
    """Record the rejections an earlier run found but did not publish (killed, or failed for
    another file): in raw.rejected_file, and as rejected files of this run's report."""
    for report in reports:
        kept = Path(report["quarantined_as"])
        result = FileResult(file=report.get("file") or kept.name, status="rejected",
                            sha256=report.get("link_identity") or sha256_of(kept),
                            quarantined_as=str(kept), report_as=report.get("report_as"),
                            rejection={k: report.get(k) for k in
                                       ("file", "line", "column", "reason", "action",
                                        "code", "reason_ja", "action_ja", "details")})
        run_report.files.append(result)
        error = RejectedFile(Path(result.file), report.get("reason") or "",
                             report.get("action") or "", report.get("line"),
                             report.get("column"), code=report.get("code") or "",
                             reason_ja=report.get("reason_ja") or "",
                             action_ja=report.get("action_ja") or "")
        record_rejection(con, result, error, run_report.run_id)


def new_links(links: list[Path], published: PublishedState,
              unrecorded: list[dict]) -> list[Path]:
    """Symlinks out of the inbox not rejected yet as they are now (a link rejected before, or
    whose report an unfinished run left, is not reported again until its target or its own
    mtime changes)."""
    done = published.rejected | {r["link_identity"] for r in unrecorded if r.get("link_identity")}
    return [link for link in links if link.is_symlink() and link_identity(link) not in done]


def reject_links(con: duckdb.DuckDBPyConnection, settings: Settings, run_report: RunReport,
                 links: list[Path]) -> None:
    """Reject each symlink that resolves outside the inbox: a report in quarantine/, a row in
    raw.rejected_file and a rejected file in the run report; the link and its target are left
    as they are."""
    for link in links:
        identity = link_identity(link)
        error, text = report_link(settings, link, identity)
        result = FileResult(file=str(link), status="rejected", sha256=identity,
                            quarantined_as=str(link), report_as=str(text),
                            rejection=error.to_dict())
        run_report.files.append(result)
        record_rejection(con, result, error, run_report.run_id)


def record_run(con: duckdb.DuckDBPyConnection, report: RunReport, fingerprint: str) -> None:
    """The run in meta.run and the build's fingerprint in meta.build_info."""
    con.execute(
        "insert or replace into meta.build_info values ('code_fingerprint', ?), "
        "('built_at', ?), ('run_id', ?)",
        [fingerprint, datetime.now(UTC).isoformat(timespec="seconds"), report.run_id],
    )
    summary = report.to_dict()["summary"]
    con.execute(
        "insert into meta.run (run_id, started_at, finished_at, trigger, status, files_seen, "
        "files_loaded, files_skipped, files_superseded, files_rejected, rows_loaded, report) "
        "values (?, ?, ?, ?, 'published', ?, ?, ?, ?, ?, ?, ?)",
        [report.run_id, report.started_at, datetime.now(UTC), report.trigger,
         summary["files_seen"], report.count("loaded"), report.count("unchanged"),
         report.superseded, report.count("rejected"), report.rows_loaded,
         json.dumps(report.to_dict(), ensure_ascii=False, default=str)],
    )


def return_held(settings: Settings, held: Path) -> Path:
    """Move an accepted held file back into the inbox (under its name as delivered) and its
    reports to held/accepted/; a file a rollback removed is forgotten as such. Return where
    the file now is."""
    held = held.resolve()
    if held.is_file() and settings.held.resolve() not in held.parents:
        sha = sha256_of(held)
        removed = rolled_back_files(settings)
        if sha not in removed:
            raise FileNotFoundError(f"{held}: neither held (under {settings.held}) nor removed "
                                    "by a rollback")
        del removed[sha]
        write_rolled_back(settings, removed)
        return held
    if not held.is_file():
        raise FileNotFoundError(f"{held}: not a held file under {settings.held}")
    report = json.loads(Path(f"{held}{HELD_REPORT_SUFFIX}").read_text(encoding="utf-8"))
    target = settings.inbox / Path(report["file"]).name
    if target.exists():
        target = settings.inbox / held.name
    settings.inbox.mkdir(parents=True, exist_ok=True)
    shutil.move(str(held), target)
    done = settings.held / "accepted"
    done.mkdir(parents=True, exist_ok=True)
    for suffix in (HELD_REPORT_SUFFIX, HELD_TEXT_SUFFIX):
        side = Path(f"{held}{suffix}")
        if side.exists():
            shutil.move(str(side), done / side.name)
    return target


def rolled_back_files(settings: Settings) -> dict[str, dict]:
    """The files (by sha256) rollbacks removed from the published warehouse."""
    path = settings.home / "rolled_back.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_rolled_back(settings: Settings, files: dict[str, dict]) -> None:
    write_whole(settings.home / "rolled_back.json",
                json.dumps(files, ensure_ascii=False, indent=2))


def published_files(settings: Settings) -> dict[str, str]:
    """sha256 -> source path of every file the published warehouse holds."""
    if not settings.warehouse.exists():
        return {}
    con = db.open_published(settings.warehouse)
    try:
        if db.schema_version(con) == 0:
            return {}
        return dict(con.execute("select sha256, source_path from raw.file").fetchall())
    finally:
        con.close()


def rollback_pipeline(settings: Settings, *, wait_seconds: float = 0) -> RunReport:
    """Restore the previous snapshot, as an event: a run report (trigger and status rollback)
    lists the files it removed, and those are not loaded again from the inbox until they
    change or are accepted (`saihan accept`). Raises WriterBusy while a run writes, and
    FileNotFoundError without a snapshot."""
    started = time.monotonic()
    ensure_home(settings)
    with writer_lock(settings, wait_seconds=wait_seconds):
        report = RunReport(new_run_id(), "rollback",
                           datetime.now(UTC).isoformat(timespec="seconds"))
        before = published_files(settings)
        restored = restore_snapshot(settings)
        after = published_files(settings)
        removed = rolled_back_files(settings)
        for sha, source in before.items():
            if sha in after:
                continue
            removed[sha] = {"file": source, "rolled_back_at": report.started_at,
                            "run_id": report.run_id}
            report.files.append(FileResult(source, "rolled_back", sha))
        write_rolled_back(settings, removed)
        report.status = "rolled_back"
        report.published_as = str(settings.warehouse)
        report.published_snapshot_of = str(restored)
        report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
        report.duration_seconds = round(time.monotonic() - started, 3)
        write_report(settings, report)
        return report
