"""``saihan geo check``: the municipal boundary files in SAIHAN_GEO_DIR, checked against the
bundled local-government list, with how each difference is handled."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from saihan.app import EXIT_ERROR, PlainHelp, app, load_settings
from warehouse.boundary_text import GeoFileError

geo_app = typer.Typer(help="Municipal and ward boundaries for the maps.", no_args_is_help=True)
app.add_typer(geo_app, name="geo")


@geo_app.command("check", cls=PlainHelp)
def geo_check(
    as_json: Annotated[bool, typer.Option("--json", help="Print the check as JSON.")] = False,
) -> None:
    """Check the public boundary files in SAIHAN_GEO_DIR against data/reference, say how each
    difference is handled and prepare them for the maps (exit 1 when the municipal file is
    missing or a file cannot be read)."""
    # Imported here, as tool_commands does for its commands: shapely and numpy cost every
    # other saihan command 0.3-1.2 s of start-up.
    from warehouse import boundaries

    settings = load_settings()
    files = boundaries.find_files(settings.geo_dir)
    try:
        found = boundaries.load(settings.geo_dir, settings.geo_cache)
    except GeoFileError as exc:
        typer.secho(str(exc), err=True, fg="red")
        raise typer.Exit(EXIT_ERROR) from None
    if as_json:
        typer.echo(json.dumps(boundaries.report_json(files, found), ensure_ascii=False,
                              indent=2))
    else:
        for lang in ("ja", "en"):
            typer.echo("\n".join(boundaries.report(files, found, lang)))
            typer.echo("")
    if found is None:
        raise typer.Exit(EXIT_ERROR)
