"""The ``saihan`` Typer app and what its commands share: settings, exit statuses, the run and
how its report is printed.

Exit status: 0 success; 1 an error (nothing published); 3 some files were rejected (the rest was
published); 4 another run holds the writer lock; 5 (``saihan check``) a published total differs
without an explanation; 6 some re-deliveries were held because they would shrink their dataset
(none rejected; the rest was published; ``saihan accept`` publishes a held one).
"""

from __future__ import annotations

import json
import re
import traceback
from pathlib import Path
from typing import Annotated

import typer

from warehouse import db, store
from warehouse.errors import disk_full
from warehouse.files import WriterBusy
from warehouse.report import current_line, listed_line, noop_line
from warehouse.run import RunReport, run_pipeline
from warehouse.settings import Settings

EXIT_ERROR = 1
EXIT_REJECTED = 3
EXIT_BUSY = 4
EXIT_DIFFERENCES = 5
EXIT_HELD = 6


class PlainHelp(typer.core.TyperCommand):
    """A command whose help names each argument and option by its metavar alone, without
    Typer's type labels (``<bool>``, ``<list[Path]>``)."""

    def format_options(self, ctx, formatter) -> None:  # noqa: ANN001 (click's types)
        write_dl = formatter.write_dl

        def without_types(rows, *args, **kwargs):  # noqa: ANN001, ANN202
            return write_dl(
                [(re.sub(r" <[^<>]+>$", "", term), text) for term, text in rows], *args, **kwargs
            )

        formatter.write_dl = without_types
        super().format_options(ctx, formatter)


app = typer.Typer(
    help="saihan: regional recidivism-prevention monitor (再犯防止 地域別モニター).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: options and arguments without Typer's type labels (`<bool>`, `<list[Path]>`).
    rich_markup_mode=None,
)

WaitOption = Annotated[
    float,
    typer.Option("--wait", metavar="SECONDS", help="Seconds to wait if another run is writing."),
]

FullRefreshOption = Annotated[
    bool,
    typer.Option("--full-refresh", help="Rebuild every model whole (normally only the crime "
                 "datasets a run's files changed are recomputed), even with nothing new."),
]


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as exc:
        typer.secho(f"Configuration error: {exc}", err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None


def _print_report(report: RunReport) -> None:
    """Print a run report for a person."""
    for result in report.files:
        name = result.file
        if result.status == "loaded":
            superseded = (
                f", supersedes earlier delivery {result.superseded_file_ids}"
                if result.superseded_file_ids
                else ""
            )
            typer.echo(
                f"  loaded     {name}: {result.rows:,} rows as {result.dataset_key}{superseded}"
            )
            for finding in result.findings:
                typer.echo(f"             note: {finding['message']}")
        elif result.status == "rejected":
            rejection = result.rejection or {}
            where = ", ".join(
                part
                for part in (
                    f"line {rejection['line']}" if rejection.get("line") else "",
                    f"column {rejection['column']}" if rejection.get("column") else "",
                )
                if part
            )
            typer.secho(f"  REJECTED   {name}" + (f" ({where})" if where else ""), fg="red")
            typer.echo(f"             found: {rejection.get('reason')}")
            typer.echo(f"             to do: {rejection.get('action')}")
            if rejection.get("reason_ja"):  # the same, in Japanese
                typer.echo(f"             内容: {rejection['reason_ja']}")
                typer.echo(f"             対処: {rejection.get('action_ja')}")
            if result.report_as:  # a symlink out of the inbox: left in place, never followed
                typer.echo(f"             left in place: {result.quarantined_as}; "
                           f"report: {result.report_as}")
            else:
                typer.echo(f"             kept in quarantine: {result.quarantined_as}")
        elif result.status == "held":
            hold = result.hold or {}
            typer.secho(f"  HELD       {name}: {hold.get('rows_after', 0):,} rows would replace "
                        f"{hold.get('rows_before', 0):,} of {result.dataset_key}", fg="yellow")
            for reason in hold.get("reasons") or []:
                typer.echo(f"             held: {reason}")
            typer.echo(f"             kept as {result.held_as} (report {result.held_as}.held.txt);"
                       f" `saihan accept {result.held_as}` publishes it")
        elif result.status == "rolled_back":
            typer.echo(f"  rolled back {name}: removed by a rollback, not loaded again until it "
                       "changes or `saihan accept` takes it")
        else:  # ignored or unchanged
            typer.echo(listed_line(result))
    summary = report.to_dict()["summary"]
    if report.status == "noop":
        typer.echo(noop_line(report))
        return
    typer.echo(
        f"{report.status}: {summary['files_seen']} files seen, {summary['loaded']} loaded "
        f"({summary['rows_loaded']:,} rows), {summary['unchanged']} unchanged, "
        f"{summary['superseded']} superseded, {summary['rejected']} rejected, "
        f"{summary['held']} held, {summary['ignored']} ignored (not data); "
        f"{report.data_tests_run} data tests passed; {_built(report)}; "
        f"{report.duration_seconds:.1f} s"
    )


def _built(report: RunReport) -> str:
    """How the models were built: whole, or which crime datasets were recomputed."""
    if report.build == "incremental":
        return (f"models rebuilt for {report.changed_datasets} changed crime dataset(s); "
                f"{report.models_kept} models and {report.data_tests_kept} data tests were "
                "left as they were (their inputs did not change)")
    return "every model rebuilt"


def _nothing_published(settings: Settings) -> str:
    """What a failed run did not do, and where its report is."""
    reports = sorted(settings.runs.glob("*.json")) if settings.runs.exists() else []
    return (f"Nothing was published; {settings.warehouse} is as it was. "
            + (f"Run report: {reports[-1]}. " if reports else ""))


def run_and_report(
    settings: Settings,
    paths: list[Path] | None,
    *,
    trigger: str,
    wait: float,
    as_json: bool = False,
    force_build: bool = False,
    full_refresh: bool = False,
    accept: list[Path] | None = None,
) -> RunReport:
    """Run the pipeline and turn its outcome into output and an exit status."""
    try:
        report = run_pipeline(
            settings, paths, trigger=trigger, wait_seconds=wait, force_build=force_build,
            full_refresh=full_refresh, accept=accept or [],
        )
    except WriterBusy as exc:
        typer.secho(str(exc), err=True, fg="yellow")
        raise typer.Exit(EXIT_BUSY) from None
    except db.AuditFailed as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    except FileNotFoundError as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    except store.MissingStore as exc:  # the operator's to mend, as the message says: no trace
        typer.secho(f"saihan {trigger} failed: {exc}\n{_nothing_published(settings).rstrip()}",
                    err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    except Exception as exc:
        # Anything else (disk full, a bug): say plainly what happened and what did not, then
        # give the details for whoever fixes it.
        cause = disk_full(exc, settings.work) or f"{type(exc).__name__}: {exc}"
        typer.secho(
            f"saihan {trigger} failed: {cause}\n{_nothing_published(settings)}"
            "Fix the cause and run again; the next run cleans up after this one.",
            err=True,
            fg="red",
        )
        typer.echo("details:\n" + traceback.format_exc(), err=True)
        raise typer.Exit(EXIT_ERROR) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _print_report(report)
        if report.status == "published":
            typer.echo(f"published {settings.warehouse}")
        elif report.status == "noop":
            typer.echo(current_line(settings.warehouse))
    return report


def exit_for(report: RunReport) -> None:
    """Exit 3 when files were rejected, else 6 when deliveries were held; else return."""
    if report.count("rejected"):
        raise typer.Exit(EXIT_REJECTED)
    if report.count("held"):
        raise typer.Exit(EXIT_HELD)


def is_published(settings: Settings) -> bool:
    """Whether a warehouse has been published; if not, say so and what to run."""
    if settings.warehouse.exists():
        return True
    typer.secho(
        f"No published warehouse at {settings.warehouse}. "
        "Run `saihan sample` and `saihan run` first (or `saihan demo`).",
        err=True,
        fg="red",
    )
    return False
