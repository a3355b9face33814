"""Expected deliveries: when each source is due from each prefecture, and which are late.

The one place that says how often a source arrives and how long after the end of its period a
delivery may take (``SAIHAN_LATE_AFTER_DAYS`` overrides the allowances):

- police crime open data: one data year (calendar year) per prefecture, due 180 days after
  31 December;
- local-plan status: as of each 1 April, due 180 days after it;
- subsidy records: one fiscal year (April to March), due 180 days after 31 March;
- prefecture indicators: one year per indicator period, due 365 days after 31 December.

What arrived is ``mart.delivery_coverage`` (latest period per prefecture x source). Whether it
is late depends on the day it is read, not on when the warehouse was built, so :func:`assess`
works it out here, for the data page and for the late-source notifications alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from warehouse import db
from warehouse.settings import ALL_SOURCES, EXPECTED_SOURCES, LATE_OFF, Settings

JAPAN = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Expectation:
    """How a source arrives: its cadence and the default lateness allowance in days."""

    source_kind: str
    cadence: str  # calendar_year | april_first | fiscal_year
    allowance_days: int


EXPECTATIONS: dict[str, Expectation] = {
    "crime_open_data": Expectation("crime_open_data", "calendar_year", 180),
    "local_plans": Expectation("local_plans", "april_first", 180),
    "subsidy_records": Expectation("subsidy_records", "fiscal_year", 180),
    "indicators": Expectation("indicators", "calendar_year", 365),
}
assert tuple(EXPECTATIONS) == EXPECTED_SOURCES


def period_end(source_kind: str, period: int) -> date:
    """The last day (or the as-of day) of a source's period."""
    cadence = EXPECTATIONS[source_kind].cadence
    if cadence == "april_first":
        return date(period, 4, 1)
    if cadence == "fiscal_year":
        return date(period + 1, 3, 31)
    return date(period, 12, 31)


def period_label(source_kind: str, period: int) -> str:
    """A period as the data page and messages name it: 2025, 2025-04-01, FY2025."""
    cadence = EXPECTATIONS[source_kind].cadence
    if cadence == "april_first":
        return f"{period}-04-01"
    if cadence == "fiscal_year":
        return f"FY{period}"
    return str(period)


def allowances(settings: Settings) -> dict[str, int | None]:
    """Days of allowance per source (None: not watched), defaults overlaid with the setting."""
    given = dict(settings.late_after_days)
    found: dict[str, int | None] = {}
    for source, expectation in EXPECTATIONS.items():
        days = given.get(source, given.get(ALL_SOURCES, expectation.allowance_days))
        found[source] = None if days == LATE_OFF else days
    return found


def due_on(source_kind: str, period: int, days: int) -> date:
    """The last day a delivery for ``period`` is on time."""
    return period_end(source_kind, period) + timedelta(days=days)


def expected_period(source_kind: str, days: int, today: date) -> int:
    """The latest period whose delivery was due before ``today``."""
    period = today.year + 1
    while due_on(source_kind, period, days) >= today:
        period -= 1
    return period


def japan_today() -> date:
    """Today in Japan, where the deliveries are made."""
    return datetime.now(JAPAN).date()


@dataclass(frozen=True)
class Coverage:
    """One prefecture x source: what arrived, what is expected, and whether it is late."""

    pref_code: str
    pref_name_ja: str
    pref_name_en: str
    source_kind: str
    latest_period: int | None
    latest_period_label: str | None
    received_at: Any
    is_sample: bool
    expected_period: int | None  # None: the source is not watched (SAIHAN_LATE_AFTER_DAYS off)
    expected_label: str | None
    due_on: date | None
    status: str  # on_time | late | missing (nothing ever arrived, and it is due) | not_watched

    @property
    def is_late(self) -> bool:
        return self.status in ("late", "missing")


def assess(rows: Iterable[Mapping[str, Any]], settings: Settings,
           today: date | None = None) -> list[Coverage]:
    """The rows of ``mart.delivery_coverage`` with what is expected of each on ``today``."""
    today = today or japan_today()
    days_of = allowances(settings)
    found = []
    for row in rows:
        source = row["source_kind"]
        days = days_of[source]
        latest = row.get("latest_period")
        expected = None if days is None else expected_period(source, days, today)
        if expected is None:
            status = "not_watched"
        elif latest is None:
            status = "missing"
        else:
            status = "on_time" if latest >= expected else "late"
        found.append(Coverage(
            pref_code=row["pref_code"], pref_name_ja=row["pref_name_ja"],
            pref_name_en=row["pref_name_en"], source_kind=source,
            latest_period=latest, latest_period_label=row.get("latest_period_label"),
            received_at=row.get("received_at"), is_sample=bool(row.get("is_sample")),
            expected_period=expected,
            expected_label=None if expected is None else period_label(source, expected),
            due_on=None if expected is None or days is None else due_on(source, expected, days),
            status=status))
    return found


COVERAGE_SQL = ("select pref_code, pref_name_ja, pref_name_en, source_kind, latest_period, "
                "latest_period_label, received_at, is_sample from mart.delivery_coverage "
                "order by pref_code, source_order")


def read_coverage(warehouse: Path) -> list[dict[str, Any]]:
    """The published ``mart.delivery_coverage`` as dicts; empty when there is none yet."""
    if not warehouse.exists():
        return []
    try:
        con = db.open_published(warehouse)
    except duckdb.Error:
        return []
    try:
        result = con.execute(COVERAGE_SQL)
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    except duckdb.Error:  # a warehouse published before the mart existed
        return []
    finally:
        con.close()


def late(coverage: Iterable[Coverage]) -> dict[tuple[str, int], list[Coverage]]:
    """The late cells, by source and the period expected of them."""
    found: dict[tuple[str, int], list[Coverage]] = {}
    for cell in coverage:
        if cell.is_late and cell.expected_period is not None:
            found.setdefault((cell.source_kind, cell.expected_period), []).append(cell)
    return found
