"""The scheduled e-Stat fetch of `saihan serve`: a deployment on SAIHAN_ESTAT_CRON when
SAIHAN_ESTAT_TABLES names tables; its flow saves them into the inbox through the `saihan estat
fetch` code (a local HTTP server on 127.0.0.1 stands in for the API), and a failed fetch is told
once, without the appId. The session's Prefect test harness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows import pipeline as flows
from flows import serve
from tests.helpers import (
    REPO,
    EstatApiServer,
    MailReceiver,
    WebhookReceiver,
    estat_pages,
    notify_env,
)
from warehouse.settings import Settings

LIST_FORM = REPO / "tests" / "fixtures" / "estat" / "estat_ssds_list_form.json"
TABLES = "0000010111,0000010112"


def test_the_fetch_is_a_deployment_only_when_tables_are_named(settings: Settings) -> None:
    assert len(serve.deployments(settings)) == 2
    pulling = Settings.from_env({"SAIHAN_HOME": str(settings.home), "SAIHAN_ESTAT_TABLES": TABLES,
                                 "SAIHAN_ESTAT_CRON": "15 1 * * 1"})
    *_, estat = serve.deployments(pulling)
    assert (estat.name, estat.entrypoint) == ("estat-fetch", "flows.pipeline.estat_fetch_flow")
    [schedule] = estat.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("15 1 * * 1", "Asia/Tokyo")


@pytest.mark.usefixtures("prefect_harness")
def test_the_flow_fetches_every_named_table_into_the_inbox(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    api = EstatApiServer(estat_pages(json.loads(LIST_FORM.read_text(encoding="utf-8")), 50))
    env = {"SAIHAN_HOME": str(settings.home), "SAIHAN_ESTAT_APP_ID": "my-app-id-123",
           "SAIHAN_ESTAT_TABLES": TABLES, "SAIHAN_ESTAT_API_URL": api.url}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        fetched = flows.estat_fetch_flow()
    finally:
        api.close()
    assert [(Path(f["path"]).name, f["values"], f["changed"]) for f in fetched] == [
        ("estat_0000010111.json", 20, True), ("estat_0000010112.json", 20, True)]
    assert [q["statsDataId"] for q in api.queries] == ["0000010111", "0000010112"]
    assert sorted(p.name for p in (settings.inbox / "estat").iterdir()) == [
        "estat_0000010111.json", "estat_0000010112.json"]


@pytest.mark.usefixtures("prefect_harness")
def test_a_failed_fetch_is_told_once_without_the_app_id(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    api, webhook, mail = EstatApiServer([], status=503), WebhookReceiver(), MailReceiver()
    env = {"SAIHAN_HOME": str(settings.home), "SAIHAN_ESTAT_APP_ID": "my-app-id-123",
           "SAIHAN_ESTAT_TABLES": "0000010111", "SAIHAN_ESTAT_API_URL": api.url,
           "SAIHAN_LATE_AFTER_DAYS": "off", **notify_env(webhook, mail)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        for _ in range(2):
            assert flows.estat_fetch_flow(return_state=True).is_failed()
        assert webhook.events() == ["flow_failed"] and len(mail.messages) == 1
        text = webhook.received[0]["json"]["text"]
        assert "saihan-estat-fetch" in text and "0000010111: e-Stat answered HTTP 503" in text
        assert "my-app-id-123" not in text and "my-app-id-123" not in mail.messages[0]["body"]
    finally:
        api.close()
        webhook.close()
        mail.close()
