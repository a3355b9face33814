"""The dashboard's entry file: page setup, language switch and navigation.

Pages live in ``dashboard/views`` (not ``pages/``, which Streamlit would list on its own);
they lay out widgets only. Run with ``saihan dashboard``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from dashboard import state  # noqa: E402
from dashboard.i18n import t  # noqa: E402

PAGES_DIR = Path(__file__).parent / "views"

st.set_page_config(page_title="saihan", layout="wide")
lang = state.language_switch()
st.sidebar.caption(t("app_title", lang))

pages = [
    st.Page(PAGES_DIR / "overview.py", title=t("page_overview", lang), url_path="overview",
            default=True),
    st.Page(PAGES_DIR / "progress.py", title=t("page_progress", lang), url_path="progress"),
    st.Page(PAGES_DIR / "subsidy.py", title=t("page_subsidy", lang), url_path="subsidy"),
    st.Page(PAGES_DIR / "plans.py", title=t("page_plans", lang), url_path="plans"),
    st.Page(PAGES_DIR / "indicators.py", title=t("page_indicators", lang),
            url_path="indicators"),
    st.Page(PAGES_DIR / "crime.py", title=t("page_crime", lang), url_path="crime"),
    st.Page(PAGES_DIR / "extracts.py", title=t("page_extracts", lang), url_path="extracts"),
    st.Page(PAGES_DIR / "data.py", title=t("page_data", lang), url_path="data"),
]
st.navigation(pages).run()
