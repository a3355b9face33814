"""The ``saihan`` command: set up a home, take in files, publish, open the dashboard.

Every command is a thin shell over ``warehouse`` functions. Exit status: 0 success; 1 an error
(nothing published); 3 some files were rejected (the rest was published); 4 another run holds
the writer lock. Typer gives every command ``--help``.
"""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from warehouse import db, resources
from warehouse.files import WriterBusy, ensure_home
from warehouse.publish import rollback as rollback_snapshot
from warehouse.run import RunReport, run_pipeline
from warehouse.sample import copy_from, copy_sample
from warehouse.settings import Settings

EXIT_ERROR = 1
EXIT_REJECTED = 3
EXIT_BUSY = 4


class _PlainHelp(typer.core.TyperCommand):
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


def _settings() -> Settings:
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
            typer.echo(f"             kept in quarantine: {result.quarantined_as}")
        else:
            typer.echo(f"  unchanged  {name}")
    summary = report.to_dict()["summary"]
    if report.status == "noop":
        typer.echo(
            f"noop: {summary['files_seen']} files seen, none new; {report.duration_seconds:.2f} s"
        )
        return
    typer.echo(
        f"{report.status}: {summary['files_seen']} files seen, {summary['loaded']} loaded "
        f"({summary['rows_loaded']:,} rows), {summary['unchanged']} unchanged, "
        f"{summary['superseded']} superseded, {summary['rejected']} rejected; "
        f"{report.data_tests_run} data tests passed; {report.duration_seconds:.1f} s"
    )


def _run(
    settings: Settings,
    paths: list[Path] | None,
    *,
    trigger: str,
    wait: float,
    as_json: bool = False,
    force_build: bool = False,
) -> RunReport:
    """Run the pipeline and turn its outcome into output and an exit status."""
    try:
        report = run_pipeline(
            settings, paths, trigger=trigger, wait_seconds=wait, force_build=force_build
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
    except Exception as exc:
        # Anything else (disk full, a bug): say plainly what happened and what did not, then
        # give the details for whoever fixes it.
        reports = sorted(settings.runs.glob("*.json")) if settings.runs.exists() else []
        typer.secho(
            f"saihan {trigger} failed: {type(exc).__name__}: {exc}\n"
            f"Nothing was published; {settings.warehouse} is as it was. "
            + (f"Run report: {reports[-1]}. " if reports else "")
            + "Fix the cause and run again; the next run cleans up after this one.",
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
            typer.echo(f"nothing new; {settings.warehouse} is current")
    return report


@app.command(cls=_PlainHelp)
def init(wait: WaitOption = 0) -> None:
    """Create the home folders and a published warehouse with the current schema."""
    settings = _settings()
    ensure_home(settings)
    _run(settings, [], trigger="init", wait=wait, force_build=not settings.warehouse.exists())
    typer.echo(f"home ready: {settings.home}")


@app.command(cls=_PlainHelp)
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
    settings = _settings()
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


@app.command(cls=_PlainHelp)
def run(wait: WaitOption = 0) -> None:
    """Take in what is new in the inbox, rebuild the marts, check them and publish."""
    settings = _settings()
    report = _run(settings, None, trigger="run", wait=wait)
    if report.count("rejected"):
        raise typer.Exit(EXIT_REJECTED)


@app.command(cls=_PlainHelp)
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Files or folders to take in.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a per-file summary as JSON.")
    ] = False,
    wait: WaitOption = 0,
) -> None:
    """Take in the given files and folders, rebuild, check and publish (exit 3 if any rejected)."""
    settings = _settings()
    report = _run(settings, paths, trigger="ingest", wait=wait, as_json=as_json)
    if report.count("rejected"):
        raise typer.Exit(EXIT_REJECTED)


@app.command(cls=_PlainHelp)
def status(
    last: Annotated[int, typer.Option(metavar="N", help="How many runs to show.")] = 5,
) -> None:
    """Show the last runs: files seen, loaded, rejected, data tests, what was published."""
    settings = _settings()
    reports = (
        sorted(settings.runs.glob("*.json"), reverse=True)[:last] if settings.runs.exists() else []
    )
    if not reports:
        typer.echo(f"No runs yet in {settings.home}. Start with `saihan sample` and `saihan run`.")
        return
    typer.echo(f"Last {len(reports)} run(s) in {settings.home}, newest first:")
    typer.echo(
        f"{'run':<22} {'status':<13} {'trigger':<8} {'seen':>5} {'loaded':>6} "
        f"{'rows':>10} {'rejected':>8} {'tests':>5} {'seconds':>8}"
    )
    for path in reports:
        data = json.loads(path.read_text(encoding="utf-8"))
        summary = data["summary"]
        typer.echo(
            f"{data['run_id']:<22} {data['status']:<13} {data['trigger']:<8} "
            f"{summary['files_seen']:>5} {summary['loaded']:>6} {summary['rows_loaded']:>10,} "
            f"{summary['rejected']:>8} {data['data_tests_run']:>5} "
            f"{data['duration_seconds'] or 0:>8.2f}"
        )
        for result in data["files"]:
            if result["status"] == "rejected":
                typer.echo(
                    f"    rejected {result['file']}: {result['rejection']['reason']} "
                    f"-> {result['quarantined_as']}.report.txt"
                )
        if data.get("error"):
            typer.echo(f"    error: {data['error']}")


@app.command(cls=_PlainHelp)
def rollback(wait: WaitOption = 0) -> None:
    """Restore the previous published snapshot."""
    from warehouse.files import writer_lock

    settings = _settings()
    try:
        with writer_lock(settings, wait_seconds=wait):
            restored = rollback_snapshot(settings)
    except (WriterBusy, FileNotFoundError) as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    typer.echo(f"restored {restored.name} as {settings.warehouse}")


def _published(settings: Settings) -> bool:
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


def _dashboard_url(env: dict[str, str], extra: list[str]) -> str:
    """Where Streamlit will listen, from its command-line options or STREAMLIT_* settings."""
    options = {
        "address": env.get("STREAMLIT_SERVER_ADDRESS", "127.0.0.1"),
        "port": env.get("STREAMLIT_SERVER_PORT", "8501"),
    }
    for i, arg in enumerate(extra):
        for name in options:
            flag = f"--server.{name}"
            if arg == flag and i + 1 < len(extra):
                options[name] = extra[i + 1]
            elif arg.startswith(flag + "="):
                options[name] = arg.split("=", 1)[1]
    host = "localhost" if options["address"] in ("", "0.0.0.0", "::") else options["address"]
    return f"http://{host}:{options['port']}"


def _streamlit(settings: Settings, extra: list[str]) -> int:
    """Run the Streamlit app on the published warehouse; return its exit status."""
    if not _published(settings):
        return EXIT_ERROR
    env = dict(os.environ, SAIHAN_HOME=str(settings.home))
    # Defaults that keep the dashboard on this machine and quiet on the network; a user's own
    # STREAMLIT_* settings or command-line options win.
    env.setdefault("STREAMLIT_SERVER_ADDRESS", "127.0.0.1")
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    command = [sys.executable, "-m", "streamlit", "run", str(resources.dashboard_app()), *extra]
    typer.echo(
        f"The dashboard is at {_dashboard_url(env, extra)} and keeps running; "
        "press Ctrl-C to stop it."
    )
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


@app.command(
    cls=_PlainHelp, context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def dashboard(ctx: typer.Context) -> None:
    """Open the Streamlit dashboard (Streamlit options and STREAMLIT_* settings apply)."""
    raise typer.Exit(_streamlit(_settings(), list(ctx.args)))


@app.command(
    cls=_PlainHelp, context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def demo(ctx: typer.Context) -> None:
    """sample + run + dashboard: the whole product on the bundled data."""
    settings = _settings()
    ensure_home(settings)
    copy_sample(settings)
    report = _run(settings, None, trigger="run", wait=30)
    if report.count("rejected"):
        typer.secho(
            "Some files were rejected (see above); the dashboard shows what loaded.", fg="yellow"
        )
    raise typer.Exit(_streamlit(settings, list(ctx.args)))


@app.command(cls=_PlainHelp)
def serve(
    port: Annotated[
        int,
        typer.Option(
            metavar="PORT",
            help="Port of the local Prefect server (only when PREFECT_API_URL is not set).",
        ),
    ] = 4200,
    watch_only: Annotated[
        bool,
        typer.Option(
            "--watch-only",
            help="Only watch the inbox and send the file-ready events (when your "
            "Prefect server runs the deployments on work pools).",
        ),
    ] = False,
) -> None:
    """Run unattended: nightly and on-arrival flows, the inbox watcher, a local Prefect server."""
    # Imported here: Prefect reads its settings on import, after serve has chosen the server.
    from flows.serve import ServerError
    from flows.serve import serve as serve_deployments

    settings = _settings()
    try:
        serve_deployments(settings, port=port, watch_only=watch_only)
    except ServerError as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        pass
    typer.echo("saihan serve stopped")


# --- templates, e-Stat, reconciliation ----------------------------------------------------------

EXIT_DIFFERENCES = 5


@app.command(cls=_PlainHelp)
def template(
    kind: Annotated[
        str, typer.Argument(metavar="KIND", help="indicators, subsidy or local_plans.")
    ],
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="csv or xlsx (with a notes sheet).")
    ] = "xlsx",
    out: Annotated[
        Path, typer.Option("--out", metavar="FOLDER", help="Folder to write the template into.")
    ] = Path("."),
) -> None:
    """Write an input template (Japanese headers) for indicators, subsidy records or local plans."""
    from warehouse.ingest.programme.templates import write_template

    try:
        path = write_template(kind, fmt.lower(), out)
    except (KeyError, ValueError) as exc:
        typer.secho(str(exc).strip("'\""), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    typer.echo(f"wrote {path.resolve()}")


estat_app = typer.Typer(help="e-Stat (政府統計の総合窓口) statistics.", no_args_is_help=True)
app.add_typer(estat_app, name="estat")


@estat_app.command("fetch", cls=_PlainHelp)
def estat_fetch(
    stats_data_id: Annotated[
        str, typer.Option("--stats-data-id", metavar="ID", help="The statsDataId.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="FILE", help="File to write (default: inbox/estat/estat_<ID>.json)."
        ),
    ] = None,
) -> None:
    """Fetch a statistics table from the e-Stat API (appId from SAIHAN_ESTAT_APP_ID) as JSON."""
    from warehouse.estat_api import EstatError, fetch_stats_data, save_response

    settings = _settings()
    target = out or settings.inbox / "estat" / f"estat_{stats_data_id.strip()}.json"
    try:
        document = fetch_stats_data(settings.estat_app_id, stats_data_id)
    except EstatError as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    values = save_response(document, target)
    typer.echo(
        f"saved {values:,} values to {target}"
        + (
            "; `saihan run` loads it"
            if settings.inbox in target.resolve().parents
            else f"; load it with `saihan ingest {target}`"
        )
    )


@app.command(cls=_PlainHelp)
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparisons as JSON.")] = False,
) -> None:
    """Compare the white paper's published totals with the warehouse (exit 5 if any differ
    without an explanation)."""
    from warehouse.reconcile import format_table, not_compared, reconcile, unexplained

    settings = _settings()
    if not _published(settings):
        raise typer.Exit(EXIT_ERROR)
    con = db.open_published(settings.warehouse)
    try:
        comparisons = reconcile(con)
        others = not_compared(con)
    finally:
        con.close()
    failing = unexplained(comparisons)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "comparisons": [c.to_dict() for c in comparisons],
                    "not_compared": dict(others),
                    "unexplained": len(failing),
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    else:
        typer.echo(format_table(comparisons))
        counts = {
            s: sum(1 for c in comparisons if c.status == s)
            for s in ("match", "explained", "no_data", "differs")
        }
        typer.echo("")
        typer.echo(
            f"{len(comparisons)} compared: {counts['match']} match, "
            f"{counts['explained']} explained, {counts['no_data']} without data, "
            f"{counts['differs']} unexplained"
        )
        if others:
            typer.echo(
                "not compared (no per-government data in the warehouse): "
                + ", ".join(f"{topic} ({n})" for topic, n in others)
            )
    if failing:
        raise typer.Exit(EXIT_DIFFERENCES)


# --- prefecture extracts -----------------------------------------------------------------------


@app.command(cls=_PlainHelp)
def extract(
    pref: Annotated[
        str,
        typer.Option(
            "--pref",
            metavar="PREFECTURE",
            help="Prefecture code (01..47) or name (東京都, 東京, Tokyo); several "
            "comma-separated; or all.",
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="FORMATS", help="Comma-separated: csv, xlsx, parquet."),
    ] = "csv,xlsx,parquet",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FOLDER",
            help="Folder to write into (default: $SAIHAN_HOME/extracts/<date>/).",
        ),
    ] = None,
    csv_encoding: Annotated[
        str,
        typer.Option(
            "--csv-encoding", metavar="ENCODING", help="utf-8 (with BOM, the default) or cp932."
        ),
    ] = "utf-8",
) -> None:
    """Write per-prefecture extracts: CSV, XLSX with a metadata sheet, Parquet, README.txt and
    manifest.json, one folder per prefecture."""
    from warehouse.export.extract import ExtractError, build_extracts, default_out_dir

    settings = _settings()
    if not _published(settings):
        raise typer.Exit(EXIT_ERROR)
    codes = None if pref.strip().lower() == "all" else [c for c in pref.split(",") if c.strip()]
    target = out or default_out_dir(settings)

    def done(manifest: dict) -> None:
        rows = ", ".join(f"{t['sheet']} {t['rows']:,}" for t in manifest["tables"])
        typer.echo(f"  {manifest['folder']}: {len(manifest['files'])} files ({rows})")
        for skipped in manifest["skipped_tables"]:
            typer.secho(f"    skipped {skipped['table']}: {skipped['reason']}", fg="yellow")

    con = db.open_published(settings.warehouse)
    try:
        manifest = build_extracts(
            con,
            codes,
            fmt.split(","),
            target,
            csv_encoding=csv_encoding,
            suppress_below=settings.suppress_below,
            progress=done,
        )
    except ExtractError as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    except OSError as exc:
        typer.secho(f"Could not write the extract: {exc}", err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    finally:
        con.close()
    typer.echo(f"wrote {manifest}")


def main() -> None:
    """Console entry point."""
    # The modules imported so far live as long as the process: keep the cycle collector from
    # walking them again and again (seen: 2% of an ingest's CPU) and at exit.
    gc.freeze()
    app()
