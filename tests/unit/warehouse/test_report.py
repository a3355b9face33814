"""The Markdown run report (the Prefect artifact): what it says for each way a run ends."""

from __future__ import annotations

from datetime import datetime

import pytest

from warehouse import report as report_module
from warehouse.report import MAX_UNCHANGED_LISTED, cell, new_run_id, render_markdown


def report(**changes) -> dict:
    base = {
        "run_id": "20260101T020000-abc123", "trigger": "nightly",
        "started_at": "2026-01-01T02:00:00+00:00", "finished_at": "2026-01-01T02:00:03+00:00",
        "status": "published", "duration_seconds": 3.25, "files": [], "models_built": 18,
        "data_tests_run": 7, "data_test_failures": [], "published_snapshot_of": None,
        "published_as": "/srv/saihan/warehouse.duckdb", "error": None,
    }
    return base | changes


LOADED = {"file": "/in/hokkaido_2018hittakuri.csv", "status": "loaded", "rows": 20,
          "dataset_key": "crime/01/2018/hittakuri", "superseded_file_ids": [3],
          "findings": [{"message": "2 police station(s) seen for the first time"}]}
REJECTED = {"file": "/in/notes|v2.csv", "status": "rejected", "rows": 0,
            "rejection": {"line": 1, "column": "名前", "reason": "unknown header",
                          "action": "use the template", "details": ["expected 罪名"]},
            "quarantined_as": "/srv/saihan/quarantine/20260101T020000_notes|v2.csv"}
UNCHANGED = {"file": "/in/old.csv", "status": "unchanged", "rows": 0}


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, ["`20260101T020000-abc123`: published", "| Duration | 3.2 s |",
          "Published `/srv/saihan/warehouse.duckdb` (built by run `20260101T020000-abc123`). "
          "It is the first published version.", "7 data tests run, all passed."]),
    ({"published_snapshot_of": "/srv/saihan/snapshots/warehouse-1.duckdb"},
     ["previous version is kept as `/srv/saihan/snapshots/warehouse-1.duckdb`; "
      "`saihan rollback` restores it."]),
    ({"data_tests_run": 10, "data_tests_kept": 7},
     ["10 data tests hold: 3 run, all passed; 7 passed before on the same inputs (not run "
      "again)."]),
    ({"status": "noop", "data_tests_run": 0, "published_as": None, "duration_seconds": 0.02},
     ["nothing new", "Not run: nothing was rebuilt.", "left as it was", "| Duration | 0.0 s |"]),
    ({"status": "audit_failed", "data_tests_run": 0, "published_as": None,
      "data_test_failures": ["subsidy_uptake_matches_published: 39 participate (1 failing)"],
      "error": "1 data test(s) failed"},
     ["audit failed, nothing published", "## Failed data tests",
      "- subsidy_uptake_matches_published: 39 participate (1 failing)",
      "readers still see the previous version"]),
    ({"status": "failed", "error": "OSError: disk full", "duration_seconds": 125.0},
     ["failed, nothing published", "## Error", "OSError: disk full", "| Duration | 2 min 5 s |"]),
    ({"status": "running", "finished_at": None, "duration_seconds": None},
     ["still running (or killed)", "| Finished (UTC) | - |", "| Duration | - |"]),
])
def test_headline_and_outcome(changes: dict, expected: list[str]) -> None:
    text = render_markdown(report(**changes))
    for piece in expected:
        assert piece in text


def test_files_rows_supersession_and_rejections() -> None:
    text = render_markdown(report(files=[UNCHANGED, LOADED, REJECTED]))
    assert "| Files seen | 3 |" in text
    assert "| Loaded | 1 (20 rows) |" in text
    assert "| Superseded earlier deliveries | 1 |" in text
    assert "| Rejected | 1 |" in text
    assert ("| loaded | `/in/hokkaido_2018hittakuri.csv` | 20 | crime/01/2018/hittakuri | "
            "supersedes earlier delivery (file id 3); 2 police station(s) seen for the first "
            "time |") in text
    # The person who must act sees where, what, what to do, and the quarantine report.
    assert "### /in/notes\\|v2.csv (line 1, column 名前)" in text
    assert "- Found: unknown header" in text and "- To do: use the template" in text
    assert "  - expected 罪名" in text
    assert "report: `/srv/saihan/quarantine/20260101T020000_notes\\|v2.csv.report.txt`" in text
    # Loaded and rejected files come before unchanged ones.
    assert text.index("| loaded |") < text.index("| unchanged |")


def test_many_unchanged_files_are_counted_not_listed() -> None:
    files = [UNCHANGED | {"file": f"/in/{i}.csv"} for i in range(MAX_UNCHANGED_LISTED + 5)]
    text = render_markdown(report(status="noop", files=files))
    assert text.count("| unchanged | `") == MAX_UNCHANGED_LISTED
    assert "| unchanged | and 5 more files |" in text


def test_summary_is_derived_when_absent_and_used_when_given() -> None:
    text = render_markdown(report(files=[LOADED]))
    assert "| Loaded | 1 (20 rows) |" in text
    given = {"files_seen": 9, "loaded": 2, "unchanged": 7, "rejected": 0, "superseded": 0,
             "rows_loaded": 1234}
    assert "| Loaded | 2 (1,234 rows) |" in render_markdown(report(summary=given))


# A newline is shown escaped (issue 12: a name must not forge report lines), not folded.
@pytest.mark.parametrize(("value", "expected"), [
    ("a|b", "a\\|b"), ("two\nlines", "two\\nlines"), (None, ""), (3, "3"),
])
def test_cells_stay_on_one_line(value, expected: str) -> None:
    assert cell(value) == expected


def test_run_ids_sort_in_the_order_the_runs_started_within_one_second(monkeypatch) -> None:
    """Reports are listed by file name; two runs in one second used to sort by a random
    suffix (a test reading the last report read the first one). And an id of the earlier,
    second-only form sorts before any id of its second."""
    started = [datetime(2026, 12, 2, 3, 22, 50, micro) for micro in (0, 1, 999_999)]
    clock = iter(started * 20)

    class Clock:
        @staticmethod
        def now() -> datetime:
            return next(clock)

    monkeypatch.setattr(report_module, "datetime", Clock)
    for _ in range(20):
        ids = [new_run_id() for _ in started]
        assert sorted(ids) == ids, ids
        assert sorted(["20261202T032250-ffffff", *ids])[0] == "20261202T032250-ffffff"


def test_a_report_the_disk_cannot_take_is_not_left_half_written(tmp_path, monkeypatch) -> None:
    """`saihan status` and the notifications read every report in runs/: a full disk leaves
    the report out, never a part of it."""
    from pathlib import Path

    from warehouse.report import RunReport, write_report
    from warehouse.settings import Settings

    settings = Settings.from_env({"SAIHAN_HOME": str(tmp_path / "home")})
    write_report(settings, RunReport("20261202T030000000000-aaaaaa", "run", "2026-12-02"))
    written = Path.write_text

    def disk_full(self, text, *args, **kwargs):
        written(self, text[:40], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_report(settings, RunReport("20261202T030001000000-bbbbbb", "run", "2026-12-02"))
    assert [p.name for p in settings.runs.iterdir()] == ["20261202T030000000000-aaaaaa.json"]
