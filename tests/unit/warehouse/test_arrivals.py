"""When a file in the inbox counts as complete (plain code with a fake clock), the watcher that
reports complete files (real file-system events, no Prefect), and the SAIHAN_STABLE_SECONDS
setting."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from flows.watcher import InboxWatcher
from warehouse.arrivals import StableFiles, settled_unseen_inbox_files, unseen_inbox_files
from warehouse.run import run_pipeline
from warehouse.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_file_is_ready_after_it_stays_unchanged(tmp_path: Path, clock: Clock) -> None:
    tracker = StableFiles(2.0, clock)
    path = tmp_path / "a.csv"
    path.write_bytes(b"header\n")
    assert tracker.touch(path)
    assert tracker.poll() == []  # first sight: the clock starts
    clock.now += 1.9
    assert tracker.poll() == []
    clock.now += 0.1
    assert tracker.poll() == [path]
    assert tracker.pending == []  # reported once


def test_a_growing_file_restarts_the_clock(tmp_path: Path, clock: Clock) -> None:
    tracker = StableFiles(2.0, clock)
    path = tmp_path / "a.csv"
    path.write_bytes(b"header\n")
    tracker.touch(path)
    tracker.poll()
    clock.now += 1.5
    with path.open("ab") as handle:
        handle.write(b"row\n")
    assert tracker.poll() == []  # changed: not done yet
    clock.now += 1.5
    assert tracker.poll() == []  # 1.5 s since the change
    clock.now += 0.5
    assert tracker.poll() == [path]


def test_same_size_rewrite_is_seen_through_mtime(tmp_path: Path, clock: Clock) -> None:
    tracker = StableFiles(2.0, clock)
    path = tmp_path / "a.csv"
    path.write_bytes(b"aaaa")
    tracker.touch(path)
    tracker.poll()
    clock.now += 1.5
    path.write_bytes(b"bbbb")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert tracker.poll() == []
    clock.now += 2
    assert tracker.poll() == [path]


@pytest.mark.parametrize("name", [
    "data.csv.part", "data.csv.crdownload", "data.tmp", "~$book.xlsx", ".hidden.csv",
    "x.csv.report.json", "x.csv.report.txt", ".data.csv.swp",
])
def test_temporary_names_are_never_watched(tmp_path: Path, clock: Clock, name: str) -> None:
    tracker = StableFiles(0, clock)
    path = tmp_path / name
    path.write_bytes(b"x")
    assert not tracker.touch(path)
    clock.now += 10
    assert tracker.poll() == []


def test_empty_and_deleted_files_are_not_ready(tmp_path: Path, clock: Clock) -> None:
    tracker = StableFiles(1.0, clock)
    empty, gone = tmp_path / "empty.csv", tmp_path / "gone.csv"
    empty.touch()
    gone.write_bytes(b"x")
    tracker.touch(empty)
    tracker.touch(gone)
    tracker.poll()
    gone.unlink()
    clock.now += 5
    assert tracker.poll() == []
    assert tracker.pending == [empty]


def test_zero_stable_seconds_reports_at_first_poll(tmp_path: Path, clock: Clock) -> None:
    tracker = StableFiles(0, clock)
    path = tmp_path / "a.csv"
    path.write_bytes(b"x")
    tracker.touch(path)
    assert tracker.poll() == [path]


def test_unseen_inbox_files_skip_what_the_warehouse_has_seen(
    hokkaido_dir: Path, settings: Settings
) -> None:
    settings.inbox.mkdir(parents=True)
    loaded = settings.inbox / "hokkaido_2018hittakuri.csv"
    shutil.copy(hokkaido_dir / loaded.name, loaded)
    assert unseen_inbox_files(settings) == [loaded]  # nothing published yet
    run_pipeline(settings)
    assert unseen_inbox_files(settings) == []
    new = settings.inbox / "new.csv"
    new.write_bytes(b"x")
    stat = loaded.stat()
    os.utime(loaded, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched since
    assert sorted(unseen_inbox_files(settings)) == sorted([loaded, new])


def test_settled_files_exclude_recent_and_empty_ones(settings: Settings) -> None:
    settings.inbox.mkdir(parents=True)
    settled, recent, empty = (settings.inbox / n for n in ("settled.csv", "recent.csv", "e.csv"))
    for path in (settled, recent):
        path.write_bytes(b"x")
    empty.touch()
    now = time.time_ns()
    os.utime(settled, ns=(now, now - 3 * 10**9))
    os.utime(empty, ns=(now, now - 3 * 10**9))
    os.utime(recent, ns=(now, now - 1 * 10**9))
    assert settled_unseen_inbox_files(settings, now_ns=now) == [settled]


def test_watcher_reports_each_complete_file_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    ready: list[Path] = []
    got_two = threading.Event()

    def on_ready(path: Path) -> None:
        ready.append(path)
        if len(ready) >= 2:
            got_two.set()

    existing = inbox / "already-there.csv"
    inbox.mkdir()
    existing.write_bytes(b"old")
    watcher = InboxWatcher(inbox, on_ready, stable_seconds=0.3, poll_seconds=0.05)
    watcher.start([existing])
    try:
        (inbox / "sub").mkdir()
        part = inbox / "sub" / "new.csv.part"
        part.write_bytes(b"a" * 100)
        time.sleep(0.5)
        assert ready == [existing]  # the .part file is ignored
        part.rename(inbox / "sub" / "new.csv")
        assert got_two.wait(5)
        time.sleep(0.5)
    finally:
        watcher.stop()
    assert ready == [existing, inbox / "sub" / "new.csv"]


@pytest.mark.parametrize(("value", "expected"), [(None, 2.0), ("0", 0.0), ("5.5", 5.5)])
def test_stable_seconds_setting(value: str | None, expected: float) -> None:
    env = {} if value is None else {"SAIHAN_STABLE_SECONDS": value}
    assert Settings.from_env(env).stable_seconds == expected


@pytest.mark.parametrize("value", ["-1", "two", "nan", "inf", "4000"])
def test_bad_stable_seconds_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="SAIHAN_STABLE_SECONDS"):
        Settings.from_env({"SAIHAN_STABLE_SECONDS": value})
