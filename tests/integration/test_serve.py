"""Integration: what the orchestration issue is done by, with real processes.

- ``saihan serve`` with its own local Prefect server: a file dropped into the inbox is
  published, a temporary name is ignored, operators are told, and SIGTERM stops serve and its
  server cleanly; a serve whose server dies ends with exit 1 and says why.
- A ``saihan run`` killed with SIGKILL at two points leaves the published warehouse as it was
  (same bytes, opens read-only, same marts), and the next run completes and publishes while
  readers in another process query a mart in a loop without an error.

Each test runs in its own SAIHAN_HOME and PREFECT_HOME under tmp_path and talks only to
127.0.0.1. The runs start from a copy of the session's published home with the real Hokkaido
files (tests/conftest.py), not from a build of their own. Timings are printed (run pytest with
-s to see them) for the README.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from flows.serve import port_is_free
from tests.conftest import seed_prefect_database
from tests.helpers import (
    MailReceiver,
    WebhookReceiver,
    free_port,
    notify_env,
    require_hokkaido,
    sha,
    wait_for,
)
from warehouse.settings import Settings

pytestmark = pytest.mark.integration

SAIHAN = str(Path(sys.executable).parent / "saihan")
BIKE_THEFT = "hokkaido_2018zitensyatou.csv"  # one of the real Hokkaido files


def environment(home: Path, **extra: str) -> dict[str, str]:
    """The test's environment without any Prefect setting of the machine or the harness."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SAIHAN_"))}
    return env | {"SAIHAN_HOME": str(home), "PREFECT_HOME": str(home.parent / "prefect-home"),
                  **extra}


def saihan(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SAIHAN, *args], env=environment(home), capture_output=True,
                          text=True, timeout=120)


def marts(warehouse: Path) -> dict[str, list]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'mart' "
            "order by 1").fetchall()]
        return {n: con.execute(f"select * from mart.{n} order by all").fetchall() for n in names}
    finally:
        con.close()


def incidents(warehouse: Path) -> int | None:
    """Incidents in the published crime mart, read the way the dashboard reads it."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        return con.execute("select sum(incidents) from mart.crime_by_station_month").fetchone()[0]
    except duckdb.Error:
        return None
    finally:
        con.close()


def big_bike_theft_file(target: Path, copies: int) -> int:
    """The real bike-theft file with its rows repeated: a run long enough to kill mid-way."""
    header, _, rows = (require_hokkaido() / BIKE_THEFT).read_bytes().partition(b"\r\n")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(header + b"\r\n" + rows * copies)
    return rows.count(b"\r\n") * copies


def test_serve_publishes_a_dropped_file_and_stops_cleanly(hokkaido_dir: Path, tmp_path: Path,
                                                          prefect_database: Path) -> None:
    """And, on the same server, operators are told (webhook and e-mail received on 127.0.0.1):
    a late source, a rejected file, a held re-delivery and a failed flow run each once, and a
    re-delivery of the rejected bytes is not told again. Its Prefect server starts on a copy of
    the session's migrated database, as the other serve test's does (Prefect's own first-start
    migrations are not what these tests are about)."""
    home = tmp_path / "home"
    seed_prefect_database(prefect_database, tmp_path / "prefect-home" / "prefect.db")
    port = free_port()
    log_path = tmp_path / "serve.log"
    webhook, mail = WebhookReceiver(), MailReceiver()
    # a file is complete after 1 s unchanged (2 s by default): each of the five arrivals below
    # is taken a second sooner
    told = {**notify_env(webhook, mail), "SAIHAN_LATE_AFTER_DAYS": "off,crime_open_data=180",
            "SAIHAN_STABLE_SECONDS": "1"}
    started = time.monotonic()
    with log_path.open("w") as log:
        serve = subprocess.Popen([SAIHAN, "serve", "--port", str(port)],
                                 env=environment(home, **told), stdout=log,
                                 stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: "watching" in log_path.read_text(), 240), log_path.read_text()
        ready_after = time.monotonic() - started
        assert f"Prefect server ready at http://127.0.0.1:{port}" in log_path.read_text()
        # The on-arrival trigger exists before the watcher tells of any file (a file-ready
        # event sent before it started no run: the file below then waited for the nightly).
        started_log = log_path.read_text()
        assert started_log.index("serving saihan-nightly/nightly, saihan-ingest/on-arrival") \
            < started_log.index("watching "), started_log
        assert (home / "prefect" / "server.log").exists()

        # A browser-style download: written under a temporary name, then renamed.
        partial = home / "inbox" / "hokkaido_2018hittakuri.csv.part"
        data = (hokkaido_dir / "hokkaido_2018hittakuri.csv").read_bytes()
        partial.write_bytes(data[: len(data) // 2])
        time.sleep(2)  # longer than SAIHAN_STABLE_SECONDS: a temporary name is still ignored
        with partial.open("ab") as handle:
            handle.write(data[len(data) // 2:])
        dropped = time.monotonic()
        partial.rename(home / "inbox" / "hokkaido_2018hittakuri.csv")

        warehouse = home / "warehouse.duckdb"
        assert wait_for(lambda: incidents(warehouse) == 20, 60, 0.1), log_path.read_text()
        latency = time.monotonic() - dropped
        reports = [json.loads(p.read_text()) for p in (home / "runs").glob("*.json")]
        assert [(r["trigger"], r["status"]) for r in reports] == [("arrival", "published")]
        assert ".part" not in log_path.read_text()

        # The police data of 2018 is years overdue: told once, by the run that published it.
        assert wait_for(lambda: webhook.events() == ["source_late"], 30), webhook.events()
        tell_started = time.monotonic()
        assert "北海道" in webhook.received[0]["json"]["text"]
        # A hand-edited file with a stray quote: rejected and told.
        lines = (hokkaido_dir / BIKE_THEFT).read_bytes().split(b"\r\n")
        damaged = b"\r\n".join([*lines[:2], b'"ab"x' + lines[2], *lines[3:]])
        (home / "inbox" / "bike_edited.csv").write_bytes(damaged)
        assert wait_for(lambda: len(webhook.received) == 2, 60), log_path.read_text()
        # A re-delivery with 5 of the 20 incidents: held and told.
        short = b"\r\n".join(data.split(b"\r\n")[:6]) + b"\r\n"
        (home / "inbox" / "hokkaido_2018hittakuri_v2.csv").write_bytes(short)
        assert wait_for(lambda: len(webhook.received) == 3, 60), log_path.read_text()
        # A flow run that fails before its run starts (work/ is a file): told by its hook.
        (home / "work").rmdir()
        (home / "work").write_text("not a folder")
        shutil.copy2(hokkaido_dir / "hokkaido_2018ootobaitou.csv", home / "inbox")
        assert wait_for(lambda: len(webhook.received) == 4, 60), log_path.read_text()
        (home / "work").unlink()
        # The rejected bytes delivered again: rejected again (a run report), not told again.
        (home / "inbox" / "bike_edited.csv").write_bytes(damaged)
        assert wait_for(lambda: sum(1 for r in (home / "runs").glob("*.json")
                                    if "bike_edited" in r.read_text()) == 2, 60)
        time.sleep(1)
        assert webhook.events() == ["source_late", "file_rejected", "file_held", "flow_failed"]
        assert [m["subject"] for m in mail.messages] == [
            r["json"]["title"] for r in webhook.received]
        bodies = [r["json"]["text"] for r in webhook.received]
        assert "bike_edited.csv" in bodies[1] and "line 3" in bodies[1]
        assert "hokkaido_2018hittakuri_v2.csv" in bodies[2] and "saihan accept" in bodies[2]
        assert "saihan-ingest" in bodies[3] and "/runs/flow-run/" in webhook.received[3][
            "json"]["report"]
        told_in = time.monotonic() - tell_started
    finally:
        serve.send_signal(signal.SIGTERM)
        code = serve.wait(60)
        webhook.close()
        mail.close()
    output = log_path.read_text()
    assert code == 0, output
    assert "saihan serve stopped" in output
    # The Prefect server went with it: its port is free again.
    assert wait_for(lambda: port_is_free(port), 10)
    print(f"\nserve ready (server start + deployments) {ready_after:.1f} s; "
          f"file arrival to published {latency:.1f} s; four notifications {told_in:.1f} s")


READER = """
import json, sys, time
from pathlib import Path
import duckdb

warehouse, stop = Path(sys.argv[1]), Path(sys.argv[2])
ok, errors, seen = 0, [], set()
while not stop.exists():
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            seen.add(con.execute(
                "select sum(incidents) from mart.crime_by_station_month").fetchall()[0][0])
        finally:
            con.close()
        ok += 1
    except Exception as exc:
        errors.append(repr(exc))
print(json.dumps({"ok": ok, "errors": errors[:5], "error_count": len(errors),
                  "seen": sorted(seen)}))
"""
REAL_INCIDENTS = 6616  # the real Hokkaido 2018 files; 3977 of them bike thefts


def test_killed_runs_leave_the_published_warehouse_and_the_next_run_recovers_under_readers(
    hokkaido_sample_copy: Settings, tmp_path: Path
) -> None:
    """One home (a copy of the session's published one): a run killed at once, then one killed
    after 0.8 s, leave the warehouse as it was; the next run publishes while a reader in
    another process queries a mart in a loop and sees no error, first the old figures, then
    the new ones."""
    home = hokkaido_sample_copy.home
    warehouse = home / "warehouse.duckdb"
    before_sha, before_marts = sha(warehouse), marts(warehouse)
    assert incidents(warehouse) == REAL_INCIDENTS
    rows = big_bike_theft_file(home / "inbox" / "big" / "hokkaido_2018zitensyatou.csv", 150)

    for kill_after in (0.0, 0.8):
        left_over = set((home / "work").glob("build-*"))
        run = subprocess.Popen([SAIHAN, "run"], env=environment(home), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
        assert wait_for(lambda left_over=left_over: set((home / "work").glob("build-*"))
                        - left_over, 120, 0.01)
        time.sleep(kill_after)
        run.send_signal(signal.SIGKILL)
        run.wait(10)
        assert run.returncode == -signal.SIGKILL
        assert len(list((home / "runs").glob("*.json"))) == 1, (
            f"the run killed after {kill_after} s finished before the kill")
        assert sha(warehouse) == before_sha
        assert marts(warehouse) == before_marts

    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    started = time.monotonic()
    result = saihan(home, "run")
    run_seconds = time.monotonic() - started
    time.sleep(0.5)
    stop.touch()
    out, _ = reader.communicate(timeout=30)
    summary = json.loads(out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"1 loaded ({rows:,} rows)" in result.stdout
    assert list((home / "work").iterdir()) == []
    assert sha(warehouse) != before_sha
    assert incidents(warehouse) == REAL_INCIDENTS - 3977 + rows
    assert summary["error_count"] == 0, summary["errors"]
    # It read the old version during the run and the new one after the publish.
    assert summary["seen"] == sorted([REAL_INCIDENTS, REAL_INCIDENTS - 3977 + rows])
    assert summary["ok"] > 20
    print(f"\nnext run after two kills {run_seconds:.1f} s; {summary['ok']} reads, 0 errors")


def test_no_op_run_changes_nothing(sample_copy: Settings) -> None:
    """`saihan run` on a published home with nothing new (a copy of the session's sample home:
    the first call hashes the copied inbox again, the second is the no-op an operator times)."""
    home = sample_copy.home
    warehouse = home / "warehouse.duckdb"
    before = sha(warehouse)
    assert "nothing new" in saihan(home, "run").stdout
    started = time.monotonic()
    result = saihan(home, "run")
    noop = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing new" in result.stdout
    assert sha(warehouse) == before
    assert not list((home / "work").iterdir())
    assert len(list((home / "snapshots").iterdir())) == 0
    print(f"\nno-op run {noop:.2f} s (wall time of `saihan run`)")


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_serve_ends_with_an_error_when_its_prefect_server_dies(tmp_path: Path,
                                                              prefect_database: Path) -> None:
    """An operator (or systemd's Restart=on-failure) sees serve stop with exit 1 and why,
    rather than a serve that goes on running with no server behind it, or an HTTP client's
    traceback. The server is killed as soon as it is ready, while serve registers its
    deployments or has just begun serving them: either way serve says the same."""
    home = tmp_path / "home"
    seed_prefect_database(prefect_database, tmp_path / "prefect-home" / "prefect.db")
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        serve = subprocess.Popen([SAIHAN, "serve", "--port", str(port)], env=environment(home),
                                 stdout=log, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: "Prefect server ready" in log_path.read_text(), 120, 0.02), (
            log_path.read_text())
        [server] = children_of(serve.pid)
        os.kill(server, signal.SIGKILL)
        code = serve.wait(60)
    finally:
        if serve.poll() is None:
            serve.kill()
    output = log_path.read_text()
    assert code == 1, output
    assert "saihan serve stopped because the local Prefect server exited (exit code -9)" in output
    assert "Start `saihan serve` again" in output
    assert "Traceback" not in output and "httpx" not in output, output
