"""The dashboard's entry file and router: page setup, language, warehouse check, navigation.

Pages live in ``dashboard/views`` (not ``pages/``, which Streamlit would list on its own) and
lay out widgets only; this file runs before each of them. The project is installed in its
environment, so ``dashboard`` and ``warehouse`` import as packages under ``streamlit run``.
Run with ``saihan dashboard``.
"""

from __future__ import annotations

import streamlit as st

from dashboard import access, links, state
from dashboard.i18n import t
from warehouse.reference import prefecture_english_names, prefecture_names

# What a viewer of public data may open, by URL path: the white paper's figures (the overview,
# the default page, served at the app's root: its path is "") and the police open data.
PUBLIC_PAGES = ("", "crime")


def _pages(lang: str, who: access.Viewer) -> dict[str, list[st.Page]]:
    """The pages this reader may open, in their navigation groups (paths are relative to this
    file); another page's address lands on the overview."""
    pages = _all_pages(lang)
    if who.role != "viewer":
        return pages
    shown = {group: [p for p in group_pages if p.url_path in PUBLIC_PAGES]
             for group, group_pages in pages.items()}
    return {group: group_pages for group, group_pages in shown.items() if group_pages}


def _all_pages(lang: str) -> dict[str, list[st.Page]]:
    return {
        t("nav_national", lang): [
            # at the root only: a path of its own (/overview) would be reserved yet not found,
            # Streamlit's "Page not found" dialog before the overview opened
            st.Page("views/overview.py", title=t("page_overview", lang), url_path="",
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
    """The overview under a path no page has (an old or mistyped link, /overview, a page this
    reader may not open), hidden from the navigation: such a link lands on the overview
    instead of a "Page not found" dialog."""
    asked = links.asked_path(st.context.url)
    known = {p.url_path for group in pages.values() for p in group}
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


def _role_label(who: access.Viewer, lang: str) -> str:
    if who.role == "prefecture":
        names = prefecture_names() if lang == "ja" else prefecture_english_names()
        return t("role_prefecture", lang, pref=names.get(who.pref_code, who.pref_code))
    return t(f"role_{who.role}", lang)


def _gate(lang: str) -> access.Viewer:
    """Who is reading, or stop the page: refused on a public address without login, the
    login button when no one is logged in, a message when the claims give no role. The open
    and public modes say so in a banner on every page."""
    mode = state.serving_mode()
    if mode == "refuse":
        address = st.get_option("server.address") or t("access_every_interface", lang)
        st.error(t("access_refused", lang, address=address))
        st.stop()
    if mode == "oidc" and not st.user.is_logged_in:
        st.title(t("access_login_title", lang))
        st.caption(t("access_login_caption", lang))
        provider = state.settings().auth_provider
        st.button(t("access_login", lang), type="primary", key="access_login", on_click=st.login,
                  args=(provider,) if provider else ())
        st.stop()
    who = state.viewer()
    if who is None:
        settings = state.settings()
        st.error(t("access_no_role", lang, problem=state.login_problem(),
                   role_claim=settings.auth_role_claim, pref_claim=settings.auth_pref_claim))
        st.button(t("access_logout", lang), key="access_logout", on_click=st.logout)
        st.stop()
    if mode == "oidc":
        if not st.session_state.get("access_login_recorded"):
            state.record_access("login")
            st.session_state["access_login_recorded"] = True
        st.sidebar.caption(t("access_signed_in", lang, user=who.user,
                             role=_role_label(who, lang)))
        st.sidebar.button(t("access_logout", lang), key="access_logout", on_click=st.logout)
    elif mode in ("open", "public"):  # a banner across every page (not an alert: pages keep theirs)
        colour, icon = ("orange", "lock_open") if mode == "open" else ("blue", "public")
        st.markdown(f":{colour}-background[:material/{icon}: "
                    f"{t(f'access_{mode}_banner', lang)}]")
    return who


st.set_page_config(page_title=t("app_title", "ja"), layout="wide")
lang = state.language_switch()
st.sidebar.markdown(f"**{t('app_title', lang)}**")  # the product's name, on every page
reader = _gate(lang)
pages = _pages(lang, reader)
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
