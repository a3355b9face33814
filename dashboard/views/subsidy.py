"""補助事業 — the regional subsidy programme: map, fiscal years, menus, amounts, table."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import alt_text, charts, maps, queries, state
from dashboard.i18n import number_label, source_label, t
from warehouse import reference

lang = state.lang()

st.title(t("page_subsidy", lang))
st.caption(t("subsidy_caption", lang))

years = state.load(queries.subsidy_by_year)
if years.height == 0:
    st.info(t("subsidy_none", lang))
    st.stop()
fiscal_years = sorted(years["fiscal_year"].to_list(), reverse=True)
fiscal_year = state.url_selectbox(t("filter_fiscal_year", lang), fiscal_years, "fy",
                                  format_func=lambda y: state.fiscal_year_label(y, lang),
                                  where=st.columns([1, 3])[0])
detail = state.load(queries.subsidy_detail, fiscal_year)
year_row = years.filter(pl.col("fiscal_year") == fiscal_year).row(0, named=True)
records_sample = bool(detail["is_sample"].any())
source = detail["source"].drop_nulls()
published_source = (detail.filter(pl.col("participation_source") == "published")["source"]
                    .drop_nulls())
participation_label = (t("participation_from_published", lang) if published_source.len()
                       else t("participation_from_records", lang))

kpis = st.columns(3)
kpis[0].metric(t("kpi_participating", lang), f"{year_row['participating']} / 47",
               help=participation_label)
if year_row["project_cost_yen"] is not None:
    kpis[1].metric(t("kpi_project_cost", lang),
                   t("yen_amount", lang, v=number_label(year_row["project_cost_yen"])))
    kpis[2].metric(t("kpi_national_share", lang),
                   t("yen_amount", lang, v=number_label(year_row["national_share_yen"])))
if published_source.len():
    state.panel_footer(source_label(published_source[0], lang),
                       detail["as_of_on"].drop_nulls().first())
if year_row["project_cost_yen"] is not None:
    state.panel_footer(t("sample_records_source", lang) if records_sample
                       else t("source_kind_subsidy_records", lang), None,
                       is_sample=records_sample)

left, right = st.columns([3, 2])
with left:
    labelled = detail.with_columns(
        status=pl.when(pl.col("is_participating")).then(pl.lit(t("participating", lang)))
        .otherwise(pl.lit(t("not_participating", lang))),
        label=state.short_name(lang),
    )
    map_title = t("title_for", lang, title=t("kpi_participating", lang),
                  what=state.fiscal_year_label(fiscal_year, lang))
    st.subheader(map_title)  # the figure's own title is for its exported image
    kind = state.map_kind("subsidy_map_kind")
    order = [t("participating", lang), t("not_participating", lang)]
    drawer = maps.choropleth if kind == "geo" else maps.tile_grid
    label_arg = {"label_col": "label"} if kind == "geo" else {"text_col": "label"}
    state.chart(drawer(labelled, "status", categorical=True, category_order=order, lang=lang,
                       **label_arg), "subsidy_map", wide=kind != "geo",
                title=map_title,
                alternative=alt_text.categories(
                    labelled, state.prefecture_names(detail, lang), "status",
                    t("col_participating", lang), order, lang),
                source=participation_label, as_of=detail["as_of_on"].drop_nulls().first(),
                is_sample=bool(detail["is_participation_sample"].any()))
    if kind == "geo":
        st.caption(maps.ATTRIBUTION_JA if lang == "ja" else maps.ATTRIBUTION_EN)
with right:
    st.subheader(t("subsidy_years_title", lang))
    # Every fiscal year is shown: say where each year's participation comes from.
    kinds = set(years["participation_source"].to_list())
    years_label = (t("participation_from_published", lang) if kinds == {"published"}
                   else t("participation_from_records", lang) if "published" not in kinds
                   else t("participation_from_both", lang))
    year_labels = [state.fiscal_year_label(y, lang) for y in years["fiscal_year"]]
    state.chart(charts.simple_bars(
        year_labels, years["participating"].to_list(), lang, height=220,
        value_title=t("axis_prefectures", lang)), "subsidy_years",
        title=t("subsidy_years_title", lang), source=years_label,
        alternative=alt_text.bars(year_labels, years["participating"].to_list(),
                                  t("col_fiscal_year", lang), t("kpi_participating", lang),
                                  lang, total=False),
        is_sample=bool(years["is_participation_sample"].any()), footer=False)
    state.ignores_filters(t("filter_fiscal_year", lang))
    state.panel_footer(years_label, None,
                       is_sample=bool(years["is_participation_sample"].any()))
    menus = reference.menu_keys()
    counts = [int(detail[f"runs_{m}"].fill_null(False).sum()) for m in menus]
    if any(counts):
        st.subheader(t("subsidy_menus_title", lang))
        menu_labels = [t(f"menu_{m}", lang) for m in menus]
        state.chart(charts.simple_bars(menu_labels, counts, lang,
                                       height=260, value_title=t("axis_prefectures", lang)),
                    "subsidy_menus",
                    title=t("title_for", lang, title=t("subsidy_menus_title", lang),
                            what=state.fiscal_year_label(fiscal_year, lang)),
                    alternative=alt_text.bars(menu_labels, counts, t("col_menu", lang),
                                              t("kpi_participating", lang), lang, total=False),
                    source=t("sample_records_source", lang) if records_sample
                    else t("source_kind_subsidy_records", lang), is_sample=records_sample)

st.subheader(t("subsidy_table_title", lang))
yes, no = t("yes", lang), t("no", lang)


def flag(column: str) -> pl.Expr:
    """A boolean column as ○/－."""
    return pl.when(pl.col(column)).then(pl.lit(yes)).otherwise(pl.lit(no))


table = detail.select(
    pl.col(state.name_column(lang)).alias(t("col_prefecture", lang)),
    flag("is_participating").alias(t("col_participating", lang)),
    *[flag(f"runs_{m}").alias(t(f"menu_{m}", lang)) for m in menus],
    pl.col("project_cost_yen").alias(t("col_project_cost", lang)),
    pl.col("national_share_yen").alias(t("col_national_share", lang)),
)
state.table(table, hide_index=True, height=420)
state.download_buttons(table, f"subsidy_{fiscal_year}", key="subsidy_table",
                       provenance=state.provenance(
                           t("title_for", lang, title=t("subsidy_table_title", lang),
                             what=state.fiscal_year_label(fiscal_year, lang)),
                           t("sample_records_source", lang) if records_sample
                           else t("source_kind_subsidy_records", lang),
                           detail["as_of_on"].drop_nulls().first(), is_sample=records_sample))
state.panel_footer(t("sample_records_source", lang) if records_sample
                   else t("source_kind_subsidy_records", lang), None, is_sample=records_sample)
