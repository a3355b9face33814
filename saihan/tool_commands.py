"""Commands around the data: input templates, e-Stat, reconciliation, prefecture extracts."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer

from saihan.app import EXIT_DIFFERENCES, EXIT_ERROR, PlainHelp, app, is_published, load_settings
from warehouse import access_log, db

# --- templates, e-Stat, reconciliation ----------------------------------------------------------


@app.command(cls=PlainHelp)
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


@estat_app.command("fetch", cls=PlainHelp)
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
    from warehouse.estat_api import EstatError, fetch_into_inbox

    settings = load_settings()
    try:
        target, values, _ = fetch_into_inbox(settings, stats_data_id, out)
    except EstatError as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    typer.echo(
        f"saved {values:,} values to {target}"
        + (
            "; `saihan run` loads it"
            if settings.inbox in target.resolve().parents
            else f"; load it with `saihan ingest {target}`"
        )
    )


@estat_app.command("search", cls=PlainHelp)
def estat_search(
    words: Annotated[list[str], typer.Argument(help="Words to look for, e.g. 国勢調査 人口.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000,
                                       help="How many tables to list.")] = 20,
) -> None:
    """Search e-Stat's tables (getStatsList, appId from SAIHAN_ESTAT_APP_ID): statsDataId,
    survey, title, survey date."""
    from warehouse.estat_api import EstatError, search_stats_list

    settings = load_settings()
    try:
        found, tables = search_stats_list(settings.estat_app_id, " ".join(words), limit=limit,
                                          api_url=settings.estat_api_url)
    except EstatError as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    typer.echo(f"{found:,} tables found; {len(tables)} shown "
               "(fetch one with `saihan estat fetch --stats-data-id ID`)")
    for table in tables:
        typer.echo(f"{table['id']}  {table['stat_name']} / {table['statistics_name']}")
        typer.echo(f"    {table['title']}  (survey {table['survey_date'] or '-'}, "
                   f"published {table['open_date'] or '-'})")


@estat_app.command("dashboard", cls=PlainHelp)
def estat_dashboard(
    indicator: Annotated[str, typer.Option(
        "--indicator", metavar="CODE",
        help="The 統計ダッシュボード indicator code (19 digits).")],
    regions: Annotated[str | None, typer.Option(
        "--regions", metavar="CODES",
        help="Region codes, comma-separated (default: Japan and the 47 prefectures).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", metavar="FILE",
        help="File to write (default: inbox/estat/dashboard_<CODE>.json).")] = None,
) -> None:
    """Fetch one series of the 統計ダッシュボード (no key needed) for the prefectures as JSON,
    which loads as an indicator like an e-Stat table."""
    from warehouse.estat_api import EstatError, fetch_dashboard_into_inbox, prefecture_regions

    settings = load_settings()
    codes = ([c.strip() for c in regions.split(",") if c.strip()] if regions
             else prefecture_regions())
    try:
        target, values = fetch_dashboard_into_inbox(settings, indicator, codes, out)
    except EstatError as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    typer.echo(f"saved {values:,} values to {target}"
               + ("; `saihan run` loads it" if settings.inbox in target.resolve().parents
                  else f"; load it with `saihan ingest {target}`"))


@app.command(cls=PlainHelp)
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparisons as JSON.")] = False,
) -> None:
    """Compare the white paper's published totals with the warehouse (exit 5 if any differ
    without an explanation)."""
    from warehouse.reconcile import format_table, not_compared, reconcile, unexplained

    settings = load_settings()
    if not is_published(settings):
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
    elif not comparisons:
        typer.echo(
            "Nothing to compare: the warehouse holds none of the white paper's published "
            "facts. `saihan sample` puts them into the inbox (with the bundled demo data), "
            "then `saihan run` loads them."
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


@app.command(cls=PlainHelp)
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

    settings = load_settings()
    if not is_published(settings):
        raise typer.Exit(EXIT_ERROR)
    codes = None if pref.strip().lower() == "all" else [c for c in pref.split(",") if c.strip()]
    target = out or default_out_dir(settings)

    def done(manifest: dict) -> None:
        access_log.record(settings, access_log.AccessEvent(  # the trail the ministry reads
            event="extract", user=getpass.getuser(), role="operator",
            pref_codes=(manifest["pref_code"],), page="saihan extract",
            files=tuple(f"{manifest['folder']}/{f['path']}" for f in manifest["files"])))
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
