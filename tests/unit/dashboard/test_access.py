"""The access rules on their own (no Streamlit): roles from claims, the serving modes, the one
scope decision and the narrowing of results, and the append-only access trail."""

from __future__ import annotations

import inspect
import json

import polars as pl
import pytest

from dashboard import access, queries, ranking_queries
from tests.conftest import make_settings
from warehouse import access_log
from warehouse.settings import Settings

SETTINGS = Settings.from_env({"SAIHAN_AUTH_GROUPS": "moj-analysts=ministry,hokkaido-staff=1,"
                                                    "press=viewer"})
OFFICER_01 = access.Viewer("prefecture", pref_code="01", user="a@pref.hokkaido.lg.jp")


def query_functions() -> list[str]:
    """Every query function the pages can load."""
    return [name for module in (queries, ranking_queries)
            for name, fn in inspect.getmembers(module, inspect.isfunction)
            if fn.__module__ == module.__name__ and name not in ("frame", "open_warehouse")
            and "con" in inspect.signature(fn).parameters]


def test_every_query_has_a_policy() -> None:
    assert sorted(set(query_functions()) - set(access.POLICY)) == []


def test_an_unknown_query_is_closed_to_all_but_the_ministry() -> None:
    assert not access.scope(OFFICER_01, "new_query").allowed
    assert not access.scope(access.PUBLIC_VIEWER, "new_query").allowed
    assert access.scope(access.OPEN_VIEWER, "new_query").allowed


@pytest.mark.parametrize(("claims", "role", "pref"), [
    ({"email": "m@moj.go.jp", "saihan_role": "ministry"}, "ministry", None),
    ({"email": "o@pref", "saihan_role": "prefecture", "pref_code": "1"}, "prefecture", "01"),
    ({"email": "o@pref", "pref_code": 40}, "prefecture", "40"),
    ({"email": "o@pref", "groups": ["hokkaido-staff"]}, "prefecture", "01"),
    ({"email": "m@moj", "groups": ["moj-analysts", "hokkaido-staff"]}, "ministry", None),
    ({"email": "p@press", "groups": "press"}, "viewer", None),
    ({"email": "x@example.org"}, "viewer", None),
    ({"sub": "abc", "saihan_role": "viewer", "pref_code": "13"}, "viewer", None),
])
def test_roles_from_claims(claims: dict, role: str, pref: str | None) -> None:
    viewer = access.viewer_from_claims(claims, SETTINGS)
    assert (viewer.role, viewer.pref_code) == (role, pref)
    assert viewer.user == (claims.get("email") or claims.get("sub"))


def test_claim_names_are_configurable() -> None:
    settings = Settings.from_env({"SAIHAN_AUTH_ROLE_CLAIM": "role", "SAIHAN_AUTH_PREF_CLAIM":
                                  "prefecture", "SAIHAN_AUTH_GROUPS_CLAIM": "roles"})
    viewer = access.viewer_from_claims({"role": "prefecture", "prefecture": "13"}, settings)
    assert (viewer.role, viewer.pref_code) == ("prefecture", "13")
    # the default names mean nothing any more
    assert access.viewer_from_claims({"saihan_role": "ministry"}, settings).role == "viewer"


@pytest.mark.parametrize("claims", [
    {"saihan_role": "prefecture"},                           # no prefecture
    {"pref_code": "99"},                                     # not a prefecture
    {"groups": ["hokkaido-staff"], "pref_code": "40"},       # two prefectures
    {"saihan_role": "admin"},                                # not a role
])
def test_claims_that_give_no_single_role_are_refused(claims: dict) -> None:
    with pytest.raises(access.ClaimError):
        access.viewer_from_claims(claims, SETTINGS)


def test_a_group_mapping_that_does_not_read_is_an_error() -> None:
    with pytest.raises(ValueError, match="SAIHAN_AUTH_GROUPS"):
        Settings.from_env({"SAIHAN_AUTH_GROUPS": "staff=admin"})
    with pytest.raises(ValueError, match="SAIHAN_PUBLIC_VIEWER"):
        Settings.from_env({"SAIHAN_PUBLIC_VIEWER": "maybe"})


LOGIN = {"redirect_uri": "https://saihan.example/oauth2callback", "cookie_secret": "s" * 32,
         "client_id": "saihan", "client_secret": "x",
         "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}


@pytest.mark.parametrize(("address", "auth", "public", "mode"), [
    ("127.0.0.1", None, False, "open"),
    ("localhost", None, False, "open"),
    ("::1", None, False, "open"),
    ("0.0.0.0", None, False, "refuse"),
    (None, None, False, "refuse"),          # Streamlit's default: every interface
    ("192.168.1.20", None, True, "public"),
    ("0.0.0.0", LOGIN, False, "oidc"),
    ("127.0.0.1", LOGIN, False, "oidc"),
    ("0.0.0.0", {"redirect_uri": "x", "cookie_secret": "y"}, False, "refuse"),  # no provider
    ("0.0.0.0", {"redirect_uri": "x", "cookie_secret": "y", "corp": LOGIN}, False, "oidc"),
])
def test_serving_modes(address, auth, public, mode) -> None:
    assert access.serving_mode(address, access.has_login(auth), public) == mode


ROWS = pl.DataFrame({"pref_code": ["00", "01", "13", "40"], "value": [1, 2, 3, 4]})


@pytest.mark.parametrize(("viewer", "query", "args", "codes"), [
    (access.OPEN_VIEWER, "indicator_values", ("k",), ["00", "01", "13", "40"]),
    (OFFICER_01, "indicator_values", ("k",), ["00", "01"]),
    (OFFICER_01, "crime_summary", (), ["00", "01", "13", "40"]),     # police open data
    (OFFICER_01, "region_indicator_history", ("40",), []),           # ?pref=40 asked
    (OFFICER_01, "region_indicator_history", ("01",), ["00", "01"]),
    (OFFICER_01, "region_ranking", ("01",), ["00", "01"]),   # not the region's others
    (OFFICER_01, "rejected_files", (), []),
    (OFFICER_01, "subsidy_by_year", (), ["00", "01", "13", "40"]),   # national aggregate
    (access.PUBLIC_VIEWER, "subsidy_by_year", (), []),
    (access.PUBLIC_VIEWER, "indicator_values", ("k",), ["00"]),      # the white paper's
    (access.PUBLIC_VIEWER, "subsidy_detail", (2024,), []),
    (access.PUBLIC_VIEWER, "crime_monthly", ("40",), ["00", "01", "13", "40"]),
    (access.NOBODY, "prefectures", (), ["00", "01", "13", "40"]),  # reference: anyone's
    (access.NOBODY, "region_progress", (), []),
])
def test_scope_narrows_rows(viewer, query, args, codes) -> None:
    shown = access.narrow(ROWS, access.scope(viewer, query, args))
    assert shown["pref_code"].to_list() == codes
    assert shown.columns == ROWS.columns


def test_regional_means_are_not_an_officers() -> None:
    rows = ROWS.with_columns(region_mean_value=pl.lit(2.5))
    shown = access.narrow(rows, access.scope(OFFICER_01, "region_ranking", ("01",)))
    assert shown["region_mean_value"].null_count() == shown.height == 2
    ministry = access.narrow(rows, access.scope(access.OPEN_VIEWER, "region_ranking", ("01",)))
    assert ministry["region_mean_value"].to_list() == [2.5] * 4


def test_extracts_are_the_officers_own_only() -> None:
    assert access.may_extract(OFFICER_01, "01")
    assert not access.may_extract(OFFICER_01, "13")
    assert not access.may_extract(access.PUBLIC_VIEWER, "01")
    assert access.may_extract(access.OPEN_VIEWER, "13")


def test_the_trail_is_appended_and_survives_a_new_warehouse(tmp_path) -> None:
    settings = make_settings(tmp_path / "home")
    settings.home.mkdir(parents=True)
    access_log.record(settings, access_log.AccessEvent("login", "a@x", "prefecture", ("01",)))
    access_log.record(settings, access_log.AccessEvent(
        "extract", "a@x", "prefecture", ("01",), files=("01_北海道/indicators.csv",)))
    settings.warehouse.write_bytes(b"replaced by a publish")  # publishes never touch audit/
    with access_log.trail_path(settings).open("a", encoding="utf-8") as trail:
        trail.write('{"event": "download", "user": "torn')  # a crash mid-line
    events = access_log.read(settings)
    assert [e.event for e in events] == ["extract", "login"]
    assert events[0].files == ("01_北海道/indicators.csv",)
    lines = access_log.trail_path(settings).read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["user"] == "a@x" and len(lines) == 3
    with pytest.raises(ValueError):
        access_log.AccessEvent("delete", "a@x", "ministry")
