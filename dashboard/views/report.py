"""都道府県レポート — one prefecture on one A4 page: its plan, municipal plan coverage, the
subsidy programme, indicators against national and the crime trend, with sources and sample
marks. The print style (``theme.PRINT_CSS``) leaves only the report on the paper."""

from __future__ import annotations

import html
from datetime import datetime

import polars as pl
import streamlit as st

from dashboard import alt_text, charts, queries, ranking, ranking_queries, state, tables, theme
from dashboard.i18n import (
    data_unit_label,
    date_label,
    indicator_label,
    number_label,
    status_labels,
    t,
)
from dashboard.safe import markdown_text

lang = state.lang()
st.html(theme.PRINT_CSS)

progress = state.load(queries.region_progress)  # with the names: no second query
names = state.prefecture_names(progress, lang)
with st.container(key="report_controls"):
    st.caption(t("report_caption", lang))
    pick, button = st.columns([3, 1], vertical_alignment="bottom")
    chooser = state.prefecture_names(state.visible_prefectures(progress), lang)
    pref_code = state.url_selectbox(t("choose_prefecture", lang), list(chooser), "pref",
                                    format_func=names.get, where=pick)
    with button:
        st.html(
            f'<button id="saihan-print" type="button" style="padding:0.4rem 0.8rem;'
            f'border:1px solid #555;border-radius:0.4rem;background:#fff;color:#111;'
            f'font-size:0.9rem;cursor:pointer">{html.escape(t("report_print", lang))}</button>'
            "<script>document.getElementById('saihan-print')"
            ".addEventListener('click', () => window.print());</script>",
            unsafe_allow_javascript=True,
        )

row = progress.filter(pl.col("pref_code") == pref_code).row(0, named=True)
st.title(t("report_title", lang, pref=names[pref_code]))
published = state.load(queries.published_at)
if published:
    when = tables.datetime_label(datetime.fromisoformat(published), lang)
    st.caption(t("published_at", lang, when=when))

plan_col, coverage_col, subsidy_col = st.columns(3)
with plan_col:
    status = status_labels(lang).get(row["plan_status"], "-")
    st.metric(t("col_own_plan", lang), status)
    if row["plan_name"]:
        st.caption(markdown_text(row["plan_name"]))
    if row["plan_period_start_on"]:
        end = row["plan_period_end_on"]
        st.caption(f"{t('col_period', lang)}: {date_label(row['plan_period_start_on'], lang)}"
                   f" – {date_label(end, lang) if end else ''}")
with coverage_col:
    ratio, national = row["municipal_coverage_ratio"], row["national_municipal_coverage_ratio"]
    # a short title (the full one would be cut at this width), the definition one hover away
    st.metric(t("report_coverage", lang), ranking.value_text(ratio, "ratio", lang),
              help=t("measure_municipal_coverage", lang) + ": "
              + t("measure_municipal_coverage_help", lang))
    if ratio is not None:
        st.caption(t("report_vs_national", lang,
                     national=ranking.value_text(national, "ratio", lang),
                     difference=f"{(ratio - national) * 100:+.1f}"))
        st.caption(f"{row['municipalities_with_plan']} / {row['municipalities']}")
with subsidy_col:
    history = state.load(queries.region_subsidy_history, pref_code)
    st.metric(t("detail_subsidy", lang),
              t("participating" if row["is_participating"] else "not_participating", lang))
    if row["subsidy_fiscal_year"] is not None:
        st.caption(t(
            "report_subsidy_line", lang,
            fy=state.fiscal_year_label(row["subsidy_fiscal_year"], lang),
            status=t("participating" if row["is_participating"] else "not_participating", lang),
            menus=number_label(row["direct_support_menus"], lang),
            share=ranking.value_text(row["national_share_yen"], "yen", lang)))
    years = [state.fiscal_year_label(y, lang) for y in row["participating_fiscal_years"] or []]
    st.caption(t("report_subsidy_years", lang,
                 years="・".join(years) if years else t("report_none", lang)))
state.panel_footer(t("lineage_source_templates", lang), row["plan_as_of_on"],
                   is_sample=bool(row["is_sample"]))

st.subheader(t("report_indicators", lang))
indicators = state.load(ranking_queries.prefecture_indicators, pref_code)
if indicators.height == 0:
    st.caption(t("report_indicators_none", lang))
else:
    # st.table, not st.dataframe: a printed page (and a screen reader) gets the text itself
    st.table(tables.for_display(indicators.select(
        pl.col("indicator_number").alias(t("col_indicator_number", lang)),
        pl.col("indicator_name").map_elements(lambda n: indicator_label(n, lang),
                                              return_dtype=pl.String)
        .alias(t("col_indicator", lang)),
        pl.col("period").alias(t("col_period_label", lang)),
        # written as text, one decimal: st.table would print every float with four
        pl.col("value").round(1).cast(pl.String).alias(names[pref_code]),
        pl.col("national_value").round(1).cast(pl.String).alias(t("col_national_value", lang)),
        pl.col("difference_from_national").round(1).cast(pl.String)
        .alias(t("col_difference", lang)),
        pl.col("unit").map_elements(lambda u: data_unit_label(u, lang), return_dtype=pl.String)
        .alias(t("col_unit", lang)),
    ), lang), hide_index=True)
    state.panel_footer(t("lineage_source_templates", lang), None,
                       is_sample=bool(indicators["is_sample"].any()))

st.subheader(t("report_crime", lang))
crime = state.load(ranking_queries.prefecture_crime_by_month, pref_code)
if crime.height == 0:
    st.caption(t("report_crime_none", lang))
else:
    months = crime["year_month"]
    years = sorted({m.year for m in months})
    sample = bool(crime["is_sample"].any())
    source = t("crime_sample_source" if sample else "crime_source", lang, pref=names[pref_code],
               years="・".join(str(y) for y in years))
    trend = crime.with_columns(pl.lit(t("report_all_modus", lang)).alias("modus"))
    figure = charts.crime_trend(trend, lang)
    # 30 px more than the plot needs: the figure's own title (for an exported image) takes it
    figure.update_layout(height=260, showlegend=False)
    # its summary above, its table under it (an expander, left out of the print)
    state.chart(figure, "report_crime", title=t("report_crime", lang), source=source,
                alternative=alt_text.monthly(trend, lang), is_sample=sample)
