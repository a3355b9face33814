"""One run of the pipeline: plan, ingest, build, audit, publish, finish, and the only read-ahead.

:func:`run_pipeline` is the run, whoever starts it: ``saihan run``/``saihan ingest`` call it
with the default :class:`RunSteps` (each step in this process, parses on a thread pool), the
Prefect flows with steps that run as Prefect tasks and futures (``flows/pipeline.py``). The
order of the steps, the read-ahead policy and the decisions (no-op, supersede, publish) exist
only here, so what ``saihan serve`` does is what ``saihan run`` does. Plain Python over a
DuckDB connection: every step can be tested without Prefect.
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import duckdb

from warehouse import build, db, parse_ahead, quick_noop, run_state, store
from warehouse.arrivals import settled_unseen_inbox_files, unseen_inbox_files
from warehouse.audit_hold import hold_failing_files
from warehouse.errors import RejectedFile, disk_full
from warehouse.files import ensure_home, outside, quarantine, sha256_of, survey, writer_lock
from warehouse.hold import hold_if_shrinking, mark_still_held, record_acceptance
from warehouse.ingest.contract import Parsed
from warehouse.ingest.route import parse_file
from warehouse.load import LOAD_COMMIT_ROWS, RowGroupAppender, load_parsed
from warehouse.notify import notify_run
from warehouse.parse_ahead import LARGEST_FIRST, PARSE_WORKERS, fits_ahead, parse_order
from warehouse.publish import clear_stale_work, open_build, publish
from warehouse.report import FileResult, RunReport, new_run_id, write_report
from warehouse.settings import Settings


class ParseFuture(Protocol):
    """A parse under way: a ``concurrent.futures.Future`` or a Prefect future."""

    def result(self) -> Parsed | RejectedFile: ...


SeenCache = run_state.SeenCache


@dataclass
class Run:
    """One run in progress: the plan (files and their hashes) and, once opened, the build."""

    settings: Settings
    report: RunReport
    files: list[Path]
    inbox_mode: bool
    sql_dir: Path
    published: run_state.PublishedState
    up_to_date: bool
    fingerprint: str
    hashes: dict[Path, str] = field(default_factory=dict)
    build_path: Path | None = None
    con: duckdb.DuckDBPyConnection | None = None
    migrations_applied: list[int] = field(default_factory=list)
    known: set[str] = field(default_factory=set)
    appender: RowGroupAppender | None = None
    started: float = field(default_factory=time.monotonic)
    # Parse threads of the in-process steps, and the parses started before the files' turn.
    pool: ThreadPoolExecutor | None = None
    parsing: dict[Path, ParseFuture] = field(default_factory=dict)
    # Files (by sha256) a person accepted (`saihan accept`): loaded even if they shrink their
    # dataset, and who accepted them.
    accepted: set[str] = field(default_factory=set)
    accepted_by: str | None = None
    # Files (by sha256) a rollback removed: not loaded again until they change or are accepted.
    rolled_back: set[str] = field(default_factory=set)
    # Quarantine reports on disk the published warehouse does not record (the run that wrote
    # them was killed or published nothing): this run records them.
    unrecorded_rejections: list[dict] = field(default_factory=list)
    # Symlinks resolving outside their folder not rejected yet as they are (never followed).
    links: list[Path] = field(default_factory=list)
    full_refresh: bool = False  # `--full-refresh`: every model rebuilt whole
    seen_now: list[tuple[str, int, int, str]] = field(default_factory=list)  # for meta.file_seen
    published_now: run_state.PublishedState | None = None  # what the build held when published
    hashed_as: SeenCache = field(default_factory=dict)  # files by path, size, mtime before hashing

    @property
    def still_held(self) -> set[str]:
        """Files (by sha256) held by an earlier run and not accepted in this one."""
        return set(self.published.held) - self.accepted

    @property
    def not_loaded_again(self) -> set[str]:
        """Files (by sha256) a run does not load again: removed by a rollback, or still held."""
        return self.rolled_back | self.still_held

    @property
    def nothing_new(self) -> bool:
        """Whether every planned file is one the published warehouse already holds (or one a
        rollback removed or a hold keeps, which is not loaded again)."""
        return (set(self.hashes.values()) <= self.published.known | self.not_loaded_again
                and not self.unrecorded_rejections and not self.links)


def plan_run(
    settings: Settings,
    paths: Iterable[Path] | None = None,
    *,
    trigger: str = "run",
    sql_dir: Path = db.SQL_DIR,
) -> Run:
    """Find the candidate files and what the published warehouse holds (nothing is copied)."""
    started = time.monotonic()  # the run's duration includes finding and hashing the files
    ensure_home(settings)
    report = RunReport(new_run_id(), trigger, datetime.now(UTC).isoformat(timespec="seconds"))
    inbox_mode = paths is None
    found = survey([settings.inbox] if inbox_mode else list(paths), inbox=settings.inbox)
    # Notes, documents and images are listed, never read.
    report.files = [FileResult(str(path), "ignored") for path in found.ignored]
    published = run_state.published_state(settings)
    latest = max((v for v, _ in db.migrations(sql_dir)), default=0)
    fingerprint = db.code_fingerprint(sql_dir)
    up_to_date = published.version == latest and published.fingerprint == fingerprint
    unrecorded = run_state.unrecorded_rejections(settings, published)
    return Run(settings, report, found.files, inbox_mode, sql_dir, published, up_to_date,
               fingerprint, started=started, rolled_back=set(run_state.rolled_back_files(settings)),
               unrecorded_rejections=unrecorded,
               links=run_state.new_links(found.links, published, unrecorded))


def unseen_files(run: Run) -> list[Path]:
    """Planned files the published warehouse has not seen (by path, size and mtime)."""
    seen, known = run.published.seen, run.published.known
    return [p for p in run.files if run_state.seen_sha(seen, p) not in known]


def hash_files(run: Run) -> None:
    """Hash the planned files (the seen-files cache spares unchanged ones)."""
    # hashlib releases the GIL on large buffers: two files hash at a time.
    with ThreadPoolExecutor(max_workers=2) as hashing:
        found = list(hashing.map(lambda p: run_state.file_sha(run.published.seen, p), run.files))
    run.hashes = {path: sha for path, (_, sha) in zip(run.files, found, strict=True)}
    run.hashed_as = dict(found)


def open_run(run: Run) -> None:
    """Copy the published warehouse into a build file and migrate it forward."""
    run.build_path = open_build(run.settings, run.report.run_id)
    run.con = db.connect(run.build_path)
    store.attach_for_build(run.con, run.settings.crime_store, db.schema_version(run.con))
    run.migrations_applied = db.migrate(run.con, run.sql_dir)
    store.ready_for_loads(run.con, run.settings.crime_store)
    if not run.up_to_date:  # else the copy holds the reference lists of the same fingerprint
        db.load_reference(run.con)
    run.known = run_state.known_hashes(run.con)
    _begin_loads(run)


def _begin_loads(run: Run) -> None:
    """One transaction for the files the run loads (committed by end_loads, or on the way when
    large); crime rows, by far the most, in whole row groups in the crime store, in a
    transaction of their own on a cursor (a transaction writes to one database file)."""
    run.con.execute("begin transaction")
    run.appender = RowGroupAppender(run.con.cursor().execute("begin transaction"),
                                    "crime_incident")


def end_loads(run: Run) -> None:
    """Write what the loads still hold back and commit their transaction (idempotent)."""
    if run.con is not None and run.appender is not None:
        run.appender.flush()
        run_state.remember_seen(run.con, run.seen_now)
        run.seen_now = []
        run.appender.con.execute("commit")  # the store first: a failure leaves only orphans
        run.appender.con.close()
        run.con.execute("commit")
        run.appender = None


def _commit_large_loads(run: Run) -> None:
    """Commit the load transaction once it holds LOAD_COMMIT_ROWS rows, and begin the next (the
    build file is published whole or not at all either way)."""
    if run.appender is not None and run.appender.added >= LOAD_COMMIT_ROWS:
        end_loads(run)
        _begin_loads(run)


def parse_or_reject(path: Path) -> Parsed | RejectedFile:
    """Parse a file; a rejection is returned, not raised (safe to run on another thread)."""
    try:
        return parse_file(path)
    except RejectedFile as error:
        return error


def ingest_file(run: Run, path: Path, prepared: Parsed | RejectedFile | None = None) -> FileResult:
    """Parse (unless ``prepared``) and load one file into the build, or quarantine it."""
    assert run.con is not None, "open_run first"
    result = FileResult(file=str(path), sha256=run.hashes.get(path) or sha256_of(path))
    run.report.files.append(result)
    if result.sha256 in run.known:
        result.status = "unchanged"
        run.seen_now.append(run_state.seen_row(path, result.sha256))
        return result
    if result.sha256 in run.rolled_back:
        result.status = "rolled_back"  # removed by `saihan rollback`: not loaded again
        return result
    if result.sha256 in run.still_held:
        mark_still_held(result, run.published.held[result.sha256])
        return result
    parsed = parse_or_reject(path) if prepared is None else prepared
    in_inbox = run.inbox_mode or run.settings.inbox in path.parents
    if isinstance(parsed, RejectedFile):
        error = parsed
        target = quarantine(run.settings, path, error, move=in_inbox)
        result.status = "rejected"
        result.rejection = error.to_dict()
        result.quarantined_as = str(target)
        run_state.record_rejection(run.con, result, error, run.report.run_id)
        return result
    if result.sha256 in run.accepted:  # `saihan accept`: the hold is waived
        record_acceptance(run.con, result, run.accepted_by, run.report.run_id)
    elif hold_if_shrinking(run.con, run.settings, path, parsed, result, run.report.run_id,
                           run.appender, move=in_inbox):
        return result
    file_id, superseded = load_parsed(run.con, path, result.sha256, parsed, run.report.run_id,
                                      run.appender)
    run.known.add(result.sha256)
    run.seen_now.append(run_state.seen_row(path, result.sha256))
    _commit_large_loads(run)
    result.status = "loaded"
    result.source_kind = parsed.source_kind
    result.dataset_key = parsed.dataset_key
    result.rows = parsed.frame.height
    result.superseded_file_ids = superseded
    result.findings = [f.to_dict() for f in parsed.findings]
    return result


def build_and_audit(run: Run) -> None:
    """Rebuild the models (the crime ones only for the datasets that changed, unless the code
    changed or a full refresh is asked) and run the data tests (raises AuditFailed)."""
    assert run.con is not None, "open_run first"
    end_loads(run)
    # Recorded first so that mart.run includes this run; if the audit fails, the whole build
    # file (and this record with it) is discarded.
    run.report.models_built = len(db.discover_models(run.sql_dir))
    run.report.data_tests_run = len(db.data_tests(run.sql_dir))
    run_state.record_run(run.con, run.report, run.fingerprint)
    # open_run loaded the reference lists where the code changed; else the copy has them.
    outcome = build.build(run.con, run.sql_dir, full=run.full_refresh or not run.up_to_date,
                          reference=False)
    run.report.build = outcome.mode
    run.report.changed_datasets = outcome.changed_datasets
    run.report.models_kept = len(outcome.kept)
    run.report.data_tests_kept = len(outcome.tests_passed_before)
    build.audit(run.con, run.sql_dir, outcome, run.report.run_id)
    run.con.execute("checkpoint")


def publish_run(run: Run) -> None:
    """Close the build file and swap it in as the published warehouse."""
    assert run.build_path is not None, "open_run first"
    version = max((v for v, _ in db.migrations(run.sql_dir)), default=0)
    run.published_now = run_state.state_of(run.con, version=version)
    close_run(run)
    snapshot = publish(run.settings, run.build_path)
    run.report.status = "published"
    run.report.published_snapshot_of = str(snapshot) if snapshot else None
    run.report.published_as = str(run.settings.warehouse)


def close_run(run: Run) -> None:
    """Stop parses that were not used and close the build connection (idempotent)."""
    if run.pool is not None:
        run.pool.shutdown(wait=True, cancel_futures=True)
    run.pool, run.parsing = None, {}
    if run.appender is not None:  # a failed run: its rows in the store are rolled back
        run.appender.con.close()
    if run.con is not None:
        run.con.close()
    run.con, run.appender = None, None


def finish_run(run: Run, error: BaseException | None = None) -> RunReport:
    """Record how the run ended, clear scratch files and write the run report."""
    close_run(run)
    report = run.report
    if isinstance(error, db.AuditFailed):
        report.status = "audit_failed"
        report.data_test_failures = [str(f) for f in error.failures]
        report.error = str(error)
    elif error is not None:
        report.status = "failed"
        report.error = (disk_full(error, run.settings.work)
                        or f"{type(error).__name__}: {error}")
    report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    report.duration_seconds = round(time.monotonic() - run.started, 3)
    clear_stale_work(run.settings)
    notify_run(run.settings, report.to_dict(), write_report(run.settings, report))
    state = run.published_now or run.published
    if error is None and (report.status == "noop" or run.published_now):  # current: recorded
        quick_noop.write_record(run.settings, run.fingerprint, state, hashed=run.hashed_as,
                                kept_out=run.rolled_back | set(state.held))
    return report


def skip_if_current(run: Run, *, force_build: bool = False) -> bool:
    """Mark a run with nothing new and no code change as a no-op (nothing is copied)."""
    if not (run.up_to_date and run.nothing_new) or force_build:
        return False
    run.report.files = [f for f in run.report.files if f.status == "ignored"]
    for path, sha in run.hashes.items():
        result = FileResult(str(path), "rolled_back" if sha in run.rolled_back else "unchanged",
                            sha)
        if sha in run.still_held:
            mark_still_held(result, run.published.held[sha])
        run.report.files.append(result)
    run.report.status = "noop"
    return True


class RunSteps:
    """How the steps of a run are carried out: here, each in this process and parses on a pool
    of threads. ``flows/pipeline.py`` overrides them to run as Prefect tasks; the order of the
    steps and every decision stay in :func:`execute`."""

    def plan(self, settings: Settings, paths: list[Path] | None, *, trigger: str,
             sql_dir: Path) -> Run:
        """Find the candidate files."""
        return plan_run(settings, paths, trigger=trigger, sql_dir=sql_dir)

    def hash(self, run: Run) -> None:
        """Hash the planned files."""
        hash_files(run)

    def submit_parse(self, run: Run, path: Path) -> ParseFuture:
        """Start parsing one file on the run's parse threads."""
        if run.pool is None:
            run.pool = ThreadPoolExecutor(max_workers=PARSE_WORKERS)
        return run.pool.submit(parse_or_reject, path)

    def discard(self, future: ParseFuture) -> None:
        """Drop a parse whose file turned out to need none (unchanged bytes)."""
        cancel = getattr(future, "cancel", None)
        if cancel is not None:
            cancel()

    def open(self, run: Run) -> None:
        """Copy the published warehouse into the build file."""
        open_run(run)

    def ingest(self, run: Run, path: Path, prepared: Parsed | RejectedFile | None) -> FileResult:
        """Load one file (or quarantine it)."""
        return ingest_file(run, path, prepared)

    def build_audit(self, run: Run) -> None:
        """Rebuild the models and run the data tests."""
        build_and_audit(run)

    def publish(self, run: Run) -> None:
        """Swap the build in."""
        publish_run(run)

    def finish(self, run: Run, error: BaseException | None) -> RunReport:
        """Write the run report."""
        return finish_run(run, error)


def start_early_parses(run: Run, steps: RunSteps) -> None:
    """Files the published warehouse has not seen start parsing at once, beside the hashing
    and the copy of the build, in :func:`parse_order`, one per parse thread and within the
    parse-ahead budget."""
    unseen = unseen_files(run)
    sizes = {p: p.stat().st_size for p in unseen}
    for path in parse_order(unseen, sizes)[:PARSE_WORKERS]:
        if not fits_ahead(run.parsing, sizes, path):
            break
        run.parsing[path] = steps.submit_parse(run, path)


def ingest_all(run: Run, steps: RunSteps) -> list[FileResult]:
    """Ingest every planned file in order; new files parse ahead (the next ones in order,
    within a budget) while one file at a time is loaded (a later delivery supersedes an
    earlier one, so the load keeps the files' order)."""
    queue = [p for p in run.files
             if run.hashes.get(p) not in run.known | run.not_loaded_again]
    # Parses started early stay when their file is new (else they are dropped).
    ahead: dict[Path, ParseFuture] = {p: f for p, f in run.parsing.items() if p in queue}
    for path, future in run.parsing.items():
        if path not in ahead:
            steps.discard(future)
    run.parsing = {}
    queue = [p for p in queue if p not in ahead]
    queue.reverse()  # pop() takes the next new file in order
    sizes = {p: p.stat().st_size for p in [*queue, *ahead]}
    results = []
    if len(queue) > 1 and not ahead:
        # Nothing started early: the largest files bound the run, so they start first.
        for largest in parse_order(queue, sizes)[:LARGEST_FIRST]:
            if not fits_ahead(ahead, sizes, largest):
                break
            queue.remove(largest)
            ahead[largest] = steps.submit_parse(run, largest)
    for path in run.files:
        # ahead holds, in order, the new files from this one on that were submitted; a new
        # file is always in it by its turn, since an empty ahead takes the next one.
        while queue and fits_ahead(ahead, sizes, queue[-1]):
            upcoming = queue.pop()
            ahead[upcoming] = steps.submit_parse(run, upcoming)
        prepared = ahead.pop(path).result() if path in ahead else None
        results.append(steps.ingest(run, path, prepared))
    return results


@parse_ahead.quick_gil_handoff()  # the run's many short DuckDB calls beside parse threads
def execute(run: Run, steps: RunSteps, *, force_build: bool = False) -> None:
    """Every step of a planned run, in order (the caller holds the writer lock).

    A run that gets past :func:`skip_if_current` always builds: either the code changed, or a
    file the published warehouse does not hold is loaded or rejected."""
    start_early_parses(run, steps)
    steps.hash(run)
    if skip_if_current(run, force_build=force_build):
        return
    steps.open(run)
    run_state.record_unrecorded_rejections(run.con, run.report, run.unrecorded_rejections)
    run_state.reject_links(run.con, run.settings, run.report, run.links)
    ingest_all(run, steps)
    end_loads(run)
    try:
        steps.build_audit(run)
    except db.AuditFailed:
        # A file that breaks a data test on its own is held; the others still publish.
        if not hold_failing_files(run.con, run.settings, run.sql_dir, run.report,
                                  run.accepted):
            raise
        steps.build_audit(run)
    steps.publish(run)


def _with_settled_inbox(settings: Settings, paths: list[Path]) -> list[Path]:
    """The given files still present, the other complete inbox files not loaded yet, and the
    inbox's symlinks out (reported once, never followed)."""
    present = [p for p in paths if p.exists() or p.is_symlink()]
    chosen = list(dict.fromkeys([*present, *settled_unseen_inbox_files(settings),
                                 *outside(settings.inbox)]))
    changing = [p.name for p in unseen_inbox_files(settings) if p not in chosen and p.exists()]
    if changing:
        print(f"{len(changing)} inbox file(s) still being written (changed within "
              f"{settings.stable_seconds:g} s), left for the next run: " + ", ".join(changing))
    return chosen


def run_pipeline(
    settings: Settings,
    paths: Iterable[Path] | None = None,
    *,
    trigger: str = "run",
    wait_seconds: float = 0,
    force_build: bool = False,
    full_refresh: bool = False,
    with_settled_inbox: bool = False,
    sql_dir: Path = db.SQL_DIR,
    steps: RunSteps | None = None,
    accept: Iterable[Path] = (),
) -> RunReport:
    """Ingest new files (the inbox, or the given paths), rebuild, audit and publish.

    ``with_settled_inbox`` also takes the complete inbox files not loaded yet (decided under
    the writer lock, after the previous run), so that files dropped together publish together
    and a file still being copied in is left for the next run. Raises when the run fails; the
    report is written either way.

    ``accept`` names held files (under held/) a person accepts: each is moved back into the
    inbox and run with the hold waived, and the acceptance is recorded. ``full_refresh``
    rebuilds every model whole, even with nothing new."""
    steps = steps or RunSteps()
    ensure_home(settings)
    with writer_lock(settings, wait_seconds=wait_seconds):
        chosen = None if paths is None else list(paths)
        returned = [run_state.return_held(settings, held) for held in accept]
        if returned:
            chosen = [*(chosen or []), *returned]
        if with_settled_inbox:
            chosen = _with_settled_inbox(settings, chosen or [])
        clear_stale_work(settings)
        run = steps.plan(settings, chosen, trigger=trigger, sql_dir=sql_dir)
        quick_noop.forget(settings)  # until this run ends well, nothing is known
        run.full_refresh = full_refresh
        if returned:
            run.accepted = {sha256_of(path) for path in returned}
            run.accepted_by = getpass.getuser()
        try:
            execute(run, steps, force_build=force_build or full_refresh)
        except BaseException as exc:
            steps.finish(run, exc)
            raise
        return steps.finish(run, None)

