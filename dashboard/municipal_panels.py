"""The municipal map panels the pages share: plan status per municipality (計画策定, 地域別進捗),
incidents per municipality and ward, and the estimated police-station areas (犯罪統計).

Each panel finds the boundary files through the settings (``SAIHAN_GEO_DIR``); without them,
or when they cannot be read, it says why and the page keeps its prefecture maps. Every map
carries the boundaries' credit line, on the figure and under it.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import alt_text, queries, state
from dashboard.i18n import number_label, status_labels, t
from dashboard.maps import MapStyle
from dashboard.maps import municipal as areas
from dashboard.safe import markdown_text
from warehouse import boundaries
from warehouse.boundary_text import GeoFileError
from warehouse.export.suppression import (
    SUPPRESSED_MARK,
    mark_suppressed,
    suppress_small_counts,
    threshold_for,
)

STATUS_ORDER = ("adopted", "in_preparation", "none", "not_reported")


def loaded(lang: str) -> boundaries.Boundaries | None:
    """The boundaries, or None after saying why there are none (missing, unreadable)."""
    folder = state.settings().geo_dir
    try:
        found = boundaries.load(folder, state.settings().geo_cache)
    except GeoFileError as exc:
        st.info(t("municipal_unreadable", lang, error=exc.text(lang, name_only=True)))
        return None
    if found is None:  # the folder is a server path: not shown (`saihan geo check` says it)
        st.info(t("municipal_missing", lang))
    return found


def _credit(lang: str) -> str:
    return t("municipal_credit", lang)


def _threshold() -> int:
    """Small-count suppression of crime counts (SAIHAN_SUPPRESS_BELOW), as in the extracts."""
    return threshold_for(state.settings().suppress_below, "crime_open_data")


def _shown(count: float, threshold: int) -> str:
    """A count as the map shows it: X when suppressed (1 to threshold-1)."""
    return SUPPRESSED_MARK if 0 < count < threshold else number_label(count)


def _unsuppressed(values: dict[str, float], threshold: int) -> dict[str, float]:
    """The counts a map may colour by: suppressed ones are left grey, like an empty cell."""
    return {code: v for code, v in values.items() if not 0 < v < threshold}


def plan_status_map(found: boundaries.Boundaries, pref_code: str | None, key: str, *,
                    title: str, lang: str) -> None:
    """Each municipality's plan status: one prefecture, or all of Japan (simplified)."""
    features = (boundaries.japan_features(found) if pref_code is None
                else boundaries.prefecture_features(found, pref_code, by_ward=False))
    rows = state.load(queries.municipal_plan_status, pref_code)
    labels = status_labels(lang)
    status = dict(zip(rows["lg_code"], rows["status"], strict=True))
    names = areas.names_of(features)
    hover = {code: areas.hover_lines(names[code], [(t("hover_status", lang),
                                                    labels.get(status.get(code), "–"))])
             for code in names}
    style = MapStyle(categorical=True, category_order=STATUS_ORDER, category_labels=labels,
                     lang=lang)
    is_sample = bool(rows["is_sample"].any())
    as_of = rows["as_of_on"].drop_nulls().max() if rows.height else None
    source = t("plan_records_source" if is_sample else "source_kind_local_plans", lang)
    shown = pl.DataFrame({"pref_code": list(names),
                          "status": [labels.get(status.get(code), "–") for code in names]},
                         schema={"pref_code": pl.String, "status": pl.String})
    state.chart(areas.area_map(features, status, hover, style=style, credit=_credit(lang)),
                key, title=title, source=source, as_of=as_of, is_sample=is_sample,
                footer=False,
                alternative=alt_text.categories(shown, names, "status", t("col_status", lang),
                                                [labels[s] for s in STATUS_ORDER if s in labels],
                                                lang, municipal=True))
    st.caption(_credit(lang))
    state.panel_footer(source, as_of, is_sample=is_sample)


def crime_map(found: boundaries.Boundaries, pref_code: str, by_municipality: pl.DataFrame,
              *, source: str, is_sample: bool, lang: str) -> None:
    """Incidents per municipality, and per ward where the codes are wards' (the page's
    filters already applied to ``by_municipality``)."""
    features = boundaries.prefecture_features(found, pref_code, by_ward=True)
    totals = by_municipality.group_by("lg_code").agg(pl.col("incidents").sum())
    placed = areas.place(dict(zip(totals["lg_code"], totals["incidents"], strict=True)),
                         features)
    names = areas.names_of(features)
    threshold = _threshold()
    hover = {code: areas.hover_lines(names[code], [(t("hover_incidents", lang),
                                                    _shown(placed.values.get(code, 0), threshold))])
             for code in names}
    style = MapStyle(value_label=t("hover_incidents", lang), lang=lang)
    title = t("crime_municipal_map_title", lang)
    shown = _unsuppressed(placed.values, threshold)  # a hidden count is not told either
    state.chart(areas.area_map(features, shown, hover, style=style, credit=_credit(lang)),
                "crime_municipal_map", title=title, source=source, is_sample=is_sample,
                footer=False,
                alternative=alt_text.bars([names.get(c, c) for c in shown], list(shown.values()),
                                          t("col_municipality", lang), t("col_incidents", lang),
                                          lang))
    if placed.unplaced:
        st.caption(t("crime_unplaced_note", lang, n=_shown(placed.unplaced, threshold)))
    st.caption(_credit(lang))
    state.panel_footer(source, None, is_sample=is_sample)


# Estimated areas already drawn, by prefecture and the mart's rows: joining a station's areas
# (shapely) is the slowest step of the crime page, and the rows change only with a publish.
_ESTIMATED: dict[tuple, tuple[boundaries.Boundaries, areas.StationAreas]] = {}


def _station_areas(found: boundaries.Boundaries, pref_code: str, rows: pl.DataFrame,
                   features: list[dict]) -> areas.StationAreas:
    key = (id(found), pref_code,
           tuple(rows.select("police_station", "lg_code", "incidents").iter_rows()))
    cached = _ESTIMATED.get(key)
    if cached is None or cached[0] is not found:  # the same boundaries, not a namesake
        if len(_ESTIMATED) >= 64:
            _ESTIMATED.clear()
        cached = _ESTIMATED[key] = (found, areas.station_areas(rows.to_dicts(), features))
    return cached[1]


def station_map(found: boundaries.Boundaries | None, pref_code: str, *, source: str,
                is_sample: bool, lang: str) -> None:
    """The estimated police-station areas (推定管轄), the method, and each station's
    municipalities with their share of its incidents."""
    rows = state.load(queries.police_station_area, pref_code)
    threshold = _threshold()
    st.caption(t("station_method", lang))
    if found is not None and rows.height:
        features = boundaries.prefecture_features(found, pref_code, by_ward=True)
        estimated = _station_areas(found, pref_code, rows, features)
        names = areas.names_of(features)
        incidents = dict(zip(rows["police_station"], rows["station_incidents"], strict=False))
        values, hover = {}, {}
        for i, station in enumerate(estimated.stations):
            if not 0 < incidents[station] < threshold:
                values[str(i)] = incidents[station]
            hover[str(i)] = areas.hover_lines(
                t("station_hover_title", lang, station=station),
                [(t("hover_incidents", lang), _shown(incidents[station], threshold)),
                 (t("hover_main_areas", lang), t("list_separator", lang).join(
                     names[c] for c in estimated.areas[station]))])
        style = MapStyle(value_label=t("hover_incidents", lang), lang=lang)
        state.chart(areas.area_map(estimated.features, values, hover, style=style,
                                   credit=_credit(lang)),
                    "station_map", title=t("station_map_title", lang), source=source,
                    is_sample=is_sample, footer=False,
                    alternative=alt_text.bars(
                        [estimated.stations[int(i)] for i in values], list(values.values()),
                        t("col_station", lang), t("col_incidents", lang), lang))
        if estimated.undrawn:
            st.caption(t("station_undrawn_note", lang, n=len(estimated.undrawn),
                         stations=markdown_text(t("list_separator", lang).join(
                             estimated.undrawn))))
        st.caption(_credit(lang))
    st.subheader(t("station_share_title", lang))
    yes, no = t("yes", lang), t("no", lang)
    # Small counts hidden as in the extracts; a share would give the count back, so it goes too.
    rows = suppress_small_counts(rows, ["incidents"], threshold, dependents=["share_of_station"])
    table = rows.select(
        pl.col("police_station").alias(t("col_station", lang)),
        pl.col("lg_code").alias(t("col_lg_code", lang)),
        pl.col("municipality_name").alias(t("col_municipality", lang)),
        pl.col("incidents").alias(t("col_incidents", lang)),
        (pl.col("share_of_station") * 100).round(1).alias(t("col_share_of_station", lang)),
        pl.when(pl.col("is_main_station")).then(pl.lit(yes)).otherwise(pl.lit(no))
        .alias(t("col_main_station", lang)),
    )
    if threshold > 1:
        table = mark_suppressed(table.with_columns(rows["is_suppressed"]),
                                [t("col_incidents", lang)]).drop("is_suppressed")
        st.caption(t("suppressed_note", lang, n=threshold))
    state.table(table, hide_index=True, height=320)
    state.download_buttons(table, f"police_station_area_{pref_code}", key="station_area",
                           provenance=state.provenance(t("station_share_title", lang), source,
                                                       is_sample=is_sample))
    state.panel_footer(source, None, is_sample=is_sample)
