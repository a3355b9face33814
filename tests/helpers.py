"""What many tests share: the repository's root, file hashes, free ports, waiting, the CLI, and
the real third-party files the tests read in place (with the trimmed fixtures made from them).

The real police open data (北海道警察「犯罪発生情報」2018, open data published by the Hokkaido
Prefectural Police) is handed over in ``../shared/data`` beside the checkout, for tests and CI to
read where it is; the project keeps no copy. ``SAIHAN_SHARED_DATA`` points elsewhere (or, set to
a folder that does not exist, hides it). Where the files are absent, the tests that need them skip
and say where they looked. :func:`build_crime_fixtures` writes, at test time, what
``tests/fixtures/crime`` used to hold: each real file's header and a few real lines, byte for
byte (CP932, CRLF), and the 自転車盗 rows re-encoded and re-laid-out the way other prefectures
publish.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import http.server
import io
import json
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from saihan.cli import app

REPO = Path(__file__).resolve().parents[1]


def sha(path: Path) -> str:
    """The sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something true, or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def invoke(home: Path, *args: str, **env: str):
    """``saihan ARGS...`` in-process on the home ``home``, as Typer's test runner gives it."""
    return CliRunner().invoke(app, list(args), env={"SAIHAN_HOME": str(home), **env})

SHARED_DATA_ENV = "SAIHAN_SHARED_DATA"
HOKKAIDO_NAMES = tuple(f"hokkaido_2018{modus}.csv" for modus in (
    "buhinnerai", "hittakuri", "ootobaitou", "syazyounerai", "zidouhanbaikinerai", "zidousyatou",
    "zitensyatou"))


def shared_data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``$SAIHAN_SHARED_DATA``, else ``../shared/data`` beside the repository."""
    return Path(environ.get(SHARED_DATA_ENV) or REPO.parent / "shared" / "data")


SHARED_DATA = shared_data_dir()
HOKKAIDO_DIR = SHARED_DATA / "crime-open-data" / "hokkaido-2018"
HOKKAIDO_MISSING = (
    f"the real Hokkaido police files are not at {HOKKAIDO_DIR}; they live in ../shared/data "
    f"beside the checkout (or set {SHARED_DATA_ENV}) and are not copied into the project"
)


def has_hokkaido() -> bool:
    """Whether all seven real Hokkaido 2018 files are there."""
    return all((HOKKAIDO_DIR / name).is_file() for name in HOKKAIDO_NAMES)


def require_hokkaido() -> Path:
    """The folder of the real Hokkaido 2018 files; skips the test when they are absent."""
    if not has_hokkaido():
        pytest.skip(HOKKAIDO_MISSING)
    return HOKKAIDO_DIR


PUBLISHED_DIR = REPO / "data" / "published"


def published_prefecture_files() -> dict[str, list[dict[str, str]]]:
    """The bundled files of a prefecture's own published values (indicator template, 都道府県
    other than 全国): each file's rows by file name."""
    found = {}
    for path in sorted(PUBLISHED_DIR.glob("*.csv")):
        text = path.read_text(encoding="utf-8-sig")
        if not text.startswith("計画,"):
            continue
        rows = list(csv.DictReader(io.StringIO(text)))
        if {row["都道府県"] for row in rows} != {"全国"}:
            found[path.name] = rows
    return found


GEO_DIR = SHARED_DATA / "geo"
GEO_MISSING = (
    f"the public municipal boundary files (SOURCE.md there) are not at {GEO_DIR}; they live in "
    f"../shared/data beside the checkout (or set {SHARED_DATA_ENV}) and are not copied into the "
    "project"
)


def require_geo() -> Path:
    """The folder of the public boundary files; skips the test when they are absent."""
    names = ("digital-agency-2025/ja_municipality_area.json",
             "smartnews-n03-2021/N03-21_210101.json")
    if not all((GEO_DIR / name).is_file() for name in names):
        pytest.skip(GEO_MISSING)
    return GEO_DIR


# ----------------------------------------------------------------------------- trimmed fixtures

# file -> physical line numbers (1-based, header excluded) of the real lines to keep
KEEP = {
    "hokkaido_2018hittakuri.csv": [2, 3, 4, 5, 6],
    # 143: 発生年月日 不明; 480 and 596: blank 市区町村コード and 都道府県
    "hokkaido_2018syazyounerai.csv": [2, 3, 4, 143, 480, 596],
    # 5-digit codes (lost leading zero), 2018/9/16 dates, 191 blank code, 423 不明
    "hokkaido_2018buhinnerai.csv": [2, 3, 4, 5, 191, 423],
    "hokkaido_2018zidouhanbaikinerai.csv": [2, 3, 4, 5, 81],
    # the side-by-side duplicated layout; 67 has 町丁目 only in the right-hand copy; 104 不明
    "hokkaido_2018zidousyatou.csv": [2, 3, 4, 5, 67, 104],
    "hokkaido_2018ootobaitou.csv": [2, 3, 4, 5, 51],
    # line 2: 不明 date and hour (and then the first two identical lines of the file)
    "hokkaido_2018zitensyatou.csv": [2, 3, 4, 5, 6, 7, 8],
}
VARIANT_NAMES = ("variant_utf8bom_crlf.csv", "variant_utf8_lf.csv", "variant_cp932_tab_lf.csv",
                 "variant_cp932_quoted.csv", "variant_utf8bom_tab_quoted.csv",
                 "variant_index_column.csv", "variant_halfwidth_header.csv", "variant_excel.xlsx")
CRIME_FIXTURE_NAMES = tuple(sorted((*KEEP, *VARIANT_NAMES)))


def _trim(source: Path, keep: list[int]) -> bytes:
    lines = source.read_bytes().split(b"\r\n")
    return b"\r\n".join([lines[0]] + [lines[n - 1] for n in keep]) + b"\r\n"


def _identical_pair(source: Path) -> list[int]:
    """Line numbers of the first two identical data lines of a real file."""
    seen: dict[bytes, int] = {}
    for n, line in enumerate(source.read_bytes().split(b"\r\n")[1:], start=2):
        if line in seen:
            return [seen[line], n]
        seen[line] = n
    return []


def _join(rows: list[list[str]], delim: str = ",", eol: str = "\r\n",
          quote: bool = False) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delim, lineterminator=eol,
               quoting=csv.QUOTE_ALL if quote else csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue()


def build_crime_fixtures(source: Path, target: Path) -> Path:
    """Write the trimmed real files and their variants (CRIME_FIXTURE_NAMES) into ``target``.

    - ``hokkaido_2018*.csv``: the real header and the real lines of KEEP, byte for byte;
    - ``variant_*``: the rows of the trimmed 自転車盗 file as UTF-8 with BOM (CRLF), UTF-8
      without BOM (LF), CP932 tab separated (LF), every field quoted (CP932; UTF-8 BOM + tab),
      with an unnamed pandas index column, with half-width parentheses in the header, and as an
      XLSX whose dates are date cells and whose codes and hours are numbers (a second sheet is
      ignored). Their names carry no year on purpose (the data year then comes from the dates).
    """
    target.mkdir(parents=True, exist_ok=True)
    for name, keep in KEEP.items():
        if name == "hokkaido_2018zitensyatou.csv":
            keep = keep + _identical_pair(source / name)
        (target / name).write_bytes(_trim(source / name, keep))

    base = (target / "hokkaido_2018zitensyatou.csv").read_bytes().decode("cp932")
    rows = list(csv.reader(io.StringIO(base, newline="")))

    def write(name: str, text: str, encoding: str) -> None:
        (target / name).write_bytes(text.encode(encoding))

    write("variant_utf8bom_crlf.csv", _join(rows), "utf-8-sig")
    write("variant_utf8_lf.csv", _join(rows, eol="\n"), "utf-8")
    write("variant_cp932_tab_lf.csv", _join(rows, delim="\t", eol="\n"), "cp932")
    write("variant_cp932_quoted.csv", _join(rows, quote=True), "cp932")
    write("variant_utf8bom_tab_quoted.csv", _join(rows, delim="\t", quote=True), "utf-8-sig")
    # pandas-style unnamed index column: empty header, then 0, 1, 2 ...
    write("variant_index_column.csv",
          _join([[""] + rows[0]] + [[str(i)] + r for i, r in enumerate(rows[1:])]), "utf-8-sig")
    # half-width parentheses in the header (as after an NFKC-normalising tool)
    half = [h.replace("（", "(").replace("）", ")") for h in rows[0]]
    write("variant_halfwidth_header.csv", _join([half] + rows[1:]), "cp932")

    # XLSX: dates as date cells, codes and hours as numbers, like a sheet typed in Excel
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target / "variant_excel.xlsx"))
    sheet = book.add_worksheet("発生情報")
    date_format = book.add_format({"num_format": "yyyy/m/d"})
    sheet.write_row(0, 0, rows[0])
    for r, row in enumerate(rows[1:], start=1):
        for c, value in enumerate(row):
            header = rows[0][c]
            if header.startswith("発生年月日") and value[:1].isdigit():
                sheet.write_datetime(r, c, dt.datetime.strptime(value, "%Y-%m-%d"), date_format)
            elif header.startswith(("発生時", "市区町村コード")) and value.isdigit():
                sheet.write_number(r, c, int(value))
            elif value:
                sheet.write_string(r, c, value)
    book.add_worksheet("note").write(0, 0, "only the first sheet is read")
    book.close()
    return target


class WebhookReceiver:
    """A local HTTP server on 127.0.0.1 that keeps every JSON body POSTed to it (in a thread)."""

    def __init__(self, status: int = 200) -> None:
        received = self.received = []
        self.status = status
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append({"path": self.path, "headers": dict(self.headers),
                                 "json": json.loads(body.decode("utf-8"))})
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/saihan"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[str]:
        return [r["json"]["event"] for r in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class MailReceiver:
    """A local SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it is sent."""

    def __init__(self) -> None:
        messages = self.messages = []
        raw = self.raw = []

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                raw.append(envelope.content.decode("utf-8", "replace"))
                message = message_from_bytes(envelope.content, policy=policy.default)
                messages.append({"to": list(envelope.rcpt_tos), "from": envelope.mail_from,
                                 "subject": str(message["Subject"]),
                                 "body": message.get_content()})
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def subjects(self) -> list[str]:
        return [m["subject"] for m in self.messages]

    def close(self) -> None:
        self.controller.stop()


def notify_env(webhook: WebhookReceiver, mail: MailReceiver) -> dict[str, str]:
    """The settings that send notifications to the two local receivers."""
    return {"SAIHAN_NOTIFY_WEBHOOK": webhook.url, "SAIHAN_SMTP_HOST": "127.0.0.1",
            "SAIHAN_SMTP_PORT": str(mail.port), "SAIHAN_SMTP_STARTTLS": "false",
            "SAIHAN_SMTP_FROM": "saihan@example.org",
            "SAIHAN_SMTP_TO": "ops@example.org,duty@example.org"}


class JsonServer:
    """A local HTTP server on 127.0.0.1 answering each GET with what ``answer(query)`` gives:
    a status and the JSON bytes (None: no body); keeps each request's path and query."""

    def __init__(self, answer: Callable[[dict[str, str]], tuple[int, bytes | None]]) -> None:
        requests = self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path, _, query = self.path.partition("?")
                requests.append((path, dict(urllib.parse.parse_qsl(query))))
                status, body = answer(requests[-1][1])
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body is not None:
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class EstatApiServer(JsonServer):
    """e-Stat's getStatsData on 127.0.0.1: answers each GET with the next of ``pages`` (JSON)
    or with ``status``; ``queries`` are the requests' queries."""

    def __init__(self, pages: list[dict], status: int = 200) -> None:
        self.pages, self.status = pages, status
        super().__init__(self._answer)
        self.url = f"{self.base}/rest/3.0/app/json/getStatsData"

    @property
    def queries(self) -> list[dict[str, str]]:
        return [query for _, query in self.requests]

    def _answer(self, query: dict[str, str]) -> tuple[int, bytes | None]:
        if self.status != 200:
            return self.status, None
        start = int(query.get("startPosition") or 1)
        page = next(p for p in self.pages if p["GET_STATS_DATA"]["STATISTICAL_DATA"]
                    ["RESULT_INF"]["FROM_NUMBER"] == start)
        # e-Stat echoes the request's parameters, the appId among them
        page = json.loads(json.dumps(page))
        page["GET_STATS_DATA"].setdefault("PARAMETER", {})["APP_ID"] = query.get("appId")
        return 200, json.dumps(page, ensure_ascii=False).encode("utf-8")


def estat_pages(document: dict, size: int) -> list[dict]:
    """A getStatsData response split into API pages of ``size`` values, with RESULT_INF and
    NEXT_KEY as the API sets them."""
    values = document["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"]
    pages = []
    for start in range(0, len(values), size):
        page = json.loads(json.dumps(document))
        statistical = page["GET_STATS_DATA"]["STATISTICAL_DATA"]
        statistical["DATA_INF"]["VALUE"] = values[start:start + size]
        statistical["RESULT_INF"] = {"TOTAL_NUMBER": len(values), "FROM_NUMBER": start + 1,
                                     "TO_NUMBER": min(start + size, len(values))}
        if start + size < len(values):
            statistical["RESULT_INF"]["NEXT_KEY"] = start + size + 1
        pages.append(page)
    return pages


# --- rejection reasons in Japanese (warehouse/reasons.py) --------------------------------------

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana or kanji
UNFILLED = re.compile(r"\{[A-Za-z_][\w.]*\}")  # a template field left in the text


def japanese_problems(found: str, todo: str, *, action_only: bool = False) -> list[str]:
    """What is wrong with a reason's Japanese texts, as a reader would see it: an empty text,
    a text without Japanese, or a {placeholder} left unfilled."""
    problems = []
    for name, text in (("todo", todo),) if action_only else (("found", found), ("todo", todo)):
        if not text.strip():
            problems.append(f"{name} is empty")
        elif not JAPANESE.search(text):
            problems.append(f"{name} has no Japanese: {text!r}")
        if UNFILLED.search(text):
            problems.append(f"{name} has an unfilled placeholder: {text!r}")
    return problems
