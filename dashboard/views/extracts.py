"""都道府県別データ — build one prefecture's extract on demand and download it as a ZIP."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import access, queries, state
from dashboard.i18n import t
from warehouse import db
from warehouse.export.extract import CSV_ENCODINGS, FORMATS, extract_zip

lang = state.lang()
settings = state.settings()

st.title(t("page_extracts", lang))
st.caption(t("extracts_caption", lang))

# Only the prefectures this reader may extract (an officer: their own), whatever ?pref= says.
prefectures = state.visible_prefectures(state.load(queries.prefectures))
names = {code: f"{code} {name}" for code, name in state.prefecture_names(prefectures, lang).items()}
left, middle, right = st.columns([1, 2, 1])
pref_code = state.url_selectbox(t("filter_prefecture", lang), list(names), "pref",
                                format_func=names.get, where=left)
formats = middle.multiselect(t("extracts_formats", lang), list(FORMATS), default=list(FORMATS),
                             format_func=lambda f: t(f"extracts_format_{f}", lang),
                             key="extract_formats")
encoding = right.radio(t("extracts_encoding", lang), list(CSV_ENCODINGS),
                       format_func=lambda e: t(f"extracts_encoding_{e.replace('-', '')}", lang),
                       key="extract_encoding", disabled="csv" not in formats)

rules = [f"{source} < {threshold}"
         for source, threshold in settings.suppress_below if threshold > 1]
st.caption(t("extracts_suppression", lang,
             rule=", ".join(rules) or t("extracts_suppression_none", lang)))

published = state.load(queries.published_at)
wanted = (pref_code, tuple(f for f in FORMATS if f in formats), encoding, published)
if not formats:
    st.info(t("extracts_no_format", lang))
elif st.button(t("extracts_build", lang), type="primary", key="extract_build"):
    if not access.may_extract(state.viewer() or access.NOBODY, pref_code):
        st.error(t("access_not_yours", lang))
        st.stop()
    with st.spinner(t("extracts_building", lang)):
        data, name, manifest = extract_zip(db.cursor(state.connection()), pref_code, wanted[1],
                                           csv_encoding=encoding,
                                           suppress_below=settings.suppress_below)
    st.session_state["extract_zip"] = {"key": wanted, "data": data, "name": name,
                                       "manifest": manifest}
    state.record_access("extract", pref_codes=(pref_code,),
                        files=tuple(f"{manifest['folder']}/{f['path']}"
                                    for f in manifest["files"]))

built = st.session_state.get("extract_zip")
if formats and built and built["key"] == wanted:
    manifest = built["manifest"]
    zipped = built["data"]
    st.download_button(t("extracts_download", lang, name=built["name"]),
                       state.recorded(lambda: zipped, built["name"], (pref_code,)),
                        built["name"], "application/zip", on_click="ignore", type="primary",
                        key="extract_download")
    for skipped in manifest["skipped_tables"]:
        st.warning(t("extracts_skipped", lang, table=skipped["table"], reason=skipped["reason"]))
    st.caption(t("extracts_contents", lang))
    state.table(pl.DataFrame(manifest["tables"]).select(
        pl.col("sheet").alias(t("extracts_col_table", lang)),
        pl.col("rows").alias(t("col_rows", lang)),
        pl.col("sample_rows").alias(t("extracts_col_sample_rows", lang)),
        pl.col("suppressed_rows").alias(t("extracts_col_suppressed_rows", lang)),
    ), hide_index=True)
    if any(table["sample_rows"] for table in manifest["tables"]):
        st.caption(f":orange-badge[{t('sample_mark', lang)}]")
    state.table(pl.DataFrame([{"path": f["path"], "bytes": f["bytes"]}
                               for f in manifest["files"]]).rename(
        {"path": t("col_file", lang), "bytes": t("extracts_col_bytes", lang)}),
        hide_index=True)

st.caption(t("extracts_nightly", lang))  # the extracts folder is a server path: not shown
