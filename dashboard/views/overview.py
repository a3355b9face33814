"""全国概況 — the national overview: subsidy participation, local plans, programme figures."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import alt_text, charts, maps, queries, state
from dashboard.i18n import (
    PLAN_LEVELS,
    date_label,
    modus_label,
    number_label,
    source_label,
    t,
    unit_label,
    year_range_label,
)

lang = state.lang()

st.title(t("page_overview", lang))
st.caption(t("overview_caption", lang))

totals = state.load(queries.published_totals)
governments = state.load(queries.municipality_counts)
years = state.load(queries.subsidy_fiscal_years)


def total(topic: str, measure: str, **where: str) -> pl.DataFrame:
    """Published rows of one measure, filtered on level/method."""
    rows = totals.filter((pl.col("topic") == topic) & (pl.col("measure") == measure))
    for column, value in where.items():
        rows = rows.filter(pl.col(column) == value)
    return rows


def latest(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows of the latest as-of date (earlier editions' figures are the series below)."""
    if rows.height == 0 or rows["as_of_on"].null_count() == rows.height:
        return rows
    return rows.filter(pl.col("as_of_on") == rows["as_of_on"].max())


# --- headline figures ------------------------------------------------------------------------
plans_all = latest(total("local_plans", "governments_with_plan", method="all")
                   .filter(pl.col("level").is_in(PLAN_LEVELS)))
columns = st.columns(4)
participating = total("subsidy_participation", "participating_prefectures")
if participating.height:
    columns[0].metric(t("kpi_subsidy", lang), number_label(participating["value"][0]),
                      help=t("of_total", lang, total=47))
for column, level, key in zip(columns[1:], ("prefecture", "designated_city", "municipality"),
                              ("kpi_plans_pref", "kpi_plans_city", "kpi_plans_muni"),
                              strict=True):
    rows = plans_all.filter(pl.col("level") == level)
    if rows.height:
        column.metric(t(key, lang), number_label(rows["value"][0]),
                      help=t("of_total", lang, total=f"{governments[level]:,}"))
if plans_all.height:
    state.panel_footer(source_label(plans_all["source"][0], lang), plans_all["as_of_on"][0])

left, right = st.columns([3, 2])

# --- subsidy participation map ---------------------------------------------------------------
with left:
    uptake = state.load(queries.subsidy_uptake, years[0]) if years else None
    # a public viewer may read the national count above but no prefecture's record: no map
    if uptake is not None and uptake.height:
        fiscal_year = years[0]
        st.subheader(t("subsidy_map_title", lang, fy=state.fiscal_year_label(fiscal_year, lang)))
        labelled = uptake.with_columns(
            status=pl.when(pl.col("is_participating"))
            .then(pl.lit(t("participating", lang)))
            .otherwise(pl.lit(t("not_participating", lang))),
            label=state.short_name(lang),
        )
        kind = state.map_kind("overview_map_kind")
        order = [t("participating", lang), t("not_participating", lang)]
        if kind == "geo":
            figure = maps.choropleth(labelled, "status", label_col="label", categorical=True,
                                     category_order=order, lang=lang)
        else:
            figure = maps.tile_grid(labelled, "status", text_col="label", categorical=True,
                                    category_order=order, lang=lang)
        # The map shows participation only: sample when participation itself comes from
        # sample records (not when only the records' menus and amounts are sample).
        state.chart(figure, "overview_map", wide=kind != "geo",
                    title=t("subsidy_map_title", lang,
                            fy=state.fiscal_year_label(fiscal_year, lang)),
                    alternative=alt_text.categories(
                        labelled, state.prefecture_names(uptake, lang), "status",
                        t("col_participating", lang), order, lang),
                    source=source_label(uptake["source"][0], lang),
                    as_of=uptake["as_of_on"][0],
                    is_sample=bool(uptake["is_participation_sample"].any()))
        if kind == "geo":
            st.caption(maps.ATTRIBUTION_JA if lang == "ja" else maps.ATTRIBUTION_EN)

# --- local plans by level and method ---------------------------------------------------------
with right:
    st.subheader(t("plans_title", lang))
    plans = latest(total("local_plans", "governments_with_plan")
                   .filter(pl.col("level").is_in(PLAN_LEVELS)))
    if plans.height:
        state.chart(charts.plan_counts_bar(plans, governments, lang), "overview_plans",
                    title=t("plans_title", lang), source=source_label(plans["source"][0], lang),
                    alternative=alt_text.plan_levels(plans, governments, lang),
                    as_of=plans["as_of_on"][0], footer=False)
        state.panel_footer(source_label(plans["source"][0], lang), plans["as_of_on"][0])

# --- national series over the years (real published figures) --------------------------------
series = state.load(queries.national_series)
if series.height:
    for key, title, rows in (
            ("overview_series_plans", "series_plans_title",
             series.filter(pl.col("topic") == "local_plans")),
            ("overview_series_councils", "series_councils_title",
             series.filter(pl.col("topic") == "councils"))):
        if rows.height == 0:
            continue
        st.subheader(t(title, lang))
        st.caption(t("series_caption", lang))
        sources = t("list_separator", lang).join(
            source_label(s, lang) for s in rows.sort("as_of_on")["source"].unique(
                maintain_order=True).to_list())
        names = {sid: charts.series_label(sid, lang) for sid in rows["series_id"].unique()}
        points = rows.select(pl.col("series_id").alias("pref_code"),
                             pl.col("as_of_on").map_elements(lambda d: date_label(d, lang),
                                                             return_dtype=pl.String)
                             .alias("period"),
                             pl.col("as_of_on").alias("period_year"), "value")
        state.chart(charts.national_series(rows, lang), key, title=t(title, lang),
                    source=sources, as_of=rows["as_of_on"].max(), footer=False,
                    alternative=alt_text.series_change(points, names, lang))
        cited = {src: source_label(src, lang) for src in rows["source"].unique()}
        state.table(rows.sort("series_id", "as_of_on").select(
            pl.col("series_id").replace_strict(names).alias(t("col_series", lang)),
            pl.col("as_of_on").alias(t("col_as_of", lang)),
            pl.col("value").alias(t("col_value", lang)),
            pl.col("source").replace_strict(cited).alias(t("col_source", lang)),
            # The quote is the Japanese text as published: on the Japanese page only.
            *([pl.col("quote").alias(t("col_quote", lang))] if lang == "ja" else []),
            pl.col("source_url").alias(t("col_page", lang)),
        ), hide_index=True)
        state.panel_footer(sources, rows["as_of_on"].max())

# --- national programme figures --------------------------------------------------------------
st.subheader(t("programmes_title", lang))
PROGRAMME_ROWS = (
    ("councils", "member_municipalities", {}, "measure_member_municipalities"),
    ("councils", "member_governments", {}, "measure_member_governments"),
    ("regional_hub", "probation_offices", {}, "measure_probation_offices"),
    ("visiting_support", "facilities", {}, "measure_facilities"),
    ("visiting_support", "persons", {}, "measure_visiting_persons"),
    ("visiting_support", "person_visits", {}, "measure_visiting_person_visits"),
    ("follow_up", "persons", {}, "measure_follow_up_persons"),
    ("follow_up", "person_visits", {}, "measure_follow_up_person_visits"),
    ("visiting_support_evaluation", "reoffence_rate", {"method": "with_visits"},
     "measure_reoffence_with"),
    ("visiting_support_evaluation", "reoffence_rate", {"method": "without_visits"},
     "measure_reoffence_without"),
)
records = []
for topic, measure, where, key in PROGRAMME_ROWS:
    rows = total(topic, measure, **where)
    for row in (latest(rows) if topic == "councils" else rows).sort("as_of_on", descending=True,
                                                   nulls_last=True).iter_rows(named=True):
        records.append({
            t("col_measure", lang): t(key, lang),
            t("col_value", lang): number_label(row["value"]),
            t("col_unit", lang): unit_label(row["unit"], lang),
            t("col_as_of", lang): date_label(row["as_of_on"], lang),
            t("col_section", lang): source_label(row["section"], lang),
        })
if records:
    state.table(pl.DataFrame(records), hide_index=True)
    state.panel_footer(source_label(totals["source"][0], lang), None)

# --- crime open data -------------------------------------------------------------------------
st.subheader(t("crime_title", lang))
crime = state.load(queries.crime_summary)
if crime.height == 0:
    st.info(t("crime_none", lang))
else:
    names = crime[state.name_column(lang)].unique(maintain_order=True).to_list()
    st.write(t("crime_total", lang, prefs=t("list_separator", lang).join(names),
               years=year_range_label(crime["data_year"].min(), crime["data_year"].max()),
               n=f"{crime['incidents'].sum():,}"))
    # Trimmed to the data years as on the crime page; incidents that occurred earlier are
    # counted in a note.
    shown, earlier, start = charts.within_data_years(state.load(queries.crime_by_month),
                                                     crime["data_year"].min())
    state.chart(charts.crime_trend(shown, lang), "overview_crime", title=t("crime_title", lang),
                source=t("crime_source_all", lang), is_sample=bool(crime["is_sample"].any()),
                alternative=alt_text.monthly(
                    shown.with_columns(pl.col("modus").replace_strict(
                        {m: modus_label(m, lang) for m in shown["modus"].unique()})), lang),
                footer=False)
    if earlier:
        st.caption(t("crime_earlier_note", lang, n=f"{earlier:,}", start=f"{start:%Y-%m}"))
    state.panel_footer(t("crime_source_all", lang), None,
                       is_sample=bool(crime["is_sample"].any()))
