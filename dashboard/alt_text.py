"""Every chart's text alternative (issue 13, point 11): a one-line summary of what it shows and
the table of its data, which ``state.chart`` puts above and under the figure (an expander).
No Streamlit here: each function takes the frame its chart is drawn from and returns
``(summary, table)``, the table's columns in the page's language and its numbers typed.
"""

from __future__ import annotations

import polars as pl

from dashboard import ranking
from dashboard.i18n import PLAN_LEVELS, month_label, number_label, t


def _count(value: float | int | None, lang: str) -> str:
    return number_label(value, lang)


def series_change(frame: pl.DataFrame, names: dict[str, str], lang: str,
                  unit: str = "") -> tuple[str, pl.DataFrame]:
    """Lines over years (``pref_code``, ``period``, ``period_year``, ``value``): each series'
    first and last value, "2018年から2024年に 69 → 748（全国）"; the table is period by
    series."""
    parts = []
    rows = frame.filter(pl.col("value").is_not_null()).sort("period_year", "period")
    # one precision for every value of the line: 47.9 → 47.0, not 47.9 → 47
    places = 1 if any(v % 1 for v in rows["value"].to_list()) else 0

    def written(value: float) -> str:
        return f"{value:,.{places}f}" + unit
    codes = rows["pref_code"].unique(maintain_order=True).to_list()
    for code in sorted(codes, key=lambda c: (c != "00", c)):  # the nation first
        series = rows.filter(pl.col("pref_code") == code)
        first, last = series.row(0, named=True), series.row(-1, named=True)
        if series.height == 1:
            parts.append(t("alt_point", lang, period=first["period"],
                           value=written(first["value"]),
                           name=names.get(code, code)))
            continue
        parts.append(t("alt_series", lang, first=first["period"], last=last["period"],
                       start=written(first["value"]), end=written(last["value"]),
                       name=names.get(code, code)))
    summary = (t("alt_sentence_separator", lang).join(parts) + t("alt_sentence_end", lang)
               if parts else t("alt_no_data", lang))
    named = pl.col("pref_code").replace_strict(names, default=pl.col("pref_code"))
    table = (rows.with_columns(named)
             .pivot(on="pref_code", index="period", values="value", aggregate_function="first",
                    sort_columns=False)
             .rename({"period": t("col_period_label", lang)}))
    return summary, table


def monthly(frame: pl.DataFrame, lang: str) -> tuple[str, pl.DataFrame]:
    """Monthly incidents per modus (``year_month``, ``modus``, ``incidents``): the months
    covered, the total, the monthly mean and the busiest month; the table is month by modus."""
    if frame.height == 0:
        return t("alt_no_data", lang), pl.DataFrame()
    by_month = frame.group_by("year_month").agg(pl.col("incidents").sum()).sort("year_month")
    peak = by_month.sort(["incidents", "year_month"], descending=[True, False]).row(0, named=True)
    summary = t("report_crime_summary", lang,
                first=month_label(by_month["year_month"].min(), lang),
                last=month_label(by_month["year_month"].max(), lang),
                n=_count(by_month["incidents"].sum(), lang),
                mean=number_label(round(by_month["incidents"].mean(), 1), lang),
                peak=month_label(peak["year_month"], lang), peak_n=_count(peak["incidents"], lang))
    table = (frame.with_columns(pl.col("year_month").map_elements(
        lambda m: month_label(m, lang), return_dtype=pl.String).alias("month"))
        .pivot(on="modus", index="month", values="incidents", aggregate_function="sum",
               sort_columns=False)
        .fill_null(0).rename({"month": t("col_month", lang)}))
    return summary, table


def bars(labels: list[str], values: list[float], label_title: str, value_title: str,
         lang: str, *, total: bool = True) -> tuple[str, pl.DataFrame]:
    """One series of bars: the largest and the smallest (and the sum when ``total``, for counts
    that add up); the table is label and value."""
    table = pl.DataFrame({label_title: labels, value_title: values},
                         schema={label_title: pl.String, value_title: pl.Float64})
    if not labels:
        return t("alt_no_data", lang), table
    ordered = table.sort(value_title, descending=True, maintain_order=True)
    top, bottom = ordered.row(0), ordered.row(-1)
    summary = t("alt_bars", lang, top=top[0], top_n=_count(top[1], lang), bottom=bottom[0],
                bottom_n=_count(bottom[1], lang), what=value_title)
    if total:
        summary += t("alt_bars_total", lang, n=_count(sum(values), lang))
    return summary, table


def stacked(frame: pl.DataFrame, category: str, category_title: str,
            lang: str) -> tuple[str, pl.DataFrame]:
    """Bars stacked by modus (``category``, ``modus``, ``incidents``): as ``bars`` on the
    totals; the table is category by modus with the total."""
    wide = (frame.pivot(on="modus", index=category, values="incidents", aggregate_function="sum",
                        sort_columns=False).fill_null(0))
    total_title = t("col_incidents", lang)
    wide = wide.with_columns(pl.sum_horizontal(pl.exclude(category)).alias(total_title)) \
        .sort([total_title, category], descending=[True, False]) \
        .rename({category: category_title})  # equal totals by name, as the chart draws them
    summary, _ = bars(wide[category_title].to_list(), wide[total_title].to_list(),
                      category_title, total_title, lang)
    return summary, wide


def hour_weekday(frame: pl.DataFrame, lang: str) -> tuple[str, pl.DataFrame]:
    """Incidents by weekday and hour (``weekday`` 1-7, ``hour``, ``incidents``): the busiest
    and the quietest hour; the table is weekday by hour."""
    grid = pl.DataFrame({"weekday": [d for d in range(1, 8) for _ in range(24)],
                         "hour": [h for _ in range(7) for h in range(24)]},
                        schema={"weekday": pl.Int64, "hour": pl.Int64})
    cells = grid.join(frame.select(pl.col("weekday").cast(pl.Int64), pl.col("hour").cast(pl.Int64),
                                   "incidents"), on=["weekday", "hour"], how="left").fill_null(0)
    table = (cells.with_columns(pl.col("weekday").map_elements(
        lambda d: t(f"weekday_{d}", lang), return_dtype=pl.String),
        (pl.col("hour").cast(pl.String) + t("hour_suffix", lang)).alias("hour"))
        .pivot(on="hour", index="weekday", values="incidents", sort_columns=False)
        .rename({"weekday": t("col_weekday", lang)}))
    if frame.height == 0:
        return t("alt_no_data", lang), table
    high = cells.sort(["incidents", "weekday", "hour"], descending=[True, False, False]).row(
        0, named=True)
    low = cells.sort(["incidents", "weekday", "hour"]).row(0, named=True)
    summary = t("alt_heatmap", lang, weekday=t(f"weekday_{high['weekday']}", lang),
                hour=high["hour"], n=_count(high["incidents"], lang),
                low_weekday=t(f"weekday_{low['weekday']}", lang), low_hour=low["hour"],
                low_n=_count(low["incidents"], lang))
    return summary, table


def categories(frame: pl.DataFrame, names: dict[str, str], column: str, title: str,
               order: list[str], lang: str, *, municipal: bool = False
               ) -> tuple[str, pl.DataFrame]:
    """A map of categories (``pref_code``, or a municipality's code with ``municipal``, and
    ``column``): how many prefectures (municipalities) are in each; the table is area and
    category."""
    counts = dict(frame.group_by(column).len().iter_rows())
    parts = [t("alt_category", lang, name=c, n=counts.get(c, 0)) for c in order]
    summary = t("alt_categories_municipal" if municipal else "alt_categories", lang,
                parts=t("list_separator", lang).join(parts), total=frame.height)
    area = t("col_municipality" if municipal else "col_prefecture", lang)
    table = frame.select(pl.col("pref_code").replace_strict(names, default=pl.col("pref_code"))
                         .alias(area), pl.col(column).alias(title))
    return summary, table


def prefecture_values(frame: pl.DataFrame, names: dict[str, str], label: str, unit: str,
                      national: float | None, lang: str) -> tuple[str, pl.DataFrame]:
    """A map of values (``pref_code``, ``value``; ratios as 0-1 when ``unit`` is "ratio"): the
    highest, the lowest and the national value, as the ranking view words them; the table is
    prefecture and value as shown."""
    rows = frame.select("pref_code", "value").with_columns(
        pl.lit(national, dtype=pl.Float64).alias("national_value"),
        pl.lit("national").alias("national_basis"))
    summary = ranking.summary(rows, names, label, unit, lang)
    scale = 100.0 if unit == "ratio" else 1.0
    table = rows.select(
        pl.col("pref_code").replace_strict(names, default=pl.col("pref_code"))
        .alias(t("col_prefecture", lang)),
        (pl.col("value") * scale).round(1).alias(
            t("with_unit", lang, name=label, unit=ranking.unit_title(unit, lang))))
    return summary, table


def plan_levels(plans: pl.DataFrame, governments: dict[str, int],
                lang: str) -> tuple[str, pl.DataFrame]:
    """Plans per level and method (``level``, ``method``, ``value``): per level how many of its
    governments have a plan; the table is level by method with the number of governments."""
    def value(level: str, method: str) -> int:
        rows = plans.filter((pl.col("level") == level) & (pl.col("method") == method))
        return int(rows["value"].sum()) if rows.height else 0

    table = pl.DataFrame({
        t("col_level", lang): [t(f"level_{lv}", lang) for lv in PLAN_LEVELS],
        t("col_with_plan", lang): [value(lv, "all") for lv in PLAN_LEVELS],
        t("method_standalone", lang): [value(lv, "standalone") for lv in PLAN_LEVELS],
        t("method_included_in_other", lang): [value(lv, "included_in_other") for lv in PLAN_LEVELS],
        t("governments", lang): [governments.get(lv, 0) for lv in PLAN_LEVELS],
    })
    parts = [t("alt_plan_level", lang, level=t(f"level_{lv}", lang),
               n=_count(value(lv, "all"), lang), total=_count(governments.get(lv, 0), lang))
             for lv in PLAN_LEVELS]
    return t("alt_sentence_separator", lang).join(parts) + t("alt_sentence_end", lang), table
