"""Input templates: generated from one column spec per kind, readable by the loaders, every
column documented in both languages; and `saihan template`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from saihan.cli import app
from warehouse.errors import RejectedFile
from warehouse.ingest.programme.templates import (
    TEMPLATES,
    TYPES_EN,
    TYPES_JA,
    csv_bytes,
    template_bytes,
    xlsx_bytes,
)
from warehouse.ingest.route import parse_file

KINDS = sorted(TEMPLATES)

# One filled-in row per kind, as a person would type it into the template.
EXAMPLE_ROWS = {
    "indicators": {"計画": "第二次", "指標番号": "3", "指標名": "出所受刑者の2年以内再入率",
                   "都道府県": "北海道", "期間": "2022年出所者", "値": "12.5", "単位": "%",
                   "分子": "100", "分母": "800"},
    "subsidy": {"年度": "令和6年度", "都道府県": "北海道", "事業実施": "○", "市町村間調整会議": "○",
                "職員研修": "○", "就労・住居支援": "○", "事業費（円）": "3,000,000",
                "国庫補助額（円）": "1,500,000"},
    "local_plans": {"基準日": "令和6年4月1日", "団体コード": "011002", "団体名": "札幌市",
                    "策定状況": "策定済", "策定方法": "他計画に包含",
                    "包含先の計画": "地域福祉計画",
                    "計画期間（開始）": "令和6年度", "計画期間（終了）": "令和11年度"},
}
EXPECTED_KIND = {"indicators": "indicators", "subsidy": "subsidy_records",
                 "local_plans": "local_plans"}


@pytest.mark.parametrize("kind", KINDS)
def test_every_column_is_documented_in_both_languages(kind: str) -> None:
    spec = TEMPLATES[kind]
    assert set(spec.identifying) <= {c.key for c in spec.columns if c.required}
    for column in spec.columns:
        assert column.description_ja.strip() and column.description_en.strip(), column.key
        assert column.type in TYPES_JA and column.type in TYPES_EN
    assert len(spec.notes_ja) == len(spec.notes_en) > 0


@pytest.mark.parametrize("kind", KINDS)
def test_csv_template_is_utf8_with_bom_and_japanese_header(kind: str) -> None:
    content = csv_bytes(TEMPLATES[kind])
    assert content.startswith(b"\xef\xbb\xbf") and content.endswith(b"\r\n")
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == [c.ja for c in TEMPLATES[kind].template_columns]
    assert "データ区分" in header


@pytest.mark.parametrize("kind", KINDS)
def test_xlsx_template_has_a_data_sheet_and_a_notes_sheet(kind: str) -> None:
    spec = TEMPLATES[kind]
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(spec)))
    assert workbook.sheetnames == ["データ", "記入要領"]
    header = [c.value for c in workbook["データ"][1]]
    assert header == [c.ja for c in spec.template_columns]
    notes = [[c.value for c in row] for row in workbook["記入要領"].iter_rows()]
    described = {row[0] for row in notes if row and row[0]}
    assert {c.ja for c in spec.columns} <= described
    assert xlsx_bytes(spec) == xlsx_bytes(spec)  # the same bytes every time


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_filled_in_template_loads(kind: str, fmt: str, tmp_path: Path) -> None:
    name, content = template_bytes(kind, fmt)
    path = tmp_path / name
    row = EXAMPLE_ROWS[kind]
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        line = io.StringIO()
        csv.writer(line, lineterminator="\r\n").writerow([row.get(h, "") for h in header])
        path.write_bytes(content + line.getvalue().encode("utf-8"))
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        sheet = workbook["データ"]
        header = [c.value for c in sheet[1]]
        sheet.append([row.get(h) for h in header])
        workbook.save(path)
    parsed = parse_file(path)
    assert parsed.source_kind == EXPECTED_KIND[kind]
    assert parsed.frame.height == 1 and not parsed.is_sample


@pytest.mark.parametrize("kind", KINDS)
def test_english_headers_are_recognised(kind: str, tmp_path: Path) -> None:
    spec = TEMPLATES[kind]
    by_ja = {c.ja: c.key for c in spec.columns}
    row = EXAMPLE_ROWS[kind]
    path = tmp_path / "english.csv"
    text = io.StringIO()
    csv.writer(text).writerows([[by_ja[h] for h in row], list(row.values())])
    path.write_text(text.getvalue(), encoding="utf-8")
    assert parse_file(path).source_kind == EXPECTED_KIND[kind]


@pytest.mark.parametrize(("args", "name"), [
    (["local_plans", "--format", "csv"], "saihan_template_local_plans.csv"),
    (["local-plans"], "saihan_template_local_plans.xlsx"),
    (["subsidy", "--format", "xlsx"], "saihan_template_subsidy.xlsx"),
    (["indicators", "--format", "CSV"], "saihan_template_indicators.csv"),
])
def test_saihan_template_writes_the_file(args: list[str], name: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["template", *args, "--out", str(tmp_path / "out")],
                                env={"SAIHAN_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / name).is_file()


@pytest.mark.parametrize(("args", "says"), [(["crime"], "unknown template kind"),
                                            (["subsidy", "--format", "ods"], "unknown format")])
def test_saihan_template_rejects_unknown_choices(args: list[str], says: str,
                                                 tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["template", *args, "--out", str(tmp_path)])
    assert result.exit_code == 1 and says in result.output


@pytest.mark.parametrize("command", [["template"], ["check"], ["estat"], ["estat", "fetch"]])
def test_new_commands_have_help(command: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"SAIHAN_HOME": str(tmp_path)})
    assert result.exit_code == 0 and "Usage" in result.output


# --- a header saihan does not know: the closest format, what it needs, what was found --------

@pytest.mark.parametrize(("header", "closest", "found", "missing"), [
    ("罪名,手口,管轄警察署,都道府県,発生日,時刻", "police crime open data", 4, 6),
    ("年度,都道府県,メモ", "subsidy records", 2, None),
    ("計画,指標番号,指標名,備考", "prefecture indicators", 2, 4),  # 指標番号 is optional
])
def test_an_unknown_header_names_the_closest_format(tmp_path, header, closest, found, missing):
    path = tmp_path / "delivery.csv"
    path.write_text(header + "\r\n" + ",".join("1" for _ in header.split(",")) + "\r\n",
                    encoding="utf-8")
    with pytest.raises(RejectedFile) as rejected:
        parse_file(path)
    err = rejected.value
    assert f"the closest format is {closest}" in err.reason
    assert f"{found} found" in err.reason
    if missing is not None:
        assert f"{missing} missing" in err.reason
    assert err.line == 1 and err.column
    assert len([d for d in err.details if d.startswith("found: ")]) == found
