"""e-Stat getStatsData responses: the list and single-object forms of the JSON, special cells,
area codes, errors, and fetching (with a fake opener: tests never use the network).

Fixtures (tests/fixtures/estat/, described in tests/fixtures/README.md) are written by hand in
the shape the API returns; their figures are illustrative, not official statistics.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from saihan.cli import app
from tests.helpers import REPO, estat_pages
from warehouse.errors import RejectedFile
from warehouse.estat_api import EstatError, fetch_stats_data, save_response
from warehouse.ingest.contract import DatasetIdentity
from warehouse.ingest.estat import area_of, parse_estat
from warehouse.ingest.route import parse_file
from warehouse.run import run_pipeline
from warehouse.settings import Settings

FIXTURES = REPO / "tests" / "fixtures" / "estat"
LIST_FORM = FIXTURES / "estat_ssds_list_form.json"
SINGLE_FORM = FIXTURES / "estat_single_objects.json"
ERROR = FIXTURES / "estat_error_status.json"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_list_form_one_row_per_value_with_its_dimensions() -> None:
    parsed = parse_file(LIST_FORM)  # routed by content, before any header sniffing
    frame = parsed.frame
    assert parsed.source_kind == "estat" and parsed.raw_table == "estat_value"
    assert parsed.dataset_key == "estat/0000010111/full"
    assert frame.height == 20
    assert frame["line_number"].to_list() == list(range(1, 21))
    first = frame.row(0, named=True)
    assert first["stats_data_id"] == "0000010111"
    assert first["stat_name"] == "社会・人口統計体系" and first["gov_org"] == "総務省"
    assert first["indicator_name"] == "K4201_刑法犯認知件数"
    assert first["category_codes"] == '{"cat01": "K4201"}'
    assert (first["area_code"], first["area_level"], first["pref_code"]) == ("00000", "national",
                                                                             "00")
    assert (first["period"], first["period_kind"], first["period_year"]) == ("FY2021",
                                                                             "fiscal_year", 2021)
    assert first["unit"] == "件" and first["value"] == 568104.0
    rate = frame.filter(frame["indicator_name"] == "K4302_刑法犯検挙率")
    assert set(rate["unit"].to_list()) == {"%"}  # full-width ％ normalised


@pytest.mark.parametrize(("area", "time", "raw", "meaning"), [
    ("13000", "2022100000", "-", "数値が得られないもの"),
    ("47000", "2021100000", "X", "秘匿値"),
    ("13101", "2022100000", "…", "不詳"),
])
def test_special_cells_are_rows_without_value_with_the_notes_meaning(area, time, raw,
                                                                    meaning) -> None:
    frame = parse_estat(LIST_FORM, LIST_FORM.read_bytes()).frame
    row = frame.filter((frame["area_code"] == area) & (frame["time_code"] == time)
                       & (frame["tab_code"] == "00001")
                       & (frame["category_codes"] == '{"cat01": "K4201"}')).row(0, named=True)
    assert row["value"] is None
    assert (row["value_raw"], row["special_char"], row["special_meaning"]) == (raw, raw, meaning)


def test_special_cell_meaning_falls_back_when_the_note_is_missing(tmp_path: Path) -> None:
    document = load(LIST_FORM)
    del document["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["NOTE"]
    path = tmp_path / "no_notes.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    frame = parse_estat(path, path.read_bytes()).frame
    meanings = dict(frame.filter(frame["special_char"].is_not_null())
                    .select("special_char", "special_meaning").iter_rows())
    assert meanings["X"].startswith("秘匿") and meanings["***"].startswith("該当数値なし")


def test_single_object_form() -> None:
    parsed = parse_file(SINGLE_FORM)
    assert parsed.frame.height == 1
    row = parsed.frame.row(0, named=True)
    assert row["indicator_name"] == "出所受刑者の帰住先別 都道府県別 / 総数"
    assert (row["pref_code"], row["area_level"]) == ("13", "prefecture")
    assert (row["period"], row["period_kind"]) == ("2022", "year")
    assert (row["unit"], row["value"]) == ("人", 1432.0)
    # A narrowed fetch is its own dataset: it does not supersede the whole table.
    assert re.fullmatch(r"0003288251/[0-9a-f]{8}", parsed.identity.scope)
    assert parsed.identity == DatasetIdentity("estat", scope=parsed.identity.scope)
    assert parsed.dataset_key == f"estat/{parsed.identity.scope}"


@pytest.mark.parametrize(("code", "expected"), [
    ("00000", ("national", "00")), ("01000", ("prefecture", "01")),
    ("47000", ("prefecture", "47")), ("13101", ("municipality", "13")),
    ("00100", ("other", None)), ("99000", ("other", None)), (None, ("none", "00")),
])
def test_area_codes(code, expected) -> None:
    assert area_of(code) == expected


def test_error_response_is_rejected_with_the_apis_message() -> None:
    with pytest.raises(RejectedFile) as rejected:
        parse_file(ERROR)
    assert "STATUS 100" in rejected.value.reason and "認証に失敗" in rejected.value.reason


@pytest.mark.parametrize(("change", "says"), [
    (lambda d: d["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"][0].update(
        {"@area": "99999"}), "@area '99999' is not in CLASS_INF"),
    (lambda d: d["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"][0].update(
        {"$": "12a"}), "neither a number nor a special character"),
    (lambda d: d["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"][1].update(
        {"@time": "2021100000", "$": "1"}), "the same cell as VALUE #1"),
    (lambda d: d["GET_STATS_DATA"]["STATISTICAL_DATA"].pop("DATA_INF"), "no values"),
])
def test_damaged_responses_are_rejected(tmp_path: Path, change, says) -> None:
    document = load(LIST_FORM)
    change(document)
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RejectedFile) as rejected:
        parse_file(path)
    assert says in rejected.value.reason


def test_unknown_json_is_rejected_naming_what_is_known(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"GET_META_INFO": {}}', encoding="utf-8")
    with pytest.raises(RejectedFile) as rejected:
        parse_file(path)
    assert "GET_META_INFO" in rejected.value.reason and "getStatsData" in rejected.value.action


def test_loaded_values_reach_mart_indicator_value(settings: Settings) -> None:
    report = run_pipeline(settings, [LIST_FORM, SINGLE_FORM])
    assert report.status == "published", report.error
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        rows = con.execute(
            "select pref_code, period, value, value_note, source_kind from mart.indicator_value "
            "where indicator_name = 'K4201_刑法犯認知件数' order by pref_code, period").fetchall()
        raw = con.execute("select count(*) from raw.estat_value").fetchone()[0]
    finally:
        con.close()
    assert raw == 21
    # Municipal values stay in raw; national and prefecture values reach the mart.
    assert [r[:2] for r in rows] == [("00", "FY2021"), ("00", "FY2022"), ("01", "FY2021"),
                                     ("01", "FY2022"), ("13", "FY2021"), ("13", "FY2022"),
                                     ("47", "FY2021"), ("47", "FY2022")]
    assert rows[5][2] is None and rows[5][3] == "数値が得られないもの"
    assert {r[4] for r in rows} == {"estat"}


# ----------------------------------------------------------------------------- fetching


class FakeApi:
    """Answers getStatsData URLs from canned pages; records what was asked."""

    def __init__(self, pages: list[dict]):
        self.pages = pages
        self.urls: list[str] = []

    def __call__(self, url: str, timeout: float) -> bytes:
        self.urls.append(url)
        return json.dumps(self.pages[len(self.urls) - 1], ensure_ascii=False).encode("utf-8")


def test_fetch_follows_next_key_and_saves_one_response(tmp_path: Path) -> None:
    api = FakeApi(estat_pages(load(LIST_FORM), 8))
    document = fetch_stats_data("my-app-id", "0000010111", opener=api)
    assert len(api.urls) == 3
    assert "appId=my-app-id" in api.urls[0] and "statsDataId=0000010111" in api.urls[0]
    assert "startPosition=9" in api.urls[1] and "startPosition=17" in api.urls[2]
    target = tmp_path / "inbox" / "estat" / "estat_0000010111.json"
    assert save_response(document, target) == 20
    assert "my-app-id" not in target.read_text(encoding="utf-8")
    parsed = parse_file(target)
    assert parsed.frame.height == 20
    assert "partial_response" not in {f.code for f in parsed.findings}


@pytest.mark.parametrize(("app_id", "opener", "says"), [
    (None, None, "SAIHAN_ESTAT_APP_ID"),
    ("id", "offline", "cannot be reached"),
    ("id", "error", "refused the request: STATUS 100"),
    ("id", "http", "HTTP 503"),
])
def test_fetch_fails_clearly(app_id, opener, says) -> None:
    def offline(url: str, timeout: float) -> bytes:
        raise urllib.error.URLError("Name or service not known")

    def http(url: str, timeout: float) -> bytes:
        raise urllib.error.HTTPError(url, 503, "Service Unavailable", {}, None)

    openers = {"offline": offline, "http": http, "error": FakeApi([load(ERROR)]), None: offline}
    with pytest.raises(EstatError) as failed:
        fetch_stats_data(app_id, "0003288251", opener=openers[opener])
    assert says in str(failed.value)


def test_cli_fetch_without_app_id_exits_1_saying_what_to_set(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["estat", "fetch", "--stats-data-id", "0000010111"],
                                env={"SAIHAN_HOME": str(tmp_path)})
    assert result.exit_code == 1
    assert "SAIHAN_ESTAT_APP_ID" in result.output


def _set_status(value):
    return lambda d: d["GET_STATS_DATA"]["RESULT"].update({"STATUS": value})


#: Saved responses damaged by hand or by a cut download: each rejected with its true reason, in
#: words of the format (never Python's "Expecting value" or "invalid literal for int()").
@pytest.mark.parametrize(("make", "says", "line"), [
    (lambda t: t.replace('"STATUS": 0', '"STATUS": "OK"'), "RESULT.STATUS is 'OK'", None),
    (lambda t: t.replace('"STATUS": 0', '"STATUS": null'), "RESULT.STATUS is 'None'", None),
    (lambda t: t.replace('"STATUS": 0', '"STATUS": 1'), "STATUS 1", None),
    (lambda t: t[: len(t) // 2], "truncated", None),
    (lambda t: t.replace('"STATUS": 0', '"STATUS": 0,,', 1), "malformed at line", 4),
])
def test_a_saved_response_with_a_bad_status_or_body(tmp_path: Path, make, says, line) -> None:
    text = json.dumps(load(LIST_FORM), ensure_ascii=False, indent=1)
    assert '"STATUS": 0' in text
    path = tmp_path / "saved.json"
    path.write_text(make(text), encoding="utf-8")
    with pytest.raises(RejectedFile) as rejected:
        parse_file(path)
    err = rejected.value
    assert says in err.reason
    if line is not None:
        assert err.line == line
    for word in ("Expecting", "invalid literal", "Traceback", "char "):
        assert word not in err.reason


APP_ID = "0123456789abcdef0123456789abcdef01234567"


def _echoing(kind: str):
    """An e-Stat that fails in one way, echoing the request (and so the appId) where it can."""
    document = load(LIST_FORM)

    def opener(url: str, timeout: float) -> bytes:
        if kind == "http":
            raise urllib.error.HTTPError(url, 400, f"Bad Request: {url}", {}, None)
        if kind == "offline":
            raise urllib.error.URLError(f"cannot connect for {url}")
        text = json.dumps(document, ensure_ascii=False)
        if kind == "truncated":
            return text.encode("utf-8")[: len(text) // 3]
        if kind == "html":
            return f"<html><body>Maintenance {url}</body></html>".encode()
        root = document["GET_STATS_DATA"]
        if kind == "status 0 without data":
            del root["STATISTICAL_DATA"]["DATA_INF"]
        elif kind == "status 0 without STATISTICAL_DATA":
            del root["STATISTICAL_DATA"]
        elif kind == "status text":
            root["RESULT"]["STATUS"] = f"bad {url}"
        elif kind == "error echoing the appId":
            root["RESULT"].update({"STATUS": 100, "ERROR_MSG": f"appId {APP_ID} は無効です"})
        elif kind == "data echoing the appId":
            root["PARAMETER"]["APP_ID"] = APP_ID
            root["RESULT"]["ERROR_MSG"] = f"正常に終了しました。({APP_ID})"
            return json.dumps(document, ensure_ascii=False).encode("utf-8")
        return json.dumps(document, ensure_ascii=False).encode("utf-8")

    return opener


@pytest.mark.parametrize(("kind", "says"), [
    ("truncated", "cut short"),
    ("html", "not valid JSON"),
    ("status 0 without data", "STATUS 0 but with no values"),
    ("status 0 without STATISTICAL_DATA", "STATUS 0 but with no values"),
    ("status text", "no numeric STATUS"),
    ("error echoing the appId", "refused the request: STATUS 100"),
    ("http", "HTTP 400"),
    ("offline", "cannot be reached"),
])
def test_fetch_failures_are_messages_that_never_carry_the_app_id(kind: str, says: str) -> None:
    with pytest.raises(EstatError) as failed:
        fetch_stats_data(APP_ID, "0003288251", opener=_echoing(kind))
    message = str(failed.value)
    assert says in message and APP_ID not in message
    error = failed.value  # no chained library error (with the request URL) behind it
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    for word in ("Expecting", "JSONDecodeError", "KeyError", "Traceback"):
        assert word not in message


def test_a_saved_response_never_holds_the_app_id_the_server_echoed(tmp_path: Path) -> None:
    document = fetch_stats_data(APP_ID, "0003288251", opener=_echoing("data echoing the appId"))
    target = tmp_path / "estat.json"
    assert save_response(document, target) > 0
    assert APP_ID not in target.read_text(encoding="utf-8")


def test_cli_fetch_of_a_truncated_answer_exits_1_with_a_message(tmp_path: Path,
                                                                 monkeypatch) -> None:
    class Response:
        def __init__(self, url: str):
            self.url = url

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self) -> bytes:
            return _echoing("truncated")(self.url, 60)

    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: Response(url))
    result = CliRunner().invoke(app, ["estat", "fetch", "--stats-data-id", "0003288251"],
                                env={"SAIHAN_HOME": str(tmp_path), "SAIHAN_ESTAT_APP_ID": APP_ID})
    assert result.exit_code == 1
    assert "cut short" in result.output and "Traceback" not in result.output
    assert APP_ID not in result.output
    assert not list(tmp_path.rglob("*.json"))  # nothing saved
