"""データ — data status: freshness, delivery coverage of the 47 prefectures, last runs,
rejected and held files, findings, lineage, sample data."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import streamlit as st

from dashboard import access, queries, state, tables
from dashboard.i18n import STRINGS, source_kind_label, t
from warehouse import access_log
from warehouse.expected import Coverage, assess
from warehouse.ingest.programme.templates import TEMPLATES, template_bytes

lang = state.lang()
reader = state.viewer() or access.NOBODY
system = access.may_see_system(reader)  # run records, rejections, holds, the access trail

st.title(t("page_data", lang))
st.caption(t("data_caption", lang))
if not system:
    st.info(t("data_own_only", lang))
published = state.load(queries.published_at)
if published:  # ISO 8601 in UTC, shown in Japan Standard Time
    when = tables.datetime_label(datetime.fromisoformat(published), lang)
    st.caption(t("published_at", lang, when=when))

st.subheader(t("freshness_title", lang))
freshness = state.load(queries.source_freshness)
kinds = {kind: source_kind_label(kind, lang) for kind in freshness["source_kind"]}
state.table(
    freshness.with_columns(pl.col("source_kind").replace_strict(kinds, return_dtype=pl.String))
    .rename({"source_kind": t("col_source_kind", lang), "current_files": t("col_files", lang),
             "superseded_files": t("col_superseded", lang), "rows": t("col_rows", lang),
             "last_loaded_at": t("col_last_loaded", lang), "has_sample": t("col_sample", lang)}),
    hide_index=True,
)



def for_people(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """A system table (runs, files, findings) with column names and recorded values (status,
    trigger, severity, source kind) in the page's language; others stay as recorded."""
    def value(v: str | None) -> str | None:
        return t(f"sysval_{v}", lang) if f"sysval_{v}" in STRINGS else v

    worded = [pl.col(c).map_elements(value, return_dtype=pl.String) for c in
              ("status", "trigger", "severity") if c in frame.columns]
    if "source_kind" in frame.columns:
        worded.append(pl.col("source_kind").map_elements(lambda k: source_kind_label(k, lang),
                                                         return_dtype=pl.String))
    return frame.with_columns(worded).rename(
        {c: t(f"sys_{c}", lang) for c in frame.columns if f"sys_{c}" in STRINGS})


def coverage_cell(cell: Coverage, lang: str) -> str:
    """One cell of the coverage matrix: the latest period received and its state."""
    latest = cell.latest_period_label or t("coverage_nothing", lang)
    text = t(f"coverage_{cell.status}", lang, latest=latest, expected=cell.expected_label)
    return f"{text} {t('coverage_sample', lang)}" if cell.is_sample else text


st.subheader(t("coverage_title", lang))
st.caption(t("coverage_caption", lang))
cells = assess(state.load(queries.delivery_coverage).to_dicts(), state.settings())
overdue = sum(cell.is_late for cell in cells)
if overdue:
    st.warning(t("coverage_some_late", lang, count=overdue))
else:
    st.success(t("coverage_all_on_time", lang))
sources = list(dict.fromkeys(cell.source_kind for cell in cells))
summary = [{
    t("col_source_kind", lang): source_kind_label(source, lang),
    t("col_expected", lang): next(c.expected_label for c in cells if c.source_kind == source),
    t("col_due_on", lang): next(c.due_on for c in cells if c.source_kind == source),
    t("col_late_count", lang): sum(c.is_late for c in cells if c.source_kind == source),
    t("col_on_time_count", lang): sum(c.status == "on_time" for c in cells
                                      if c.source_kind == source),
} for source in sources]
if summary:
    st.markdown(f"**{t('coverage_summary_title', lang)}**")
    state.table(pl.DataFrame(summary), hide_index=True)
name = "pref_name_ja" if lang == "ja" else "pref_name_en"
matrix: dict[str, dict[str, str]] = {}
for cell in cells:
    row = matrix.setdefault(cell.pref_code, {t("col_prefecture", lang): getattr(cell, name)})
    row[source_kind_label(cell.source_kind, lang)] = coverage_cell(cell, lang)
if matrix:
    state.table(pl.DataFrame(list(matrix.values())), hide_index=True)

if system:  # server paths and every prefecture's deliveries: the ministry only
    st.subheader(t("rejected_title", lang))
    rejected = state.load(queries.rejected_files)
    if rejected.height == 0:
        st.success(t("rejected_none", lang))
    else:
        st.warning(t("rejected_help", lang))
        if lang == "ja":  # the reason in the page's language (English where no Japanese was kept)
            rejected = rejected.with_columns(reason=pl.coalesce("reason_ja", "reason"),
                                             action=pl.coalesce("action_ja", "action"))
        rejected = rejected.drop("reason_ja", "action_ja")
        table = rejected.rename({
            "rejected_at": t("col_when", lang), "file_name": t("col_file", lang),
            "line": t("col_line", lang), "column_name": t("col_column", lang),
            "reason": t("col_reason", lang), "action": t("col_action", lang),
            "quarantined_path": t("col_kept_as", lang)})
        # The quarantine folder is a path on the server: in the download, not on the page.
        state.table(tables.line_numbers(table.drop(t("col_kept_as", lang)), t("col_line", lang)),
                    hide_index=True)
        state.download_buttons(table, "rejected_files", key="rejected", provenance=state.provenance(
            t("rejected_title", lang), t("source_run_records", lang)))

    st.subheader(t("held_title", lang))
    held = state.load(queries.held_files)
    if held.height == 0:
        st.success(t("held_none", lang))
    else:
        st.warning(t("held_help", lang))
        table = held.rename({
            "held_at": t("col_when", lang), "file_name": t("col_file", lang),
            "dataset_key": t("col_dataset", lang), "rows_before": t("col_rows_before", lang),
            "rows_after": t("col_rows_after", lang), "reason": t("col_reason", lang),
            "held_path": t("col_kept_as", lang)})
        # As for rejected files: the held/ folder is a path on the server, in the download only.
        state.table(table.drop(t("col_kept_as", lang)), hide_index=True)
        state.download_buttons(table, "held_files", key="held", provenance=state.provenance(
            t("held_title", lang), t("source_run_records", lang)))

st.subheader(t("templates_title", lang))
st.caption(t("templates_caption", lang))
for kind in TEMPLATES:
    row = st.container(horizontal=True, vertical_alignment="center")
    row.markdown(f"**{t(f'template_{kind}', lang)}**")
    for fmt in ("xlsx", "csv"):
        file_name, _ = template_bytes(kind, fmt)
        row.download_button(f"{fmt.upper()}", lambda k=kind, f=fmt: template_bytes(k, f)[1],
                            file_name, key=f"template_{kind}_{fmt}", on_click="ignore")

if system:
    st.subheader(t("runs_title", lang))
    runs = state.load(queries.runs)
    state.table(for_people(runs.drop("run_id"), lang), hide_index=True)
    with st.expander(t("raw_ids", lang)):
        state.table(for_people(runs.select("started_at", "run_id"), lang), hide_index=True)

st.subheader(t("sample_title", lang))
files = state.load(queries.source_files)
sample = files.filter(pl.col("is_sample"))
if sample.height == 0:
    st.info(t("sample_none", lang))
else:
    st.caption(f":orange-badge[{t('sample_mark', lang)}] {t('sample_some', lang)}")
    state.table(for_people(sample.select("file_name", "source_kind", "rows", "loaded_at"), lang),
                hide_index=True)

st.subheader(t("lineage_title", lang))
lineage = pl.DataFrame({
    t("col_panel", lang): [t("lineage_overview", lang)] * 3 + [t("lineage_crime", lang)],
    t("col_mart", lang): ["mart.published_total, mart.subsidy_uptake",
                          "mart.local_government, mart.prefecture", "data/geo",
                          "mart.crime_by_*, mart.police_station"],
    t("col_source", lang): [t("lineage_source_white_paper", lang),
                            t("lineage_source_reference", lang),
                            t("lineage_source_geo", lang), t("lineage_source_police", lang)],
})
state.table(lineage, hide_index=True)

st.subheader(t("files_title", lang))
state.table(for_people(files.drop("dataset_key", "sha256", "pref_code"), lang),
            hide_index=True)
with st.expander(t("raw_ids", lang)):
    state.table(for_people(files.select("file_name", "dataset_key", "sha256"), lang),
                hide_index=True)
state.download_buttons(files.drop("pref_code"), "loaded_files", key="files",
                       provenance=state.provenance(t("files_title", lang),
                                                   t("source_run_records", lang)))

st.subheader(t("findings_title", lang))
findings = state.load(queries.file_findings).drop("pref_code")
state.table(for_people(tables.line_numbers(findings, "line"), lang),
            hide_index=True)


def trail_table(events: list[access_log.AccessEvent], lang: str) -> pl.DataFrame:
    """The access trail in the page's language (times in JST)."""
    return pl.DataFrame({
        t("col_when", lang): [tables.datetime_label(datetime.fromisoformat(e.at), lang)
                              for e in events],
        t("col_event", lang): [t(f"event_{e.event}", lang) for e in events],
        t("col_user", lang): [e.user for e in events],
        t("col_role", lang): [t(f"role_{e.role}", lang, pref="") for e in events],
        t("col_prefectures", lang): [", ".join(e.pref_codes) for e in events],
        t("col_file", lang): [", ".join(e.files) for e in events],
        t("col_visited_page", lang): [e.page for e in events],
    }, schema={name: pl.String for name in (
        t("col_when", lang), t("col_event", lang), t("col_user", lang), t("col_role", lang),
        t("col_prefectures", lang), t("col_file", lang), t("col_visited_page", lang))})


if system:
    st.subheader(t("access_trail_title", lang))
    st.caption(t("access_trail_caption", lang))
    trail = access_log.read(state.settings(), limit=500)
    if trail:
        state.table(trail_table(trail, lang), hide_index=True)
    else:
        st.info(t("access_trail_none", lang))
