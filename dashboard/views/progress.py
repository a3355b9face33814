"""地域別進捗 — a scorecard per prefecture; choosing one shows everything about it."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import alt_text, charts, municipal_panels, queries, ranking, ranking_queries, state
from dashboard.i18n import (
    data_unit_label,
    date_label,
    indicator_label,
    level_labels,
    percent_label,
    source_label,
    status_labels,
    t,
)
from dashboard.safe import markdown_text

lang = state.lang()
COVERAGE = "municipal_coverage"  # one measure, one name and definition (dashboard.i18n)

st.title(t("page_progress", lang))
st.caption(t("progress_caption", lang))

progress = state.load(queries.region_progress)  # with the names: no second query
names = state.prefecture_names(progress, lang)
is_sample = bool(progress["is_sample"].any())
status_names = status_labels(lang)
yes, no = t("yes", lang), t("no", lang)

scorecard = progress.select(
    pl.col(state.name_column(lang)).alias(t("col_prefecture", lang)),
    pl.col("region_ja" if lang == "ja" else "region_en").alias(t("col_region", lang)),
    pl.col("plan_status")
    .replace_strict(status_names, default=pl.col("plan_status"))
    .alias(t("col_own_plan", lang)),
    (pl.col("municipal_coverage_ratio") * 100).round(1).alias(state.measure_name(COVERAGE)),
    ((pl.col("municipal_coverage_ratio") - pl.col("national_municipal_coverage_ratio")) * 100)
    .round(1)
    .alias(t("col_vs_national", lang)),
    pl.when(pl.col("is_participating"))
    .then(pl.lit(yes))
    .otherwise(pl.lit(no))
    .alias(t("col_subsidy", lang)),
    pl.col("direct_support_menus").alias(t("col_menus", lang)),
    pl.col("indicators_reported").alias(t("col_indicators", lang)),
)
st.subheader(t("scorecard_title", lang))
state.definitions(COVERAGE)
state.table(
    scorecard,
    hide_index=True,
    height=420,
    decimals={t("col_vs_national", lang): 1},  # -11.0 beside -1.3: one precision
    column_config={
        t("col_prefecture", lang): st.column_config.TextColumn(pinned=True),
        state.measure_name(COVERAGE): st.column_config.ProgressColumn(
            format="%.1f%%", min_value=0, max_value=100, help=state.measure_help(COVERAGE)
        ),
    },
)
state.download_buttons(scorecard, "scorecard", key="scorecard", provenance=state.provenance(
    t("scorecard_title", lang), t("lineage_source_templates", lang), is_sample=is_sample))
state.ignores_filters(t("choose_prefecture", lang))
state.panel_footer(t("lineage_source_templates", lang), None, is_sample=is_sample)

st.divider()
pref_code = state.url_selectbox(
    t("choose_prefecture", lang),
    list(state.prefecture_names(state.visible_prefectures(progress), lang)),  # yours only
    "pref",
    format_func=names.get,
    where=st.columns([1, 3])[0],
)
row = progress.filter(pl.col("pref_code") == pref_code).row(0, named=True)
st.header(names[pref_code])

plan_col, coverage_col, subsidy_col = st.columns(3)
with plan_col:
    st.subheader(t("detail_plan", lang))
    st.metric(t("col_own_plan", lang), status_names.get(row["plan_status"], "-"))
    if row["plan_name"]:
        st.markdown(markdown_text(row["plan_name"]))
    if row["plan_period_start_on"]:
        end = row["plan_period_end_on"]
        st.caption(
            f"{t('col_period', lang)}: {date_label(row['plan_period_start_on'], lang)} – "
            f"{date_label(end, lang) if end else ''}"
        )
with coverage_col:
    st.subheader(state.measure_name(COVERAGE))
    if row["municipal_coverage_ratio"] is not None:
        national_ratio = row["national_municipal_coverage_ratio"]
        delta = (row["municipal_coverage_ratio"] - national_ratio) * 100
        st.metric(
            state.measure_name(COVERAGE),
            percent_label(row["municipal_coverage_ratio"]),
            f"{delta:+.1f} pt",
            help=state.measure_help(COVERAGE) + " "
            + t("national_coverage", lang, v=percent_label(national_ratio)),
        )
        st.caption(f"{row['municipalities_with_plan']} / {row['municipalities']}")
with subsidy_col:
    st.subheader(t("detail_subsidy", lang))
    history = state.load(queries.region_subsidy_history, pref_code)
    state.table(
        history.select(
            pl.col("fiscal_year")
            .map_elements(lambda y: state.fiscal_year_label(y, lang), return_dtype=pl.String)
            .alias(t("col_fiscal_year", lang)),
            pl.when(pl.col("is_participating"))
            .then(pl.lit(yes))
            .otherwise(pl.lit(no))
            .alias(t("col_participating", lang)),
            pl.col("direct_support_menus").alias(t("col_menus", lang)),
            pl.col("national_share_yen").alias(t("col_national_share", lang)),
        ),
        hide_index=True,
    )
state.panel_footer(
    t("lineage_source_templates", lang), row["plan_as_of_on"], is_sample=bool(row["is_sample"])
)

region_name = row["region_ja"] if lang == "ja" else row["region_en"]
st.subheader(t("region_compare_title", lang, region=region_name))
st.caption(t("region_compare_caption", lang))
region_rows = state.load(ranking_queries.region_ranking, pref_code)
# Crime as a count, or per 100,000 residents for the prefectures whose population is known.
per_100k = st.toggle(t("per_100k_toggle", lang), key="per_100k", help=t("per_100k_help", lang))
hidden = "crime_incidents" if per_100k else "crime_incidents_per_100k"
region_rows = region_rows.filter(pl.col("measure_key") != hidden)
population = state.load(queries.prefecture_population, pref_code)
if per_100k and population:
    st.caption(t("per_100k_ranking", lang, source=source_label(population["source"], lang),
                 as_of=date_label(population["as_of_on"], lang)))
compare = ranking.region_table(region_rows, names, lang)
# On a phone the table scrolls sideways inside its box; the prefecture stays in view.
state.table(compare, hide_index=True, column_config={
    t("col_prefecture", lang): st.column_config.TextColumn(pinned=True)})
state.panel_footer(t("lineage_source_templates", lang), None,
                   is_sample=bool(region_rows["is_sample"].any()))
st.page_link("views/ranking.py", label=t("ranking_link", lang), icon=":material/leaderboard:")

st.subheader(t("detail_indicators", lang))
history = state.load(queries.region_indicator_history, pref_code)
real = state.load(queries.indicator_real_prefectures)
if history.height == 0:
    st.info(t("indicator_none", lang))
for i, (_, rows) in enumerate(history.group_by("series_key", maintain_order=True)):
    first = rows.row(0, named=True)
    name = indicator_label(first["indicator_name"], lang)
    unit = data_unit_label(first["unit"], lang)
    st.markdown(t("indicator_option_no_number", lang, name=f"**{markdown_text(name)}**",
                  unit=markdown_text(unit)))
    figure = charts.indicator_trend(
        rows, {"00": t("national", lang), pref_code: names[pref_code]}, lang, unit
    )
    state.chart(figure, f"progress_indicator_{i}",
                title=t("title_for", lang, title=name, what=names[pref_code]),
                alternative=alt_text.series_change(
                    rows, {"00": t("national", lang), pref_code: names[pref_code]}, lang),
                source=t("lineage_source_templates", lang),
                is_sample=bool(rows["is_sample"].any()))
    # For how many prefectures the indicator is real (published by them), not sample.
    codes = real.get(first["series_key"], [])
    st.caption(t("indicator_real_count", lang, n=len(codes),
                 names=t("list_separator", lang).join(names.get(c, c) for c in codes))
               if codes else t("indicator_real_none", lang))

progress_map_title = t("progress_municipal_title", lang, pref=names[pref_code])
st.subheader(progress_map_title)
found = municipal_panels.loaded(lang)
if found is not None:
    municipal_panels.plan_status_map(found, pref_code, "progress_municipal_map",
                                     title=progress_map_title, lang=lang)

st.subheader(t("detail_municipalities", lang))
listing = state.load(queries.plan_status_list, (pref_code,), (), ())
table = listing.select(
    pl.col("lg_code").alias(t("col_lg_code", lang)),
    pl.col("full_name_ja").alias(t("col_government", lang)),
    pl.col("level")
    .replace_strict(level_labels(lang), default=pl.col("level"))
    .alias(t("col_level", lang)),
    pl.col("status")
    .replace_strict(status_names, default=pl.col("status"))
    .alias(t("col_status", lang)),
    pl.col("plan_name").alias(t("col_plan_name", lang)),
    pl.col("adopted_on").alias(t("col_adopted_on", lang)),
)
state.table(table, hide_index=True, height=360)
state.download_buttons(table, f"plan_status_{pref_code}", key="progress_list",
                       provenance=state.provenance(
                           t("title_for", lang, title=t("detail_municipalities", lang),
                             what=names[pref_code]),
                           t("lineage_source_templates", lang), listing["as_of_on"].max(),
                           is_sample=bool(listing["is_sample"].any())))
state.panel_footer(
    t("lineage_source_templates", lang), None, is_sample=bool(listing["is_sample"].any())
)
st.page_link("views/crime.py", label=t("detail_crime", lang), icon=":material/local_police:")
