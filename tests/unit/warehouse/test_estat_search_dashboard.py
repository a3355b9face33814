"""e-Stat beyond one table: `saihan estat search` (getStatsList) and `saihan estat dashboard`
(the 統計ダッシュボード's getData, no key), on recorded-format fixture responses
(tests/fixtures/estat/getstatslist_population.json, dashboard_population_prefectures.json)
answered by a local server or an injected opener: no network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.helpers import REPO, JsonServer, invoke, japanese_problems
from warehouse.errors import RejectedFile
from warehouse.estat_api import EstatError, fetch_dashboard, search_stats_list
from warehouse.ingest.estat_dashboard import parse_dashboard
from warehouse.run import run_pipeline
from warehouse.settings import Settings

FIXTURES = REPO / "tests" / "fixtures" / "estat"
STATS_LIST = FIXTURES / "getstatslist_population.json"
DASHBOARD = FIXTURES / "dashboard_population_prefectures.json"
POPULATION = "0201010000000010000"


def fixture_server(path: Path) -> JsonServer:
    """127.0.0.1 answering every GET with the bytes of the fixture file at ``path``."""
    body = path.read_bytes()
    return JsonServer(lambda query: (200, body))


@pytest.fixture
def dashboard_api() -> Iterator[JsonServer]:
    server = fixture_server(DASHBOARD)
    yield server
    server.close()


def test_search_lists_the_tables_found_with_their_ids(tmp_path: Path) -> None:
    server = fixture_server(STATS_LIST)
    try:
        result = invoke(tmp_path / "home", "estat", "search", "国勢調査", "男女別人口",
                        "--limit", "2", SAIHAN_ESTAT_APP_ID="my-app-id-123",
                        SAIHAN_ESTAT_API_URL=f"{server.base}/rest/3.0/app/json/getStatsData")
    finally:
        server.close()
    assert result.exit_code == 0, result.output
    [(path, query)] = server.requests
    assert path == "/rest/3.0/app/json/getStatsList"
    assert query["searchWord"] == "国勢調査 男女別人口" and query["limit"] == "2"
    assert query["appId"] == "my-app-id-123"
    lines = result.output.splitlines()
    assert lines[0].startswith("3 tables found; 2 shown")
    assert lines[1].startswith("0003445078  国勢調査 / 令和2年国勢調査 人口等基本集計")
    assert "男女別人口－全国，都道府県，市区町村" in lines[2] and "2021-11-30" in lines[2]
    assert lines[3].startswith("0003448237  人口推計")  # TITLE as plain text, too


def test_search_errors_are_said_without_the_app_id() -> None:
    refused = json.dumps({"GET_STATS_LIST": {"RESULT": {
        "STATUS": 100, "ERROR_MSG": "認証に失敗しました。appId=secret-id"}}}).encode()
    with pytest.raises(EstatError) as caught:
        search_stats_list("secret-id", "人口", opener=lambda url, timeout: refused)
    assert "STATUS 100" in str(caught.value) and "secret-id" not in str(caught.value)
    with pytest.raises(EstatError, match="SAIHAN_ESTAT_APP_ID"):
        search_stats_list(None, "人口")


def test_a_dashboard_series_is_fetched_for_the_prefectures_and_loads_as_an_indicator(
        tmp_path: Path, dashboard_api: JsonServer) -> None:
    home = tmp_path / "home"
    url = f"{dashboard_api.base}/api/1.0/Json/getData"
    result = invoke(home, "estat", "dashboard", "--indicator", POPULATION,
                    SAIHAN_ESTAT_DASHBOARD_URL=url)
    assert result.exit_code == 0, result.output
    assert "saved 7 values" in result.output and "`saihan run` loads it" in result.output
    [(path, query)] = dashboard_api.requests
    assert path == "/api/1.0/Json/getData" and query["IndicatorCode"] == POPULATION
    regions = query["RegionCode"].split(",")
    assert len(regions) == 48 and regions[:2] == ["00000", "01000"] and regions[-1] == "47000"
    assert "appId" not in query  # no key needed

    settings = Settings.from_env({"SAIHAN_HOME": str(home)})
    report = run_pipeline(settings)
    assert [(Path(f.file).name, f.status) for f in report.files] == [
        (f"dashboard_{POPULATION}.json", "loaded")]
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        rows = con.execute(
            "select pref_code, period, value, indicator_name from mart.indicator_value "
            "order by pref_code, period").fetchall()
    finally:
        con.close()
    assert ("01", "2020", 5_224_614.0, "総人口（男女計）") in rows
    assert ("00", "2020", 126_146_099.0, "総人口（男女計）") in rows
    assert ("47", "2021", None, "総人口（男女計）") in rows  # *** : no value, kept as a row


def test_bad_dashboard_requests_and_answers_are_said_in_the_users_words(
        tmp_path: Path) -> None:
    with pytest.raises(EstatError, match="19 digits"):
        fetch_dashboard("02010100", ["01000"])
    with pytest.raises(EstatError, match="region code"):
        fetch_dashboard(POPULATION, ["1000"])
    failing = json.dumps({"GET_STATS": {"RESULT": {"status": "101",
                                                   "errorMsg": "指標コードが不正です。"}}})
    with pytest.raises(EstatError, match="status 101"):
        fetch_dashboard(POPULATION, ["01000"], opener=lambda url, timeout: failing.encode())
    saved = tmp_path / "dashboard.json"
    saved.write_text(failing, encoding="utf-8")
    with pytest.raises(RejectedFile) as caught:
        parse_dashboard(saved, saved.read_bytes())
    assert "101" in caught.value.reason
    assert not japanese_problems(caught.value.reason_ja, caught.value.action_ja)
