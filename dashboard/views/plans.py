"""計画策定 — local plans by level and method, per prefecture, and a list of governments."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import alt_text, charts, maps, municipal_panels, queries, state
from dashboard.i18n import (
    PLAN_LEVELS,
    date_label,
    level_labels,
    number_label,
    percent_label,
    status_labels,
    t,
)

lang = state.lang()
COVERAGE = "municipal_coverage"  # one measure, one name and definition (dashboard.i18n)

st.title(t("page_plans", lang))
st.caption(t("plans_caption", lang))

national = state.load(queries.plan_coverage_national)
if national.height == 0:
    st.info(t("no_plan_data", lang))
    st.stop()
is_sample = bool(national["is_sample"].any())
source = t("plan_records_source", lang) if is_sample else t("source_kind_local_plans", lang)
as_of = national["as_of_on"].drop_nulls().first()

columns = st.columns(3)
levels = level_labels(lang)
statuses = status_labels(lang)
for column, level in zip(columns, PLAN_LEVELS, strict=True):
    row = national.filter(pl.col("level") == level)
    if row.height:
        row = row.row(0, named=True)
        measure = COVERAGE if level == "municipality" else "level_coverage"
        column.metric(
            levels[level],
            f"{number_label(row['with_plan'])} / {number_label(row['governments'])}",
            help=state.measure_help(measure),
        )
        column.caption(
            f"{state.measure_name(measure)} {percent_label(row['with_plan'] / row['governments'])}"
        )
state.panel_footer(source, as_of, is_sample=is_sample)
state.definitions(COVERAGE, "level_coverage")
# The filters further down choose rows of the government list; the national panels say so.
LIST_FILTERS = (t("filter_prefecture", lang), t("filter_level", lang), t("filter_status", lang))
state.ignores_filters(*LIST_FILTERS)

# Against the white paper: counts by level and method on the same date, as `saihan check` has
# them.
reconciliation = state.load(queries.plan_coverage_reconciliation)
left, right = st.columns([2, 3])
with left:
    st.subheader(t("plans_vs_published", lang))
    governments = state.load(queries.municipality_counts)
    plans = (
        national.select("level", pl.lit("all").alias("method"), pl.col("with_plan").alias("value"))
        .vstack(
            national.select(
                "level", pl.lit("standalone").alias("method"), pl.col("standalone").alias("value")
            )
        )
        .vstack(
            national.select(
                "level",
                pl.lit("included_in_other").alias("method"),
                pl.col("included_in_other").alias("value"),
            )
        )
        .with_columns(pl.col("value").cast(pl.Float64))
    )
    state.chart(charts.plan_counts_bar(plans, governments, lang), "plans_levels",
                title=t("plans_vs_published", lang), source=source, as_of=as_of,
                alternative=alt_text.plan_levels(plans, governments, lang),
                is_sample=is_sample, footer=False)
    state.ignores_filters(*LIST_FILTERS)
    compared = reconciliation.filter(pl.col("as_of_on") == as_of)
    if compared.height and (compared["status"] == "match").all():
        st.success(t("plans_reconciled", lang, as_of=date_label(as_of, lang)))
    elif compared.height:
        st.warning(t("plans_differ", lang))
    state.panel_footer(source, as_of, is_sample=is_sample)
with right:
    st.subheader(t("plans_map_title", lang, measure=state.measure_name(COVERAGE)),
                 help=state.measure_help(COVERAGE))
    municipal = national.filter(pl.col("level") == "municipality")
    national_ratio = (municipal["with_plan"][0] / municipal["governments"][0]
                      if municipal.height and municipal["governments"][0] else None)
    coverage = state.load(queries.plan_coverage_by_prefecture, "municipality").with_columns(
        label=state.short_name(lang),
        percent=(pl.col("coverage_ratio") * 100).round(1),
    )
    state.chart(
        maps.tile_grid(
            coverage,
            "percent",
            text_col="label",
            value_label=state.measure_name(COVERAGE),
            scale_title=(t("measure_unit_ratio", lang),
                         t("scale_national", lang, value=percent_label(national_ratio))),
            value_format=lambda v: percent_label(v / 100),
            zrange=(0, 100),
            lang=lang,
        ),
        "plans_map",
        wide=True,
        title=t("plans_map_title", lang, measure=state.measure_name(COVERAGE)),
        alternative=alt_text.prefecture_values(
            coverage.rename({"coverage_ratio": "value"}), state.prefecture_names(coverage, lang),
            state.measure_name(COVERAGE), "ratio", national_ratio, lang),
        source=source, as_of=as_of, is_sample=is_sample, footer=False,
    )
    state.ignores_filters(*LIST_FILTERS)
    state.panel_footer(source, as_of, is_sample=is_sample)

prefectures = state.load(queries.prefectures)
names = state.prefecture_names(prefectures, lang)
st.subheader(t("plans_municipal_title", lang))
found = municipal_panels.loaded(lang)
if found is not None:
    scopes = {"all": t("map_scope_japan", lang), **names}
    scope = state.url_selectbox(t("map_scope", lang), list(scopes), "map_pref",
                                format_func=scopes.get, where=st.columns([1, 3])[0])
    state.ignores_filters(*LIST_FILTERS)
    municipal_panels.plan_status_map(
        found, None if scope == "all" else scope, "plans_municipal_map",
        title=t("title_for", lang, title=t("plans_municipal_title", lang), what=scopes[scope]),
        lang=lang)
    st.caption(t("plans_municipal_note", lang))

st.subheader(t("plans_list_title", lang))
filters = st.columns(3)
chosen_prefs = state.url_multiselect(
    t("filter_prefecture", lang),
    list(state.prefecture_names(state.visible_prefectures(prefectures), lang)),
    "pref",
    format_func=names.get,
    where=filters[0],
    placeholder=t("all_selected", lang),
)
chosen_levels = state.url_multiselect(
    t("filter_level", lang),
    list(levels),
    "level",
    format_func=levels.get,
    where=filters[1],
    placeholder=t("all_selected", lang),
)
chosen_statuses = state.url_multiselect(
    t("filter_status", lang),
    list(statuses),
    "status",
    format_func=statuses.get,
    where=filters[2],
    placeholder=t("all_selected", lang),
)
listing = state.load(
    queries.plan_status_list, tuple(chosen_prefs), tuple(chosen_levels), tuple(chosen_statuses)
)
method_names = {
    "standalone": t("method_standalone", lang),
    "included_in_other": t("method_included_in_other", lang),
}
table = listing.select(
    pl.col("lg_code").alias(t("col_lg_code", lang)),
    pl.col("pref_name_ja" if lang == "ja" else "pref_name_en").alias(t("col_prefecture", lang)),
    pl.col("full_name_ja").alias(t("col_government", lang)),
    pl.col("level")
    .replace_strict(levels, default=pl.col("level"))
    .alias(t("col_level", lang)),
    pl.col("status")
    .replace_strict(statuses, default=pl.col("status"))
    .alias(t("col_status", lang)),
    pl.col("method")
    .replace_strict(method_names, default=pl.col("method"))
    .alias(t("col_method", lang)),
    pl.col("included_in").alias(t("col_included_in", lang)),
    pl.col("plan_name").alias(t("col_plan_name", lang)),
    pl.col("adopted_on").alias(t("col_adopted_on", lang)),
    pl.col("period_start_on"),
    pl.col("period_end_on"),
)
st.caption(f"{listing.height:,} / {int(national['governments'].sum()):,}")
state.table(table, hide_index=True, height=420)
filter_text = " / ".join(
    "・".join(labels[v] for v in chosen) or t("all_selected", lang)
    for chosen, labels in ((chosen_prefs, names), (chosen_levels, levels),
                           (chosen_statuses, statuses))
)
state.download_buttons(table, "plan_status", key="plans_list", provenance=state.provenance(
    t("plans_list_title", lang), source, as_of, is_sample=bool(listing["is_sample"].any()),
    filters=filter_text))
state.panel_footer(source, as_of, is_sample=bool(listing["is_sample"].any()))
