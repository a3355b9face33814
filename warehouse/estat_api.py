"""Fetching e-Stat (政府統計の総合窓口) statistics: a whole getStatsData table, saved as JSON;
searching tables (getStatsList); and series of the 統計ダッシュボード (getData, no key needed).

:func:`fetch_stats_data` calls the API with the user's appId (``SAIHAN_ESTAT_APP_ID``), follows
NEXT_KEY until the table is complete and returns one merged response, which
:func:`save_response` writes where the next run picks it up (and
:mod:`warehouse.ingest.estat` parses). The HTTP opener is injectable, so tests need no network.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from warehouse.errors import shown
from warehouse.ingest.estat import STATUS_ERROR_FROM, STATUS_NO_DATA, as_list, text_of
from warehouse.settings import ESTAT_API_URL as API_URL
from warehouse.settings import ESTAT_DASHBOARD_URL as DASHBOARD_URL
from warehouse.settings import Settings

Opener = Callable[[str, float], bytes]


class EstatError(RuntimeError):
    """The e-Stat API could not be reached or refused the request; the message says why."""


def _urlopen(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - from settings
        return response.read()


def fetch_stats_data(app_id: str | None, stats_data_id: str, *, opener: Opener = _urlopen,
                     extra: dict[str, str] | None = None, timeout: float = 60,
                     max_pages: int = 100, api_url: str = API_URL) -> dict:
    """Fetch a whole statistics table (every page) as one getStatsData response."""
    if not app_id:
        raise EstatError("No e-Stat application ID: set SAIHAN_ESTAT_APP_ID (register at "
                         "https://www.e-stat.go.jp/api/ to get one)")
    if not stats_data_id.strip().isdigit():
        raise EstatError(f"{stats_data_id!r} is not a statsDataId (digits, e.g. 0003191203)")
    params = {"appId": app_id, "statsDataId": stats_data_id.strip(), "lang": "J",
              "metaGetFlg": "Y", "cntGetFlg": "N", "annotationGetFlg": "Y",
              "sectionHeaderFlg": "1", "replaceSpChars": "0", **(extra or {})}
    merged: dict | None = None
    start: int | None = None
    for _ in range(max_pages):
        query = dict(params, **({"startPosition": str(start)} if start else {}))
        url = f"{api_url}?{urllib.parse.urlencode(query)}"
        page = _page(opener, url, timeout, app_id)
        root = page["GET_STATS_DATA"]
        statistical = root["STATISTICAL_DATA"]
        if merged is None:
            merged = page
        else:
            target = merged["GET_STATS_DATA"]["STATISTICAL_DATA"].setdefault("DATA_INF", {})
            target["VALUE"] = as_list(target.get("VALUE")) + as_list(
                statistical.get("DATA_INF", {}).get("VALUE"))
        result_inf = statistical.get("RESULT_INF")
        next_key = result_inf.get("NEXT_KEY") if isinstance(result_inf, dict) else None
        if not next_key:
            if isinstance(result_inf, dict):
                merged["GET_STATS_DATA"]["STATISTICAL_DATA"]["RESULT_INF"].pop("NEXT_KEY", None)
            # Never keep the appId in a saved file, wherever the server echoed it.
            return _scrubbed(merged, app_id)
        try:
            start = int(next_key)
        except (TypeError, ValueError):
            raise EstatError(f"e-Stat's answer gives the next page as {_said(next_key, app_id)}"
                             ", not a number; try again later") from None
    raise EstatError(f"the table has more than {max_pages} pages; narrow it (e.g. cdArea)")


def _said(value: object, app_id: str, limit: int = 200) -> str:
    """What the server said, as a message may show it: the appId removed, control characters
    escaped, at most ``limit`` characters."""
    text = shown(value).replace(app_id, "***")
    return text if len(text) <= limit else text[:limit] + "…"


def _scrubbed(value: object, app_id: str) -> object:
    """A document with the appId removed from every key and text (and PARAMETER.APP_ID)."""
    if isinstance(value, dict):
        return {k: _scrubbed(v, app_id) for k, v in value.items() if k != "APP_ID"}
    if isinstance(value, list):
        return [_scrubbed(v, app_id) for v in value]
    if isinstance(value, str) and app_id in value:
        return value.replace(app_id, "***")
    return value


def _opened(opener: Opener, url: str, timeout: float, secret: str, who: str) -> bytes:
    """The body ``who`` (e-Stat, the server) answered at ``url``, or EstatError saying why not
    in saihan's words, with ``secret`` (the appId) never echoed."""
    try:
        return opener(url, timeout)
    except urllib.error.HTTPError as exc:
        raise EstatError(f"{who} answered HTTP {exc.code} ({_said(exc.reason, secret)}); "
                         "try again later") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = _said(getattr(exc, "reason", exc), secret)
        raise EstatError(f"{who} cannot be reached ({reason}); check the network") from None


def _page(opener: Opener, url: str, timeout: float, app_id: str) -> dict:
    """One page of getStatsData, or EstatError saying in saihan's words what went wrong (no
    traceback, nothing echoed that could carry the appId)."""
    body = _opened(opener, url, timeout, app_id, "e-Stat")
    try:
        text = body.decode("utf-8-sig")
        page = json.loads(text)
    except UnicodeDecodeError:
        raise EstatError("e-Stat's answer is not UTF-8 JSON; try again later") from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated"):
            raise EstatError(f"e-Stat's answer was cut short ({len(body):,} bytes, the JSON "
                             "stops before its end); try again later") from None
        raise EstatError(f"e-Stat's answer is not valid JSON (line {exc.lineno}); try again "
                         "later") from None
    root = page.get("GET_STATS_DATA") if isinstance(page, dict) else None
    if not isinstance(root, dict):
        raise EstatError("e-Stat's answer is not a getStatsData response (no GET_STATS_DATA); "
                         "check the statsDataId")
    result = root.get("RESULT") if isinstance(root.get("RESULT"), dict) else {}
    message = _said(result.get("ERROR_MSG", ""), app_id)
    try:
        status = int(result.get("STATUS"))
    except (TypeError, ValueError):
        said = _said(result.get("STATUS"), app_id)
        raise EstatError(f"e-Stat's answer has no numeric STATUS ({said}); try again "
                         "later") from None
    if status >= STATUS_ERROR_FROM or status < 0 or status == STATUS_NO_DATA:
        raise EstatError(f"e-Stat refused the request: STATUS {status} {message}".strip())
    statistical = root.get("STATISTICAL_DATA")
    values = statistical.get("DATA_INF", {}).get("VALUE") if isinstance(statistical, dict) \
        and isinstance(statistical.get("DATA_INF", {}), dict) else None
    if not values:
        raise EstatError(f"e-Stat answered STATUS {status} but with no values (no "
                         "STATISTICAL_DATA.DATA_INF.VALUE); nothing was saved. Check the "
                         "statsDataId and its filters, or try again later")
    return page


def save_response(document: dict, path: Path) -> int:
    """Write a response as UTF-8 JSON (atomically); return the number of values in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(path)
    data = document["GET_STATS_DATA"]["STATISTICAL_DATA"].get("DATA_INF", {})
    return len(as_list(data.get("VALUE")))


def inbox_target(settings: Settings, stats_data_id: str) -> Path:
    """Where a fetched table is saved for the next run: inbox/estat/estat_<ID>.json."""
    return settings.inbox / "estat" / f"estat_{stats_data_id.strip()}.json"


def fetch_into_inbox(settings: Settings, stats_data_id: str, target: Path | None = None, *,
                     opener: Opener = _urlopen) -> tuple[Path, int, bool]:
    """Fetch one table with the settings' appId and endpoint and save it (by default into the
    inbox); return the file, its values and whether it changed. An unchanged table is not
    written again, so it does not look like a new delivery."""
    target = target or inbox_target(settings, stats_data_id)
    document = fetch_stats_data(settings.estat_app_id, stats_data_id, opener=opener,
                                api_url=settings.estat_api_url)
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if target.exists() and target.read_text(encoding="utf-8") == text:
        data = document["GET_STATS_DATA"]["STATISTICAL_DATA"].get("DATA_INF", {})
        return target, len(as_list(data.get("VALUE"))), False
    return target, save_response(document, target), True


# --- searching tables (getStatsList) ------------------------------------------------------------

def list_url(api_url: str) -> str:
    """The getStatsList endpoint beside the configured getStatsData one."""
    base, _, _ = api_url.rpartition("/")
    return f"{base}/getStatsList"


def search_stats_list(app_id: str | None, words: str, *, opener: Opener = _urlopen,
                      limit: int = 20, timeout: float = 60, api_url: str = API_URL
                      ) -> tuple[int, list[dict]]:
    """Tables whose description holds ``words`` (getStatsList): the number found and the
    first ``limit``, each as {id, stat_name, gov_org, statistics_name, title, cycle,
    survey_date, open_date, updated_date}."""
    if not app_id:
        raise EstatError("No e-Stat application ID: set SAIHAN_ESTAT_APP_ID (register at "
                         "https://www.e-stat.go.jp/api/ to get one)")
    if not words.strip():
        raise EstatError("Give the words to search for, e.g. 国勢調査 人口")
    query = {"appId": app_id, "searchWord": words.strip(), "lang": "J", "limit": str(limit)}
    url = f"{list_url(api_url)}?{urllib.parse.urlencode(query)}"
    document = _json_answer(opener, url, timeout, app_id)
    root = document.get("GET_STATS_LIST") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise EstatError("e-Stat's answer is not a getStatsList response (no GET_STATS_LIST); "
                         "try again later")
    _status(root.get("RESULT"), app_id, "STATUS", "ERROR_MSG", no_data_ok=True)
    listing = root.get("DATALIST_INF") if isinstance(root.get("DATALIST_INF"), dict) else {}
    tables = []
    for table in as_list(listing.get("TABLE_INF")):
        if not isinstance(table, dict):
            continue
        title = table.get("TITLE")
        tables.append({
            "id": _said(table.get("@id"), app_id),
            "stat_name": _said(text_of(table.get("STAT_NAME")) or "", app_id),
            "gov_org": _said(text_of(table.get("GOV_ORG")) or "", app_id),
            "statistics_name": _said(text_of(table.get("STATISTICS_NAME")) or "", app_id),
            "title": _said(text_of(title) or "", app_id),
            "cycle": _said(text_of(table.get("CYCLE")) or "", app_id),
            "survey_date": _said(text_of(table.get("SURVEY_DATE")) or "", app_id),
            "open_date": _said(text_of(table.get("OPEN_DATE")) or "", app_id),
            "updated_date": _said(text_of(table.get("UPDATED_DATE")) or "", app_id),
        })
    try:
        found = int(listing.get("NUMBER", len(tables)))
    except (TypeError, ValueError):
        found = len(tables)
    return found, tables


# --- 統計ダッシュボード (getData, no key) -----------------------------------------------------

def fetch_dashboard(indicator_code: str, region_codes: list[str], *, opener: Opener = _urlopen,
                    timeout: float = 60, api_url: str = DASHBOARD_URL) -> dict:
    """One indicator of the 統計ダッシュボード for the given regions (5-digit codes: 00000 Japan,
    PP000 a prefecture) as a getData response."""
    code = indicator_code.strip()
    if not (code.isdigit() and len(code) == 19):
        raise EstatError(f"{indicator_code!r} is not a 統計ダッシュボード indicator code "
                         "(19 digits, e.g. 0201010000000010000 for the total population)")
    for region in region_codes:
        if not (region.isdigit() and len(region) == 5):
            raise EstatError(f"{region!r} is not a region code (5 digits: 00000 Japan, 01000 "
                             "北海道 … 47000 沖縄県)")
    query = {"Lang": "JP", "IndicatorCode": code, "RegionCode": ",".join(region_codes)}
    url = f"{api_url}?{urllib.parse.urlencode(query)}"
    document = _json_answer(opener, url, timeout, "")
    root = document.get("GET_STATS") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise EstatError("the 統計ダッシュボード's answer is not a getData response (no "
                         "GET_STATS); check the indicator code")
    _status(root.get("RESULT"), "", "status", "errorMsg", no_data_ok=False)
    data = (root.get("STATISTICAL_DATA") or {}).get("DATA_INF") or {}
    if not as_list(data.get("DATA_OBJ")):
        raise EstatError("the 統計ダッシュボード answered with no values; nothing was saved. "
                         "Check the indicator code and the regions")
    return document


def prefecture_regions(with_nation: bool = True) -> list[str]:
    """The region codes of the 47 prefectures (and of Japan)."""
    return (["00000"] if with_nation else []) + [f"{code:02d}000" for code in range(1, 48)]


def dashboard_target(settings: Settings, indicator_code: str) -> Path:
    """Where a fetched dashboard series is saved: inbox/estat/dashboard_<code>.json."""
    return settings.inbox / "estat" / f"dashboard_{indicator_code.strip()}.json"


def fetch_dashboard_into_inbox(settings: Settings, indicator_code: str,
                               region_codes: list[str], target: Path | None = None, *,
                               opener: Opener = _urlopen) -> tuple[Path, int]:
    """Fetch one dashboard series and save it (by default into the inbox); return the file and
    its number of values."""
    target = target or dashboard_target(settings, indicator_code)
    document = fetch_dashboard(indicator_code, region_codes, opener=opener,
                               api_url=settings.estat_dashboard_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(target)
    data = document["GET_STATS"]["STATISTICAL_DATA"]["DATA_INF"]
    return target, len(as_list(data.get("DATA_OBJ")))


def _json_answer(opener: Opener, url: str, timeout: float, app_id: str) -> object:
    """A JSON answer, or EstatError in saihan's words (nothing echoed that could carry the
    appId)."""
    body = _opened(opener, url, timeout, app_id or "\0", "the server")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EstatError("the answer is not UTF-8 JSON (cut short or not JSON); try again "
                         "later") from None


def _status(result: object, app_id: str, status_key: str, message_key: str, *,
            no_data_ok: bool) -> int:
    """The answer's status; EstatError for an error (or no data, unless that is fine)."""
    result = result if isinstance(result, dict) else {}
    secret = app_id or "\0"
    try:
        status = int(result.get(status_key))
    except (TypeError, ValueError):
        raise EstatError(f"the answer has no numeric {status_key} "
                         f"({_said(result.get(status_key), secret)}); try again later") from None
    if status >= STATUS_ERROR_FROM or status < 0 or (status == STATUS_NO_DATA
                                                      and not no_data_ok):
        message = _said(result.get(message_key, ""), secret)
        raise EstatError(f"the request was refused: {status_key} {status} {message}".strip())
    return status


__all__ = ["API_URL", "DASHBOARD_URL", "EstatError", "dashboard_target", "fetch_dashboard",
           "fetch_dashboard_into_inbox", "fetch_into_inbox", "fetch_stats_data", "inbox_target",
           "list_url", "prefecture_regions", "save_response", "search_stats_list"]
