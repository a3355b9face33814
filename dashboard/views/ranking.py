"""都道府県ランキング — the 47 prefectures ordered on one measure, with the national value and
their region; a one-line summary and the table are the chart's text alternative."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, ranking, ranking_queries, state
from dashboard.i18n import t
from dashboard.safe import markdown_text

SOURCES = {"plans": "lineage_source_templates", "subsidy": "lineage_source_templates",
           "indicators": "lineage_source_templates", "crime": "lineage_source_police"}

lang = state.lang()
st.title(t("page_ranking", lang))
st.caption(t("ranking_caption", lang))

measures = state.load(ranking_queries.ranking_measures)
labels = {m["measure_key"]: ranking.measure_label(m, lang) for m in measures.iter_rows(named=True)}
choice, order_choice = st.columns([3, 1])
measure_key = state.url_selectbox(t("ranking_measure", lang), list(labels), "measure",
                                  format_func=labels.get, where=choice)
ascending = state.url_selectbox(t("ranking_order", lang), ["desc", "asc"], "order",
                                format_func=lambda o: t(f"ranking_{o}", lang),
                                where=order_choice) == "asc"
measure = measures.filter(pl.col("measure_key") == measure_key).row(0, named=True)
label, unit = labels[measure_key], measure["unit"]
unit_title = ranking.unit_title(unit, lang)

rows = ranking.ordered(state.load(ranking_queries.prefecture_ranking, measure_key), ascending)
names = state.prefecture_names(rows, lang)
region = "region_ja" if lang == "ja" else "region_en"
first = rows.row(0, named=True)
national = first["national_value"]
national_name = ranking.national_label(first["national_basis"], lang)

kpi_national, kpi_ranked = st.columns(2)
kpi_national.metric(national_name, ranking.value_text(national, unit, lang))
kpi_ranked.metric(t("ranking_ranked", lang), f"{first['prefectures_ranked']} / {rows.height}")

summary = ranking.summary(rows, names, label, unit, lang)
st.markdown(markdown_text(summary))
figure = charts.ranking_bars(
    [names[c] for c in rows["pref_code"]],
    [ranking.scaled(v, unit) for v in rows["value"]],
    rows[region].to_list(), ranking.scaled(national, unit),
    f"{national_name} {ranking.value_text(national, unit, lang)}",
    t("with_unit", lang, name=label, unit=unit_title),
    rows.sort("pref_code")[region].unique(maintain_order=True).to_list(),  # north to south
)
source = t(SOURCES[measure["measure_group"]], lang)
is_sample = bool(rows["is_sample"].any())
# the table view is the expander below, with its downloads
state.plotly_chart(figure, "ranking_chart", title=label, source=source, as_of=first["as_of_on"],
                   is_sample=is_sample)
unranked = rows["value"].null_count()
if unranked:
    st.caption(t("ranking_unranked", lang, n=unranked))

value_col = t("with_unit", lang, name=t("col_value", lang), unit=unit_title)
national_col = t("with_unit", lang, name=national_name, unit=unit_title)
scale = 100.0 if unit == "ratio" else 1.0
table = rows.select(
    pl.col("rank").alias(t("col_rank", lang)),
    pl.col("pref_code").replace_strict(names).alias(t("col_prefecture", lang)),
    pl.col(region).alias(t("col_region", lang)),
    (pl.col("value") * scale).round(2).alias(value_col),
    (pl.col("national_value") * scale).round(2).alias(national_col),
    ((pl.col("value") - pl.col("national_value")) * scale).round(2)
    .alias(t("col_difference", lang)),
    pl.col("region_rank").alias(t("col_region_rank", lang)),
    pl.col("period").alias(t("ranking_period", lang)),
)
with st.expander(t("table_view", lang), expanded=False):
    places = 1 if unit in ("ratio", "%") else None  # percentages to one place on every row
    shown_to = (value_col, national_col, t("col_difference", lang))
    state.table(table, hide_index=True, height=420,
                decimals=dict.fromkeys(shown_to, places) if places else None)
    state.download_buttons(table, f"ranking_{measure['measure_group']}", key="ranking",
                           provenance=state.provenance(label, source, first["as_of_on"],
                                                       is_sample=is_sample))
state.panel_footer(source, first["as_of_on"], is_sample=is_sample)
