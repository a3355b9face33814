"""A delivered XLSX workbook checked before it is opened: a size budget and formulas.

openpyxl reads a sheet's every row out to its widest column and keeps every shared string in
memory, so a small crafted workbook (one cell at column XFD on each row, or one text of
hundreds of millions of characters) would take minutes or gigabytes. :func:`check_workbook`
looks at the ZIP's declared sizes (its directory: no reading), then streams each sheet and the
shared strings through zlib in pieces (bounded memory) with a few searches, and rejects:

- more than MAX_UNCOMPRESSED_BYTES in all, or a member that is not stored or deflated;
- a cell beyond column MAX_COLUMNS (IV);
- one text (a shared string, a cell's value) longer than MAX_TEXT_BYTES;
- formula cells without a cached value (the workbook was written by a program that does not
  calculate, so the cells would load as empty), naming the cells.

Plain Python (zipfile, re): no DuckDB, no settings.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

from warehouse.errors import reject
from warehouse.ingest.text import MAX_CELL_CHARS

MAX_UNCOMPRESSED_BYTES = 1 << 30  # 1 GiB of XML: far more than a million-row sheet
MAX_COLUMNS = 256  # column IV; the widest real file (the doubled 自動車盗 layout) has 38
# One text of a workbook: MAX_CELL_CHARS characters of up to 4 bytes each in UTF-8.
MAX_TEXT_BYTES = MAX_CELL_CHARS * 4
CHUNK = 1 << 20
FORMULAS_NAMED = 10

# A cell reference beyond column IV (256): three letters, or IW..IZ, or JA..ZZ.
_WIDE_CELL = re.compile(rb'<c\b[^>]*?\sr="((?:[A-Z]{3}|I[W-Z]|[J-Z][A-Z])[0-9]+)"')
# A formula not followed by a value: <f>..</f></c>, <f/></c>, or an empty <v/>.
_FORMULA_NO_VALUE = re.compile(
    rb"<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_CELL_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]+[0-9]+)"')
_LONG_TEXT = re.compile(rb"[^<]{%d,}" % (MAX_TEXT_BYTES + 1))
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')

def _attrs(tag: bytes) -> dict[str, str]:
    return {k.decode(): html.unescape(v.decode("utf-8", "replace"))
            for k, v in _ATTR.findall(tag)}


def sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member name -> the sheet's name as Excel shows it (from workbook.xml and its
    relationships); members not listed keep their file name."""
    try:
        book = archive.read("xl/workbook.xml")[:MAX_TEXT_BYTES * 8]
        rels = archive.read("xl/_rels/workbook.xml.rels")[:MAX_TEXT_BYTES * 8]
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    targets = {}
    for tag in re.findall(rb"<Relationship\b[^>]*>", rels):
        attrs = _attrs(tag)
        target = attrs.get("Target", "").lstrip("/")
        targets[attrs.get("Id")] = target if target.startswith("xl/") else f"xl/{target}"
    names = {}
    for tag in re.findall(rb"<sheet\b[^>]*>", book):
        attrs = _attrs(tag)
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        if rid in targets:
            names[targets[rid]] = attrs.get("name", targets[rid])
    return names


def _scan(handle: io.BufferedIOBase, *, cells: bool) -> tuple[bytes | None, bool, list[str]]:
    """Stream one XML member: the first cell beyond MAX_COLUMNS (its reference), whether a
    text longer than MAX_TEXT_BYTES occurs, and the formula cells without a value."""
    carry = b""
    formulas: list[str] = []
    while True:
        chunk = handle.read(CHUNK)
        data = carry + chunk
        if chunk:
            # Keep what follows the last cell (or tag) start: it may continue in the next
            # piece, and a cell's formula and value are searched for together.
            cut = data.rfind(b"<c") if cells else -1
            cut = cut if cut > 0 else data.rfind(b"<")
            if cut <= 0:
                if len(data) > MAX_TEXT_BYTES:
                    return None, True, formulas
                carry = data
                continue
            work, carry = data[:cut], data[cut:]
        else:
            work, carry = data, b""
        if _LONG_TEXT.search(work):
            return None, True, formulas
        if cells:
            wide = _WIDE_CELL.search(work)
            if wide:
                return wide.group(1), False, formulas
            for match in _FORMULA_NO_VALUE.finditer(work):
                start = work.rfind(b"<c", 0, match.start())
                ref = _CELL_REF.match(work, start) if start >= 0 else None
                formulas.append(ref.group(1).decode() if ref else "?")
        if not chunk:
            return None, False, formulas


def check_workbook(path: Path, content: bytes) -> None:
    """Reject a workbook that is too large to open safely, or that has formula cells without
    a cached value; see the module's docstring."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise reject(path, "xlsx_unreadable") from None
    with archive:
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise reject(path, "xlsx_too_large", size=f"{total / (1 << 20):,.0f}",
                         limit=f"{MAX_UNCOMPRESSED_BYTES >> 20:,}")
        odd = [m.filename for m in members
               if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)]
        if odd:
            raise reject(path, "xlsx_odd_packing", parts=", ".join(odd[:3]))
        names = sheet_names(archive)
        sheets = sorted(m.filename for m in members
                        if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"))
        missing: list[str] = []
        for member in [*sheets, "xl/sharedStrings.xml"]:
            if member not in archive.namelist():
                continue
            shown_as = names.get(member, member)
            try:
                with archive.open(member) as handle:
                    wide, long_text, formulas = _scan(handle, cells=member in sheets)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                raise reject(path, "xlsx_damaged_part", part=member) from None
            if wide is not None:
                raise reject(path, "xlsx_too_wide", sheet=shown_as, cell=wide.decode(),
                             limit=MAX_COLUMNS, column=wide.decode())
            if long_text:
                shared = member not in sheets
                raise reject(path, "xlsx_long_text", limit=f"{MAX_CELL_CHARS:,}",
                             where_ja="共有文字列" if shared else f"シート「{shown_as}」",
                             where_en="the shared texts" if shared else f"sheet {shown_as}")
            missing += [f"{shown_as}!{ref}" for ref in formulas]
        if missing:
            listed = ", ".join(missing[:FORMULAS_NAMED])
            more = len(missing) - FORMULAS_NAMED
            raise reject(
                path, "xlsx_formulas", count=len(missing), cells=listed,
                more_ja=f" ほか {more} 個" if more > 0 else "",
                more_en=f" and {more} more" if more > 0 else "",
                column=missing[0].rsplit("!", 1)[1],
                details=[f"formula without a value: {cell}" for cell in missing[:50]])
