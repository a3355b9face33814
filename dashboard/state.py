"""Streamlit-side plumbing shared by the pages: language, the session's reader (login and
role, dashboard.access), cached connection and results narrowed to that reader, the
source/as-of/sample footer under each panel, downloads recorded in the access trail.

The connection is cached per published file (inode and mtime), so a newly published warehouse
is picked up on the next interaction while readers of the old one finish undisturbed.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from dashboard import access, charts, downloads, links, queries, tables, theme
from dashboard.i18n import LANGUAGES, date_label, t
from dashboard.safe import markdown_text
from warehouse import access_log, db
from warehouse.settings import Settings

_log = logging.getLogger(__name__)


def settings() -> Settings:
    """The installation's settings (from the environment)."""
    return Settings.from_env()


def lang() -> str:
    """The current language: the switch, else the URL (?lang=en), else the configured default."""
    value = st.session_state.get("lang_switch") or st.query_params.get("lang", settings().lang)
    return value if value in LANGUAGES else "ja"


def _remember_language() -> None:
    st.query_params["lang"] = st.session_state["lang_switch"]


def language_switch() -> str:
    """The sidebar language selector, kept in the URL so a shared link keeps it."""
    current = lang()
    st.sidebar.radio(
        t("language", current), list(LANGUAGES), index=list(LANGUAGES).index(current),
        format_func=LANGUAGES.get, horizontal=True, key="lang_switch",
        on_change=_remember_language,
    )
    return lang()


def page_chrome(current: str) -> None:
    """What every page needs in its document: ``<html lang>`` in the page's language (Streamlit
    always writes ``en``) and a visible keyboard-focus outline."""
    st.html(theme.FOCUS_CSS + theme.CONTRAST_CSS + theme.CHART_TITLE_CSS + theme.TABLE_SCROLL_CSS
            + theme.WIDE_CHART_CSS + theme.KPI_WRAP_CSS)
    st.html(theme.NAV_LIST_SCRIPT, unsafe_allow_javascript=True, width="content")
    st.html(f"<script>document.documentElement.lang = {json.dumps(current)};</script>",
            unsafe_allow_javascript=True, width="content")


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


@st.cache_resource(max_entries=2)
def _connection(path: str, stamp: tuple[int, int]) -> duckdb.DuckDBPyConnection:
    return queries.open_warehouse(Path(path))


def connection() -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the current published warehouse, or None if there is none."""
    path = settings().warehouse
    if not path.exists():
        return None
    return _connection(str(path), _stamp(path))


@st.cache_data(max_entries=256, show_spinner=False)
def _cached(module: str, name: str, stamp: tuple[int, int], args: tuple) -> Any:
    con = _connection(str(settings().warehouse), stamp)
    return getattr(sys.modules[module], name)(db.cursor(con), *args)


def load(query: Callable, *args: Any) -> Any:
    """Run a query function (``dashboard.queries``, ``dashboard.ranking_queries``) on the
    published warehouse, cached, and narrowed to what this session may read
    (``dashboard.access.scope``: the one decision, whatever the URL asks for). A warehouse
    published by an earlier version lacks the marts newer pages read (``mart.prefecture_ranking``
    before the ranking view): the page then says so and how to mend it (the next run builds
    them), instead of DuckDB's error."""
    path = settings().warehouse
    try:
        return access.read(lambda: viewer() or access.NOBODY, query, args,
                           lambda: _cached(query.__module__, query.__name__, _stamp(path), args))
    except duckdb.CatalogException:
        _log.warning("a mart %s.%s reads is missing", query.__module__, query.__name__,
                     exc_info=True)
        st.warning(t("mart_missing", lang()))
        st.stop()


# --- who is reading ----------------------------------------------------------------------------

def serving_mode() -> str:
    """open, oidc, public or refuse (``dashboard.access.serving_mode``) for this server."""
    auth = st.secrets.get("auth") if st.secrets.load_if_toml_exists() else None
    return access.serving_mode(st.get_option("server.address"), access.has_login(auth),
                               settings().public_viewer)


def viewer() -> access.Viewer | None:
    """This session's reader; None when no one is logged in yet (or the claims give no role;
    ``login_problem`` says why)."""
    mode = serving_mode()
    if mode == "open":
        return access.OPEN_VIEWER
    if mode == "public":
        return access.PUBLIC_VIEWER
    if mode != "oidc" or not st.user.is_logged_in:
        return None
    try:
        return access.viewer_from_claims(st.user.to_dict(), settings())
    except access.ClaimError:
        return None


def login_problem() -> str | None:
    """Why a logged-in user has no role (their claims disagree), for the message."""
    if serving_mode() != "oidc" or not st.user.is_logged_in:
        return None
    try:
        access.viewer_from_claims(st.user.to_dict(), settings())
    except access.ClaimError as problem:
        return str(problem)
    return None


def visible_prefectures(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of a prefectures frame whose detail this session may see (for choosers);
    none when no one is logged in."""
    allowed = (viewer() or access.NOBODY).prefectures
    return frame if allowed is None else frame.filter(pl.col("pref_code").is_in(sorted(allowed)))


def record_access(event: str, *, files: tuple[str, ...] = (),
                  pref_codes: tuple[str, ...] = ()) -> None:
    """Append a login, download or extract to the access trail (``warehouse.access_log``)."""
    who = viewer()
    if who is None:
        return
    access_log.record(settings(), access_log.AccessEvent(
        event=event, user=who.user, role=who.role,
        pref_codes=pref_codes or ((who.pref_code,) if who.pref_code else ()), files=files,
        page=links.asked_path(st.context.url) or ""))


def recorded(make: Callable[[], bytes], file_name: str,
             pref_codes: tuple[str, ...] = ()) -> Callable[[], bytes]:
    """A download's callable that writes the access trail before handing over the bytes. The
    reader is taken now: the callable runs outside the page's script."""
    who, home, page = viewer(), settings(), links.asked_path(st.context.url) or ""

    def run() -> bytes:
        data = make()
        if who is not None:
            access_log.record(home, access_log.AccessEvent(
                event="download", user=who.user, role=who.role,
                pref_codes=pref_codes or ((who.pref_code,) if who.pref_code else ()),
                files=(file_name,), page=page))
        return data

    return run


def name_column(lang: str) -> str:
    """The ``mart.prefecture`` column with a prefecture's full name in the language."""
    return "name_ja" if lang == "ja" else "name_en"


def short_name(lang: str) -> pl.Expr:
    """A prefecture's short label in the language (東京 / Tokyo), for tiles and map labels."""
    return pl.col("short_name_ja") if lang == "ja" else pl.col("name_en")


def fiscal_year_label(fiscal_year: int, lang: str) -> str:
    """A fiscal year as the warehouse names it (令和6年度, FY2024: ``mart.fiscal_year``)."""
    labels = load(queries.fiscal_year_labels)
    return labels.get(lang, labels["en"]).get(int(fiscal_year), str(fiscal_year))


def prefecture_names(frame: pl.DataFrame, lang: str) -> dict[str, str]:
    """pref_code -> prefecture name in the language, from a frame with pref_code, name_ja and
    name_en (as ``mart.prefecture`` has them; one entry per code, in the frame's order)."""
    return dict(zip(frame["pref_code"], frame[name_column(lang)], strict=True))


def require_warehouse() -> None:
    """Stop the page with a clear message when nothing has been published yet."""
    if connection() is None:
        st.warning(t("no_warehouse", lang()))
        st.stop()


def chart(figure: Any, key: str, *, title: str, source: str, alternative: tuple[str, pl.DataFrame],
          as_of: date | None = None, is_sample: bool = False, footer: bool = True,
          wide: bool = False) -> None:
    """A panel's chart with its text alternative (``dashboard.alt_text``): the one-line summary
    above it and its data as a table in an expander under it. The figure carries its title,
    source, as-of date and sample mark (so an exported image has them); on the page they are
    hidden (``theme.CHART_TITLE_CSS``), the panel's heading and footer saying them once. Then
    the panel's footer. A ``wide`` chart (a tile map) keeps 560 px on a phone and scrolls
    inside its box (``theme.WIDE_CHART_CSS``)."""
    current = lang()
    summary, data = alternative
    st.markdown(markdown_text(summary))
    with st.container(key=f"wide_{key}") if wide else st.container():
        plotly_chart(figure, key, title=title, source=source, as_of=as_of, is_sample=is_sample)
    with st.expander(t("table_view", current), expanded=False):
        table(data, hide_index=True, key=f"{key}_table")
    if footer:
        panel_footer(source, as_of, is_sample=is_sample)


def chart_note(source: str, as_of: date | None = None, *, is_sample: bool = False) -> str:
    """What a figure says under its title: source, as-of date and sample mark."""
    current = lang()
    note = t("chart_source_note", current, source=source)
    if as_of is not None:
        note += t("chart_as_of_note", current, as_of=date_label(as_of, current))
    if is_sample:
        note += t("note_separator", current) + t("sample_mark", current)
    return note


def plotly_chart(figure: Any, key: str, *, title: str, source: str, as_of: date | None = None,
                 is_sample: bool = False) -> None:
    """``st.plotly_chart`` of the figure with its title and note inside it (an image saved with
    the camera button, named after ``key``, keeps them); ``chart`` adds the text alternative."""
    st.plotly_chart(charts.with_provenance(figure, title,
                                           chart_note(source, as_of, is_sample=is_sample)),
                    key=key, config={"toImageButtonOptions": {"filename": key}})


def panel_footer(source: str, as_of: date | None, *, is_sample: bool = False) -> None:
    """The line under every panel: where the figures come from, as of when, sample or not."""
    current = lang()
    if as_of is None:
        st.caption(t("source_line_no_date", current, source=source))
    else:
        st.caption(t("source_line", current, source=source, as_of=date_label(as_of, current)))
    if is_sample:
        st.caption(f":orange-badge[{t('sample_mark', current)}]")


def measure_name(measure: str) -> str:
    """A measure's one name (``measure_<id>`` in ``dashboard.i18n``), the same on every page."""
    return t(f"measure_{measure}", lang())


def measure_help(measure: str) -> str:
    """A measure's one definition, for ``help=`` beside it."""
    return t(f"measure_{measure}_help", lang())


def definitions(*measures: str) -> None:
    """The definitions of a page's measures, one click away (an expander)."""
    with st.expander(t("definitions_title", lang()), icon=":material/menu_book:"):
        for measure in measures:
            st.markdown(f"**{measure_name(measure)}**  \n{measure_help(measure)}")


# --- filters that live in the URL, so a view can be sent as a link --------------------------

def ignores_filters(*labels: str) -> None:
    """Say under a panel which of its page's filters it does not follow (issue 13: every panel
    follows every filter of its page, or says plainly which it does not)."""
    current = lang()
    joiner = "」「" if current == "ja" else "”, “"
    st.caption(t("ignores_filter", current, filters=joiner.join(labels)))


def _url_value(key: str) -> str | None:
    return st.query_params.get(key)


def _url_values(key: str) -> list[str]:
    return [v for v in st.query_params.get_all(key) if v]


def _sync(key: str, multi: bool) -> None:
    value = st.session_state[f"url_{key}"]
    if multi:
        st.query_params[key] = [str(v) for v in value] if value else []
        if not value:
            del st.query_params[key]
    elif value is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)


def _sync_map_kind(key: str) -> None:
    st.query_params["map"] = st.session_state[key] or "tile"


def map_kind(key: str) -> str:
    """The tile-grid / geographic map switch, kept in the URL (?map=geo) and carried to the
    other pages by the navigation, so a shared link shows the same map."""
    current = lang()
    wanted = st.query_params.get("map")
    kind = st.segmented_control(
        t("map_kind", current), list(links.MAP_KINDS),
        default=wanted if wanted in links.MAP_KINDS else "tile",
        format_func=lambda k: t(f"map_{k}", current), key=key, on_change=_sync_map_kind,
        args=(key,),
    )
    return kind or "tile"


def _sync_indicator(key: str, by_key: dict[str, dict]) -> None:
    for name in ("plan", "indicator", "unit", "series"):
        st.query_params.pop(name, None)
    row = by_key[st.session_state[key]]
    st.query_params.update(links.indicator_params(
        row["edition"], row["indicator_number"], row["indicator_name"], row["unit"]))


def url_indicator_select(label: str, series: pl.DataFrame, labels: dict[str, str], *,
                         where=st) -> str:
    """A selectbox of indicator series whose choice is kept in the URL readably
    (?plan=2&indicator=1-1&unit=%), not by the series' internal key."""
    rows = series.to_dicts()
    by_key = {row["series_key"]: row for row in rows}
    keys = list(labels)
    wanted = links.find_series(rows, st.query_params)
    index = keys.index(wanted) if wanted in keys else 0
    return where.selectbox(label, keys, index=index, format_func=labels.get,
                           key="url_indicator", on_change=_sync_indicator,
                           args=("url_indicator", by_key))


def url_selectbox(label: str, options: list, key: str, *, format_func=str, where=st) -> Any:
    """A selectbox whose choice is kept in the URL (?key=value)."""
    if not options:
        return None
    wanted = _url_value(key)
    as_text = [str(o) for o in options]
    index = as_text.index(wanted) if wanted in as_text else 0
    return where.selectbox(label, options, index=index, format_func=format_func,
                           key=f"url_{key}", on_change=_sync, args=(key, False))


def url_multiselect(label: str, options: list, key: str, *, format_func=str, where=st,
                    placeholder: str | None = None) -> list:
    """A multiselect whose choices are kept in the URL (?key=a&key=b)."""
    wanted = set(_url_values(key))
    default = [o for o in options if str(o) in wanted]
    return where.multiselect(label, options, default=default, format_func=format_func,
                             key=f"url_{key}", on_change=_sync, args=(key, True),
                             placeholder=placeholder)


# --- tables ------------------------------------------------------------------------------------

def table(frame: pl.DataFrame, *, column_config: dict | None = None,
          decimals: dict[str, int] | None = None, **kwargs: Any) -> None:
    """``st.dataframe`` of ``frame`` written for people (dates, separators, ``decimals`` places
    in the named columns); numbers stay typed (a column sorts by value) and a missing one is an
    empty cell (``placeholder``), not "None"."""
    current = lang()
    shown = tables.for_display(frame, current)
    config = {**tables.number_columns(shown, decimals), **(column_config or {})}
    st.dataframe(shown, column_config=config, placeholder="", **kwargs)


# --- downloads ---------------------------------------------------------------------------------

def provenance(title: str, source: str, as_of: date | None = None, *, is_sample: bool = False,
               filters: str = "") -> downloads.Provenance:
    """A panel's provenance for its downloads: its footer's source, as-of date and sample mark,
    with when the warehouse was published."""
    built = load(queries.published_at)
    return downloads.Provenance(title=title, source=source, as_of=as_of,
                                published_at=datetime.fromisoformat(built) if built else None,
                                is_sample=is_sample, filters=filters)


def download_buttons(frame: pl.DataFrame, name: str, *, key: str,
                     provenance: downloads.Provenance,
                     pref_codes: tuple[str, ...] = ()) -> None:
    """CSV (UTF-8 with BOM, opens in Excel) and XLSX downloads that do not reset the page, each
    carrying the panel's provenance (CSV columns, an XLSX 説明 sheet). Each download is
    recorded in the access trail (who, which prefectures, which file, when).

    The files are made only when a button is clicked (a callable as ``data``), so a page with
    large tables renders as fast as one without.
    """
    current = lang()
    row = st.container(horizontal=True)
    row.download_button(t("download_csv", current),
                        recorded(lambda: downloads.csv_bytes(frame, provenance, current),
                                 f"{name}.csv", pref_codes), f"{name}.csv",
                        "text/csv", key=f"{key}_csv", on_click="ignore")
    row.download_button(t("download_xlsx", current),
                        recorded(lambda: downloads.xlsx_bytes(frame, name, provenance, current),
                                 f"{name}.xlsx", pref_codes),
                        f"{name}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        key=f"{key}_xlsx", on_click="ignore")
