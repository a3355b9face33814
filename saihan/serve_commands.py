"""Commands that keep running: the dashboard, the demo and ``saihan serve``."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from dashboard import access
from dashboard.i18n import t
from saihan.app import EXIT_ERROR, PlainHelp, app, is_published, load_settings, run_and_report
from warehouse import resources
from warehouse.files import ensure_home
from warehouse.notify import notify_serve_stopped
from warehouse.sample import copy_sample
from warehouse.settings import Settings


def server_options(env: Mapping[str, str], extra: list[str]) -> dict[str, str]:
    """The address and port Streamlit will listen on, from its command-line options or
    STREAMLIT_* settings (an empty address: every interface)."""
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
    return options


def dashboard_url(env: dict[str, str], extra: list[str]) -> str:
    """Where Streamlit will listen, from its command-line options or STREAMLIT_* settings."""
    options = server_options(env, extra)
    host = "localhost" if options["address"] in ("", "0.0.0.0", "::") else options["address"]
    return f"http://{host}:{options['port']}"


def secrets_auth(cwd: Path, user_home: Path) -> dict[str, Any] | None:
    """The [auth] section Streamlit will read: ~/.streamlit/secrets.toml, then
    ./.streamlit/secrets.toml over it (Streamlit's default secrets.files)."""
    section: dict[str, Any] = {}
    for path in (user_home / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml"):
        try:
            section.update(tomllib.loads(path.read_text(encoding="utf-8")).get("auth") or {})
        except FileNotFoundError:
            continue
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as problem:
            raise typer.BadParameter(f"{path} does not read as TOML ({problem}); fix it or "
                                     f"remove it. / {path} を TOML として読めません。") from None
    return section or None


def refusal(env: Mapping[str, str], extra: list[str], settings: Settings,
            cwd: Path, user_home: Path) -> str | None:
    """Why the dashboard must not start as asked (another address without login and without
    SAIHAN_PUBLIC_VIEWER), in Japanese and English; None when it may."""
    address = server_options(env, extra)["address"]
    mode = access.serving_mode(address, access.has_login(secrets_auth(cwd, user_home)),
                               settings.public_viewer)
    if mode != "refuse":
        return None
    shown = address or "0.0.0.0"
    return t("access_refused", "ja", address=shown) + "\n" + t("access_refused", "en",
                                                                address=shown)


# Defaults that keep the dashboard on this machine, quiet on the network and a product rather
# than a dev server (no Deploy button, no rerun or clear-cache menu: client.toolbarMode viewer).
# A user's own STREAMLIT_* settings or command-line options win.
STREAMLIT_DEFAULTS: dict[str, str] = {
    "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "STREAMLIT_CLIENT_TOOLBAR_MODE": "viewer",
    "STREAMLIT_SERVER_RUN_ON_SAVE": "false",
}


def streamlit_env(environ: Mapping[str, str], home: Path) -> dict[str, str]:
    """The environment ``streamlit run`` gets: ``environ``, the home, then the defaults."""
    return {**STREAMLIT_DEFAULTS, **environ, "SAIHAN_HOME": str(home)}


def _streamlit(settings: Settings, extra: list[str]) -> int:
    """Run the Streamlit app on the published warehouse; return its exit status."""
    if not is_published(settings):
        return EXIT_ERROR
    env = streamlit_env(os.environ, settings.home)
    refused = refusal(env, extra, settings, Path.cwd(), Path.home())
    if refused:
        typer.secho(refused, err=True, fg="red")
        return EXIT_ERROR
    command = [sys.executable, "-m", "streamlit", "run", str(resources.dashboard_app()), *extra]
    typer.echo(
        f"The dashboard is at {dashboard_url(env, extra)} and keeps running; "
        "press Ctrl-C to stop it."
    )
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


@app.command(
    cls=PlainHelp, context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def dashboard(ctx: typer.Context) -> None:
    """Open the Streamlit dashboard (Streamlit options and STREAMLIT_* settings apply)."""
    raise typer.Exit(_streamlit(load_settings(), list(ctx.args)))


@app.command(
    cls=PlainHelp, context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def demo(ctx: typer.Context) -> None:
    """sample + run + dashboard: the whole product on the bundled data."""
    settings = load_settings()
    ensure_home(settings)
    copy_sample(settings)
    report = run_and_report(settings, None, trigger="run", wait=30)
    if report.count("rejected"):
        typer.secho(
            "Some files were rejected (see above); the dashboard shows what loaded.", fg="yellow"
        )
    raise typer.Exit(_streamlit(settings, list(ctx.args)))


@app.command(cls=PlainHelp)
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

    settings = load_settings()
    try:
        serve_deployments(settings, port=port, watch_only=watch_only)
    except ServerError as exc:
        typer.secho(str(exc), err=True, fg="red")
        notify_serve_stopped(settings, str(exc).splitlines()[0],
                             settings.home / "prefect" / "server.log")
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        pass
    typer.echo("saihan serve stopped")
