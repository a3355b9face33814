"""The dashboard's entry file and router: page setup, language, warehouse check, navigation.

Pages live in ``dashboard/views`` (not ``pages/``, which Streamlit would list on its own) and
lay out widgets only; this file runs before each of them. The project is installed in its
environment, so ``dashboard`` and ``warehouse`` import as packages under ``streamlit run``.
Run with ``saihan dashboard``.
"""

from __future__ import annotations

import streamlit as st

from dashboard import links, state
from dashboard.i18n import t

OVERVIEW = "overview"  # the default page's own path


def _pages(lang: str) -> dict[str, list[st.Page]]:
    """The pages in their navigation groups (paths are relative to this file)."""
    return {
        t("nav_national", lang): [
            st.Page("views/overview.py", title=t("page_overview", lang), url_path=OVERVIEW,
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


def _landing(pages: dict[str, list[st.Page]], lang: str) -> st.Page | None:
    """The overview under a path no page has (an old or mistyped link), hidden from the
    navigation: such a link lands on the overview instead of a "Page not found" dialog."""
    asked = links.asked_path(st.context.url)
    # the default page answers to "" but reserves its own path too (/overview is the overview)
    known = {p.url_path for group in pages.values() for p in group} | {OVERVIEW}
    if not asked or asked in known:
        return None
    return st.Page("views/overview.py", title=t("page_overview", lang), url_path=asked,
                   visibility="hidden")


def _sidebar_navigation(pages: dict[str, list[st.Page]], lang: str) -> None:
    """The grouped page links in the sidebar; each keeps the language and the map kind in the
    URL (Streamlit's own navigation drops every query parameter)."""
    carried = links.kept(st.query_params, lang)
    for group, group_pages in pages.items():
        st.sidebar.caption(group)
        for target in group_pages:
            st.sidebar.page_link(target, label=target.title, query_params=carried)


st.set_page_config(page_title=t("app_title", "ja"), layout="wide")
lang = state.language_switch()
st.sidebar.markdown(f"**{t('app_title', lang)}**")  # the product's name, on every page
pages = _pages(lang)
landing = _landing(pages, lang)
page = st.navigation({**pages, **({"": [landing]} if landing else {})}, position="hidden")
if page is landing:  # show the overview at its own address, with the link's parameters
    st.switch_page(pages[t("nav_national", lang)][0], query_params=dict(st.query_params))
_sidebar_navigation(pages, lang)
# Each page its own tab title, then the product's name (set again now the page is known).
st.set_page_config(page_title=f"{page.title} | {t('app_title', lang)}")
state.page_chrome(lang)
state.require_warehouse()
page.run()
