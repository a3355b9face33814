"""犯罪統計 — police-district crime: trend per station and modus, hour × weekday, places."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import alt_text, charts, municipal_panels, queries, rates, state
from dashboard.i18n import (
    date_label,
    modus_label,
    number_label,
    place_type_label,
    source_label,
    t,
)
from warehouse.export.suppression import mark_suppressed, suppress_small_counts, threshold_for

lang = state.lang()

st.title(t("page_crime", lang))
st.caption(t("crime_caption", lang))

prefectures = state.load(queries.crime_prefectures)
if prefectures.height == 0:
    st.info(t("crime_none", lang))
    st.stop()

names = state.prefecture_names(prefectures, lang)
filters = st.columns([1, 1, 2, 2])
pref_code = state.url_selectbox(t("filter_prefecture", lang), list(names), "pref",
                                format_func=names.get, where=filters[0])
row = prefectures.filter(pl.col("pref_code") == pref_code).row(0, named=True)
all_years = list(row["data_years"])
years = state.url_multiselect(t("filter_years", lang), all_years, "year", where=filters[1],
                              placeholder=t("all_selected", lang)) or all_years
options = state.load(queries.crime_options, pref_code)
modi = state.url_multiselect(t("filter_modus", lang), options["modi"], "modus",
                             where=filters[2], placeholder=t("all_selected", lang),
                             format_func=lambda m: modus_label(m, lang)) \
    or options["modi"]
stations = state.url_multiselect(t("filter_stations", lang), options["stations"], "station",
                                 where=filters[3], placeholder=t("all_selected", lang))
# Every panel below follows every filter above (prefecture, years, modus, stations).
filter_text = " / ".join([
    names[pref_code], t("list_separator", lang).join(str(y) for y in sorted(years)),
    t("list_separator", lang).join(modus_label(m, lang) for m in modi),
    t("list_separator", lang).join(stations) if stations else t("all_stations", lang),
])
key = (pref_code, tuple(sorted(years)), tuple(modi), tuple(stations))
totals = state.load(queries.crime_totals, *key)
# Generated sample data (data/sample/crime, データ区分 = サンプル) is named and marked as such.
is_sample = bool(totals["is_sample"])
joiner = t("list_separator", lang)
source = t("crime_sample_source" if is_sample else "crime_source", lang, pref=names[pref_code],
           years=joiner.join(str(y) for y in sorted(years)))

# Per 100,000 residents where the area's population is known: the prefecture (census), not a
# police station's area (no population is published for it).
population = state.load(queries.prefecture_population, pref_code)
per_100k = st.toggle(t("per_100k_toggle", lang), key="per_100k", help=t("per_100k_help", lang))
rate_base = population["population"] if per_100k and population and not stations else None

kpis = st.columns(3)
if rate_base:
    kpis[0].metric(t("kpi_incidents_per_100k", lang),
                   number_label(rates.per_100k(totals["incidents"], rate_base), lang),
                   help=t("per_100k_help", lang))
else:
    kpis[0].metric(t("kpi_incidents", lang), number_label(totals["incidents"]))
kpis[1].metric(t("kpi_unknown_month", lang), number_label(totals["unknown_month"]))
kpis[2].metric(t("kpi_stations", lang), number_label(totals["stations"]))
if per_100k:
    if stations:
        st.caption(t("per_100k_stations", lang))
    elif population is None:
        st.caption(t("per_100k_no_population", lang, area=names[pref_code]))
    else:
        st.caption(t("per_100k_population", lang, source=source_label(population["source"], lang),
                     as_of=date_label(population["as_of_on"], lang), area=names[pref_code],
                     population=f"{population['population']:,}"))

st.subheader(t("crime_trend_title", lang))
monthly = state.load(queries.crime_monthly, *key)
# Incidents are published in the year they are recorded; a few occurred years before. The
# chart shows the data years and says how many occurred earlier.
shown, earlier, start = charts.within_data_years(monthly, min(years))
counts = shown  # the text alternative tells the counts, also when the chart shows rates
if rate_base:
    shown = rates.with_per_100k(shown.with_columns(pl.lit(rate_base).alias("population")),
                                "incidents", "population", "incidents").drop("population")
state.chart(charts.crime_trend(shown, lang, value_title=t("incidents_per_100k", lang)
                               if rate_base else None),
            "crime_trend", title=t("crime_trend_title", lang),
            source=source, is_sample=is_sample, footer=False,
            alternative=alt_text.monthly(counts.with_columns(
                pl.col("modus").map_elements(lambda m: modus_label(m, lang),
                                             return_dtype=pl.String)), lang))
if earlier:
    st.caption(t("crime_earlier_note", lang, n=f"{earlier:,}", start=f"{start:%Y-%m}"))
state.panel_footer(source, None, is_sample=is_sample)

if per_100k:
    st.caption(t("per_100k_station_panels", lang))
left, right = st.columns(2)
with left:
    st.subheader(t("crime_heatmap_title", lang))
    heat = state.load(queries.crime_hour_weekday, *key)
    state.chart(charts.hour_weekday_heatmap(heat, lang), "crime_heatmap",
                title=t("crime_heatmap_title", lang), source=source, is_sample=is_sample,
                alternative=alt_text.hour_weekday(heat, lang), footer=False)
    st.caption(t("crime_heatmap_note", lang))
    state.panel_footer(source, None, is_sample=is_sample)
with right:
    st.subheader(t("crime_place_title", lang))
    # Two layouts name the same place differently (駐車場・駐輪場, 駐車（輪）場): one bar each
    # name in the language.
    places = (state.load(queries.crime_place_types, *key)
              .with_columns(pl.col("place_type").map_elements(
                  lambda p: place_type_label(p, lang), return_dtype=pl.String))
              .group_by("place_type").agg(pl.col("incidents").sum())
              .sort("incidents", "place_type", descending=[True, False]))
    state.chart(charts.simple_bars(places["place_type"].to_list(),
                                   places["incidents"].to_list(), lang, height=320),
                "crime_places", title=t("crime_place_title", lang), source=source,
                is_sample=is_sample,
                alternative=alt_text.bars(places["place_type"].to_list(),
                                          places["incidents"].to_list(),
                                          t("col_place_type", lang), t("col_incidents", lang),
                                          lang))

st.subheader(t("crime_top_title", lang))
top = state.load(queries.crime_top_stations, *key)
state.chart(charts.stacked_bars(top, "police_station", lang), "crime_top",
            title=t("crime_top_title", lang), source=source, is_sample=is_sample,
            alternative=alt_text.stacked(top.with_columns(pl.col("modus").map_elements(
                lambda m: modus_label(m, lang), return_dtype=pl.String)),
                "police_station", t("col_station", lang), lang))

found = municipal_panels.loaded(lang)
st.subheader(t("station_map_title", lang))
state.ignores_filters(t("filter_years", lang), t("filter_modus", lang), t("filter_stations", lang))
municipal_panels.station_map(found, pref_code, source=source, is_sample=is_sample, lang=lang)

st.subheader(t("crime_municipality_title", lang))
by_municipality = state.load(queries.crime_by_municipality, *key)
if found is not None:
    municipal_panels.crime_map(found, pref_code, by_municipality, source=source,
                               is_sample=is_sample, lang=lang)
threshold = threshold_for(state.settings().suppress_below, "crime_open_data")
if threshold > 1:
    # Small counts hidden the same way as in the extracts (SAIHAN_SUPPRESS_BELOW).
    suppressed = suppress_small_counts(by_municipality, ["incidents"], threshold)
    table = mark_suppressed(suppressed, ["incidents"]).drop("is_suppressed").with_columns(
        pl.col("modus").map_elements(lambda m: modus_label(m, lang), return_dtype=pl.String))
    table = table.rename({"lg_code": t("col_lg_code", lang),
                          "municipality_name": t("col_municipality", lang),
                          "modus": t("modus", lang), "incidents": t("col_incidents", lang)})
    st.caption(t("suppressed_note", lang, n=threshold))
else:
    table = by_municipality.pivot(on="modus", index=["lg_code", "municipality_name"],
                                  values="incidents", aggregate_function="sum").fill_null(0)
    table = table.with_columns(pl.sum_horizontal(pl.exclude("lg_code", "municipality_name"))
                               .alias(t("col_incidents", lang))) \
        .sort(t("col_incidents", lang), descending=True) \
        .rename({"lg_code": t("col_lg_code", lang),
                 "municipality_name": t("col_municipality", lang),
                 **{m: modus_label(m, lang) for m in by_municipality["modus"].unique()}})
municipal = state.load(queries.municipality_population, pref_code)
if per_100k and threshold <= 1 and municipal.height:
    # Per 100,000 residents where the municipality's population is known; empty elsewhere.
    counted = t("col_incidents", lang)
    table = rates.with_per_100k(
        table.join(municipal.select(pl.col("lg_code").alias(t("col_lg_code", lang)),
                                    pl.col("population").alias(t("col_population", lang))),
                   on=t("col_lg_code", lang), how="left"),
        counted, t("col_population", lang), t("col_per_100k", lang))
    st.caption(t("crime_rates_municipal_note", lang,
                 source=source_label(municipal["source"][0], lang)))
state.table(table, hide_index=True, height=320)
state.download_buttons(table, f"crime_by_municipality_{pref_code}", key="crime_muni",
                       provenance=state.provenance(t("crime_municipality_title", lang), source,
                                                   is_sample=is_sample, filters=filter_text))
if municipal.height == 0:
    st.caption(t("crime_rates_note", lang))
state.panel_footer(source, None, is_sample=is_sample)
