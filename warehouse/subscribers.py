"""Prefecture officers subscribed by address: "my prefecture's extract is ready", by e-mail,
after a nightly run whose extracts changed that prefecture's data.

The subscriptions are a CSV file named by ``SAIHAN_SUBSCRIBERS`` (UTF-8, BOM optional), one
row per prefecture and address, with the header ``都道府県,メールアドレス`` (or ``pref,email``);
the prefecture by code or name (01, 北海道, 北海道 or Hokkaido). A prefecture's extract has
changed when the sha256 of its data files (CSV and Parquet) differs from the last one told to
that address; what was told is kept in the notifications sent-log, so an unchanged extract is
not announced every night and a new subscriber hears of the current one once.
"""

from __future__ import annotations

import csv
import io
import json
import smtplib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.errors import shown
from warehouse.notify import (
    Notice,
    digest,
    log_message,
    read_sent,
    send_email,
    sent_log_lock,
    why,
    write_sent,
)
from warehouse.reference import prefecture_english_names, prefecture_lookup, prefecture_names
from warehouse.settings import Settings

PREF_HEADERS = ("都道府県", "pref", "prefecture", "pref_code")
EMAIL_HEADERS = ("メールアドレス", "email", "address", "e-mail")
DATA_FORMATS = ("csv", "parquet")


class SubscribersError(ValueError):
    """The subscriptions file cannot be read; the message names the file, line and column."""


@dataclass(frozen=True)
class Subscription:
    pref_code: str
    address: str


def _column(header: list[str], names: tuple[str, ...], path: Path, what: str) -> int:
    for index, name in enumerate(header):
        if name.strip().lower() in names:
            return index
    raise SubscribersError(
        f"{path}, line 1: no column for {what} (found {', '.join(map(shown, header)) or 'none'})."
        f" Write the header 都道府県,メールアドレス (or pref,email) on the first line.")


def read_subscriptions(path: Path) -> list[Subscription]:
    """Every subscription in the file (raises SubscribersError naming file, line and column)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise SubscribersError(f"{path}: cannot be read ({error.strerror}). Check "
                               "SAIHAN_SUBSCRIBERS names the subscriptions file.") from None
    except UnicodeDecodeError as error:
        line = text_line(path.read_bytes(), error.start)
        raise SubscribersError(f"{path}, line {line}: not UTF-8 text. Save the file as UTF-8 "
                               "(CSV UTF-8 in Excel).") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise SubscribersError(f"{path}: the file is empty. Write the header "
                               "都道府県,メールアドレス and one line per prefecture and address.")
    pref_at = _column(rows[0], PREF_HEADERS, path, "the prefecture")
    email_at = _column(rows[0], EMAIL_HEADERS, path, "the address")
    lookup = prefecture_lookup()
    found = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        pref = row[pref_at].strip() if pref_at < len(row) else ""
        address = row[email_at].strip() if email_at < len(row) else ""
        code = lookup.get(pref) or lookup.get(pref.lower()) or lookup.get(pref.zfill(2))
        if code is None:
            raise SubscribersError(
                f"{path}, line {number}, column {shown(rows[0][pref_at])}: {shown(pref)!r} is "
                "not a prefecture. Write its code (01–47) or its name (北海道, Hokkaido).")
        if address.count("@") != 1 or " " in address or address.startswith("@") \
                or address.endswith("@"):
            raise SubscribersError(
                f"{path}, line {number}, column {shown(rows[0][email_at])}: {shown(address)!r} "
                "is not an e-mail address. Write one address per line, e.g. "
                "saihan@pref.example.lg.jp.")
        found.append(Subscription(code, address))
    return found


def text_line(data: bytes, offset: int) -> int:
    """The line (from 1) of a byte offset."""
    return data[:offset].count(b"\n") + 1


def extract_digests(manifest_path: Path) -> dict[str, dict[str, Any]]:
    """Per prefecture code: its folder, tables, and a digest of its data files' sha256."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    found = {}
    for pref in manifest.get("prefectures") or []:
        files = sorted((f["path"], f["sha256"]) for f in pref.get("files") or []
                       if f.get("table") and f.get("format") in DATA_FORMATS)
        found[pref["pref_code"]] = {
            "folder": str(manifest_path.parent / pref["folder"]),
            "tables": sorted({f["table"] for f in pref.get("files") or [] if f.get("table")}),
            "digest": digest(files),
            "run_id": pref.get("warehouse_run_id") or "",
        }
    return found


def notify_subscribers(settings: Settings, manifest_path: Path) -> list[Notice]:
    """E-mail each subscribed address whose prefecture's extract changed since it was last
    told; return the notices sent. Needs SAIHAN_SMTP_HOST; a refused address is said on
    stderr and tried again next time."""
    if settings.subscribers_file is None:
        return []
    subscriptions = read_subscriptions(settings.subscribers_file)
    if not (subscriptions and settings.smtp_host):
        return []
    with sent_log_lock(settings):
        return _tell(settings, subscriptions, manifest_path)


def _tell(settings: Settings, subscriptions: list[Subscription],
          manifest_path: Path) -> list[Notice]:
    extracts = extract_digests(manifest_path)
    names_ja, names_en = prefecture_names(), prefecture_english_names()
    sent = read_sent(settings)
    told = []
    for subscription in subscriptions:
        extract = extracts.get(subscription.pref_code)
        if extract is None:
            continue
        key = "extract_ready:" + digest(subscription.pref_code, subscription.address)
        if (sent.get(key) or {}).get("digest") == extract["digest"]:
            continue
        notice = Notice("extract_ready", key, {
            "pref_ja": names_ja[subscription.pref_code],
            "pref_en": names_en[subscription.pref_code],
            "tables": ", ".join(extract["tables"]), "folder": extract["folder"],
            "run_id": extract["run_id"]}, report=str(manifest_path))
        try:
            send_email(notice, settings, to=[subscription.address])
        except (OSError, smtplib.SMTPException) as error:
            print(f"saihan: the extract notice for {subscription.address} could not be sent: "
                  f"{why(error, settings)}; it is tried again after the next nightly run",
                  file=sys.stderr)
            continue
        sent[key] = {"event": "extract_ready", "digest": extract["digest"],
                     "pref_code": subscription.pref_code, "channels": ["email"]}
        log_message(settings, notice, ["email"])
        told.append(notice)
    if told:
        write_sent(settings, sent)
    return told
