"""Every role on every page, asked with hostile query parameters, through Streamlit's AppTest
(``at.user`` fakes the login's claims, ``at.secrets`` the [auth] settings): a search of every
rendered element and of every download finds no value of a prefecture the user may not see.

The values searched for are read from the warehouse itself, per prefecture: plan names, subsidy
costs and national shares, indicator numerators and denominators, and delivered file names. One
render per (role, page); the ministry's renders show the same search finds them when they are
allowed (so the search can fail)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import duckdb
import pytest
from google.protobuf import text_format
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.conftest import private_copy
from tests.unit.dashboard.conftest import APP, serve_on
from warehouse import access_log
from warehouse.settings import PROJECT_ROOT, Settings

PAGES = sorted(f"views/{p.name}" for p in (PROJECT_ROOT / "dashboard" / "views").glob("*.py"))
LOGIN = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "c" * 32,
         "client_id": "saihan", "client_secret": "secret",
         "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
# role -> (claims, or None for the anonymous public viewer; the prefecture it may see)
ROLES = {
    "officer_01": ({"email": "officer@pref.hokkaido.example", "saihan_role": "prefecture",
                    "pref_code": "01"}, "01"),
    "officer_40": ({"email": "officer@pref.fukuoka.example", "groups": ["fukuoka-staff"]},
                   "40"),
    "viewer": ({"email": "reader@example.org"}, None),
    "public": (None, None),
}


@pytest.fixture(scope="module")
def home(sample_home: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the sample home (downloads write its access trail)."""
    return private_copy(sample_home, tmp_path_factory.mktemp("access"))


def _text_values(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for pref_code, value in con.sql(sql).fetchall():
        if value is None:
            continue
        if isinstance(value, float | int):
            number = int(value)
            if number < 1000:  # small numbers are everywhere (counts, years): not telling
                continue
            texts = {f"{number:,}", str(number)}
        else:
            texts = {str(value)}
        found.setdefault(pref_code, set()).update(texts)
    return found


@pytest.fixture(scope="module")
def restricted(home: Settings) -> dict[str, set[str]]:
    """pref_code -> the restricted values of that prefecture found in the warehouse."""
    con = duckdb.connect(str(home.warehouse), read_only=True)
    by_pref: dict[str, set[str]] = {}
    public = _public_numbers(con)
    for sql in (
        "select pref_code, plan_name from mart.plan_status",
        "select pref_code, project_cost_yen from mart.subsidy_uptake",
        "select pref_code, national_share_yen from mart.subsidy_uptake",
        "select pref_code, numerator from mart.indicator_value where not is_national",
        "select pref_code, denominator from mart.indicator_value where not is_national",
        "select pref_code, file_name from mart.source_file where pref_code is not null",
    ):
        for pref_code, values in _text_values(con, sql).items():
            by_pref.setdefault(pref_code, set()).update(values - public)
    con.close()
    return by_pref


def _public_numbers(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every count the police open data and the white paper give (any sum of incidents over
    prefecture, year, modus, station and month, or over a run of months, of all incidents or of
    those in their data year; every published total): a restricted number equal to one of them
    says nothing when it is shown."""
    keys = ("pref_code", "data_year", "modus", "police_station", "year_month")
    grouping = ", ".join(f"({', '.join(k for i, k in enumerate(keys) if mask >> i & 1)})"
                         for mask in range(2 ** len(keys)))
    rows = con.sql("select sum(incidents)::bigint from mart.crime_by_station_month "
                   f"group by grouping sets ({grouping}) "
                   "union all select value::bigint from mart.published_total "
                   "where value is not null").fetchall()
    # and over any run of months (the overview trims its crime chart to the months it draws),
    # of every incident or of those that happened in their data year (the report's trend)
    for within_year in ("true", "year(year_month) = data_year"):
        monthly = con.sql("select pref_code, year_month, sum(incidents)::bigint "
                          "from mart.crime_by_station_month where year_month is not null "
                          f"and {within_year} group by all order by 2").fetchall()
        rows += _runs_of_months(monthly)
    return {text for (n,) in rows if n is not None for text in (f"{n:,}", str(n))}


def _runs_of_months(monthly: list[tuple]) -> list[tuple[int]]:
    """The sum over every run of months, of each prefecture and of all of them."""
    rows = []
    for prefecture in {None} | {p for p, _, _ in monthly}:
        by_month: dict = {}
        for p, month, n in monthly:
            if prefecture in (None, p):
                by_month[month] = by_month.get(month, 0) + n
        counts = [by_month[month] for month in sorted(by_month)]
        for start in range(len(counts)):
            rows += [(sum(counts[start:end]),) for end in range(start + 1, len(counts) + 1)]
    return rows


def forbidden(restricted: dict[str, set[str]], own: str | None) -> set[str]:
    """What a reader of ``own`` (None: no prefecture) must never be shown: other prefectures'
    values that are not also values of its own (a shared 1,500,000 yen says nothing)."""
    mine = restricted.get(own, set())
    return {v for code, values in restricted.items() if code != own for v in values} - mine


def rendered(at: AppTest) -> str:
    """Everything on the page: each element's message (markdown, captions, metrics, charts'
    figures, widgets' options) and each table's cells."""
    parts = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and proto.DESCRIPTOR.name in ("Arrow", "Dataframe"):
            parts.append(node.value.to_csv(index=False))
        elif proto is not None and proto.DESCRIPTOR.name == "PlotlyChart":
            parts.append(json.dumps(json.loads(proto.spec), ensure_ascii=False))
        elif proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def downloaded(files: list) -> str:
    """The text of every download made: CSV as text, XLSX and ZIP members unpacked."""
    parts = []
    for make in files:
        data = make()
        data = data.encode() if isinstance(data, str) else data
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    parts.append(name)
                    member = archive.read(name)
                    if member[:2] == b"PK":
                        parts.append(downloaded([lambda m=member: m]))
                    else:
                        parts.append(member.decode("utf-8", "replace"))
        else:
            parts.append(data.decode("utf-8-sig", "replace"))
    return "\n".join(parts)


@pytest.fixture
def open_as(home: Settings, monkeypatch: pytest.MonkeyPatch):
    """Open a page as a role, with hostile query parameters; returns the AppTest, the page's
    text and the text of every download the page offers."""
    monkeypatch.setenv("SAIHAN_HOME", str(home.home))
    monkeypatch.setenv("SAIHAN_AUTH_GROUPS", "fukuoka-staff=40,moj=ministry")
    monkeypatch.delenv("SAIHAN_LANG", raising=False)
    offered: list = []
    add = MediaFileManager.add_deferred

    def keep(self, data_callable, *args, **kwargs):
        offered.append(data_callable)
        return add(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)

    def open_page(page: str, claims: dict | None, hostile: str) -> tuple[AppTest, str, str]:
        at = AppTest.from_file(APP, default_timeout=30)
        if claims is None:  # the anonymous public viewer mode on a network address
            serve_on(monkeypatch, "0.0.0.0")
            monkeypatch.setenv("SAIHAN_PUBLIC_VIEWER", "true")
        else:
            serve_on(monkeypatch, "0.0.0.0")
            at.secrets["auth"] = LOGIN
            at.user = {"is_logged_in": True, **claims}
        for key, value in {"pref": hostile, "measure": "subsidy_project_cost_yen",
                           "role": "ministry", "pref_code": hostile, "lang": "ja"}.items():
            at.query_params[key] = value
        at.switch_page(page)
        offered.clear()
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        if page == "views/extracts.py" and "extract_build" in {b.key for b in at.button}:
            at.button(key="extract_build").click().run()  # build, then search the ZIP too
            assert not at.exception, [e.message for e in at.exception]
        return at, rendered(at), downloaded(list(offered))

    return open_page


NUMBER = re.compile(r"(?<![0-9A-Za-z_,.])\d[\d,]*(?![0-9A-Za-z_,]|\.\d)")


def leaks(text: str, values: set[str]) -> list[str]:
    """The values found in ``text``: numbers as whole numbers (not inside a longer one or a
    decimal), names anywhere."""
    numbers = set(NUMBER.findall(text))
    return sorted(v for v in values if (v in numbers if v[0].isdigit() else v in text))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_no_value_of_another_prefecture_reaches_a_page_or_a_download(
        open_as, restricted, role: str, page: str) -> None:
    claims, own = ROLES[role]
    hostile = "13" if own is None else ("40" if own == "01" else "01")
    at, page_text, download_text = open_as(page, claims, hostile)
    values = forbidden(restricted, own)
    assert values, "nothing to search for: the sample warehouse lost its restricted data"
    assert leaks(page_text, values) == [], f"{role} on {page}: the page shows them"
    assert leaks(download_text, values) == [], f"{role} on {page}: a download holds them"
    assert "quarantine" not in page_text + download_text and str(PROJECT_ROOT) not in page_text


@pytest.mark.parametrize("page", ["views/plans.py", "views/subsidy.py", "views/data.py"])
def test_the_search_finds_them_where_the_ministry_may_see_them(
        open_as, restricted, page: str) -> None:
    _, page_text, download_text = open_as(page, {"email": "analyst@moj.example",
                                                 "groups": ["moj"]}, "13")
    assert leaks(page_text + download_text, forbidden(restricted, "01"))


def test_officers_downloads_and_extract_are_in_the_trail(open_as, home: Settings) -> None:
    open_as("views/extracts.py", ROLES["officer_40"][0], "01")
    trail = access_log.read(home, limit=3)
    assert [(e.event, e.user, e.pref_codes) for e in trail[:2]] == [
        ("download", "officer@pref.fukuoka.example", ("40",)),
        ("extract", "officer@pref.fukuoka.example", ("40",)),
    ]
    assert trail[0].files[0].startswith("40") or "40" in trail[0].files[0]
    assert any(path.startswith("40") for path in trail[1].files), trail[1].files


def test_login_is_recorded_once_per_session_and_no_role_is_no_data(open_as,
                                                                    home: Settings) -> None:
    before = len(access_log.read(home))
    at, text, _ = open_as("views/overview.py", {"email": "x@example.org", "pref_code": "99"},
                          "01")
    assert "権限を決められません" in text and "99" in text
    assert len(at.metric) == 0  # nothing of the warehouse
    at, _, _ = open_as("views/overview.py", ROLES["officer_01"][0], "40")
    at.run()
    logins = [e for e in access_log.read(home)[: len(access_log.read(home)) - before]
              if e.event == "login"]
    assert [(e.user, e.role) for e in logins] == [("officer@pref.hokkaido.example",
                                                   "prefecture")]


def test_before_login_only_the_login_button(open_as, monkeypatch) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    serve_on(monkeypatch, "0.0.0.0")
    at.secrets["auth"] = LOGIN
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["ログイン"]
    assert at.title[0].value == "ログインしてください" and len(at.metric) == 0


def test_another_address_without_login_refuses(open_as, monkeypatch) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    serve_on(monkeypatch, "0.0.0.0")
    at.run()
    assert "SAIHAN_PUBLIC_VIEWER=true" in at.error[0].value
    assert "0.0.0.0" in at.error[0].value and len(at.metric) == 0


def test_the_open_mode_says_so_on_every_page(app) -> None:
    at = app("views/subsidy.py")
    assert "ローカル公開モード" in at.main.markdown[0].value  # on top of the page
    at = app("views/crime.py", lang="en")
    assert "Local open mode" in at.main.markdown[0].value


@pytest.mark.parametrize("role", ["viewer", "public"])
def test_a_viewer_of_public_data_reads_the_overview_and_the_crime_page(open_as, role) -> None:
    at, _, _ = open_as("views/overview.py", ROLES[role][0], "13")
    assert at.title[0].value == "全国概況"
    assert [link.proto.label for link in at.get("page_link")] == ["全国概況", "犯罪統計"]
    # the white paper's national figures; no prefecture's subsidy record, so no map of them
    assert {m.label: m.value for m in at.metric}["地方計画 策定済み都道府県"] == "47"
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-overview_map")]
