"""Operators are told what the flows of ``saihan serve`` could not do: a flow that fails before
or after its run (the writer lock, say) is told once by the flow's failure hook; a run that fails
inside a flow is told once, by the run, not again by the hook; ``saihan serve`` stopping on its
own is told. Receivers on 127.0.0.1; the session's Prefect test harness."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from flows import pipeline as flows
from flows import serve
from tests.conftest import SAMPLE_CRIME_DIR
from tests.helpers import MailReceiver, WebhookReceiver, invoke, notify_env, sha
from warehouse import db
from warehouse.export.nightly import is_current, published_build
from warehouse.files import writer_lock
from warehouse.run import run_pipeline
from warehouse.settings import Settings


@pytest.fixture
def receivers() -> Iterator[tuple[WebhookReceiver, MailReceiver]]:
    webhook, mail = WebhookReceiver(), MailReceiver()
    yield webhook, mail
    webhook.close()
    mail.close()


@pytest.fixture
def told(settings: Settings, receivers, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("SAIHAN_HOME", str(settings.home))
    for name, value in {**notify_env(*receivers), "SAIHAN_LATE_AFTER_DAYS": "off"}.items():
        monkeypatch.setenv(name, value)
    return Settings.from_env()


@pytest.mark.usefixtures("prefect_harness")
def test_a_flow_that_cannot_take_the_lock_is_told_once(told: Settings, receivers) -> None:
    webhook, mail = receivers
    with writer_lock(told):
        for _ in range(2):
            state = flows.ingest_flow(wait_seconds=0, return_state=True)
            assert state.is_failed()
    assert webhook.events() == ["flow_failed"] and len(mail.messages) == 1
    body = webhook.received[0]["json"]
    assert "Another saihan run is writing to" in body["text"]
    assert "saihan-ingest" in body["text"] and "Prefect UI" in body["text"]
    assert "/runs/flow-run/" in body["report"]


@pytest.mark.usefixtures("prefect_harness")
def test_a_failed_audit_in_a_flow_is_told_once_by_the_run(
        sample_copy: Settings, receivers, monkeypatch: pytest.MonkeyPatch) -> None:
    webhook, mail = receivers
    monkeypatch.setenv("SAIHAN_HOME", str(sample_copy.home))
    for name, value in {**notify_env(webhook, mail), "SAIHAN_LATE_AFTER_DAYS": "off"}.items():
        monkeypatch.setenv(name, value)
    failure = db.DataTestFailure("prefecture_is_47", "there are 47 prefectures", 1, [("x",)])

    def broken_audit(run) -> None:
        raise db.AuditFailed([failure])

    monkeypatch.setattr(flows, "build_and_audit", broken_audit)
    assert flows.ingest_flow(force_build=True, return_state=True).is_failed()
    assert webhook.events() == ["audit_failed"] and len(mail.messages) == 1
    assert "prefecture_is_47" in mail.messages[0]["body"]
    assert webhook.received[0]["json"]["report"].startswith(str(sample_copy.runs))


def test_serve_stopping_on_its_own_is_told(told: Settings, receivers,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    webhook, mail = receivers

    def lost_server(*args, **kwargs) -> None:
        raise serve.ServerError("saihan serve stopped because the local Prefect server exited "
                                "(exit code 3); no run was started after that.\nlog tail")

    monkeypatch.setattr(serve, "serve", lost_server)
    result = invoke(told.home, "serve", SAIHAN_LATE_AFTER_DAYS="off", **notify_env(webhook, mail))
    assert result.exit_code == 1
    assert webhook.events() == ["serve_stopped"] and len(mail.messages) == 1
    assert "exit code 3" in mail.messages[0]["body"] and "log tail" not in mail.messages[0]["body"]
    assert "server.log" in mail.messages[0]["body"]


@pytest.mark.usefixtures("prefect_harness")
def test_the_nightly_writes_every_extract_once_tells_subscribed_officers_and_then_only_on_change(
        sample_copy: Settings, receivers, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One nightly run with extracts (each writes all 47, so the suite runs one): the real
    extracts, one folder per prefecture, and the officer subscribed to Hokkaido told; a second
    nightly with nothing new writes nothing and keeps one dated set; other suppression or a
    new published build makes the set out of date."""
    webhook, mail = receivers
    subscribers = tmp_path / "subscribers.csv"
    subscribers.write_text("都道府県,メールアドレス\n北海道,anzen@pref.hokkaido.example.lg.jp\n",
                           encoding="utf-8")
    env = {**notify_env(webhook, mail), "SAIHAN_LATE_AFTER_DAYS": "off",
           "SAIHAN_HOME": str(sample_copy.home), "SAIHAN_SUBSCRIBERS": str(subscribers)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    first = flows.nightly_flow()  # (once per change: tests/unit/warehouse/test_subscribers.py)

    [manifest] = sample_copy.extracts.glob("*/manifest.json")
    assert len([p for p in manifest.parent.iterdir() if p.is_dir()]) == 47
    assert first["extracts"] == {"manifest": str(manifest), "written": True, "removed": []}
    assert webhook.received == []  # officers are e-mailed, the operators' webhook is not
    assert [m["to"] for m in mail.messages] == [["anzen@pref.hokkaido.example.lg.jp"]]
    assert "北海道の抽出データを更新しました" in mail.messages[0]["subject"]
    files = {p: sha(p) for p in manifest.parent.rglob("*") if p.is_file()}

    # Nothing new: the same build, so the newest set is current and nothing is written (and
    # no officer is told again).
    older = sample_copy.extracts / "2000-01-01"
    shutil.copytree(manifest.parent, older)  # an earlier night's set
    monkeypatch.setenv("SAIHAN_KEEP_EXTRACTS", "1")
    again = flows.nightly_flow()
    assert again["status"] == "noop"
    assert again["extracts"] == {"manifest": str(manifest), "written": False,
                                 "removed": [str(older)]}  # one dated set kept
    assert {p: sha(p) for p in manifest.parent.rglob("*") if p.is_file()} == files
    assert [p.name for p in sample_copy.extracts.iterdir()] == [manifest.parent.name]
    assert len(mail.messages) == 1

    # Other suppression, or a new published build: the set is no longer current.
    settings = Settings.from_env()
    assert is_current(settings, manifest.parent, published_build(settings))
    suppressing = Settings.from_env({**os.environ, "SAIHAN_SUPPRESS_BELOW": "3"})
    assert not is_current(suppressing, manifest.parent, published_build(settings))
    arrival = sample_copy.inbox / "resent.csv"
    hittakuri = (SAMPLE_CRIME_DIR / "sample_hokkaido_2022hittakuri.csv").read_bytes()
    arrival.write_bytes(hittakuri + hittakuri.split(b"\n")[1] + b"\n")
    assert run_pipeline(settings).status == "published"
    assert not is_current(settings, manifest.parent, published_build(settings))
    # A bad list is named by line and column (tests/unit/warehouse/test_subscribers.py) and a
    # failed flow is told as flow_failed (the lock test above).
