"""Pullable sources: the e-Stat tables named in SAIHAN_ESTAT_TABLES are fetched through the
`saihan estat fetch` code from a local HTTP server standing in for the API (127.0.0.1, no
network) into inbox/estat/, and then load like any delivery."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.helpers import REPO, EstatApiServer, estat_pages, invoke
from warehouse.estat_api import EstatError, fetch_into_inbox
from warehouse.run import run_pipeline
from warehouse.settings import Settings

LIST_FORM = REPO / "tests" / "fixtures" / "estat" / "estat_ssds_list_form.json"
TABLE = "0000010111"


@pytest.fixture
def api() -> Iterator[EstatApiServer]:
    server = EstatApiServer(estat_pages(json.loads(LIST_FORM.read_text(encoding="utf-8")), 8))
    yield server
    server.close()


def pulling(home: Path, api: EstatApiServer) -> Settings:
    return Settings.from_env({"SAIHAN_HOME": str(home), "SAIHAN_ESTAT_APP_ID": "my-app-id-123",
                              "SAIHAN_ESTAT_TABLES": TABLE, "SAIHAN_ESTAT_API_URL": api.url})


def test_a_named_table_is_fetched_into_the_inbox_and_loads(tmp_path: Path,
                                                           api: EstatApiServer) -> None:
    settings = pulling(tmp_path / "home", api)
    assert settings.estat_tables == (TABLE,)

    target, values, changed = fetch_into_inbox(settings, TABLE)

    assert target == settings.inbox / "estat" / f"estat_{TABLE}.json" and changed
    assert values == 20 and len(api.queries) == 3  # three pages, followed by NEXT_KEY
    assert api.queries[0]["appId"] == "my-app-id-123"
    assert api.queries[0]["statsDataId"] == TABLE and api.queries[2]["startPosition"] == "17"
    assert "my-app-id-123" not in target.read_text(encoding="utf-8")
    report = run_pipeline(settings)
    assert [(Path(f.file).name, f.status, f.source_kind) for f in report.files] == [
        (f"estat_{TABLE}.json", "loaded", "estat")]
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from raw.estat_value").fetchall() == [(20,)]
    finally:
        con.close()

    # The same table again: not rewritten, so nothing new arrives.
    mtime = target.stat().st_mtime_ns
    assert fetch_into_inbox(settings, TABLE)[2] is False
    assert target.stat().st_mtime_ns == mtime
    assert run_pipeline(settings).status == "noop"


def test_the_cli_fetches_from_the_configured_endpoint(tmp_path: Path,
                                                      api: EstatApiServer) -> None:
    result = invoke(tmp_path / "home", "estat", "fetch", "--stats-data-id", TABLE,
                    SAIHAN_ESTAT_APP_ID="my-app-id-123", SAIHAN_ESTAT_API_URL=api.url)
    assert result.exit_code == 0, result.output
    assert "saved 20 values" in result.output and "`saihan run` loads it" in result.output


def test_an_api_that_fails_says_so_without_the_app_id(tmp_path: Path) -> None:
    down = EstatApiServer([], status=503)
    try:
        with pytest.raises(EstatError, match="HTTP 503") as failed:
            fetch_into_inbox(pulling(tmp_path / "home", down), TABLE)
    finally:
        down.close()
    assert "my-app-id-123" not in str(failed.value)
    assert not (tmp_path / "home" / "inbox" / "estat").exists()


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SAIHAN_ESTAT_TABLES", "0000010111,K4201", "'K4201' is not a statsDataId"),
    ("SAIHAN_ESTAT_API_URL", "api.e-stat.go.jp", "must be an http"),
])
def test_bad_estat_settings_are_named(tmp_path: Path, name: str, value: str,
                                      message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env({"SAIHAN_HOME": str(tmp_path), name: value})
