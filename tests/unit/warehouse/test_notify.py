"""Operators are told: a rejected file, a held re-delivery, a failed run and a data test that
stopped a publish each give exactly one webhook POST and one e-mail (received on 127.0.0.1 by
a local HTTP server and a local SMTP server), with what happened, which file, what to do and
the run report; a re-run does not send them again, and no secret is ever in a message."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CRIME_DIR
from tests.helpers import MailReceiver, WebhookReceiver, free_port, notify_env
from warehouse import db
from warehouse.notify import Notice, notify_serve_stopped, read_sent, render, scrub, send
from warehouse.run import run_pipeline
from warehouse.run_state import rollback_pipeline
from warehouse.settings import Settings

BIKE = "sample_hokkaido_2022zitensyatou.csv"  # CP932, one of the bundled sample files


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def mail() -> Iterator[MailReceiver]:
    receiver = MailReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def told(tmp_path: Path, webhook: WebhookReceiver, mail: MailReceiver) -> Settings:
    """A fresh home whose notifications go to the two local receivers (late sources are not
    watched here: tests/unit/warehouse/test_expected.py tells them)."""
    return Settings.from_env({"SAIHAN_HOME": str(tmp_path / "home"),
                              "SAIHAN_ESTAT_APP_ID": "appid-0123456789abcdef",
                              "SAIHAN_LATE_AFTER_DAYS": "off", **notify_env(webhook, mail)})


def drop(settings: Settings, name: str, data: bytes) -> Path:
    settings.inbox.mkdir(parents=True, exist_ok=True)
    path = settings.inbox / name
    path.write_bytes(data)
    return path


def with_stray_quote_on_line_3(source: Path) -> bytes:
    """The real format with damage a hand edit leaves: text after a closing quote."""
    lines = source.read_bytes().split(b"\n")
    lines[2] = b'"ab"x' + lines[2]
    return b"\n".join(lines)


def test_a_rejected_file_is_told_once_with_its_line_and_what_to_do(
        told: Settings, webhook: WebhookReceiver, mail: MailReceiver) -> None:
    drop(told, "hokkaido_bike.csv", with_stray_quote_on_line_3(SAMPLE_CRIME_DIR / BIKE))

    report = run_pipeline(told)

    assert [f.status for f in report.files] == ["rejected"]
    assert webhook.events() == ["file_rejected"]
    body = webhook.received[0]["json"]
    assert body["title"].startswith("[saihan] ファイルを受け付けませんでした: hokkaido_bike.csv")
    assert "File rejected: hokkaido_bike.csv" in body["title"]
    text = body["text"]
    assert "3 行目、列「罪名」" in text and "At line 3, column 罪名" in text
    assert "a quoted value is followed by other text" in text and "Fix the quoting" in text
    assert "引用符で囲んだ値の後" in text and "その行の引用符を直して" in text  # and in Japanese
    assert "drop the corrected file into the inbox again" in text
    assert body["file"] == report.files[0].quarantined_as
    assert f"{report.files[0].quarantined_as}.report.txt" in text
    assert body["report"] == str(told.runs / f"{report.run_id}.json") and body["report"] in text
    assert len(mail.messages) == 1
    (message,) = mail.messages
    assert message["to"] == ["ops@example.org", "duty@example.org"]
    assert message["subject"] == body["title"]
    assert message["body"].strip() == text.strip()

    # The same bytes delivered again: rejected again, not told again.
    drop(told, "hokkaido_bike.csv", with_stray_quote_on_line_3(SAMPLE_CRIME_DIR / BIKE))
    assert [f.status for f in run_pipeline(told).files] == ["rejected"]
    assert len(webhook.received) == 1 and len(mail.messages) == 1


def test_a_held_redelivery_is_told_once(told: Settings, webhook: WebhookReceiver,
                                        mail: MailReceiver) -> None:
    full = SAMPLE_CRIME_DIR / BIKE
    drop(told, BIKE, full.read_bytes())
    assert run_pipeline(told).status == "published"
    assert webhook.received == [] and mail.messages == []  # a plain publish tells nobody
    (told.inbox / BIKE).unlink()
    lines = full.read_bytes().split(b"\n")
    short = b"\n".join(lines[:40]) + b"\n"
    drop(told, "bike_v2.csv", short)

    report = run_pipeline(told)

    (result,) = [f for f in report.files if f.status == "held"]
    assert webhook.events() == ["file_held"] and len(mail.messages) == 1
    text = webhook.received[0]["json"]["text"]
    assert "bike_v2.csv" in text and "保留" in text and "would shrink" in text
    assert f"saihan accept {result.held_as}" in text and f"{result.held_as}.held.txt" in text
    assert mail.messages[0]["subject"].endswith("Delivery held (it would shrink its dataset): "
                                                "bike_v2.csv")

    # The held file given again: held again, not told again.
    drop(told, "bike_v2.csv", short)
    assert [f.status for f in run_pipeline(told).files if f.file.endswith("v2.csv")] == ["held"]
    assert len(webhook.received) == 1 and len(mail.messages) == 1


def broken_sql(tmp_path: Path, *, model: str | None = None, test: str | None = None) -> Path:
    sql_dir = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, sql_dir)
    if model is not None:
        (sql_dir / "mart" / "zz_broken.sql").write_text(model, encoding="utf-8")
    if test is not None:
        (sql_dir / "tests" / "zz_always_fails.sql").write_text(test, encoding="utf-8")
    return sql_dir


def test_a_failed_run_is_told_once_until_a_run_publishes(
        told: Settings, webhook: WebhookReceiver, mail: MailReceiver, tmp_path: Path) -> None:
    sql_dir = broken_sql(tmp_path, model="-- broken on purpose\nselect * from no_such_table\n")
    drop(told, BIKE, (SAMPLE_CRIME_DIR / BIKE).read_bytes())

    with pytest.raises(Exception, match="no_such_table"):
        run_pipeline(told, sql_dir=sql_dir)

    assert webhook.events() == ["run_failed"] and len(mail.messages) == 1
    text = webhook.received[0]["json"]["text"]
    assert "実行が失敗しました" in text and "A run failed (nothing was published)" in text
    assert "no_such_table" in text and "`saihan run`" in text
    with pytest.raises(Exception, match="no_such_table"):
        run_pipeline(told, sql_dir=sql_dir)  # the same failure again: not told again
    assert len(webhook.received) == 1 and len(mail.messages) == 1

    assert run_pipeline(told).status == "published"  # fixed: the failure is over
    assert len(webhook.received) == 1
    with pytest.raises(Exception, match="no_such_table"):
        run_pipeline(told, sql_dir=sql_dir, force_build=True)  # a new failure is told
    assert webhook.events() == ["run_failed", "run_failed"] and len(mail.messages) == 2


def test_a_data_test_that_stops_the_publish_is_told_once(
        told: Settings, webhook: WebhookReceiver, mail: MailReceiver, tmp_path: Path) -> None:
    sql_dir = broken_sql(tmp_path, test="-- every run fails this rule\nselect 1 as always\n")
    drop(told, BIKE, (SAMPLE_CRIME_DIR / BIKE).read_bytes())

    for _ in range(2):
        with pytest.raises(db.AuditFailed):
            run_pipeline(told, sql_dir=sql_dir)

    assert webhook.events() == ["audit_failed"] and len(mail.messages) == 1
    text = webhook.received[0]["json"]["text"]
    assert "zz_always_fails" in text and "データテスト" in text and "published nothing" in text
    assert not told.warehouse.exists()


def test_no_secret_reaches_a_message(told: Settings, webhook: WebhookReceiver,
                                     mail: MailReceiver) -> None:
    error = ("HTTPError: https://api.e-stat.go.jp/rest/3.0/app/json/getStatsData?"
             "appId=appid-0123456789abcdef&statsDataId=1 and "
             f"{webhook.url}?token=abc123 password=hunter22")
    notice = Notice("run_failed", "run_failed:x", {"run_id": "r1", "trigger": "nightly",
                                                   "error": error})
    send(told, [notice])
    subject, body = render(notice, told)
    for text in (webhook.received[0]["json"]["text"], mail.messages[0]["body"], body, subject):
        assert "appid-0123456789abcdef" not in text
        assert "hunter22" not in text and "abc123" not in text and webhook.url not in text
    assert "appId=***" in body
    assert scrub("line\nForged: yes", told) == "line\\nForged: yes"


def test_a_channel_that_is_down_fails_no_run_and_is_tried_again(
        tmp_path: Path, webhook: WebhookReceiver, mail: MailReceiver,
        capsys: pytest.CaptureFixture) -> None:
    home = tmp_path / "home"
    down = Settings.from_env({"SAIHAN_HOME": str(home), **notify_env(webhook, mail),
                              "SAIHAN_LATE_AFTER_DAYS": "off",
                              "SAIHAN_NOTIFY_WEBHOOK": f"http://127.0.0.1:{free_port()}/x"})
    drop(down, "bad.csv", with_stray_quote_on_line_3(SAMPLE_CRIME_DIR / BIKE))

    assert run_pipeline(down).count("rejected") == 1

    assert "could not be sent by webhook: could not connect" in capsys.readouterr().err
    assert len(mail.messages) == 1 and webhook.received == []
    (entry,) = read_sent(down).values()
    assert entry["channels"] == ["email"]
    up = Settings.from_env({"SAIHAN_HOME": str(home), "SAIHAN_LATE_AFTER_DAYS": "off",
                            **notify_env(webhook, mail)})
    drop(up, "bad.csv", with_stray_quote_on_line_3(SAMPLE_CRIME_DIR / BIKE))
    run_pipeline(up)
    assert webhook.events() == ["file_rejected"] and len(mail.messages) == 1


def test_serve_stopping_on_its_own_is_told_once_a_day(
        told: Settings, webhook: WebhookReceiver, mail: MailReceiver) -> None:
    reason = "the local Prefect server exited (exit code 1)"
    notify_serve_stopped(told, reason, told.home / "prefect" / "server.log")
    notify_serve_stopped(told, reason, told.home / "prefect" / "server.log")
    assert webhook.events() == ["serve_stopped"] and len(mail.messages) == 1
    assert reason in mail.messages[0]["body"] and "server.log" in mail.messages[0]["body"]


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SAIHAN_SMTP_PORT", "25x", "SAIHAN_SMTP_PORT must be a port number"),
    ("SAIHAN_SMTP_STARTTLS", "maybe", "SAIHAN_SMTP_STARTTLS must be true or false"),
    ("SAIHAN_NOTIFY_WEBHOOK", "ftp://x", "SAIHAN_NOTIFY_WEBHOOK must be an http"),
])
def test_bad_notification_settings_are_named(tmp_path: Path, name: str, value: str,
                                             message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env({"SAIHAN_HOME": str(tmp_path), name: value})


def test_a_file_name_never_becomes_a_link_or_markup(told: Settings, webhook: WebhookReceiver,
                                                    mail: MailReceiver) -> None:
    name = "<https:evil.example|click> & *me*.csv"
    drop(told, name, with_stray_quote_on_line_3(SAMPLE_CRIME_DIR / BIKE))
    run_pipeline(told)
    text = webhook.received[0]["json"]["text"]
    assert "&lt;https:evil.example|click&gt; &amp; *me*.csv" in text and "<https" not in text
    assert name in mail.messages[0]["body"]  # plain text: shown as written, never as markup
    assert mail.messages[0]["body"] and "text/plain" in mail.raw[0]


def test_the_sent_log_survives_publishes_and_a_rollback(told: Settings, webhook: WebhookReceiver,
                                                        mail: MailReceiver) -> None:
    drop(told, BIKE, (SAMPLE_CRIME_DIR / BIKE).read_bytes())
    drop(told, "edited.csv", with_stray_quote_on_line_3(SAMPLE_CRIME_DIR / BIKE))
    assert run_pipeline(told).status == "published"
    other = "sample_hokkaido_2022hittakuri.csv"
    drop(told, other, (SAMPLE_CRIME_DIR / other).read_bytes())
    assert run_pipeline(told).status == "published"
    assert rollback_pipeline(told).status == "rolled_back"

    drop(told, "edited.csv", with_stray_quote_on_line_3(SAMPLE_CRIME_DIR / BIKE))
    assert run_pipeline(told).count("rejected") == 1
    assert webhook.events() == ["file_rejected"] and len(mail.messages) == 1
    assert (told.notifications / "sent.json").exists()
