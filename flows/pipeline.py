"""Prefect flows: the warehouse run as small tasks, on demand, on file arrival and nightly.

Each task wraps one step of :mod:`warehouse.run` (plan, open the build, parse one file,
load one file, build and audit, publish, finish); the flow composes them while holding the
writer lock, so a second run waits ``wait_seconds`` and then stops with the lock's message.
Only the steps that read input files (plan, which hashes them, and parse) are retried. Every
run leaves a Markdown run report as a Prefect artifact (key ``saihan-run-report``) and as
``$SAIHAN_HOME/runs/<run_id>.json`` for ``saihan status``.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from warehouse.arrivals import settled_unseen_inbox_files, unseen_inbox_files
from warehouse.errors import RejectedFile
from warehouse.files import WriterBusy, ensure_home, writer_lock
from warehouse.publish import clear_stale_work
from warehouse.report import render_markdown
from warehouse.run import (
    FileResult,
    Run,
    RunReport,
    build_and_audit,
    finish_run,
    ingest_file,
    needs_build,
    open_run,
    parse_or_reject,
    plan_run,
    publish_run,
    skip_if_current,
)
from warehouse.settings import Settings
from warehouse.sources import Parsed

REPORT_ARTIFACT_KEY = "saihan-run-report"
# Files parsed ahead of the one being loaded (each held in memory until its turn).
PARSE_AHEAD = 2
EXTRACT_MODULE = "warehouse.extract"


def transient_io_error(task: Any, task_run: Any, state: Any) -> bool:
    """Retry condition: an OS-level read error that may pass (not a missing or forbidden file)."""
    try:
        state.result()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return False
    except OSError:
        return True
    except BaseException:
        return False
    return False


# Tasks pass the Run (it holds the build connection) in memory: no caching, no persistence.
@task(retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=transient_io_error,
      cache_policy=NO_CACHE, persist_result=False)
def plan(settings: Settings, paths: list[Path] | None, trigger: str) -> Run:
    """Find the candidate files and hash them (retried: reading can fail on shared folders)."""
    run = plan_run(settings, paths, trigger=trigger)
    print(f"run {run.report.run_id}: {len(run.files)} file(s) to check")
    return run


@task(cache_policy=NO_CACHE, persist_result=False)
def open_build(run: Run) -> None:
    """Copy the published warehouse into this run's build file and migrate it."""
    open_run(run)


@task(retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=transient_io_error,
      cache_policy=NO_CACHE, persist_result=False, task_run_name="parse {path.name}")
def parse(path: Path) -> Parsed | RejectedFile:
    """Read and parse one file; a rejection is returned (retried: reading can fail)."""
    return parse_or_reject(path)


@task(cache_policy=NO_CACHE, persist_result=False, task_run_name="load {path.name}")
def ingest(run: Run, path: Path, prepared: Parsed | RejectedFile | None = None) -> FileResult:
    """Load one parsed file into the build, or quarantine it with its report."""
    result = ingest_file(run, path, prepared)
    if result.status == "rejected":
        get_run_logger().warning(
            "rejected %s: %s -> %s.report.txt", path, (result.rejection or {}).get("reason"),
            result.quarantined_as)
    else:
        print(f"{result.status} {path.name}" + (f": {result.rows:,} rows" if result.rows else ""))
    return result


@task(cache_policy=NO_CACHE, persist_result=False)
def build_audit(run: Run) -> None:
    """Rebuild every model and run the data tests (fails when one does not hold)."""
    build_and_audit(run)
    print(f"built {run.report.models_built} models; {run.report.data_tests_run} data tests passed")


@task(cache_policy=NO_CACHE, persist_result=False)
def publish(run: Run) -> None:
    """Swap the audited build in as the published warehouse."""
    publish_run(run)
    print(f"published {run.report.published_as}")


@task(cache_policy=NO_CACHE, persist_result=False)
def finish(run: Run, error: BaseException | None = None) -> RunReport:
    """Record how the run ended and write runs/<run_id>.json."""
    return finish_run(run, error)


@task(cache_policy=NO_CACHE, persist_result=False)
def report_artifact(report: dict[str, Any]) -> None:
    """Publish the run report as a Markdown artifact."""
    create_markdown_artifact(
        markdown=render_markdown(report),
        key=REPORT_ARTIFACT_KEY,
        description=f"saihan run {report['run_id']}: {report['status']}",
    )


@task(retries=1, retry_delay_seconds=30, retry_condition_fn=transient_io_error,
      cache_policy=NO_CACHE, persist_result=False)
def write_extracts(settings: Settings) -> Any:
    """Write every prefecture's extracts from the published warehouse (a dated folder)."""
    module = importlib.import_module(EXTRACT_MODULE)
    return module.write_all_extracts(settings)


def extracts_available() -> bool:
    """Whether the extracts capability (``warehouse/extract.py``) is installed."""
    return importlib.util.find_spec(EXTRACT_MODULE) is not None


def run_steps(run: Run, *, force_build: bool = False) -> None:
    """plan -> open -> one ingest per file -> build and audit -> publish (lock already held)."""
    if skip_if_current(run, force_build=force_build):
        print(f"nothing new: {len(run.files)} file(s) already loaded, no code change")
        return
    open_build(run)
    # New files are parsed on the task runner's threads, up to PARSE_AHEAD ahead of the load,
    # which takes one file at a time in order (later deliveries supersede earlier ones).
    to_parse = [p for p in run.files if run.hashes.get(p) not in run.known]
    parsing: dict[Path, PrefectFuture] = {}
    for path in run.files:
        while to_parse and len(parsing) < PARSE_AHEAD:
            upcoming = to_parse.pop(0)
            parsing[upcoming] = parse.submit(upcoming)
        prepared = parsing.pop(path).result() if path in parsing else None
        ingest(run, path, prepared)
    if not needs_build(run, force_build=force_build):
        run.report.status = "noop"
        print("nothing new to build")
        return
    build_audit(run)
    publish(run)


def locked_run(
    settings: Settings,
    paths: list[Path] | None,
    *,
    trigger: str,
    wait_seconds: float,
    force_build: bool = False,
    extracts: bool = False,
    with_settled_inbox: bool = False,
) -> dict[str, Any]:
    """One run under the writer lock (waiting up to ``wait_seconds`` for it); raises on failure."""
    ensure_home(settings)
    try:
        with writer_lock(settings, wait_seconds=wait_seconds):
            if with_settled_inbox and paths is not None:
                # Decided under the lock, after the previous run: a file it took in is not
                # taken again, and one it quarantined (moved away) is no longer there.
                present = [p for p in paths if p.exists()]
                settled = settled_unseen_inbox_files(settings)
                paths = list(dict.fromkeys([*present, *settled]))
                changing = [p.name for p in unseen_inbox_files(settings)
                            if p not in paths and p.exists()]
                if changing:
                    print(f"{len(changing)} inbox file(s) still being written (changed within "
                          f"{settings.stable_seconds:g} s), left for the next run: "
                          + ", ".join(changing))
            return _run_holding_lock(settings, paths, trigger=trigger, force_build=force_build,
                                     extracts=extracts)
    except WriterBusy as busy:
        get_run_logger().error(str(busy))
        raise


def _run_holding_lock(
    settings: Settings, paths: list[Path] | None, *, trigger: str, force_build: bool,
    extracts: bool,
) -> dict[str, Any]:
    clear_stale_work(settings)
    run = plan(settings, paths, trigger)
    error: BaseException | None = None
    try:
        run_steps(run, force_build=force_build)
    except BaseException as exc:
        error = exc
    report = finish(run, error).to_dict()
    report_artifact(report)
    if error is not None:
        raise error
    rejected = report["summary"]["rejected"]
    if rejected:
        get_run_logger().warning("%d file(s) rejected and quarantined; see the run report",
                                 rejected)
    if extracts:
        if extracts_available():
            manifest = write_extracts(settings)
            print(f"extracts written: {manifest}")
        else:
            print(f"no extracts yet: {EXTRACT_MODULE} is not installed")
    return report


def ingest_run_name() -> str:
    """A flow-run name an operator can read: ``arrival: hokkaido_2018hittakuri.csv``."""
    parameters = flow_run.parameters
    paths = parameters.get("paths")
    if paths is None:
        what = "inbox"
    else:
        what = Path(paths[0]).name if paths else "no files"
        what += f" and {len(paths) - 1} more" if len(paths) > 1 else ""
    return f"{parameters.get('trigger', 'flow')}: {what}"


@flow(name="saihan-ingest", log_prints=True, flow_run_name=ingest_run_name,
      task_runner=ThreadPoolTaskRunner(max_workers=2))
def ingest_flow(
    paths: list[str] | None = None,
    trigger: str = "flow",
    wait_seconds: float = 600.0,
    force_build: bool = False,
    with_settled_inbox: bool = False,
) -> dict[str, Any]:
    """Take in the given files (or what is new in the inbox), rebuild, audit and publish.

    ``with_settled_inbox`` also takes in the other complete inbox files not loaded yet, so
    files dropped together are published in one run (the on-arrival deployment sets it).
    """
    settings = Settings.from_env()
    chosen = None if paths is None else [Path(p) for p in paths]
    return locked_run(settings, chosen, trigger=trigger, wait_seconds=wait_seconds,
                      force_build=force_build, with_settled_inbox=with_settled_inbox)


@flow(name="saihan-nightly", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=2))
def nightly_flow(wait_seconds: float = 3600.0, extracts: bool = True) -> dict[str, Any]:
    """Take in what is new in the inbox, publish, then write every prefecture's extracts.

    Only files that have stopped changing are taken (as for an arrival): one still being
    copied in at night is left for the next run instead of being quarantined as truncated."""
    settings = Settings.from_env()
    return locked_run(settings, [], trigger="nightly", wait_seconds=wait_seconds,
                      extracts=extracts, with_settled_inbox=True)
