"""Compare every published total with what the warehouse computes, and explain differences.

The white paper publishes national totals (local plans by level and method as of 2024-04-01;
the subsidy programme's participants as of 2024-06-14; the programme's rule). The warehouse
computes the same figures from per-government and per-prefecture records. :func:`reconcile`
puts them side by side; each comparison is a ``match``, an ``explained`` difference (with the
reason: governments not reported, real records replacing sample ones), ``no_data`` (nothing to
compare yet) or ``differs`` — an unexplained difference that a person has to look at.
``saihan check`` prints them and fails on any ``differs``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import duckdb

MATCH, EXPLAINED, NO_DATA, DIFFERS = "match", "explained", "no_data", "differs"
LEVEL_LABELS = {"prefecture": "prefectures", "designated_city": "designated cities",
                "municipality": "other municipalities", "all_governments": "all governments",
                "all_municipalities": "municipalities (designated cities included)"}
SERIES_LABELS = {"municipal_council_members": "市町村再犯防止等推進会議 members",
                 "correctional_host_members": "矯正施設所在自治体会議 members"}
# A complete breakdown of all governments by level: either one adds up to the total.
LEVEL_BREAKDOWNS = (("prefecture", "all_municipalities"),
                    ("prefecture", "designated_city", "municipality"))
METHOD_LABELS = {"all": "with a plan", "standalone": "standalone",
                 "included_in_other": "included in another plan"}


@dataclass(frozen=True)
class Comparison:
    """One published figure beside the warehouse's figure."""

    what: str
    fact_id: str
    as_of_on: date | None
    published: float
    warehouse: float | None
    status: str
    explanation: str

    @property
    def difference(self) -> float | None:
        """warehouse - published (None when the warehouse has nothing to compare)."""
        return None if self.warehouse is None else self.warehouse - self.published

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return asdict(self) | {"difference": self.difference}


def _published(con: duckdb.DuckDBPyConnection, topic: str) -> list[tuple]:
    return con.execute(
        "select fact_id, measure, level, method, as_of_on, value, as_of_fiscal_year "
        "from mart.published_total where topic = ? order by fact_id", [topic]).fetchall()


def reconcile_plans(con: duckdb.DuckDBPyConnection) -> list[Comparison]:
    """Local-plan counts by level and method against mart.plan_coverage on the same date.

    The comparison is made in ``mart.plan_coverage_reconciliation`` (the plans page and the data
    test plan_coverage_reconciles read the same rows); this names each row for people.
    """
    rows = con.execute(
        "select fact_id, level, method, as_of_on, published, warehouse, status, explanation "
        "from mart.plan_coverage_reconciliation where is_compared order by fact_id").fetchall()
    return [
        Comparison(
            f"local plans: {LEVEL_LABELS.get(level, level)} {METHOD_LABELS.get(method, method)}",
            fact_id, as_of_on, published, warehouse, status, explanation)
        for fact_id, level, method, as_of_on, published, warehouse, status, explanation in rows
    ]


def reconcile_subsidy(con: duckdb.DuckDBPyConnection) -> list[Comparison]:
    """The published number of participants against mart.subsidy_participation_by_fiscal_year:
    the count the mart makes from the published list, and what the records alone say."""
    results = []
    for fact_id, measure, _, _, as_of_on, value, fiscal_year in _published(
            con, "subsidy_participation"):
        if measure != "participating_prefectures" or as_of_on is None:
            continue
        rows = con.execute(
            "select participating_prefectures, participation_source, prefectures_with_record, "
            "record_participating_prefectures, are_records_sample, record_only_pref_codes, "
            "list_only_pref_codes from mart.subsidy_participation_by_fiscal_year "
            "where fiscal_year = ?", [fiscal_year]).fetchall()
        participating, source, reported, in_records, all_sample, extra, absent = (
            rows[0] if rows else (0, None, 0, 0, None, None, None))
        mart = participating if source == "published" else 0
        results.append(Comparison(
            f"subsidy: participating prefectures FY{fiscal_year} (mart)", fact_id, as_of_on,
            value, mart, MATCH if mart == value else DIFFERS,
            "from the published list" if mart == value
            else "mart.subsidy_uptake does not carry the published list"))
        what = f"subsidy: participating prefectures FY{fiscal_year} (records)"
        if not reported:
            results.append(Comparison(what, fact_id, as_of_on, value, None, NO_DATA,
                                      f"no subsidy records for FY{fiscal_year}"))
            continue
        names = dict(con.execute("select pref_code, name_ja from mart.prefecture").fetchall())
        if not extra and not absent:
            missing = 47 - reported
            note = ("generated sample data, made to match" if all_sample else "real records")
            if missing:
                note += f"; {missing} prefectures without a record"
            status = MATCH if in_records == value else EXPLAINED
            if status == EXPLAINED:
                note = f"{missing} prefectures without a record; every record agrees with the list"
            results.append(Comparison(what, fact_id, as_of_on, value, in_records, status, note))
            continue
        parts = []
        if extra:
            parts.append("the records say " + "、".join(names[c] for c in extra) + " took part, "
                         f"the list of {as_of_on} does not")
        if absent:
            parts.append("the list names " + "、".join(names[c] for c in absent) + ", the records "
                         "say it did not take part")
        results.append(Comparison(what, fact_id, as_of_on, value, in_records, DIFFERS,
                                  "; ".join(parts) + " (a prefecture may have joined after the "
                                  "list's date: confirm with the programme office)"))
    return results


def reconcile_subsidy_rule(con: duckdb.DuckDBPyConnection) -> list[Comparison]:
    """The programme's rule (half the cost, at most 1.5 million yen) against the records."""
    row = con.execute(
        "select max(100.0 * national_share_yen / nullif(project_cost_yen, 0)), "
        "max(national_share_yen), count(national_share_yen) from mart.subsidy_uptake").fetchone()
    largest_share, largest_amount, count = row
    results = []
    for fact_id, measure, _, _, as_of_on, value, _ in _published(con, "subsidy_rule"):
        observed = {"state_share": largest_share, "state_cap": largest_amount}.get(measure)
        if measure not in ("state_share", "state_cap"):
            continue
        what = ("subsidy rule: largest national share (% of cost)" if measure == "state_share"
                else "subsidy rule: largest national share (yen)")
        if not count or observed is None:
            results.append(Comparison(what, fact_id, as_of_on, value, None, NO_DATA,
                                      "no amounts in the subsidy records"))
            continue
        status = MATCH if observed <= value + 1e-9 else DIFFERS
        results.append(Comparison(
            what, fact_id, as_of_on, value, round(float(observed), 2), status,
            f"at most the published rule over {count} records" if status == MATCH
            else "a record breaks the rule (loading should have rejected it)"))
    return results


def _series_label(series_id: str) -> str:
    if series_id.startswith("plans_"):
        return f"series: local plans, {LEVEL_LABELS.get(series_id[6:], series_id[6:])}"
    return f"series: {SERIES_LABELS.get(series_id, series_id)}"


def reconcile_series(con: duckdb.DuckDBPyConnection) -> list[Comparison]:
    """Each point of mart.national_series against the other figures published for it: the
    editions that print the same date must agree, and all governments with a plan must equal
    its levels where a source gives a complete breakdown. A point published once, with nothing
    to add up, is ``no_data`` (its quote and page are in data/published/)."""
    rows = con.execute(
        "select series_id, level, as_of_on, value, editions, editions_agree, source, fact_id "
        "from mart.national_series order by series_id, as_of_on").fetchall()
    by_source: dict[tuple, float] = {}
    for level, as_of_on, value, source in con.execute(
            "select level, as_of_on, value, source from mart.published_total "
            "where topic = 'local_plans' and method = 'all'").fetchall():
        by_source[(level, as_of_on, source)] = value
    results = []
    for series_id, level, as_of_on, value, editions, agree, source, fact_id in rows:
        what = _series_label(series_id)
        if not agree:
            results.append(Comparison(
                what, fact_id, as_of_on, value, None, DIFFERS,
                f"{editions} editions print different figures for this date; the newest "
                f"({source}) is shown: check which one revised it"))
            continue
        if level == "all_governments":
            sums = [sum(by_source[(part, as_of_on, source)] for part in parts)
                    for parts in LEVEL_BREAKDOWNS
                    if all((part, as_of_on, source) in by_source for part in parts)]
            if sums:
                results.append(Comparison(
                    what, fact_id, as_of_on, value, sums[0],
                    MATCH if sums[0] == value else DIFFERS,
                    f"the levels {source} gives add up to the total" if sums[0] == value
                    else f"the levels {source} gives do not add up to its total"))
                continue
        if editions > 1:
            results.append(Comparison(what, fact_id, as_of_on, value, value, MATCH,
                                      f"{editions} editions print the same figure"))
            continue
        results.append(Comparison(what, fact_id, as_of_on, value, None, NO_DATA,
                                  f"published once ({source}); nothing to add it up with"))
    return results


def reconcile(con: duckdb.DuckDBPyConnection) -> list[Comparison]:
    """Every comparison between published totals and the warehouse. A series point that the
    local-plan records compare is shown once, with the records; one they cannot compare (no
    records on its date) once, as a series point."""
    plans = reconcile_plans(con)
    with_records = {c.fact_id for c in plans if c.status != NO_DATA}
    series = [c for c in reconcile_series(con) if c.fact_id not in with_records]
    # Every edition's count of all governments with a plan at a level is a series point.
    in_series = {row[0] for row in con.execute(
        "select fact_id from mart.published_total "
        "where topic = 'local_plans' and method = 'all'").fetchall()}
    plans = [c for c in plans if c.status != NO_DATA or c.fact_id not in in_series]
    return [*plans, *series, *reconcile_subsidy(con), *reconcile_subsidy_rule(con)]


def not_compared(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Published topics the warehouse has no per-government data for: (topic, figures)."""
    return con.execute(
        "select topic, count(*) from mart.published_total "
        "where topic not in ('local_plans', 'subsidy_participation', 'subsidy_rule') "
        "and fact_id not in (select fact_id from mart.national_series "
        "where topic = 'councils') "
        "group by topic order by topic").fetchall()


def unexplained(comparisons: list[Comparison]) -> list[Comparison]:
    """The comparisons a person has to look at."""
    return [c for c in comparisons if c.status == DIFFERS]


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def format_table(comparisons: list[Comparison]) -> str:
    """The comparisons as a plain-text table (published, warehouse, difference, explanation)."""
    headings = ("what", "as of", "published", "warehouse", "difference", "status")
    rows = [(c.what, str(c.as_of_on or "-"), _number(c.published), _number(c.warehouse),
             "-" if c.difference is None else f"{c.difference:+,.0f}"
             if float(c.difference).is_integer() else f"{c.difference:+,.2f}", c.status)
            for c in comparisons]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headings)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row, comparison in zip(rows, comparisons, strict=True):
        lines.append("  ".join(
            cell.rjust(w) if 2 <= i <= 4 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        lines.append(f"    {comparison.explanation}")
    return "\n".join(lines)
