"""Rejections survive: a rejection shows in mart.rejected_file, the run report and the exit
status even when the run that found it is killed or publishes nothing because of another file.
The quarantine report on disk is the record; the next run records what the warehouse lacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

import warehouse.run
from tests.helpers import invoke
from warehouse.run import run_pipeline
from warehouse.settings import Settings

BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def rejected_names(settings: Settings) -> list[str]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return [r[0] for r in con.execute("select file_name from mart.rejected_file").fetchall()]
    finally:
        con.close()


class Killed(BaseException):
    """Stands for SIGKILL after the quarantine: nothing after the loads runs."""


def test_a_rejection_survives_a_run_killed_after_the_quarantine(
        hokkaido_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.inbox.mkdir(parents=True, exist_ok=True)
    shutil.copy2(hokkaido_dir / "hokkaido_2018hittakuri.csv", settings.inbox)
    assert run_pipeline(settings).status == "published"
    (settings.inbox / "broken.csv").write_bytes(BINARY)

    def killed(run) -> None:  # noqa: ANN001
        raise Killed

    monkeypatch.setattr(warehouse.run, "build_and_audit", killed)
    with pytest.raises(Killed):
        run_pipeline(settings)
    monkeypatch.undo()
    assert not (settings.inbox / "broken.csv").exists()  # quarantined by the killed run
    assert rejected_names(settings) == []  # ... which published nothing

    result = invoke(settings.home, "run")

    assert result.exit_code == 3, result.output
    assert "REJECTED" in result.output and "broken.csv" in result.output
    assert rejected_names(settings) == ["broken.csv"]
    assert "broken.csv" in invoke(settings.home, "status").output
    # recorded once: the run after has nothing new
    assert invoke(settings.home, "run").exit_code == 0
    assert rejected_names(settings) == ["broken.csv"]


def test_a_rejection_survives_a_run_that_fails_for_another_file(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run fails after the quarantine (here the build, standing for a data test that fails
    because of another file); the rejection is in that run's report and recorded by the next."""
    settings.inbox.mkdir(parents=True, exist_ok=True)
    (settings.inbox / "broken.csv").write_bytes(BINARY)

    def failing(run) -> None:  # noqa: ANN001
        raise RuntimeError("a data test failed because of another file")

    monkeypatch.setattr(warehouse.run, "build_and_audit", failing)
    with pytest.raises(RuntimeError):
        run_pipeline(settings)
    monkeypatch.undo()
    report = run_pipeline(settings)
    assert report.status == "published" and report.count("rejected") == 1
    assert rejected_names(settings) == ["broken.csv"]
