"""Expected deliveries: each source's cadence and allowance, mart.delivery_coverage (what
arrived per prefecture x source), what is late on a given day, and a late source told once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CRIME_DIR
from tests.helpers import MailReceiver, WebhookReceiver, notify_env
from warehouse.expected import (
    assess,
    due_on,
    expected_period,
    japan_today,
    read_coverage,
)
from warehouse.run import run_pipeline
from warehouse.settings import Settings


@pytest.mark.parametrize(("source", "today", "expected", "due"), [
    # police data of 2025: 180 days after 31 December 2025
    ("crime_open_data", date(2026, 6, 29), 2024, date(2025, 6, 29)),
    ("crime_open_data", date(2026, 6, 30), 2025, date(2026, 6, 29)),
    # plan status as of 1 April 2026: 180 days after it
    ("local_plans", date(2026, 9, 28), 2025, date(2025, 9, 28)),
    ("local_plans", date(2026, 9, 29), 2026, date(2026, 9, 28)),
    # subsidy records of FY2025 (to 31 March 2026)
    ("subsidy_records", date(2026, 9, 27), 2024, date(2025, 9, 27)),
    ("subsidy_records", date(2026, 9, 28), 2025, date(2026, 9, 27)),
    # prefecture indicators of 2024: 365 days after 31 December 2024
    ("indicators", date(2026, 1, 1), 2024, date(2025, 12, 31)),
    ("indicators", date(2025, 12, 31), 2023, date(2024, 12, 30)),
])
def test_the_period_expected_on_a_day(source: str, today: date, expected: int,
                                      due: date) -> None:
    days = {"indicators": 365}.get(source, 180)
    assert expected_period(source, days, today) == expected
    assert due_on(source, expected, days) == due


def test_the_mart_has_47_prefectures_times_4_sources(sample_home: Settings) -> None:
    rows = read_coverage(sample_home.warehouse)
    assert len(rows) == 47 * 4
    by = {(r["pref_code"], r["source_kind"]): r for r in rows}
    assert by[("01", "crime_open_data")]["latest_period"] == 2022  # the generated sample
    assert by[("01", "crime_open_data")]["is_sample"] is True
    assert by[("40", "crime_open_data")]["latest_period_label"] == "2022"
    assert by[("02", "crime_open_data")]["latest_period"] is None  # nothing from 青森県
    assert by[("13", "local_plans")]["latest_period_label"] == "2024-04-01"
    assert by[("13", "subsidy_records")]["latest_period_label"] == "FY2024"
    assert by[("13", "indicators")]["latest_period"] == 2023


def test_what_is_late_on_a_day_and_the_allowance_setting(sample_home: Settings) -> None:
    rows = read_coverage(sample_home.warehouse)
    cells = {(c.pref_code, c.source_kind): c
             for c in assess(rows, sample_home, today=date(2023, 7, 1))}
    assert cells[("01", "crime_open_data")].status == "on_time"  # 2022 expected, 2022 arrived
    assert cells[("02", "crime_open_data")].status == "missing"
    assert cells[("02", "crime_open_data")].is_late
    assert cells[("13", "local_plans")].status == "on_time"  # 2024-04-01 beyond what is due
    later = {(c.pref_code, c.source_kind): c
             for c in assess(rows, sample_home, today=date(2026, 12, 1))}
    assert later[("01", "crime_open_data")].status == "late"
    assert later[("01", "crime_open_data")].expected_label == "2025"
    assert later[("13", "subsidy_records")].expected_label == "FY2025"

    patient = Settings.from_env({"SAIHAN_HOME": str(sample_home.home),
                                 "SAIHAN_LATE_AFTER_DAYS": "crime_open_data=2000,indicators=off"})
    cells = {(c.pref_code, c.source_kind): c
             for c in assess(rows, patient, today=date(2026, 12, 1))}
    assert cells[("01", "crime_open_data")].status == "on_time"
    assert cells[("01", "indicators")].status == "not_watched"
    assert cells[("01", "local_plans")].status == "late"  # the default still applies


@pytest.mark.parametrize(("value", "message"), [
    ("police=3", "unknown source 'police'"), ("crime_open_data=soon", "number of days"),
])
def test_a_bad_allowance_is_named(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env({"SAIHAN_HOME": str(tmp_path), "SAIHAN_LATE_AFTER_DAYS": value})


@pytest.fixture
def receivers() -> Iterator[tuple[WebhookReceiver, MailReceiver]]:
    webhook, mail = WebhookReceiver(), MailReceiver()
    yield webhook, mail
    webhook.close()
    mail.close()


def test_a_late_source_is_told_once(tmp_path: Path, receivers) -> None:
    webhook, mail = receivers
    settings = Settings.from_env({"SAIHAN_HOME": str(tmp_path / "home"),
                                  "SAIHAN_LATE_AFTER_DAYS": "off,crime_open_data=180",
                                  **notify_env(webhook, mail)})
    settings.inbox.mkdir(parents=True)
    bike = "sample_hokkaido_2022zitensyatou.csv"
    shutil.copy2(SAMPLE_CRIME_DIR / bike, settings.inbox / bike)
    expected = expected_period("crime_open_data", 180, japan_today())

    report = run_pipeline(settings)

    assert webhook.events() == ["source_late"] and len(mail.messages) == 1
    body = webhook.received[0]["json"]
    assert body["title"] == (f"[saihan] 納品が遅れています: 犯罪オープンデータ（警察） {expected}"
                             f"（47 都道府県） / Deliveries late: police crime open data "
                             f"{expected} (47 prefectures)")
    assert "北海道、青森県" in body["text"] and "Hokkaido, Aomori" in body["text"]
    assert body["report"] == str(settings.runs / f"{report.run_id}.json")
    assert mail.messages[0]["subject"] == body["title"]

    assert run_pipeline(settings).status == "noop"  # still late: not told again
    assert run_pipeline(settings, force_build=True).status == "published"
    assert len(webhook.received) == 1 and len(mail.messages) == 1
