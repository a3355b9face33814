"""The dashboard's entry file and router: page setup, language, warehouse check, navigation.

Pages live in ``dashboard/views`` (not ``pages/``, which Streamlit would list on its own) and
lay out widgets only; this file runs before each of them. The project is installed in its
environment, so ``dashboard`` and ``warehouse`` import as packages under ``streamlit run``.
Run with ``saihan dashboard``.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.i18n import t


def _pages(lang: str) -> dict[str, list[st.Page]]:
    """The pages in their navigation groups (paths are relative to this file)."""
    return {
        t("nav_national", lang): [
            st.Page("views/overview.py", title=t("page_overview", lang), url_path="overview",
                    default=True),
            st.Page("views/progress.py", title=t("page_progress", lang), url_path="progress"),
            st.Page("views/ranking.py", title=t("page_ranking", lang), url_path="ranking"),
            st.Page("views/report.py", title=t("page_report", lang), url_path="report"),
            st.Page("views/crime.py", title=t("page_crime", lang), url_path="crime"),
        ],
        t("nav_programmes", lang): [
            st.Page("views/subsidy.py", title=t("page_subsidy", lang), url_path="subsidy"),
            st.Page("views/plans.py", title=t("page_plans", lang), url_path="plans"),
            st.Page("views/indicators.py", title=t("page_indicators", lang),
                    url_path="indicators"),
        ],
        t("nav_data", lang): [
            st.Page("views/extracts.py", title=t("page_extracts", lang), url_path="extracts"),
            st.Page("views/data.py", title=t("page_data", lang), url_path="data"),
        ],
    }


st.set_page_config(page_title=t("app_title", "ja"), layout="wide")
lang = state.language_switch()
st.sidebar.markdown(f"**{t('app_title', lang)}**")  # the product's name, on every page
page = st.navigation(_pages(lang))
# Each page its own tab title, then the product's name (set again now the page is known).
st.set_page_config(page_title=f"{page.title} | {t('app_title', lang)}")
state.page_chrome(lang)
state.require_warehouse()
page.run()
