"""Commands that set up a home and take files in: init, sample, run, ingest, status, rollback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from saihan.app import (
    EXIT_BUSY,
    EXIT_ERROR,
    FullRefreshOption,
    PlainHelp,
    WaitOption,
    app,
    exit_for,
    load_settings,
    run_and_report,
)
from warehouse.errors import shown
from warehouse.files import WriterBusy, ensure_home
from warehouse.report import quarantine_report_path
from warehouse.run_state import rollback_pipeline
from warehouse.sample import copy_from, copy_sample


@app.command(cls=PlainHelp)
def init(wait: WaitOption = 0) -> None:
    """Create the home folders and a published warehouse with the current schema."""
    settings = load_settings()
    ensure_home(settings)
    run_and_report(
        settings, [], trigger="init", wait=wait, force_build=not settings.warehouse.exists()
    )
    typer.echo(f"home ready: {settings.home}")


@app.command(cls=PlainHelp)
def sample(
    source: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="FOLDER",
            help="A folder of real files to copy instead, e.g. "
            "../shared/data/crime-open-data (its subfolders are kept).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Put the bundled demo data into the inbox (white paper facts, generated samples), or
    with --from the real files of a folder; `saihan run` then loads them."""
    settings = load_settings()
    ensure_home(settings)
    if source is None:
        copied, origin = copy_sample(settings), "the bundled data"
    else:
        try:
            copied, origin = copy_from(settings, source), str(source.resolve())
        except FileNotFoundError as exc:
            typer.secho(str(exc), fg="red", err=True)
            raise typer.Exit(1) from None
    for path in copied:
        typer.echo(f"  copied {path.resolve()}")
    typer.echo(
        f"{len(copied)} files copied into {settings.inbox.resolve()} from {origin}"
        + (" (all already there)" if not copied else "; `saihan run` loads them")
    )


@app.command(cls=PlainHelp)
def run(wait: WaitOption = 0, full_refresh: FullRefreshOption = False) -> None:
    """Take in what is new in the inbox, rebuild the marts, check them and publish."""
    settings = load_settings()
    report = run_and_report(settings, None, trigger="run", wait=wait, full_refresh=full_refresh)
    exit_for(report)


@app.command(cls=PlainHelp)
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Files or folders to take in.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a per-file summary as JSON.")
    ] = False,
    wait: WaitOption = 0,
    full_refresh: FullRefreshOption = False,
) -> None:
    """Take in the given files and folders, rebuild, check and publish (exit 3 if any rejected,
    6 if any held)."""
    settings = load_settings()
    report = run_and_report(settings, paths, trigger="ingest", wait=wait, as_json=as_json,
                            full_refresh=full_refresh)
    exit_for(report)


@app.command(cls=PlainHelp)
def accept(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE", help="Held files (under $SAIHAN_HOME/held/), or files a "
                       "rollback removed, to publish."),
    ],
    wait: WaitOption = 0,
) -> None:
    """Publish held re-deliveries on purpose: each goes back through a run with the hold waived,
    and who accepted it and when is recorded in mart.held_file. A file a rollback removed is
    taken again the same way."""
    settings = load_settings()
    chosen = [path if path.exists() else settings.held / path.name for path in files]
    missing = [str(path) for path in chosen if not path.is_file()]
    if missing:
        typer.secho(f"not a held file: {', '.join(missing)} (see `saihan status`)",
                    err=True, fg="red")
        raise typer.Exit(EXIT_ERROR)
    report = run_and_report(settings, [], trigger="accept", wait=wait, accept=chosen)
    exit_for(report)


def _read_report(path: Path) -> dict | None:
    """A run report, or None when it cannot be read as one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    keys = ("run_id", "status", "trigger", "summary", "files", "data_tests_run")
    return data if isinstance(data, dict) and all(k in data for k in keys) else None


@app.command(cls=PlainHelp)
def status(
    last: Annotated[int, typer.Option(metavar="N", help="How many runs to show.")] = 5,
) -> None:
    """Show the last runs: files seen, loaded, rejected, data tests, what was published."""
    settings = load_settings()
    reports = (
        sorted(settings.runs.glob("*.json"), reverse=True)[:last] if settings.runs.exists() else []
    )
    if not reports:
        typer.echo(f"No runs yet in {settings.home}. Start with `saihan sample` and `saihan run`.")
        return
    typer.echo(f"Last {len(reports)} run(s) in {settings.home}, newest first:")
    runs = {path: _read_report(path) for path in reports}
    width = max(len("run"), *(len(path.stem) for path in reports))  # ids of either form
    typer.echo(
        f"{'run':<{width}} {'status':<13} {'trigger':<8} {'seen':>5} {'loaded':>6} "
        f"{'rows':>10} {'rejected':>8} {'tests':>5} {'seconds':>8}"
    )
    for path, data in runs.items():
        if data is None:  # cut short (a full disk) or edited by hand: the others still show
            typer.echo(f"{path.stem:<{width}} unreadable: {shown(path)} is not a whole "
                       "run report (cut short, or edited by hand)")
            continue
        summary = data["summary"]
        typer.echo(
            f"{data['run_id']:<{width}} {data['status']:<13} {data['trigger']:<8} "
            f"{summary['files_seen']:>5} {summary['loaded']:>6} {summary['rows_loaded']:>10,} "
            f"{summary['rejected']:>8} {data['data_tests_run']:>5} "
            f"{data['duration_seconds'] or 0:>8.2f}"
        )
        for result in data["files"]:
            if result["status"] == "held":
                hold = result.get("hold") or {}
                typer.echo(
                    f"    held {result['file']}: {'; '.join(hold.get('reasons') or [])} "
                    f"-> {result['held_as']}.held.txt (`saihan accept` publishes it)"
                )
            if result["status"] == "rolled_back" and data["status"] == "rolled_back":
                typer.echo(f"    rolled back {result['file']} (not loaded again until it "
                           "changes or `saihan accept` takes it)")
            if result["status"] == "rejected":
                report_txt = quarantine_report_path(result["quarantined_as"],
                                                    result.get("report_as"))
                typer.echo(
                    f"    rejected {shown(result['file'])}: "
                    f"{shown(result['rejection']['reason'])} -> {shown(report_txt)}"
                )
                if result["rejection"].get("reason_ja"):  # the same, in Japanese
                    typer.echo(f"      （{shown(result['rejection']['reason_ja'])}）")
        ignored = [r["file"] for r in data["files"] if r["status"] == "ignored"]
        if ignored:
            typer.echo(f"    ignored {len(ignored)} file(s), not data (notes, documents, "
                       f"images; never read): {', '.join(shown(f) for f in ignored)}")
        if data.get("error"):
            typer.echo(f"    error: {data['error']}")
    held = sorted(p for p in settings.held.glob("*") if p.is_file()
                  and not p.name.endswith((".held.json", ".held.txt"))) \
        if settings.held.exists() else []
    if held:
        typer.echo(f"{len(held)} held file(s) waiting in {settings.held} "
                   "(`saihan accept FILE` publishes one):")
        for path in held:
            typer.echo(f"    held {path.name} (report {path.name}.held.txt)")


@app.command(cls=PlainHelp)
def rollback(wait: WaitOption = 0) -> None:
    """Restore the previous published snapshot; the inbox files it removes are not loaded
    again until they change or `saihan accept` takes them."""
    settings = load_settings()
    try:
        report = rollback_pipeline(settings, wait_seconds=wait)
    except WriterBusy as exc:
        typer.secho(str(exc), err=True, fg="yellow")
        raise typer.Exit(EXIT_BUSY) from None
    except FileNotFoundError as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    for result in report.files:
        typer.echo(f"  rolled back {result.file}: not loaded again until it changes or "
                   "`saihan accept` takes it")
    typer.echo(f"restored {Path(report.published_snapshot_of).name} as {settings.warehouse}")
