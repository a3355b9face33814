"""The registry of source kinds: recognise a delivered file by its header and parse it.

Each source kind declares the header it is recognised by and a parser that returns a
:class:`~warehouse.ingest.contract.Parsed` (rows plus the dataset's identity) or raises
:class:`~warehouse.errors.RejectedFile`. Routing is by the file's header, never by its name:
names in the wild are misspelled. JSON documents are routed by their content.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warehouse.errors import RejectedFile, reject
from warehouse.ingest.contract import Parsed, SourceKind
from warehouse.ingest.crime.format import REQUIRED_COLUMNS, header_key, is_crime_file
from warehouse.ingest.crime.read import parse_crime
from warehouse.ingest.estat import is_estat_response, parse_estat
from warehouse.ingest.estat_dashboard import is_dashboard_response, parse_dashboard
from warehouse.ingest.programme.indicators import is_indicator_file, parse_indicators
from warehouse.ingest.programme.local_plans import is_local_plan_file, parse_local_plans
from warehouse.ingest.programme.subsidy import is_subsidy_file, parse_subsidy
from warehouse.ingest.programme.templates import (
    INDICATORS,
    LOCAL_PLANS,
    SUBSIDY,
    TemplateSpec,
    canon,
)
from warehouse.ingest.published_facts import (
    PUBLISHED_FACT_COLUMNS,
    is_published_facts,
    parse_published_facts,
)
from warehouse.ingest.text import XLSX_MAGIC, json_document, sniff_header, sniff_rows
from warehouse.ingest.workbook import check_workbook
from warehouse.reasons import SOURCE_KINDS_JA, Said

LOG = logging.getLogger(__name__)

SOURCE_KINDS: tuple[SourceKind, ...] = (
    SourceKind(
        "published_facts",
        "published facts (fact_id, topic, measure, ... quote)",
        is_published_facts,
        parse_published_facts,
    ),
    SourceKind(
        "crime_open_data",
        "police crime open data (罪名, 手口, 管轄警察署（発生地）, ...)",
        is_crime_file,
        parse_crime,
    ),
    SourceKind(
        "indicators",
        "prefecture indicators (計画, 指標番号, 指標名, 都道府県, 期間, 値, 単位)",
        is_indicator_file,
        parse_indicators,
        finds_header=True,
    ),
    SourceKind(
        "subsidy_records",
        "subsidy records (年度, 都道府県, 事業実施, ..., 国庫補助額)",
        is_subsidy_file,
        parse_subsidy,
        finds_header=True,
    ),
    SourceKind(
        "local_plans",
        "local-plan status (基準日, 団体コード, 策定状況, 策定方法, ...)",
        is_local_plan_file,
        parse_local_plans,
        finds_header=True,
    ),
)


# --- JSON documents (routed by content before any header is sniffed) -------------------------


@dataclass(frozen=True)
class JsonKind:
    """A kind of JSON input: how to recognise the parsed document and how to parse the file."""

    name: str
    description: str
    matches: Callable[[object], bool]
    parse: Callable[[Path, bytes], Parsed]


JSON_KINDS: tuple[JsonKind, ...] = (
    JsonKind("estat", "e-Stat getStatsData response (GET_STATS_DATA)", is_estat_response,
             parse_estat),
    JsonKind("estat_dashboard", "統計ダッシュボード getData response (GET_STATS)",
             is_dashboard_response, parse_dashboard),
)


def looks_like_json(path: Path, content: bytes) -> bool:
    """Whether a file is a JSON document (by its first character, or its .json name)."""
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"[")) or path.suffix.lower() == ".json"


def _route_json(path: Path, content: bytes) -> SourceKind:
    """The kind of a JSON file, by its content."""
    document = json_document(path, content, Said("action_resave_json"))
    for kind in JSON_KINDS:
        if kind.matches(document):
            return SourceKind(kind.name, kind.description, lambda _header: True, kind.parse)
    keys = list(document)[:5] if isinstance(document, dict) else type(document).__name__
    raise reject(path, "unknown_json", keys=keys,
                 expected_ja="、".join(SOURCE_KINDS_JA[k.name] for k in JSON_KINDS),
                 expected_en="; ".join(k.description for k in JSON_KINDS))


def _route(path: Path, content: bytes, header: list[str]) -> SourceKind | None:
    """The first kind whose header is the file's first row, else one whose header is among the
    first rows (below a title row)."""
    for kind in SOURCE_KINDS:
        if kind.matches(header):
            return kind
    searching = [kind for kind in SOURCE_KINDS if kind.finds_header]
    try:
        rows = sniff_rows(path, content)[1:]
    except RejectedFile:
        raise
    except Exception:
        return None
    for row in rows:
        for kind in searching:
            if kind.matches(row):
                return kind
    return None


def parse_file(path: Path, content: bytes | None = None) -> Parsed:
    """Recognise a file by its header and parse it, or raise RejectedFile saying why."""
    content = path.read_bytes() if content is None else content
    header: list[str] = []
    if content.startswith(XLSX_MAGIC):
        check_workbook(path, content)  # size budget and formulas, before openpyxl opens it
    if looks_like_json(path, content):
        kind: SourceKind | None = _route_json(path, content)
    else:
        try:
            header = sniff_header(path, content)
            kind = _route(path, content, header)
        except RejectedFile:
            raise
        except Exception as exc:  # a workbook that does not open, and the like
            raise reject(path, "unopenable_table") from exc
    if kind is not None:
        try:
            parsed = kind.parse(path, content)
        except RejectedFile:
            raise
        except Exception as exc:  # a reader's own bug: its details go to the log, not the user
            LOG.exception("reading %s as %s failed unexpectedly", path, kind.description)
            raise reject(path, "unreadable_kind", kind_en=kind.description,
                         kind_ja=SOURCE_KINDS_JA.get(kind.name, kind.description),
                         error=type(exc).__name__) from exc
        if parsed.frame.height == 0:
            raise reject(path, "no_rows", line=2)
        return parsed
    expected_ja = "、".join(SOURCE_KINDS_JA[k.name] for k in SOURCE_KINDS)
    expected = "; ".join(k.description for k in SOURCE_KINDS)
    closest = closest_format(header)
    if closest is None:
        raise reject(path, "unknown_header", header=header[:6], expected_ja=expected_ja,
                     expected_en=expected, line=1)
    description, found, missing = closest
    raise reject(
        path, "closest_header", kind_en=description, needed=len(found) + len(missing),
        kind_ja=next(SOURCE_KINDS_JA[k.name] for k in SOURCE_KINDS if k.description == description),
        found_count=len(found), found=", ".join(found), missing_count=len(missing),
        missing=", ".join(missing),
        line=1,
        column=missing[0],
        details=[f"found: {c}" for c in found] + [f"missing: {c}" for c in missing],
    )


def _required_columns() -> dict[str, tuple[list[str], Callable[[str], object]]]:
    """Per input kind: its required columns as published, and the key a header is compared by."""
    def template(spec: TemplateSpec) -> tuple[list[str], Callable[[str], object]]:
        names = {canon(n): c.ja for c in spec.columns if c.required
                 for n in (c.ja, c.key, *c.aliases)}
        return [c.ja for c in spec.columns if c.required], lambda h: names.get(canon(h))

    crime = {header_key(k): k for k in REQUIRED_COLUMNS}
    facts = set(PUBLISHED_FACT_COLUMNS)
    return {
        "published_facts": (list(PUBLISHED_FACT_COLUMNS),
                            lambda h: h.strip() if h.strip() in facts else None),
        "crime_open_data": (list(REQUIRED_COLUMNS), lambda h: crime.get(header_key(h))),
        "indicators": template(INDICATORS),
        "subsidy_records": template(SUBSIDY),
        "local_plans": template(LOCAL_PLANS),
    }


def closest_format(header: list[str]) -> tuple[str, list[str], list[str]] | None:
    """The input format a header comes closest to (the largest share of its required columns
    present), with the required columns found and those missing; None when it has none."""
    best: tuple[float, str, list[str], list[str]] | None = None
    descriptions = {k.name: k.description for k in SOURCE_KINDS}
    for name, (required, known) in _required_columns().items():
        present = {known(str(h)) for h in header if h is not None} - {None}
        found = [c for c in required if c in present]
        if not found:
            continue
        share = len(found) / len(required)
        if best is None or share > best[0]:
            best = (share, descriptions[name], found, [c for c in required if c not in present])
    return None if best is None or not best[3] else best[1:]
