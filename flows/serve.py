"""``saihan serve``: the deployments, the inbox watcher and, by default, a local Prefect server.

These deployments are served from this process:

- ``saihan-nightly/nightly``: :func:`flows.pipeline.nightly_flow` on ``SAIHAN_NIGHTLY_CRON``
  (Asia/Tokyo).
- ``saihan-ingest/on-arrival``: :func:`flows.pipeline.ingest_flow` for one file, triggered by
  the ``saihan.inbox.file-ready`` event that the inbox watcher emits once a file is complete.
- ``saihan-estat-fetch/estat-fetch`` (when ``SAIHAN_ESTAT_TABLES`` names tables):
  :func:`flows.pipeline.estat_fetch_flow` on ``SAIHAN_ESTAT_CRON``; the tables land in the
  inbox and load on arrival.

Without ``PREFECT_API_URL`` a Prefect server is started on 127.0.0.1 as a child process (its
database under ``$SAIHAN_HOME/prefect`` unless ``PREFECT_HOME`` is set) and stopped with
``saihan serve``. With ``PREFECT_API_URL`` the same deployments register with that server.

Prefect reads its settings when first imported, so :func:`prepare_prefect_environment` runs
before anything here imports Prefect; the Prefect imports are therefore inside the functions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warehouse.arrivals import unseen_inbox_files
from warehouse.files import ensure_home
from warehouse.settings import Settings

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment
    from prefect.events import DeploymentEventTrigger

FILE_READY_EVENT = "saihan.inbox.file-ready"
TIMEZONE = "Asia/Tokyo"
NIGHTLY_DEPLOYMENT = "nightly"
ESTAT_DEPLOYMENT = "estat-fetch"
ARRIVAL_DEPLOYMENT = "on-arrival"
DEFAULT_PORT = 4200
# Arrival runs queue behind the writer lock; a run of ten million rows takes minutes.
ARRIVAL_WAIT_SECONDS = 1800.0
RUNNER_POLL_SECONDS = 2

log = logging.getLogger("saihan.serve")


class ServerError(RuntimeError):
    """The local Prefect server could not be started or did not become healthy."""


@dataclass
class LocalServer:
    """A Prefect server this process started, and how to reach it."""

    process: subprocess.Popen
    api_url: str
    log_path: Path


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def is_healthy(api_url: str, timeout: float = 2.0) -> bool:
    """Whether the Prefect API at ``api_url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start_local_server(
    port: int, prefect_home: Path, log_path: Path, *, timeout: float = 180.0
) -> LocalServer:
    """Start ``prefect server start`` on 127.0.0.1:``port`` and wait until it is healthy."""
    if not port_is_free(port):
        raise ServerError(
            f"Port {port} on 127.0.0.1 is in use. Choose another with `saihan serve --port N`, "
            "or point saihan at a running Prefect server with PREFECT_API_URL.")
    api_url = f"http://127.0.0.1:{port}/api"
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(prefect_home), PREFECT_SERVER_API_HOST="127.0.0.1",
               PREFECT_SERVER_API_PORT=str(port), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(port)],
            env=env, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_stop_with_parent if sys.platform == "linux" else None)
    server = LocalServer(process, api_url, log_path)
    deadline = time.monotonic() + timeout
    while not is_healthy(api_url):
        if process.poll() is not None:
            raise ServerError(f"The Prefect server stopped at start (exit {process.returncode}); "
                              f"see {log_path}:\n{_tail(log_path)}")
        if time.monotonic() > deadline:
            stop_local_server(server)
            raise ServerError(f"The Prefect server was not healthy after {timeout:.0f} s; "
                              f"see {log_path}:\n{_tail(log_path)}")
        time.sleep(0.25)
    return server


def stop_local_server(server: LocalServer, timeout: float = 20.0) -> None:
    """Stop a server started by :func:`start_local_server` (SIGTERM, then SIGKILL)."""
    if server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout)


class ServerWatchdog(threading.Thread):
    """Watches the local server while serve runs: when it exits, or stops answering its health
    check for ``unhealthy_after`` seconds, serve is interrupted so that it ends with an error
    an operator (or systemd's Restart=on-failure) acts on, instead of serving nothing."""

    def __init__(self, server: LocalServer, *, interval: float = 2.0,
                 unhealthy_after: float = 300.0) -> None:
        super().__init__(name="saihan-server-watchdog", daemon=True)
        self.server = server
        self.interval = interval
        self.unhealthy_after = unhealthy_after
        self.lost: str | None = None  # why the server was given up, once it was
        self._done = threading.Event()

    def run(self) -> None:
        last_healthy = time.monotonic()
        checks = 0
        while not self._done.wait(self.interval):
            code = self.server.process.poll()
            if code is not None:
                self.lost = f"the local Prefect server exited (exit code {code})"
            else:
                checks += 1
                # the health check every 15th interval (30 s by default): the process check is
                # free, the API call is not
                if checks % 15 == 0:
                    if is_healthy(self.server.api_url, timeout=10):
                        last_healthy = time.monotonic()
                    elif time.monotonic() - last_healthy > self.unhealthy_after:
                        self.lost = ("the local Prefect server has not answered its health check "
                                     f"for {self.unhealthy_after:g} s")
            if self.lost:
                if not self._done.is_set():
                    os.kill(os.getpid(), signal.SIGTERM)  # serve stops as on SIGTERM
                return

    def stop(self) -> None:
        """Stop watching (serve is ending anyway)."""
        self._done.set()


def _why_lost(server: LocalServer) -> str | None:
    """Why the local server is gone (exited, or not answering), or None while it is up."""
    code = server.process.poll()
    if code is not None:
        return f"the local Prefect server exited (exit code {code})"
    if not is_healthy(server.api_url, timeout=5):
        return "the local Prefect server stopped answering"
    return None


def _stop_with_parent() -> None:
    """In the server's child process (Linux): get SIGTERM when saihan serve dies, even by -9."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def prepare_prefect_environment(settings: Settings, environ: dict[str, str] | Any = None) -> None:
    """Pin SAIHAN_HOME for the flow runs and keep Prefect's own files under the saihan home."""
    environ = os.environ if environ is None else environ
    environ["SAIHAN_HOME"] = str(settings.home)
    # The runner looks for new flow runs this often (Prefect's default is 10 s).
    environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", str(RUNNER_POLL_SECONDS))
    if not environ.get("PREFECT_API_URL"):
        environ.setdefault("PREFECT_HOME", str(settings.home / "prefect"))


@contextmanager
def prefect_api(settings: Settings, port: int = DEFAULT_PORT) -> Iterator[str]:
    """The Prefect API to use: PREFECT_API_URL when set, else a local server for the block."""
    prepare_prefect_environment(settings)
    given = os.environ.get("PREFECT_API_URL")
    if given:
        yield given
        return
    started = time.monotonic()
    server = start_local_server(port, Path(os.environ["PREFECT_HOME"]),
                                settings.home / "prefect" / "server.log")
    os.environ["PREFECT_API_URL"] = server.api_url
    print(f"Prefect server ready at {server.api_url.removesuffix('/api')} "
          f"in {time.monotonic() - started:.1f} s (log: {server.log_path})", flush=True)
    _refresh_prefect_settings()
    watchdog = ServerWatchdog(server)
    watchdog.start()
    try:
        yield server.api_url
    except KeyboardInterrupt:
        if watchdog.lost is None:
            raise
    except Exception:
        # A call to the API (registering the deployments, say) failed because the server went
        # away before the watchdog noticed: say that, not the HTTP client's error.
        if watchdog.lost is None:
            watchdog.lost = _why_lost(server)
        if watchdog.lost is None:
            raise
    finally:
        watchdog.stop()
        stop_local_server(server)
        os.environ.pop("PREFECT_API_URL", None)
        _refresh_prefect_settings()
    if watchdog.lost is not None:
        raise ServerError(
            f"saihan serve stopped because {watchdog.lost}; no run was started after that. "
            "Start `saihan serve` again (as a systemd service with Restart=on-failure it is "
            f"restarted by itself). The server's log, {server.log_path}, ends:\n"
            + _tail(server.log_path))


def _refresh_prefect_settings() -> None:
    """Make an already imported Prefect see the environment as it is now."""
    if "prefect.context" in sys.modules:
        from prefect.context import refresh_global_settings_context

        refresh_global_settings_context()


def file_ready_event(settings: Settings, path: Path) -> dict[str, Any]:
    """The event that says ``path`` is complete: the arguments of ``emit_event``."""
    stat = path.stat()
    return {
        "event": FILE_READY_EVENT,
        "resource": {
            "prefect.resource.id": f"saihan.file.{path}",
            "prefect.resource.name": path.name,
            "saihan.home": str(settings.home),
        },
        "payload": {"path": str(path), "size_bytes": stat.st_size,
                    "mtime_ns": stat.st_mtime_ns},
    }


def emit_file_ready(settings: Settings, path: Path) -> None:
    """Tell Prefect that a file in the inbox is complete (triggers the on-arrival run)."""
    from prefect.events import emit_event

    emit_event(**file_ready_event(settings, path))
    print(f"{datetime.now():%H:%M:%S.%f}"[:-3] + f" file ready: {path}", flush=True)


def arrival_trigger(settings: Settings) -> DeploymentEventTrigger:
    """The trigger of the on-arrival deployment: one run per file-ready event of this home."""
    from prefect.events import DeploymentEventTrigger

    return DeploymentEventTrigger(
        name=f"saihan file ready in {settings.inbox}",
        expect={FILE_READY_EVENT},
        match={"saihan.home": str(settings.home)},
        parameters={"paths": ["{{ event.payload.path }}"], "trigger": "arrival",
                    "wait_seconds": ARRIVAL_WAIT_SECONDS, "with_settled_inbox": True},
    )


def deployments(settings: Settings) -> list[RunnerDeployment]:
    """The nightly and on-arrival deployments of this saihan home, and the e-Stat fetch when
    SAIHAN_ESTAT_TABLES names tables."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.pipeline import estat_fetch_flow, ingest_flow, nightly_flow

    nightly = nightly_flow.to_deployment(
        name=NIGHTLY_DEPLOYMENT,
        schedules=[Cron(settings.nightly_cron, timezone=TIMEZONE)],
        tags=["saihan"],
        description=f"Everything new in {settings.inbox}, then the extracts; "
                    f"{settings.nightly_cron} ({TIMEZONE}).",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    arrival = ingest_flow.to_deployment(
        name=ARRIVAL_DEPLOYMENT,
        triggers=[arrival_trigger(settings)],
        tags=["saihan"],
        description=f"One complete file in {settings.inbox}, as soon as it lands.",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    if not settings.estat_tables:
        return [nightly, arrival]
    estat = estat_fetch_flow.to_deployment(
        name=ESTAT_DEPLOYMENT,
        schedules=[Cron(settings.estat_cron, timezone=TIMEZONE)],
        tags=["saihan"],
        description=f"e-Stat tables {', '.join(settings.estat_tables)} into {settings.inbox} "
                    f"(loaded on arrival); {settings.estat_cron} ({TIMEZONE}).",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    return [nightly, arrival, estat]


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve(settings: Settings, *, port: int = DEFAULT_PORT, limit: int = 1,
          watch_only: bool = False) -> None:
    """Serve both deployments and watch the inbox until interrupted (Ctrl-C or SIGTERM).

    ``watch_only`` only watches the inbox and emits the events: for an organisation whose own
    server runs the same deployments on its work pools (``prefect deploy`` + workers).
    """
    # Until Prefect's runner takes SIGTERM over, treat it as Ctrl-C so the server is stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    ensure_home(settings)
    with prefect_api(settings, port) as api_url:
        from prefect.exceptions import TerminationSignal
        from prefect.runner import Runner

        from flows.watcher import InboxWatcher

        watcher = InboxWatcher(settings.inbox, lambda path: emit_file_ready(settings, path),
                               stable_seconds=settings.stable_seconds)
        runner = None
        if not watch_only:
            # The deployments, with the on-arrival trigger, are registered before the watcher
            # tells of any file: a file-ready event the server receives before its trigger
            # exists starts no run, and the file would wait for the nightly.
            # One flow run at a time: runs write one after another anyway (writer lock).
            runner = Runner(limit=limit)
            served = deployments(settings)
            for deployment in served:
                runner.add_deployment(deployment)
            print("serving " + ", ".join(f"{d.flow_name}/{d.name}" for d in served),
                  flush=True)
        existing = unseen_inbox_files(settings)
        watcher.start(existing)
        print(f"watching {settings.inbox} (complete after {settings.stable_seconds:g} s "
              f"unchanged; {len(existing)} file(s) not yet seen); API {api_url}", flush=True)
        try:
            if runner is None:
                while True:  # until Ctrl-C or SIGTERM (raised as KeyboardInterrupt)
                    time.sleep(3600)
            # Ctrl-C or SIGTERM (once the runner has taken it over) ends serve, as in
            # prefect.serve
            with contextlib.suppress(KeyboardInterrupt, TerminationSignal):
                asyncio.run(runner.start())
        finally:
            watcher.stop()
