"""Prefecture officers subscribed by address (SAIHAN_SUBSCRIBERS) are e-mailed "my
prefecture's extract is ready" once per change of their prefecture's extract; received on a
local SMTP server on 127.0.0.1. A subscriptions file that cannot be read names file, line and
column."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CRIME_DIR, make_settings
from tests.helpers import MailReceiver
from warehouse import db
from warehouse.export.extract import build_extracts
from warehouse.run import run_pipeline
from warehouse.settings import Settings
from warehouse.subscribers import SubscribersError, notify_subscribers, read_subscriptions

SUBSCRIPTIONS = ("都道府県,メールアドレス\n01,hokkaido-a@pref.example.lg.jp\n"
                 "北海道,hokkaido-b@pref.example.lg.jp\nFukuoka,fukuoka@pref.example.lg.jp\n"
                 "\n13,tokyo@metro.example.lg.jp\n")


@pytest.fixture
def mail() -> Iterator[MailReceiver]:
    receiver = MailReceiver()
    yield receiver
    receiver.close()


def subscribed(home: Settings, tmp_path: Path, mail: MailReceiver) -> Settings:
    path = tmp_path / "subscribers.csv"
    path.write_bytes(b"\xef\xbb\xbf" + SUBSCRIPTIONS.encode("utf-8"))  # as Excel saves it
    # e-mail only (officers are not on the operators' webhook); late sources not watched here
    return Settings.from_env({"SAIHAN_HOME": str(home.home), "SAIHAN_SUBSCRIBERS": str(path),
                              "SAIHAN_SMTP_HOST": "127.0.0.1", "SAIHAN_SMTP_PORT": str(mail.port),
                              "SAIHAN_SMTP_STARTTLS": "false", "SAIHAN_LATE_AFTER_DAYS": "off"})


def extracts(settings: Settings, folder: str) -> Path:
    con = db.open_published(settings.warehouse)
    try:
        return build_extracts(con, ["01", "40"], ("csv", "parquet"),
                              settings.extracts / folder)
    finally:
        con.close()


def test_the_subscriptions_file_is_read_by_code_and_name(tmp_path: Path) -> None:
    path = tmp_path / "subscribers.csv"
    path.write_text(SUBSCRIPTIONS, encoding="utf-8")
    assert [(s.pref_code, s.address) for s in read_subscriptions(path)] == [
        ("01", "hokkaido-a@pref.example.lg.jp"), ("01", "hokkaido-b@pref.example.lg.jp"),
        ("40", "fukuoka@pref.example.lg.jp"), ("13", "tokyo@metro.example.lg.jp")]


@pytest.mark.parametrize(("text", "says"), [
    ("都道府県,メールアドレス\n01,a@example.jp\n北海道県,b@example.jp\n",
     "line 3, column 都道府県: '北海道県' is not a prefecture"),
    ("pref,email\n01,someone at example.jp\n", "line 2, column email: 'someone at example.jp' "
     "is not an e-mail address"),
    ("県,宛先\n01,a@example.jp\n", "line 1: no column for the prefecture"),
])
def test_a_bad_subscriptions_file_names_line_and_column(tmp_path: Path, text: str,
                                                        says: str) -> None:
    path = tmp_path / "subscribers.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SubscribersError, match=says) as failed:
        read_subscriptions(path)
    assert str(path) in str(failed.value)


def test_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "subscribers.csv"
    path.write_bytes("pref,email\n01,a@example.jp\n北海道,b@example.jp\n".encode("cp932"))
    with pytest.raises(SubscribersError, match="line 3: not UTF-8 text"):
        read_subscriptions(path)


def test_each_address_hears_once_per_change_of_its_prefectures_extract(
        sample_copy: Settings, tmp_path: Path, mail: MailReceiver) -> None:
    settings = subscribed(sample_copy, tmp_path, mail)

    told = notify_subscribers(settings, extracts(settings, "day1"))

    assert sorted(n.values["pref_en"] for n in told) == ["Fukuoka", "Hokkaido", "Hokkaido"]
    assert sorted(m["to"][0] for m in mail.messages) == [
        "fukuoka@pref.example.lg.jp", "hokkaido-a@pref.example.lg.jp",
        "hokkaido-b@pref.example.lg.jp"]  # Tokyo's extract was not written: not told
    hokkaido = next(m for m in mail.messages if m["to"] == ["hokkaido-a@pref.example.lg.jp"])
    assert hokkaido["subject"] == ("[saihan] 北海道の抽出データを更新しました / Hokkaido: your "
                                   "prefecture's extract is ready")
    assert "都道府県別データ" in hokkaido["body"] and "01_hokkaido" in hokkaido["body"]
    assert "fukuoka" not in hokkaido["body"].lower()

    # The same data extracted again (the next night): nobody is told.
    assert notify_subscribers(settings, extracts(settings, "day2")) == []
    assert len(mail.messages) == 3

    # Hokkaido's ひったくり delivered again with one more incident: only Hokkaido is told.
    source = (SAMPLE_CRIME_DIR / "sample_hokkaido_2022hittakuri.csv").read_bytes()
    lines = source.split(b"\r\n") if b"\r\n" in source else source.split(b"\n")
    extra = lines[1].replace(b",2022-02-19,13,", b",2022-02-19,14,")
    assert extra != lines[1]
    newline = b"\r\n" if b"\r\n" in source else b"\n"
    changed = tmp_path / "sample_hokkaido_2022hittakuri_v2.csv"
    changed.write_bytes(source.rstrip(newline) + newline + extra + newline)
    assert run_pipeline(settings, [changed]).count("loaded") == 1
    told = notify_subscribers(settings, extracts(settings, "day3"))
    assert sorted(m["to"][0] for m in mail.messages[3:]) == [
        "hokkaido-a@pref.example.lg.jp", "hokkaido-b@pref.example.lg.jp"]


def test_without_a_subscriptions_file_or_smtp_nobody_is_told(sample_copy: Settings,
                                                             tmp_path: Path) -> None:
    plain = make_settings(sample_copy.home)
    assert notify_subscribers(plain, extracts(plain, "day1")) == []
