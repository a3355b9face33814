"""The ranking view's logic, without Streamlit: what a measure is called, how its values are
written, the one-line summary of a ranking, and a prefecture's region side by side.

Rows come from ``mart.prefecture_ranking`` (one per measure and prefecture).
"""

from __future__ import annotations

import polars as pl

from dashboard.i18n import indicator_label, number_label, t

# the mart's key of the measure every page names measure_municipal_coverage (one definition)
STRING_KEYS = {"municipal_plan_coverage": "municipal_coverage"}
FIXED_MEASURES: tuple[str, ...] = (
    "municipal_plan_coverage",
    "subsidy_direct_support_menus",
    "subsidy_project_cost_yen",
    "subsidy_national_share_yen",
    "crime_incidents",
    "crime_incidents_per_100k",
)


def measure_label(measure: dict, lang: str) -> str:
    """A measure's name: from the strings, or the indicator's number and name as delivered."""
    key = measure["measure_key"]
    if key in FIXED_MEASURES:
        return t(f"measure_{STRING_KEYS.get(key, key)}", lang)
    number = measure.get("indicator_number")
    name = indicator_label(measure.get("indicator_name") or key, lang)
    return t("measure_indicator", lang, number=number or "-", name=name)


def unit_title(unit: str, lang: str, n: float | None = None) -> str:
    """The unit as an axis title wants it (％, 円, 件, or the indicator's own unit); for a
    count of ``n``, in the number English wants (1 menu, 3 menus)."""
    key = f"measure_unit_{unit}"
    if unit not in ("ratio", "yen", "menus", "incidents", "per_100k"):
        return unit
    return t(key, lang, n=n) if n is not None else t(key, lang)


def scaled(value: float | None, unit: str) -> float | None:
    """The value as shown: ratios in percent, everything else as stored."""
    if value is None:
        return None
    return value * 100 if unit == "ratio" else value


def value_text(value: float | None, unit: str, lang: str) -> str:
    """A value written for people with its unit (42.5%, 1,148,500円, 3 件)."""
    if value is None:
        return "-"
    shown = scaled(value, unit)
    if unit in ("ratio", "%"):
        return f"{shown:.1f}%"
    if unit == "yen":
        return t("yen_amount", lang, v=f"{round(shown):,}")
    return f"{number_label(round(shown, 1), lang)} {unit_title(unit, lang, shown)}".strip()


def national_label(basis: str, lang: str) -> str:
    """What the national value is: the nation's own value or the mean of prefectures."""
    return t("ranking_national_mean" if basis == "mean" else "ranking_national_value", lang)


def ordered(frame: pl.DataFrame, ascending: bool) -> pl.DataFrame:
    """The prefectures with a value first (largest first, or smallest), then the others."""
    return frame.sort(
        [pl.col("value").is_null(), "value", "pref_code"],
        descending=[False, not ascending, False],
    )


def summary(frame: pl.DataFrame, names: dict[str, str], label: str, unit: str,
            lang: str) -> str:
    """One line saying what the ranking shows: highest, lowest, national, how many ranked."""
    ranked = frame.filter(pl.col("value").is_not_null()).sort("value", descending=True)
    if ranked.height == 0:
        return t("ranking_summary_none", lang, measure=label)
    top, bottom = ranked.row(0, named=True), ranked.row(-1, named=True)
    first = frame.row(0, named=True)
    national = first["national_value"]
    return t(
        "ranking_summary", lang, measure=label, n=ranked.height,
        top=names.get(top["pref_code"], top["pref_code"]), top_value=value_text(
            top["value"], unit, lang),
        bottom=names.get(bottom["pref_code"], bottom["pref_code"]),
        bottom_value=value_text(bottom["value"], unit, lang),
        national=national_label(first["national_basis"], lang),
        national_value=value_text(national, unit, lang),
    )


def region_table(rows: pl.DataFrame, names: dict[str, str], lang: str) -> pl.DataFrame:
    """The prefectures of one region (``ranking_queries.region_ranking``, measures in order)
    with a column per measure, then the region's mean and the national value: values written
    with their unit and the rank in the region in brackets."""
    labels = {m["measure_key"]: measure_label(m, lang)
              for m in rows.unique("measure_key", keep="first", maintain_order=True)
              .iter_rows(named=True)}
    keys = list(labels)
    prefecture = t("col_prefecture", lang)
    codes = rows["pref_code"].unique().sort().to_list()
    out: dict[str, list[str]] = {prefecture: [names.get(c, c) for c in codes]
                                 + [t("ranking_region_mean", lang)]}
    national: list[str] = []
    for key in keys:
        of_measure = rows.filter(pl.col("measure_key") == key)
        by_code = {r["pref_code"]: r for r in of_measure.iter_rows(named=True)}
        unit = of_measure["unit"][0]
        column = []
        for code in codes:
            row = by_code.get(code)
            if row is None or row["value"] is None:
                column.append("-")
                continue
            column.append(f"{value_text(row['value'], unit, lang)}"
                          f" ({row['region_rank']}/{row['region_prefectures_ranked']})")
        first = of_measure.row(0, named=True)
        column.append(value_text(first["region_mean_value"], unit, lang))
        out[labels[key]] = column
        national.append(value_text(first["national_value"], unit, lang))
    out[prefecture].append(t("national", lang))  # what it is: the caption above the table
    for key, value in zip(keys, national, strict=True):
        out[labels[key]].append(value)
    return pl.DataFrame(out)
