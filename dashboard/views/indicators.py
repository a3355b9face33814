"""指標 — the plan's indicators over time, each prefecture against the national value."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import alt_text, charts, maps, queries, ranking, state
from dashboard.i18n import data_unit_label, indicator_label, source_label, t
from dashboard.safe import markdown_text

lang = state.lang()

st.title(t("page_indicators", lang))
st.caption(t("indicators_caption", lang))

series = state.load(queries.indicator_series)
if series.height == 0:
    st.info(t("indicator_none", lang))
    st.stop()
labels = {
    row["series_key"]: t("indicator_option" if row["indicator_number"]
                         else "indicator_option_no_number", lang,
                         number=row["indicator_number"],
                         name=indicator_label(row["indicator_name"], lang),
                         unit=data_unit_label(row["unit"], lang))
    for row in series.iter_rows(named=True)
}
series_key = state.url_indicator_select(t("filter_indicator", lang), series, labels,
                                        where=st.columns([2, 3])[0])
values = state.load(queries.indicator_values, series_key)
unit = data_unit_label(values["unit"].drop_nulls().first(), lang)
names = state.prefecture_names(values, lang)
names["00"] = t("national", lang)
is_sample = bool(values["is_sample"].any())
sources = values["source"].drop_nulls().unique(maintain_order=True).to_list()
source_text = " / ".join(source_label(s, lang) for s in sources[:3])
source = markdown_text(source_text)  # delivered text: inert on the page

prefectures = [c for c in values["pref_code"].unique(maintain_order=True).to_list() if c != "00"]
if not prefectures:
    st.info(t("indicator_national_only", lang))
chosen = state.url_multiselect(
    t("filter_compare", lang),
    sorted(prefectures),
    "pref",
    format_func=names.get,
    placeholder=t("national", lang),
)

st.subheader(t("indicator_trend_title", lang))
shown = values.filter(
    pl.col("value").is_not_null() & (pl.col("is_national") | pl.col("pref_code").is_in(chosen))
)
state.chart(charts.indicator_trend(shown, names, lang, unit), "indicator_trend",
            title=t("title_for", lang, title=t("indicator_trend_title", lang),
                    what=labels[series_key]),
            source=source_text, footer=False, is_sample=is_sample,
            alternative=alt_text.series_change(shown, names, lang))
state.panel_footer(source, None, is_sample=is_sample)

if prefectures:
    latest_period = (
        values.filter(~pl.col("is_national") & pl.col("value").is_not_null())
        .sort("period_year", "period")["period"]
        .last()
    )
    latest = values.filter((pl.col("period") == latest_period) & ~pl.col("is_national"))
    national_rows = values.filter((pl.col("period") == latest_period) & pl.col("is_national"))
    national_latest = national_rows["value"][0] if national_rows.height else None
    st.subheader(t("indicator_map_title", lang, period=markdown_text(latest_period)))
    state.chart(
        maps.tile_grid(
            latest.with_columns(label=state.short_name(lang)),
            "value",
            text_col="label",
            value_label=unit,
            scale_title=(unit, *([t("scale_national", lang, value=ranking.value_text(
                national_latest, "%" if unit in ("%", "％") else unit, lang))]
                if national_latest is not None else [])),
            lang=lang,
        ),
        "indicator_map",
        wide=True,
        title=t("title_for", lang, title=t("indicator_map_title", lang, period=latest_period),
                what=labels[series_key]),
        source=source_text, is_sample=bool(latest["is_sample"].any()), footer=False,
        alternative=alt_text.prefecture_values(
            latest, names, labels[series_key], "%" if unit in ("%", "％") else unit,
            national_latest, lang),
    )
    state.ignores_filters(t("filter_compare", lang))
    state.panel_footer(source, None, is_sample=bool(latest["is_sample"].any()))

# Every column in the page's words: the prefecture's code and name, the value with what it is
# computed from, the delivered note (why a value is missing), source, and sample or real.
table = values.select(
    pl.col("pref_code").alias(t("col_pref_code", lang)),
    pl.col("pref_code").replace_strict(names).alias(t("col_prefecture", lang)),
    pl.col("period").alias(t("col_period_label", lang)),
    pl.col("value").alias(t("col_value", lang)),
    pl.col("unit").map_elements(lambda u: data_unit_label(u, lang), return_dtype=pl.String)
    .alias(t("col_unit", lang)),
    pl.col("numerator").alias(t("col_numerator", lang)),
    pl.col("denominator").alias(t("col_denominator", lang)),
    pl.col("value_note").alias(t("col_value_note", lang)),
    pl.col("source").map_elements(lambda s: source_label(s, lang), return_dtype=pl.String)
    .alias(t("col_source", lang)),
    pl.col("is_sample").replace_strict({True: t("data_kind_sample", lang),
                                        False: t("data_kind_real", lang)},
                                       return_dtype=pl.String)
    .alias(t("download_data_kind", lang)),
)
state.table(table, hide_index=True, height=360)
state.ignores_filters(t("filter_compare", lang))
state.download_buttons(table, "indicator_values", key="indicator_table",
                       provenance=state.provenance(t("title_for", lang,
                                                     title=t("page_indicators", lang),
                                                     what=labels[series_key]), source_text,
                                                   is_sample=is_sample))
