"""Telling operators: notices for a run that failed, a file rejected or held, a data test that
stopped a publish, ``saihan serve`` stopping on its own and a late source; sent as a JSON POST
to ``SAIHAN_NOTIFY_WEBHOOK`` and as e-mail through ``SAIHAN_SMTP_*``.

Plain Python (``urllib``, ``smtplib``), so that ``saihan run`` notifies without Prefect and the
flows of ``saihan serve`` notify the same way. A notice has a key (for a file: its sha256 and
the reason); what was sent under which key is kept in ``$SAIHAN_HOME/notifications/sent.json``,
beside the warehouse (publishes and rollbacks leave it alone), so the same failure is told once
per channel, not every run. A channel that fails is said on stderr and tried again next time;
it never fails the run. Messages are plain text: names and reasons with control characters
escaped, and secrets (the e-Stat appId, the SMTP password, the webhook URL) removed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import smtplib
import socket
import ssl
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from warehouse.errors import shown
from warehouse.expected import Coverage, assess, late, read_coverage
from warehouse.files import write_whole
from warehouse.notify_text import EVENTS, LABELS, LANGUAGES, SOURCE_LABELS
from warehouse.settings import Settings

SENT_LOG = "sent.json"
MESSAGE_LOG = "sent.jsonl"
TIMEOUT_SECONDS = 10
# Events that end when a run publishes: a failure after that is a new one and is told again.
RESOLVED_BY_PUBLISH = ("run_failed", "audit_failed", "flow_failed")
MAX_TEXT = 1200  # characters of one value (a reason, an error, a list) in a message
HIDDEN = "***"
_SECRET_PARAMETER = re.compile(
    r"(?i)\b(appId|app_id|password|passwd|token|api_?key|secret)=([^&\s\"'<>]+)")


@dataclass(frozen=True)
class Notice:
    """One thing to tell: the event, its dedup key and the values its text is filled with."""

    event: str
    key: str
    values: Mapping[str, Any] = field(default_factory=dict)
    file: str | None = None
    report: str | None = None
    run_id: str | None = None


def digest(*parts: Any) -> str:
    """A short, stable fingerprint of what makes two notices the same."""
    text = json.dumps(parts, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def secrets(settings: Settings) -> list[str]:
    """Values that must never appear in a message."""
    found = [settings.estat_app_id, settings.smtp_password, settings.notify_webhook,
             os.environ.get("SAIHAN_ESTAT_APP_ID"), os.environ.get("SAIHAN_SMTP_PASSWORD")]
    return sorted({s for s in found if s and len(s) >= 4}, key=len, reverse=True)


def scrub(text: Any, settings: Settings, limit: int = MAX_TEXT) -> str:
    """Text safe to send: control characters escaped, secrets and ``appId=...`` removed, cut."""
    value = shown("" if text is None else text)
    for secret in secrets(settings):
        value = value.replace(secret, HIDDEN)
    value = _SECRET_PARAMETER.sub(lambda m: f"{m.group(1)}={HIDDEN}", value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def render(notice: Notice, settings: Settings) -> tuple[str, str]:
    """The subject and the plain-text body (Japanese, then English) of a notice."""
    texts = EVENTS[notice.event]
    values = {k: scrub(v, settings) for k, v in notice.values.items()}
    blocks = []
    for lang in LANGUAGES:
        lines = [f"[saihan] {texts['title'][lang].format(**values)}",
                 f"{LABELS['what'][lang]}: {texts['what'][lang].format(**values)}"]
        if notice.file:
            lines.append(f"{LABELS['file'][lang]}: {scrub(notice.file, settings)}")
        lines.append(f"{LABELS['todo'][lang]}: {texts['todo'][lang].format(**values)}")
        if notice.report:
            lines.append(f"{LABELS['report'][lang]}: {scrub(notice.report, settings)}")
        lines.append(f"{LABELS['home'][lang]}: {scrub(settings.home, settings)}")
        blocks.append("\n".join(lines))
    subject = " / ".join(texts["title"][lang].format(**values) for lang in LANGUAGES)
    return f"[saihan] {subject}", "\n\n".join(blocks) + "\n"


def channels(settings: Settings) -> list[str]:
    """The configured channels: ``webhook`` and ``email``."""
    return settings.notification_channels


def chat_text(text: str) -> str:
    """Text a chat tool shows as written: ``&``, ``<`` and ``>`` escaped, the characters that
    make links and mentions in Slack's and Mattermost's message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def payload(notice: Notice, settings: Settings) -> dict[str, Any]:
    """The JSON the webhook receives (``text`` is what chat adapters show)."""
    subject, body = render(notice, settings)
    return {"source": "saihan", "event": notice.event, "title": chat_text(subject),
            "text": chat_text(body),
            "file": scrub(notice.file, settings) if notice.file else None,
            "run_id": notice.run_id,
            "report": scrub(notice.report, settings) if notice.report else None,
            "home": str(settings.home), "key": notice.key,
            "sent_at": datetime.now(UTC).isoformat(timespec="seconds")}


def send_webhook(notice: Notice, settings: Settings) -> None:
    """POST the notice as JSON (raises OSError or urllib's errors when it cannot)."""
    assert settings.notify_webhook
    data = json.dumps(payload(notice, settings), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(settings.notify_webhook, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "saihan"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        response.read()


def send_email(notice: Notice, settings: Settings, to: Iterable[str] | None = None) -> None:
    """Send the notice to ``to`` (default SAIHAN_SMTP_TO); raises OSError or smtplib's errors
    when it cannot."""
    assert settings.smtp_host
    subject, body = render(notice, settings)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.smtp_from or f"saihan@{socket.gethostname()}"
    message["To"] = ", ".join(settings.smtp_to if to is None else to)
    message.set_content(body, charset="utf-8")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


SENDERS = {"webhook": send_webhook, "email": send_email}


def why(error: BaseException, settings: Settings) -> str:
    """A channel's failure in a line (never the URL or password)."""
    if isinstance(error, urllib.error.HTTPError):
        return f"the webhook answered HTTP {error.code}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "the SMTP server refused SAIHAN_SMTP_USER / SAIHAN_SMTP_PASSWORD"
    if isinstance(error, smtplib.SMTPException):
        return f"the SMTP server refused the message ({scrub(error, settings, 200)})"
    reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
    return f"could not connect ({scrub(reason, settings, 200)})"


def read_sent(settings: Settings) -> dict[str, dict[str, Any]]:
    """The sent log: key -> event, when first sent, and the channels it went to."""
    path = settings.notifications / SENT_LOG
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_sent(settings: Settings, sent: Mapping[str, Any]) -> None:
    """Replace the sent log (atomically)."""
    settings.notifications.mkdir(parents=True, exist_ok=True)
    write_whole(settings.notifications / SENT_LOG,
                json.dumps(sent, ensure_ascii=False, indent=1, sort_keys=True))


@contextmanager
def sent_log_lock(settings: Settings) -> Iterator[None]:
    """Hold the sent log for a read-change-write (runs and the nightly extracts both write it)."""
    settings.notifications.mkdir(parents=True, exist_ok=True)
    with (settings.notifications / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def log_message(settings: Settings, notice: Notice, sent_to: list[str]) -> None:
    """Append a sent message to notifications/sent.jsonl."""
    settings.notifications.mkdir(parents=True, exist_ok=True)
    subject, _ = render(notice, settings)
    line = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "event": notice.event,
            "key": notice.key, "subject": subject, "channels": sent_to}
    with (settings.notifications / MESSAGE_LOG).open("a", encoding="utf-8") as log:
        log.write(json.dumps(line, ensure_ascii=False) + "\n")


def send(settings: Settings, notices: Iterable[Notice], *,
         resolve: Iterable[str] = ()) -> list[Notice]:
    """Send each notice on each configured channel it has not gone to yet; return the notices
    that went out somewhere. ``resolve`` names events whose earlier notices are forgotten
    first (a publish ends a run's failure). Never raises for a channel that fails."""
    notices = list(notices)
    configured = channels(settings)
    resolve = tuple(resolve)
    if not ((configured and notices) or (resolve and (settings.notifications / SENT_LOG).exists())):
        return []
    with sent_log_lock(settings):
        return _send(settings, notices, configured, resolve)


def _send(settings: Settings, notices: list[Notice], configured: list[str],
          resolve: tuple[str, ...]) -> list[Notice]:
    sent = read_sent(settings)
    if not (configured and notices) and not any(
            entry.get("event") in resolve for entry in sent.values()):
        return []
    changed = False
    if resolve:
        kept = {k: v for k, v in sent.items() if v.get("event") not in resolve}
        changed = len(kept) != len(sent)
        sent = kept
    went_out: list[Notice] = []
    for notice in notices:
        entry = sent.get(notice.key, {})
        done = set(entry.get("channels") or [])
        sent_to = []
        for channel in configured:
            if channel in done:
                continue
            try:
                SENDERS[channel](notice, settings)
            except (OSError, smtplib.SMTPException, ValueError) as error:
                print(f"saihan: the {notice.event} notification could not be sent by {channel}: "
                      f"{why(error, settings)}; it is tried again on the next run",
                      file=sys.stderr)
                continue
            sent_to.append(channel)
        if sent_to:
            sent[notice.key] = {"event": notice.event,
                                "first_sent_at": entry.get("first_sent_at")
                                or datetime.now(UTC).isoformat(timespec="seconds"),
                                "channels": sorted(done | set(sent_to))}
            changed = True
            went_out.append(notice)
            log_message(settings, notice, sent_to)
    if changed:
        write_sent(settings, sent)
    return went_out


def _where(rejection: Mapping[str, Any]) -> tuple[str, str]:
    line, column = rejection.get("line"), rejection.get("column")
    ja = "、".join(p for p in (f"{line} 行目" if line is not None else "",
                              f"列「{shown(column)}」" if column else "") if p)
    en = ", ".join(p for p in (f"line {line}" if line is not None else "",
                               f"column {shown(column)}" if column else "") if p)
    return (f"場所: {ja}。" if ja else ""), (f"At {en}. " if en else "")


def run_notices(report: Mapping[str, Any], report_path: Path | str | None) -> list[Notice]:
    """What a finished run (``RunReport.to_dict()``) has to tell."""
    notices: list[Notice] = []
    run_id = report.get("run_id")
    where = str(report_path) if report_path else None
    for result in report.get("files") or []:
        name = Path(str(result.get("file"))).name
        if result.get("status") == "rejected":
            rejection = result.get("rejection") or {}
            where_ja, where_en = _where(rejection)
            kept = result.get("quarantined_as") or ""
            notices.append(Notice(
                "file_rejected",
                "file_rejected:" + digest(result.get("sha256"), rejection.get("reason"),
                                          rejection.get("line"), rejection.get("column")),
                {"name": name, "reason": rejection.get("reason") or "",
                 "action": rejection.get("action") or "", "where_ja": where_ja,
                 # the Japanese words of the reason (English for a report kept before them)
                 "reason_ja": rejection.get("reason_ja") or rejection.get("reason") or "",
                 "action_ja": rejection.get("action_ja") or rejection.get("action") or "",
                 "where_en": where_en, "kept_report": f"{kept}.report.txt"},
                file=kept or str(result.get("file")), report=where, run_id=run_id))
        elif result.get("status") == "held":
            hold = result.get("hold") or {}
            kept = result.get("held_as") or ""
            notices.append(Notice(
                "file_held",
                # by content alone: a file an earlier run held is listed again with other words
                "file_held:" + digest(result.get("sha256")),
                {"name": name, "dataset": result.get("dataset_key") or "",
                 "rows_before": f"{hold.get('rows_before', 0):,}",
                 "rows_after": f"{hold.get('rows_after', 0):,}",
                 "reasons": "; ".join(hold.get("reasons") or []), "kept": kept,
                 "kept_report": f"{kept}.held.txt"},
                file=kept or str(result.get("file")), report=where, run_id=run_id))
    status = report.get("status")
    if status == "audit_failed":
        failures = [str(f) for f in report.get("data_test_failures") or []]
        names = sorted(f.split(":", 1)[0] for f in failures)
        notices.append(Notice(
            "audit_failed", "audit_failed:" + digest(names),
            {"run_id": run_id, "trigger": report.get("trigger"), "failures": "; ".join(failures)},
            report=where, run_id=run_id))
    elif status == "failed":
        error = str(report.get("error") or "").replace(str(run_id), "<run>")
        notices.append(Notice(
            "run_failed", "run_failed:" + digest(error),
            {"run_id": run_id, "trigger": report.get("trigger"), "error": error},
            report=where, run_id=run_id))
    return notices


def late_notices(coverage: Iterable[Coverage], report_path: Path | str | None) -> list[Notice]:
    """One notice per source and expected period that some prefectures have not delivered,
    listing them; its key is the source and period, so it is told once."""
    notices = []
    for (source, period), cells in sorted(late(coverage).items()):
        first = cells[0]
        notices.append(Notice(
            "source_late", f"source_late:{source}:{period}",
            {"source_ja": SOURCE_LABELS[source]["ja"], "source_en": SOURCE_LABELS[source]["en"],
             "expected": first.expected_label, "due": first.due_on, "count": len(cells),
             "prefs_ja": "、".join(c.pref_name_ja for c in cells),
             "prefs_en": ", ".join(c.pref_name_en for c in cells)},
            report=str(report_path) if report_path else None))
    return notices


def notify_run(settings: Settings, report: Mapping[str, Any],
               report_path: Path | str | None, *, today: date | None = None) -> list[Notice]:
    """Tell what a finished run has to tell (once per failure), and the sources that are late
    in the published warehouse (once per source and period); a publish ends earlier run
    failures, so the next one is told again."""
    resolve = RESOLVED_BY_PUBLISH if report.get("status") == "published" else ()
    notices = run_notices(report, report_path)
    if channels(settings):
        notices += late_notices(assess(read_coverage(settings.warehouse), settings, today),
                                report_path)
    return send(settings, notices, resolve=resolve)


def notify_serve_stopped(settings: Settings, reason: str, log_path: Path | str) -> list[Notice]:
    """Tell that ``saihan serve`` stopped on its own (once per reason and day)."""
    today = datetime.now(UTC).date().isoformat()
    return send(settings, [Notice("serve_stopped", "serve_stopped:" + digest(reason, today),
                                  {"reason": reason, "log": str(log_path)})])


def _told_by_a_run_since(settings: Settings, since: datetime) -> bool:
    """Whether a run report written since ``since`` ended failed (its run told it already)."""
    recent = sorted(settings.runs.glob("*.json"), reverse=True)[:10] if settings.runs.exists() \
        else []
    for path in recent:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
            started = datetime.fromisoformat(report["started_at"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if started >= since and report.get("status") in ("failed", "audit_failed"):
            return True
    return False


def notify_flow_failed(settings: Settings, *, flow_name: str, flow_run_name: str,
                       started: datetime | None, message: str,
                       report: str | None = None) -> list[Notice]:
    """Tell that a flow run failed or crashed (from a Prefect state hook), unless the run it
    made already told its failure: a flow that could not take the writer lock, failed writing
    the extracts or crashed outside the run. ``report`` is where to look (the flow run in the
    Prefect UI)."""
    since = datetime.fromtimestamp(int((started or datetime.now(UTC)).timestamp()), UTC)
    if _told_by_a_run_since(settings, since):
        return []
    error = message.replace(flow_run_name, "<run>")
    return send(settings, [Notice(
        "flow_failed", "flow_failed:" + digest(flow_name, error),
        {"run_id": flow_run_name, "trigger": flow_name, "error": message},
        report=report or str(settings.runs), run_id=flow_run_name)])
