"""A file that parses but breaks a data test is named and held, so that unrelated files still
publish (issue 12, point 7). The case is the real one the data test exists for: a complete,
real local-plan delivery whose counts contradict the white paper (plan_coverage_reconciles)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.helpers import invoke, sha
from warehouse.db import AuditFailed
from warehouse.report import render_markdown
from warehouse.run import run_pipeline
from warehouse.settings import PROJECT_ROOT, Settings

SAMPLE_PLANS = PROJECT_ROOT / "data" / "sample" / "local_plans_2024-04-01_sample.csv"


def contradicting_plans(path: Path) -> Path:
    """The sample plan list as a real delivery (データ区分 実データ) in which 北海道 has no plan:
    complete, so the white paper's 47 prefectures with a plan no longer hold."""
    rows = list(csv.reader(io.StringIO(SAMPLE_PLANS.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    for row in rows[1:]:
        row[header.index("データ区分")] = "実データ"
        if row[header.index("団体コード")] == "010006":
            for column in ("策定方法", "包含先の計画", "形式", "計画名", "策定日",
                           "計画期間（開始）", "計画期間（終了）"):
                row[header.index(column)] = ""
            row[header.index("策定状況")] = "未策定"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def query(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_file_breaking_a_data_test_is_held_and_the_others_publish(
    sample_copy: Settings, base: Path,
) -> None:
    settings = sample_copy
    plans = contradicting_plans(settings.inbox / "plans_2024-04-01_real.csv")
    plans_sha = sha(plans)
    shutil.copy2(base, settings.inbox / base.name)  # an unrelated, good delivery
    before = query(settings, "select count(*) from mart.plan_status where not is_sample")
    result = invoke(settings.home, "run")
    assert result.exit_code == 6, result.output  # held: exit 6, the rest published
    assert "HELD" in result.output and "plan_coverage_reconciles" in result.output
    report = json.loads(sorted(settings.runs.glob("*.json"))[-1].read_text(encoding="utf-8"))
    assert report["status"] == "published"
    status = {Path(f["file"]).name: f["status"] for f in report["files"]}
    assert status["plans_2024-04-01_real.csv"] == "held" and status[base.name] == "loaded"
    # The good file is published; nothing of the held one is.
    assert query(settings, f"select count(*) from raw.file where file_name = '{base.name}'") \
        == [(1,)]
    assert query(settings, "select count(*) from mart.plan_status where not is_sample") == before
    assert query(settings, f"select count(*) from raw.file where sha256 = '{plans_sha}'") == [(0,)]
    # Kept under held/ with a report naming the data test; recorded in mart.held_file.
    assert not plans.exists()
    [held] = [p for p in settings.held.iterdir() if p.name.endswith("plans_2024-04-01_real.csv")]
    text = Path(f"{held}.held.txt").read_text(encoding="utf-8")
    assert "breaks the data test plan_coverage_reconciles" in text
    assert "ask the sender to correct the file" in text
    [(reason, held_path)] = query(settings, "select reason, held_path from mart.held_file")
    assert "plan_coverage_reconciles" in reason and held_path == str(held)
    assert "plan_coverage_reconciles" in render_markdown(report)
    assert "held" in invoke(settings.home, "status").output
    # Nothing new next time: the held file is not tried again.
    again = run_pipeline(settings)
    assert again.status == "noop"


def test_a_run_whose_only_new_file_breaks_a_data_test_publishes_nothing_new_but_holds_it(
    sample_copy: Settings,
) -> None:
    settings = sample_copy
    contradicting_plans(settings.inbox / "plans_real.csv")
    published_rows = query(settings, "select count(*) from raw.file")
    report = run_pipeline(settings)
    assert report.status == "published" and report.count("held") == 1
    assert query(settings, "select count(*) from raw.file") == published_rows
    assert query(settings, "select count(*) from mart.held_file") == [(1,)]


def test_an_accepted_file_that_breaks_a_data_test_still_stops_the_publish(
    sample_copy: Settings,
) -> None:
    """`saihan accept` waives a hold, not the data tests: nothing is published."""
    settings = sample_copy
    contradicting_plans(settings.inbox / "plans_real.csv")
    run_pipeline(settings)
    [held] = [p for p in settings.held.iterdir() if p.name.endswith("plans_real.csv")]
    published = sha(settings.warehouse)
    with pytest.raises(AuditFailed, match="plan_coverage_reconciles"):
        run_pipeline(settings, [], trigger="accept", accept=[held])
    assert sha(settings.warehouse) == published


@pytest.mark.parametrize("trial", ["only together", "without the run's files too"])
def test_when_no_file_alone_breaks_the_tests_the_run_fails_as_before(
    sample_copy: Settings, monkeypatch, trial: str,
) -> None:
    """When no file alone can be named (files break a test only together, or the build fails
    without this run's files too), the run fails, nothing is published and nothing held."""
    from warehouse import audit_hold

    settings = sample_copy
    contradicting_plans(settings.inbox / "plans_real.csv")
    answer = [] if trial == "only together" else ["still failing"]
    monkeypatch.setattr(audit_hold, "_failures_without", lambda con, sql_dir, ids: answer)
    published = sha(settings.warehouse)
    with pytest.raises(AuditFailed):
        run_pipeline(settings)
    assert sha(settings.warehouse) == published and not list(settings.held.glob("*"))
    assert (settings.inbox / "plans_real.csv").exists()
