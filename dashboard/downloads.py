"""What a page's table download carries with it: where the figures come from, as of when, whether
they are sample data and which filters chose the rows (issue 13, point 9). No Streamlit here.

- CSV: the table with the columns 出典, 時点, 公開日時, データ区分 (and 絞り込み条件 when the page
  has filters) on every row, so a copied-out row still says where it came from;
- XLSX: a 説明 sheet (title, source, as-of, published, sample or not, filters) before the data
  sheet, as the prefecture extracts have it.

Values keep their types (the frame as the page has it); text a spreadsheet would run as a formula
is neutralised by ``warehouse.export.files``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
import xlsxwriter

from dashboard.i18n import date_label, t
from dashboard.tables import datetime_label
from warehouse.export.files import local_times, neutralise, to_csv_bytes


@dataclass(frozen=True)
class Provenance:
    """Where a panel's figures come from: title, source, as-of date (None when the panel has
    none), when the warehouse was published, sample or not, the filters that chose the rows."""

    title: str
    source: str
    as_of: date | None
    published_at: datetime | None
    is_sample: bool
    filters: str = ""


def sample_label(is_sample: bool, lang: str) -> str:
    """データ区分 as the templates write it: サンプル or 実データ (Sample / Real)."""
    return t("data_kind_sample" if is_sample else "data_kind_real", lang)


def facts(provenance: Provenance, lang: str) -> list[tuple[str, str]]:
    """The provenance as (label, value) pairs in the language, in the order they are shown."""
    pairs = [
        (t("download_title", lang), provenance.title),
        (t("col_source", lang), provenance.source),
        (t("col_as_of", lang),
         date_label(provenance.as_of, lang) if provenance.as_of else t("as_of_none", lang)),
        (t("download_published_at", lang), datetime_label(provenance.published_at, lang)),
        (t("download_data_kind", lang), sample_label(provenance.is_sample, lang)),
    ]
    if provenance.filters:
        pairs.append((t("download_filters", lang), provenance.filters))
    return pairs


def with_provenance(frame: pl.DataFrame, provenance: Provenance, lang: str) -> pl.DataFrame:
    """``frame`` with one column per provenance fact (the title aside) on every row; a column
    the table has already (the indicators' own 出典 per row) is kept as it is."""
    return frame.with_columns(
        pl.lit(value, dtype=pl.String).alias(label)
        for label, value in facts(provenance, lang)[1:] if label not in frame.columns
    )


def csv_bytes(frame: pl.DataFrame, provenance: Provenance, lang: str) -> bytes:
    """The CSV download: UTF-8 with BOM, provenance columns on every row."""
    return to_csv_bytes(with_provenance(frame, provenance, lang))


def xlsx_bytes(frame: pl.DataFrame, name: str, provenance: Provenance, lang: str) -> bytes:
    """The XLSX download: a 説明 sheet with the provenance, then the data sheet ``name``."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    about = neutralise(pl.DataFrame(facts(provenance, lang), schema=[
        t("download_item", lang), t("download_value", lang)], orient="row"))
    about.write_excel(workbook=workbook, worksheet=t("download_about_sheet", lang),
                      autofit=True)
    neutralise(local_times(frame)).write_excel(workbook=workbook, worksheet=name[:31],
                                               autofit=True, freeze_panes=(1, 0))
    workbook.close()
    return buffer.getvalue()
