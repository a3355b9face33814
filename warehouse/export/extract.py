"""Per-prefecture extracts: the files a prefecture officer downloads, opens and can trust.

For one prefecture, five tables read from the published ``mart.extract_*`` models (its
indicators beside the national values, its subsidy record, the plan status of the prefecture and
of every municipality in it, crime by police station x month x modus and by municipality;
declared in ``warehouse.export.tables``) are written as

- CSV, UTF-8 with BOM (or CP932 on request), CRLF, Japanese headers, one file per table;
- one XLSX workbook: a 説明 (metadata) sheet, one sheet per table with typed cells and a frozen
  header row, and a 列の定義 sheet;
- Parquet, English snake_case column names, one file per table;
- README.txt in Japanese: sources, licences, as-of dates, sample data, suppression, every column
  (``warehouse.export.text``);
- manifest.json: every file with its rows and sha256, and the warehouse build it came from.

The same published warehouse gives byte-identical files (fixed row order, no clock time inside:
the manifest names the warehouse's build, not the time of the extract), so a file can be checked
against the manifest and two nights compared by hash. Text a spreadsheet would run as a formula
is neutralised (``warehouse.export.files``); small counts are suppressed by
``warehouse.export.suppression``, the same rule the dashboard uses. No Prefect or Streamlit
here: the CLI, the nightly flow and the dashboard page call these functions.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from warehouse import db
from warehouse.export.files import (
    CSV_ENCODINGS,
    Sheet,
    encode_text,
    local_times,
    neutralise,
    parquet_bytes,
    write_xlsx,
)
from warehouse.export.suppression import (
    SUPPRESSED_MARK,
    Thresholds,
    describe_thresholds,
    mark_suppressed,
    suppress_small_counts,
    threshold_for,
)
from warehouse.export.tables import KIND_DTYPES, TABLES, BuiltTable, Table
from warehouse.export.text import (
    TOKYO,
    built_at,
    column_rows,
    metadata,
    metadata_sheets,
    readme_text,
)
from warehouse.reference import prefecture_lookup
from warehouse.settings import Settings

FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet")
# Bumped when the layout or the columns of the extract change.
EXTRACT_VERSION = 1
WORKBOOK_TITLE = "再犯防止 地域別モニター 都道府県別データ"


class ExtractError(ValueError):
    """A request the extract cannot serve: unknown prefecture, format or encoding."""


# ----------------------------------------------------------------------------- building a table

def _typed(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """The mart's frame with exactly the table's columns, their dtypes and labels."""
    names = [c.name for c in table.columns]
    if frame.columns != names:
        raise RuntimeError(f"extract table {table.key}: mart.{table.model} gives "
                           f"{frame.columns}, the definition lists {names}")
    expressions = []
    for column in table.columns:
        expr = pl.col(column.name).cast(KIND_DTYPES[column.kind])
        if column.labels:
            mapping = dict(column.labels)
            expr = (expr.list.eval(pl.element().replace(mapping)) if column.kind == "list"
                    else expr.replace(mapping))
        expressions.append(expr.alias(column.name))
    return frame.select(expressions).rechunk()


def _query(table: Table) -> str:
    """One prefecture's rows of the table's mart, in the mart's row order."""
    # The model name comes from the fixed TABLES definitions, never from a request.
    return (f"select * exclude (row_order) from mart.{table.model} "
            "where pref_code = $pref_code order by row_order")


def build_table(con: duckdb.DuckDBPyConnection, table: Table, pref_code: str,
                thresholds: Thresholds = ()) -> BuiltTable:
    """One table for one prefecture, read from its mart, typed, with small counts suppressed."""
    frame = _typed(db.cursor(con).sql(_query(table), params={"pref_code": pref_code}).pl(),
                   table)
    threshold = threshold_for(thresholds, table.source) if table.counts else 0
    if table.counts:
        frame = suppress_small_counts(frame, table.counts, threshold,
                                      dependents=table.dependents)
    return BuiltTable(table, frame.rechunk(), threshold)


# ----------------------------------------------------------------------------- table files

def _for_people(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """CSV/XLSX values: lists joined with 、 and formula-looking text neutralised."""
    kinds = {c.name: c.kind for c in table.all_columns}
    frame = frame.with_columns(pl.col(n).list.join("、") for n, k in kinds.items() if k == "list")
    return neutralise(frame)


def csv_bytes(built: BuiltTable, encoding: str = "utf-8") -> tuple[bytes, dict[str, int]]:
    """The table as CSV with Japanese headers; suppressed cells as X. Returns bytes and any
    characters replaced for CP932."""
    table = built.table
    frame = built.frame.with_columns(
        pl.col(c.name).dt.strftime("%Y-%m") for c in table.all_columns if c.kind == "month"
    )
    # Neutralise first, then mark: numbers that become text to carry the mark (-3.0) are
    # numbers, not formulas, so the frame is written as it is after marking.
    frame = mark_suppressed(_for_people(frame, table), table.marked)
    frame = frame.rename({c.name: c.ja for c in table.all_columns})
    return encode_text(frame.write_csv(line_terminator="\r\n"), encoding)


def _data_sheet(built: BuiltTable) -> Sheet:
    table = built.table
    frame = _for_people(local_times(built.frame), table)
    return Sheet(table.sheet, frame, [c.ja for c in table.all_columns],
                 [c.kind for c in table.all_columns], table.marked, SUPPRESSED_MARK)


# ----------------------------------------------------------------------------- warehouse facts

def build_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The published warehouse's build: run id, build time, code fingerprint."""
    columns = ("built_at", "code_fingerprint", "run_id")  # in the order the manifest lists them
    rows = db.cursor(con).sql(f"select {', '.join(columns)} from mart.build_info").fetchall()
    return {key: value for key, value in zip(columns, rows[0] if rows else (), strict=False)
            if value is not None}


def _marts(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = db.cursor(con).sql(
        "select table_name from information_schema.tables where table_schema = 'mart'"
    ).fetchall()
    return {r[0] for r in rows}


def _source_files(con: duckdb.DuckDBPyConnection, pref_code: str,
                  marts: set[str]) -> pl.DataFrame:
    """Current source files behind the extract (crime files of this prefecture only)."""
    empty = pl.DataFrame(schema={"file_name": pl.String, "source_kind": pl.String,
                                 "is_sample": pl.Boolean, "loaded_on": pl.Date})
    if "extract_source_file" not in marts:
        return empty
    return db.cursor(con).sql(
        "select file_name, source_kind, is_sample, loaded_on from mart.extract_source_file "
        "where pref_code = $pref_code order by row_order",
        params={"pref_code": pref_code},
    ).pl()


# ----------------------------------------------------------------------------- one prefecture

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The requested formats in canonical order; ExtractError for an unknown one or none."""
    wanted = [f.strip().lower() for f in formats if f and f.strip()]
    unknown = sorted(set(wanted) - set(FORMATS))
    if unknown:
        raise ExtractError(f"unknown format {', '.join(unknown)}: use {', '.join(FORMATS)}")
    if not wanted:
        raise ExtractError(f"no format given: use one or more of {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in wanted)


def check_encoding(encoding: str) -> str:
    """A CSV encoding name in canonical form (utf-8 or cp932); ExtractError otherwise."""
    canonical = encoding.strip().lower().replace("_", "-")
    canonical = {"utf8": "utf-8", "utf-8-sig": "utf-8", "shift-jis": "cp932", "sjis": "cp932",
                 "windows-31j": "cp932", "ms932": "cp932"}.get(canonical, canonical)
    if canonical not in CSV_ENCODINGS:
        raise ExtractError(f"unknown CSV encoding {encoding!r}: use utf-8 (with BOM) or cp932")
    return canonical


def prefectures(con: duckdb.DuckDBPyConnection) -> list[dict[str, str]]:
    """The 47 prefectures (code, Japanese and English name) in code order."""
    return db.cursor(con).sql(
        "select pref_code, name_ja, name_en from mart.prefecture order by pref_code"
    ).pl().to_dicts()


def find_prefecture(con: duckdb.DuckDBPyConnection, pref_code: str) -> dict[str, str]:
    """The prefecture with this JIS code ('1' and '01' both work) or name (東京都, 東京, Tokyo);
    ExtractError if none."""
    written = unicodedata.normalize("NFKC", str(pref_code)).strip()
    code = prefecture_lookup().get(written) or prefecture_lookup().get(written.lower(), written)
    for pref in prefectures(con):
        if pref["pref_code"] == code:
            return pref
    raise ExtractError(f"unknown prefecture {pref_code!r}: use a code 01..47 (JIS X 0401, "
                       "e.g. 01 北海道, 13 東京都), a name (東京都, 東京, Tokyo) or all")


def folder_name(pref: Mapping[str, str]) -> str:
    """The prefecture's folder and file prefix: ``01_hokkaido``."""
    slug = re.sub(r"[^a-z0-9]+", "-", (pref.get("name_en") or "").lower()).strip("-")
    return f"{pref['pref_code']}_{slug}" if slug else pref["pref_code"]


def build_extract(con: duckdb.DuckDBPyConnection, pref_code: str,
                  formats: Iterable[str] = FORMATS, out_dir: Path | str = ".", *,
                  csv_encoding: str = "utf-8", suppress_below: Thresholds = ()) -> dict[str, Any]:
    """Write one prefecture's extract into ``out_dir/<NN_name>/``; return its manifest.

    The folder is written aside and swapped in whole, so a reader never sees half an extract
    and files of an earlier extract with other formats do not linger.
    """
    formats = check_formats(formats)
    csv_encoding = check_encoding(csv_encoding)
    pref = find_prefecture(con, pref_code)
    info = build_info(con)
    marts = _marts(con)
    folder = folder_name(pref)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    built: list[BuiltTable] = []
    skipped: list[dict[str, str]] = []
    for table in TABLES:
        missing = [m for m in table.requires if m not in marts]
        if missing:
            skipped.append({"table": table.key, "sheet": table.sheet,
                            "reason": "データベースにデータマート "
                            + "、".join(f"mart.{m}" for m in missing) + " がない"})
            continue
        built.append(build_table(con, table, pref["pref_code"], suppress_below))

    outputs: dict[str, bytes] = {}  # file name -> bytes, in manifest order
    file_rows: dict[str, Any] = {}
    file_tables: dict[str, str] = {}
    names: dict[str, list[str]] = {b.table.key: [] for b in built}
    replaced: dict[str, int] = {}
    for b in built:
        key = b.table.key
        if "csv" in formats:
            name = f"{folder}_{key}.csv"
            data, chars = csv_bytes(b, csv_encoding)
            for char, n in chars.items():
                replaced[char] = replaced.get(char, 0) + n
            outputs[name], file_rows[name], file_tables[name] = data, b.rows, key
            names[key].append(name)
        if "parquet" in formats:
            name = f"{folder}_{key}.parquet"
            outputs[name], file_rows[name], file_tables[name] = parquet_bytes(b.frame), b.rows, key
            names[key].append(name)
    xlsx_name = f"{folder}.xlsx"
    if "xlsx" in formats:
        for b in built:
            names[b.table.key].append(f"{xlsx_name}（シート「{b.table.sheet}」）")

    sources = _source_files(con, pref["pref_code"], marts)
    about = metadata(pref, info, built, skipped, names, sources, suppress_below,
                         csv_encoding, formats, replaced)
    definitions = column_rows(b.table for b in built)
    readme, readme_replaced = encode_text(readme_text(about, definitions), csv_encoding)

    staging = Path(tempfile.mkdtemp(prefix=f".{folder}-", dir=out_dir))
    try:
        files: list[dict[str, Any]] = []
        (staging / "README.txt").write_bytes(readme)
        files.append({"path": "README.txt", "format": "txt", "table": None, "rows": None,
                      "bytes": len(readme), "sha256": _sha256(readme)})
        for name, data in outputs.items():
            (staging / name).write_bytes(data)
            files.append({"path": name, "format": name.rsplit(".", 1)[1],
                          "table": file_tables[name], "rows": file_rows[name],
                          "bytes": len(data), "sha256": _sha256(data)})
        if "xlsx" in formats:
            about_sheet, definitions_sheet = metadata_sheets(about, definitions)
            sheets = [about_sheet, *(_data_sheet(b) for b in built), definitions_sheet]
            write_xlsx(staging / xlsx_name, sheets, built_at(info), WORKBOOK_TITLE)
            data = (staging / xlsx_name).read_bytes()
            files.append({"path": xlsx_name, "format": "xlsx", "table": None,
                          "rows": {b.table.sheet: b.rows for b in built},
                          "bytes": len(data), "sha256": _sha256(data)})
        manifest = {
            "extract_version": EXTRACT_VERSION,
            "warehouse": {k: info[k] for k in ("run_id", "built_at", "code_fingerprint")
                          if k in info},
            "pref_code": pref["pref_code"],
            "pref_name_ja": pref["name_ja"],
            "folder": folder,
            "formats": list(formats),
            "csv_encoding": csv_encoding,
            "suppress_below": describe_thresholds(suppress_below),
            "tables": [{"table": b.table.key, "sheet": b.table.sheet, "rows": b.rows,
                        "sample_rows": b.sample_rows, "suppressed_rows": b.suppressed_rows}
                       for b in built],
            "skipped_tables": [{"table": s["table"], "reason": s["reason"]} for s in skipped],
            "cp932_replaced": {f"U+{ord(c):04X}": n
                               for c, n in sorted({**replaced, **readme_replaced}.items())},
            "files": files,
        }
        (staging / "manifest.json").write_bytes(_json_bytes(manifest))
        _swap_in(staging, out_dir / folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _json_bytes(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` with the finished ``staging`` folder."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    target.chmod(0o755)  # mkdtemp made it private
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ----------------------------------------------------------------------------- many prefectures

def write_manifest(out_dir: Path, info: Mapping[str, str] | None = None) -> Path:
    """``out_dir/manifest.json``: every prefecture folder's manifest found in ``out_dir``."""
    entries = []
    for path in sorted(out_dir.glob("*/manifest.json")):
        if path.parent.name.startswith("."):  # a folder still being written
            continue
        entries.append(json.loads(path.read_text(encoding="utf-8")))
    document = {
        "extract_version": EXTRACT_VERSION,
        "warehouse": dict(info or (entries[-1]["warehouse"] if entries else {})),
        "prefectures": [
            {"pref_code": e["pref_code"], "pref_name_ja": e["pref_name_ja"],
             "folder": e["folder"], "warehouse_run_id": e["warehouse"].get("run_id"),
             "formats": e["formats"], "csv_encoding": e["csv_encoding"],
             "files": [{**f, "path": f"{e['folder']}/{f['path']}"} for f in e["files"]]}
            for e in entries
        ],
    }
    target = out_dir / "manifest.json"
    target.write_bytes(_json_bytes(document))
    return target


def build_extracts(con: duckdb.DuckDBPyConnection, pref_codes: Iterable[str] | None,
                   formats: Iterable[str] = FORMATS, out_dir: Path | str = ".", *,
                   csv_encoding: str = "utf-8", suppress_below: Thresholds = (),
                   progress: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """Extracts of the given prefectures (all 47 when None) and the folder's manifest.json."""
    formats = check_formats(formats)
    csv_encoding = check_encoding(csv_encoding)
    codes = ([p["pref_code"] for p in prefectures(con)] if pref_codes is None
             else [find_prefecture(con, c)["pref_code"] for c in pref_codes])
    out_dir = Path(out_dir)
    for code in codes:
        manifest = build_extract(con, code, formats, out_dir, csv_encoding=csv_encoding,
                                 suppress_below=suppress_below)
        if progress is not None:
            progress(manifest)
    return write_manifest(out_dir, {k: v for k, v in build_info(con).items()
                                    if k in ("run_id", "built_at", "code_fingerprint")})


def default_out_dir(settings: Settings, today: date | None = None) -> Path:
    """``$SAIHAN_HOME/extracts/<YYYY-MM-DD>`` for today in Japan."""
    day = today or datetime.now(TOKYO).date()
    return settings.extracts / day.isoformat()


def extract_zip(con: duckdb.DuckDBPyConnection, pref_code: str,
                formats: Iterable[str] = FORMATS, *, csv_encoding: str = "utf-8",
                suppress_below: Thresholds = ()) -> tuple[bytes, str, dict[str, Any]]:
    """One prefecture's extract as a ZIP in memory (for a download): bytes, file name, manifest.

    Entries are stored under the prefecture's folder with the warehouse's build time, so the
    same warehouse gives the same ZIP.
    """
    with tempfile.TemporaryDirectory(prefix="saihan-extract-") as tmp:
        manifest = build_extract(con, pref_code, formats, tmp, csv_encoding=csv_encoding,
                                 suppress_below=suppress_below)
        folder = Path(tmp) / manifest["folder"]
        stamp = max(built_at(manifest["warehouse"]), datetime(1980, 1, 1)).timetuple()[:6]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in ["manifest.json", *(f["path"] for f in manifest["files"])]:
                entry = zipfile.ZipInfo(f"{manifest['folder']}/{name}", date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, (folder / name).read_bytes())
    return buffer.getvalue(), f"{manifest['folder']}.zip", manifest
