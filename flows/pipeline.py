"""Prefect flows: the warehouse run, on demand, on file arrival and nightly.

The run is :func:`warehouse.run.run_pipeline`, the same function ``saihan run`` calls; here its
steps are Prefect tasks (:class:`TaskSteps`): the plan, the hashing, one parse task per new file
on the flow's task runner (read ahead as the run decides), one load task per file, build and
audit, publish, and the finish that writes the report. Only the steps that read input files
(plan, hash and parse) are retried. Every run leaves a Markdown run report as a Prefect
artifact (key ``saihan-run-report``) and as ``$SAIHAN_HOME/runs/<run_id>.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.settings import PREFECT_UI_URL
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import unmapped

from warehouse.errors import RejectedFile
from warehouse.estat_api import EstatError, fetch_into_inbox
from warehouse.export.nightly import NightlyExtracts, write_nightly_extracts, write_prefecture
from warehouse.files import WriterBusy
from warehouse.ingest.contract import Parsed
from warehouse.notify import notify_flow_failed
from warehouse.parse_ahead import PARSE_WORKERS
from warehouse.report import FileResult, RunReport, render_markdown
from warehouse.run import (
    ParseFuture,
    Run,
    RunSteps,
    build_and_audit,
    finish_run,
    hash_files,
    ingest_file,
    open_run,
    parse_or_reject,
    plan_run,
    publish_run,
    run_pipeline,
)
from warehouse.settings import Settings
from warehouse.subscribers import notify_subscribers

REPORT_ARTIFACT_KEY = "saihan-run-report"


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
def plan(settings: Settings, paths: list[Path] | None, trigger: str, sql_dir: Path) -> Run:
    """Find the candidate files (retried: reading can fail on shared folders)."""
    run = plan_run(settings, paths, trigger=trigger, sql_dir=sql_dir)
    print(f"run {run.report.run_id}: {len(run.files)} file(s) to check")
    return run


@task(retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=transient_io_error,
      cache_policy=NO_CACHE, persist_result=False)
def hash_inputs(run: Run) -> None:
    """Hash the candidate files (retried: reading can fail on shared folders)."""
    hash_files(run)


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
    report = finish_run(run, error)
    if report.status == "noop":
        print(f"nothing new: {len(report.files)} file(s) already loaded, no code change")
    return report


@task(cache_policy=NO_CACHE, persist_result=False)
def report_artifact(report: dict[str, Any]) -> None:
    """Publish the run report as a Markdown artifact."""
    create_markdown_artifact(
        markdown=render_markdown(report),
        key=REPORT_ARTIFACT_KEY,
        description=f"saihan run {report['run_id']}: {report['status']}",
    )


def task_runner(settings: Settings) -> TaskRunner:
    """Where the flows' parse and extract tasks run: threads in the flow's process, or the
    Dask cluster SAIHAN_DASK_ADDRESS names (its workers must see SAIHAN_HOME at the same path
    and run this code)."""
    if settings.dask_address:
        # Imported only then: prefect_dask pulls in dask.distributed, which a flow on threads
        # never needs.
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=settings.dask_address)
    return ThreadPoolTaskRunner(max_workers=PARSE_WORKERS)


@task(retries=1, retry_delay_seconds=30, retry_condition_fn=transient_io_error,
      cache_policy=NO_CACHE, persist_result=False, task_run_name="extract {pref_code}")
def extract_prefecture(settings: Settings, pref_code: str, out_dir: Path) -> str:
    """One prefecture's extract from the published warehouse (read-only; any worker)."""
    write_prefecture(settings, pref_code, out_dir)
    return pref_code


def extracts_on_task_runner(settings: Settings, pref_codes: list[str], out_dir: Path) -> None:
    """Every given prefecture's extract as a task on the flow's task runner; raises when one
    fails (after the others finished)."""
    extract_prefecture.map(unmapped(settings), pref_codes, unmapped(out_dir)).result()


def write_extracts(settings: Settings) -> NightlyExtracts:
    """Every prefecture's extracts from the published warehouse into today's folder, unless
    the newest set was made from the same build; keep SAIHAN_KEEP_EXTRACTS sets."""
    return write_nightly_extracts(settings, write=extracts_on_task_runner)


class _Parsing:
    """A parse task's future, wrapped: Prefect resolves the futures it finds inside a task's
    parameters (rebuilding the Run that holds them), and the run must stay one object."""

    def __init__(self, future: PrefectFuture) -> None:
        self.future = future

    def result(self) -> Parsed | RejectedFile:
        return self.future.result()


class TaskSteps(RunSteps):
    """The run's steps as Prefect tasks; parses are submitted to the flow's task runner.

    A Prefect future cannot be cancelled: a parse that turns out not to be needed finishes on
    its thread and its result is dropped."""

    def plan(self, settings: Settings, paths: list[Path] | None, *, trigger: str,
             sql_dir: Path) -> Run:
        return plan(settings, paths, trigger, sql_dir)

    def hash(self, run: Run) -> None:
        hash_inputs(run)

    def submit_parse(self, run: Run, path: Path) -> ParseFuture:
        return _Parsing(parse.submit(path))

    def discard(self, future: ParseFuture) -> None:
        pass

    def open(self, run: Run) -> None:
        open_build(run)

    def ingest(self, run: Run, path: Path, prepared: Parsed | RejectedFile | None) -> FileResult:
        return ingest(run, path, prepared)

    def build_audit(self, run: Run) -> None:
        build_audit(run)

    def publish(self, run: Run) -> None:
        publish(run)

    def finish(self, run: Run, error: BaseException | None) -> RunReport:
        report = finish(run, error)
        report_artifact(report.to_dict())
        return report


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
    """One run (waiting up to ``wait_seconds`` for the writer lock); raises on failure."""
    try:
        report = run_pipeline(settings, paths, trigger=trigger, wait_seconds=wait_seconds,
                              force_build=force_build, with_settled_inbox=with_settled_inbox,
                              steps=TaskSteps()).to_dict()
    except WriterBusy as busy:
        get_run_logger().error(str(busy))
        raise
    rejected = report["summary"]["rejected"]
    if rejected:
        get_run_logger().warning("%d file(s) rejected and quarantined; see the run report",
                                 rejected)
    if extracts:
        extracts_done = write_extracts(settings)
        print(f"extracts written: {extracts_done.manifest}" if extracts_done.written else
              f"extracts unchanged (same published build): {extracts_done.manifest}")
        for old in extracts_done.removed:
            print(f"removed old extracts {old} (SAIHAN_KEEP_EXTRACTS={settings.keep_extracts})")
        report["extracts"] = {"manifest": str(extracts_done.manifest),
                              "written": extracts_done.written,
                              "removed": [str(p) for p in extracts_done.removed]}
        for notice in notify_subscribers(settings, extracts_done.manifest):
            print(f"told {notice.values['pref_en']}'s subscriber that its extract is ready")
    return report


# Chosen when the flows are imported (by `saihan serve` or a worker), from SAIHAN_DASK_ADDRESS.
TASK_RUNNER = task_runner(Settings.from_env())


def tell_failure(flow: Any, run: Any, state: Any) -> None:
    """Flow hook (failed or crashed): tell the operators, unless the run it made already did
    (``warehouse.run.finish_run`` tells a failed run and a failed audit)."""
    ui = PREFECT_UI_URL.value()
    notify_flow_failed(
        Settings.from_env(), flow_name=flow.name, flow_run_name=run.name,
        started=run.start_time or run.expected_start_time,
        message=state.message or state.name,
        report=f"{ui}/runs/flow-run/{run.id}" if ui else None)


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
      task_runner=TASK_RUNNER,
      on_failure=[tell_failure], on_crashed=[tell_failure])
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


@flow(name="saihan-nightly", log_prints=True,
      task_runner=TASK_RUNNER,
      on_failure=[tell_failure], on_crashed=[tell_failure])
def nightly_flow(wait_seconds: float = 3600.0, extracts: bool = True) -> dict[str, Any]:
    """Take in what is new in the inbox, publish, then write every prefecture's extracts.

    Only files that have stopped changing are taken (as for an arrival): one still being
    copied in at night is left for the next run instead of being quarantined as truncated."""
    settings = Settings.from_env()
    return locked_run(settings, [], trigger="nightly", wait_seconds=wait_seconds,
                      extracts=extracts, with_settled_inbox=True)


@task(cache_policy=NO_CACHE, persist_result=False, task_run_name="fetch e-Stat {stats_data_id}")
def fetch_estat_table(settings: Settings, stats_data_id: str) -> dict[str, Any]:
    """Fetch one e-Stat table into inbox/estat/ (as `saihan estat fetch` does)."""
    target, values, changed = fetch_into_inbox(settings, stats_data_id)
    print(f"e-Stat {stats_data_id}: {values:,} values "
          + (f"saved to {target}" if changed else f"unchanged in {target}"))
    return {"stats_data_id": stats_data_id, "path": str(target), "values": values,
            "changed": changed}


@flow(name="saihan-estat-fetch", log_prints=True, on_failure=[tell_failure],
      on_crashed=[tell_failure])
def estat_fetch_flow(tables: list[str] | None = None) -> list[dict[str, Any]]:
    """Fetch the e-Stat tables named in SAIHAN_ESTAT_TABLES into the inbox, where the inbox
    watcher sees them arrive and the on-arrival run loads them like any delivery. A table that
    fails does not stop the others; the flow then fails, naming each (and is told)."""
    settings = Settings.from_env()
    fetched, failures = [], []
    for stats_data_id in tables or list(settings.estat_tables):
        try:
            fetched.append(fetch_estat_table(settings, stats_data_id))
        except EstatError as error:
            failures.append(f"{stats_data_id}: {error}")
    if failures:
        raise EstatError("e-Stat fetch failed for " + "; ".join(failures))
    return fetched
