"""A page download's provenance (dashboard.downloads), without Streamlit: what a person opening
the CSV in Excel or the XLSX sees."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import polars as pl

from dashboard.downloads import Provenance, csv_bytes, xlsx_bytes

TABLE = pl.DataFrame({"団体コード": ["011002", "012025"], "団体名": ["札幌市", "函館市"],
                      "策定日": [date(2024, 4, 1), None]})
# A delivered source text that a spreadsheet would run as a formula.
HOSTILE = Provenance(title="管内団体の策定状況（北海道）", source="=HYPERLINK(\"http://x\")",
                     as_of=date(2024, 4, 1),
                     published_at=datetime(2024, 12, 1, 0, 30, tzinfo=UTC), is_sample=True,
                     filters="北海道 / すべて")


def test_csv_has_the_provenance_on_every_row_and_runs_nothing() -> None:
    data = csv_bytes(TABLE, HOSTILE, "ja")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = pl.read_csv(io.BytesIO(data[3:]), infer_schema=False)
    assert rows.columns == ["団体コード", "団体名", "策定日", "出典", "時点", "公開日時",
                            "データ区分", "絞り込み条件"]
    assert rows["団体コード"].to_list() == ["011002", "012025"]  # text, leading zero kept
    assert set(rows["出典"]) == {"'=HYPERLINK(\"http://x\")"}  # neutralised
    assert set(rows["時点"]) == {"2024年4月1日"}
    assert set(rows["公開日時"]) == {"2024年12月1日 09:30"}  # Japan time
    assert set(rows["データ区分"]) == {"サンプル（実データではありません）"}
    assert set(rows["絞り込み条件"]) == {"北海道 / すべて"}


def test_xlsx_opens_on_an_about_sheet_then_the_typed_table() -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(TABLE, "plan_status_01", HOSTILE,
                                                        "ja")))
    assert book.sheetnames == ["説明", "plan_status_01"]
    about = {k: v for k, v in book["説明"].iter_rows(min_row=2, values_only=True)}
    assert about == {"表題": "管内団体の策定状況（北海道）", "出典": "'=HYPERLINK(\"http://x\")",
                     "時点": "2024年4月1日", "公開日時": "2024年12月1日 09:30",
                     "データ区分": "サンプル（実データではありません）",
                     "絞り込み条件": "北海道 / すべて"}
    data = book["plan_status_01"]
    assert [c.value for c in data[1]] == ["団体コード", "団体名", "策定日"]
    assert data["A2"].value == "011002" and data["C2"].value == datetime(2024, 4, 1)
    assert data.freeze_panes == "A2"


def test_real_data_without_a_date_says_so_in_english() -> None:
    real = Provenance(title="Loaded files", source="saihan's load records", as_of=None,
                      published_at=None, is_sample=False)
    rows = pl.read_csv(io.BytesIO(csv_bytes(TABLE, real, "en")[3:]), infer_schema=False)
    assert set(rows["As of"]) == {"(no as-of date)"} and set(rows["Data"]) == {"Real data"}
    assert "Filters" not in rows.columns
