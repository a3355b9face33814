"""Loaders for indicators, subsidy records and local plans on files as people send them, and each
validation rule with a failing and a passing case.

No public files of these kinds exist (they are handed to local governments), so the files are
written here the way they arrive: CP932 CSV from Excel with a title row and a note row under the
table, tab-separated UTF-8 with English headers, XLSX with date cells and codes typed as numbers,
full-width digits, era dates, prefecture names or codes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from warehouse.errors import RejectedFile
from warehouse.ingest.contract import DatasetIdentity
from warehouse.ingest.route import parse_file
from warehouse.run import run_pipeline
from warehouse.settings import Settings


def write_csv(path: Path, rows: list[list[object]], *, encoding: str = "utf-8-sig",
              delimiter: str = ",", newline: str = "\r\n") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], *, sheet: str = "Sheet1",
               first_sheet: list[list[object]] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    active = workbook.active
    if first_sheet is not None:
        active.title = "表紙"
        for row in first_sheet:
            active.append(row)
        active = workbook.create_sheet(sheet)
    else:
        active.title = sheet
    for row in rows:
        active.append(row)
    workbook.save(path)
    return path


# ----------------------------------------------------------------------------- local plans

PLAN_HEADER = ["基準日", "団体コード", "団体名", "都道府県", "策定状況", "策定方法", "包含先の計画",
               "計画名", "策定日", "計画期間（開始）", "計画期間（終了）", "データ区分"]


def test_local_plans_cp932_with_title_row_era_dates_and_lost_zeros(tmp_path: Path) -> None:
    rows = [
        ["令和6年度 地方再犯防止推進計画の策定状況（北海道・東京都分）"],
        [],
        PLAN_HEADER,
        ["令和6年4月1日", "010006", "北海道", "北海道", "策定済", "単独", "",
         "北海道再犯防止推進計画", "R2.3.27", "令和2年度", "令和6年度", ""],
        ["R6.4.1", "11002", "札幌市", "北海道", "策定済", "他計画に包含", "地域福祉計画",
         "第4期札幌市地域福祉社会計画", "2024/3/29", "令和6年度", "令和11年度", ""],
        ["2024/4/1", "１２０４１", "旭川市", "1", "未策定", "", "", "", "", "", "", ""],
        ["2024-04-01", "13101", "千代田区", "東京都", "策定済", "単独", "",
         "千代田区再犯防止推進計画", "平成31年3月29日", "2019-04-01", "2024-03-31", "実データ"],
        ["2024-04-01", "130001", "東京都", "13", "策定中", "", "", "", "", "", "", ""],
        ["※ 策定済には条例・実施方針による団体を含む。"],
    ]
    path = write_csv(tmp_path / "策定状況_北海道東京.csv", rows, encoding="cp932")
    parsed = parse_file(path)
    assert parsed.source_kind == "local_plans" and parsed.encoding == "cp932"
    assert not parsed.is_sample
    frame = parsed.frame
    assert frame["line_number"].to_list() == [4, 5, 6, 7, 8]
    assert frame["lg_code"].to_list() == ["010006", "011002", "012041", "131016", "130001"]
    assert set(frame["as_of_on"].to_list()) == {date(2024, 4, 1)}
    assert frame["status"].to_list() == ["adopted", "adopted", "none", "adopted", "in_preparation"]
    assert frame["method"].to_list() == ["standalone", "included_in_other", None, "standalone",
                                         None]
    assert frame["adopted_on"].to_list()[:2] == [date(2020, 3, 27), date(2024, 3, 29)]
    assert frame["period_start_on"][1] == date(2024, 4, 1)
    assert frame["period_end_on"][1] == date(2030, 3, 31)
    assert frame["lg_code_raw"][2] == "12041"  # the text as written, NFKC
    # one as-of date, two prefectures (named by their count and a hash)
    assert re.fullmatch(r"2024-04-01/2-[0-9a-f]{8}", parsed.identity.scope)
    assert parsed.identity == DatasetIdentity("local_plans", scope=parsed.identity.scope)
    assert parsed.dataset_key == f"local_plans/{parsed.identity.scope}"
    assert [f.code for f in parsed.findings] == ["note_rows"]


def test_local_plans_english_headers_tab_separated_utf8(tmp_path: Path) -> None:
    rows = [
        ["as_of", "lg_code", "name", "status", "method", "plan_period", "is_sample"],
        ["2024-04-01", "271004", "大阪市", "adopted", "standalone", "令和3年度～令和7年度",
         "sample"],
        ["2024-04-01", "141003", "横浜市", "策定済", "包含", "R5年度〜R9年度", "sample"],
    ]
    path = write_csv(tmp_path / "plans.tsv", rows, encoding="utf-8", delimiter="\t", newline="\n")
    parsed = parse_file(path)
    assert parsed.delimiter == "\t" and parsed.is_sample
    assert parsed.frame["method"].to_list() == ["standalone", "included_in_other"]
    assert parsed.frame["period_start_on"].to_list() == [date(2021, 4, 1), date(2023, 4, 1)]
    assert parsed.frame["period_end_on"].to_list() == [date(2026, 3, 31), date(2028, 3, 31)]


def test_local_plans_xlsx_with_date_cells_and_numeric_codes(tmp_path: Path) -> None:
    from datetime import datetime

    rows = [
        ["団体コード", "団体名", "策定状況", "策定方法", "基準日", "策定日"],
        [11002, "札幌市", "策定済", "単独", datetime(2024, 4, 1), datetime(2023, 3, 30)],
        [12025, "函館市", "×", None, datetime(2024, 4, 1), None],
    ]
    path = write_xlsx(tmp_path / "plans.xlsx", rows, sheet="策定状況",
                      first_sheet=[["この調査票について"], ["回答は次のシートへ"]])
    parsed = parse_file(path)
    assert parsed.encoding == "xlsx"
    assert parsed.frame["lg_code"].to_list() == ["011002", "012025"]
    assert parsed.frame["status"].to_list() == ["adopted", "none"]
    assert parsed.frame["adopted_on"][0] == date(2023, 3, 30)
    assert parsed.frame["line_number"].to_list() == [2, 3]


# ----------------------------------------------------------------------------- subsidy records

SUBSIDY_HEADER = ["年度", "都道府県", "事業実施", "市町村間調整会議", "職員研修", "就労・住居支援",
                  "専門的支援", "相談支援", "事業費（円）", "国庫補助額（円）", "備考"]


def test_subsidy_xlsx_in_thousand_yen_with_a_menu_list(tmp_path: Path) -> None:
    rows = [
        ["地域再犯防止推進事業 実施状況"],
        ["年度", "都道府県コード", "実施", "実施メニュー", "事業費（千円）", "国庫補助額（千円）"],
        ["令和6年度", 1, "○", "会議、研修、就労・住居支援", 3000, 1500],
        ["R6", 13, "有", "調整会議,職員研修,相談支援,専門的支援", 2400.0, 1200],
        ["2024年度", "02", "×", None, None, None],
    ]
    parsed = parse_file(write_xlsx(tmp_path / "subsidy.xlsx", rows))
    frame = parsed.frame
    assert parsed.source_kind == "subsidy_records"
    assert frame["pref_code"].to_list() == ["01", "13", "02"]
    assert frame["fiscal_year"].to_list() == [2024, 2024, 2024]
    assert frame["is_participating"].to_list() == [True, True, False]
    assert frame["project_cost_yen"].to_list() == [3_000_000, 2_400_000, None]
    assert frame["national_share_yen"].to_list() == [1_500_000, 1_200_000, None]
    assert frame["employment_housing_support"].to_list() == [True, False, False]
    assert frame["consultation_support"].to_list() == [False, True, False]
    assert frame["specialised_support"].to_list() == [False, True, False]
    # one fiscal year, three prefectures (named by their count and a hash): not one prefecture
    prefectures = "3-" + hashlib.sha1(b"01|02|13").hexdigest()[:8]
    assert parsed.identity == DatasetIdentity("subsidy_records", scope=f"2024/{prefectures}")
    assert parsed.dataset_key == f"subsidy/2024/{prefectures}"


def test_subsidy_csv_with_man_yen_and_missing_menus_is_a_finding(tmp_path: Path) -> None:
    rows = [SUBSIDY_HEADER,
            ["令和5年度", "北海道", "○", "○", "×", "○", "", "", "300万円", "150万円", ""],
            ["令和5年度", "岩手県", "○", "○", "○", "×", "×", "×", "2,000,000", "1,000,000", ""]]
    parsed = parse_file(write_csv(tmp_path / "r5.csv", rows))
    assert parsed.frame["project_cost_yen"].to_list() == [3_000_000, 2_000_000]
    findings = {f.code: f for f in parsed.findings}
    assert "staff_training" in findings["menus_incomplete"].message
    assert "direct-support" in findings["menus_incomplete"].message
    assert findings["menus_incomplete"].count == 2


# ----------------------------------------------------------------------------- indicators

INDICATOR_HEADER = ["計画", "指標番号", "指標名", "都道府県", "期間", "値", "単位", "分子", "分母",
                    "出典", "備考"]


def test_indicators_cp932_full_width_and_special_cells(tmp_path: Path) -> None:
    rows = [
        INDICATOR_HEADER,
        ["第二次", "３", "出所受刑者の２年以内再入率", "全国", "2022年出所者", "13.0", "％", "", "",
         "白書", ""],
        ["第2次", "No.3", "出所受刑者の２年以内再入率", "北海道", "令和4年", "１２．５", "%",
         "１００", "８００", "", ""],
        ["2", "3", "出所受刑者の２年以内再入率", "沖縄", "2022", "X", "%", "", "", "", "秘匿"],
        ["第二次", "1-1", "刑法犯検挙者中の再犯者率", "13", "2023年", "47.0", "%", "", "", "", ""],
        ["第二次", "", "（参考）協力雇用主数", "東京都", "2023年度", "1,234", "社", "", "", "", ""],
    ]
    parsed = parse_file(write_csv(tmp_path / "指標.csv", rows, encoding="cp932"))
    frame = parsed.frame
    assert parsed.source_kind == "indicators"
    assert frame["edition"].to_list() == [2, 2, 2, 2, 2]
    assert frame["indicator_number"].to_list() == ["3", "3", "3", "1-1", None]
    assert frame["indicator_key"][4] == "(参考)協力雇用主数"
    assert frame["pref_code"].to_list() == ["00", "01", "47", "13", "13"]
    assert frame["period"].to_list() == ["2022", "2022", "2022", "2023", "FY2023"]
    assert frame["value"].to_list() == [13.0, 12.5, None, 47.0, 1234.0]
    assert frame["value_note"][2].startswith("秘匿")
    assert frame["unit"].to_list() == ["%", "%", "%", "%", "社"]


# ----------------------------------------------------------------------------- validation rules

# Each rule: a valid base file, then the one change that breaks it (failing) and a nearby change
# that keeps it valid (passing).
BASE = {
    "subsidy": (SUBSIDY_HEADER,
                ["令和6年度", "東京都", "○", "○", "○", "○", "×", "×", "3,000,000", "1,500,000",
                 ""]),
    "indicators": (INDICATOR_HEADER,
                   ["第二次", "3", "出所受刑者の2年以内再入率", "東京都", "2022年", "20.0", "%",
                    "100", "500", "", ""]),
    "plans": (PLAN_HEADER,
              ["2024-04-01", "131016", "千代田区", "東京都", "策定済", "単独", "",
               "千代田区再犯防止推進計画", "", "", "", ""]),
}

RULES = [
    # (id, kind, changes to the base row (column -> value) or extra rows, failing?, column, says)
    ("share_above_half", "subsidy", {"事業費（円）": "2,000,000", "国庫補助額（円）": "1,200,000"},
     True, "国庫補助額（円）", "more than half the cost"),
    ("share_at_half", "subsidy", {"事業費（円）": "2,000,000", "国庫補助額（円）": "1,000,000"},
     False, None, None),
    ("share_above_cap", "subsidy", {"事業費（円）": "4,000,000", "国庫補助額（円）": "1,600,000"},
     True, "国庫補助額（円）", "above the cap of 1,500,000 yen"),
    ("share_at_cap", "subsidy", {"事業費（円）": "4,000,000", "国庫補助額（円）": "1,500,000"},
     False, None, None),
    ("share_without_cost", "subsidy", {"事業費（円）": "", "国庫補助額（円）": "1,000,000"},
     True, "事業費（円）", "without the cost"),
    ("not_participating_with_amounts", "subsidy", {"事業実施": "×"}, True, "事業実施",
     "participation is ×"),
    ("negative_cost", "subsidy", {"事業費（円）": "△3,000,000"}, True, "事業費（円）",
     "'△3,000,000' is below zero"),
    ("negative_share", "subsidy", {"国庫補助額（円）": "-1,500"}, True, "国庫補助額（円）",
     "'-1,500' is below zero"),
    ("unknown_prefecture", "subsidy", {"都道府県": "東京府"}, True, "都道府県", "not a prefecture"),
    ("prefecture_by_code", "subsidy", {"都道府県": "13"}, False, None, None),
    ("rate_above_100", "indicators", {"値": "120.0", "分子": "", "分母": ""}, True, "値",
     "outside 0-100"),
    ("rate_within_0_100", "indicators", {"値": "99.9", "分子": "", "分母": ""}, False, None, None),
    ("rate_not_numerator_over_denominator", "indicators", {"値": "23.4"}, True, "値",
     "does not match numerator / denominator"),
    ("rate_rounded_from_numerator", "indicators", {"値": "19.96", "分子": "499", "分母": "2500"},
     False, None, None),
    ("numerator_without_denominator", "indicators", {"分母": ""}, True, "分子",
     "only the numerator"),
    ("numerator_above_denominator", "indicators", {"分子": "600", "値": "20.0"}, True, "分子",
     "larger than the denominator"),
    ("count_is_not_a_rate", "indicators", {"値": "120", "単位": "人", "分子": "", "分母": ""},
     False, None, None),
    ("national_indicator", "indicators", {"都道府県": "全国"}, False, None, None),
    ("unknown_prefecture_indicator", "indicators", {"都道府県": "江戸"}, True, "都道府県",
     "not a prefecture"),
    ("unknown_lg_code", "plans", {"団体コード": "132993", "団体名": ""}, True, "団体コード",
     "no local government has the code"),
    ("bad_check_digit", "plans", {"団体コード": "131017"}, True, "団体コード", "check digit"),
    ("ward_of_designated_city", "plans", {"団体コード": "011011", "団体名": "", "都道府県": ""},
     True, "団体コード", "a ward of a designated city"),
    ("northern_territories", "plans", {"団体コード": "016951", "団体名": "", "都道府県": ""}, True,
     "団体コード", "no functioning government"),
    ("code_and_name_disagree", "plans", {"団体名": "中央区"}, True, "団体名", "but the name says"),
    ("code_and_prefecture_disagree", "plans", {"都道府県": "大阪府"}, True, "都道府県",
     "but the prefecture says"),
    ("name_with_prefecture", "plans", {"団体名": "東京都千代田区"}, False, None, None),
    ("adopted_without_method", "plans", {"策定方法": ""}, True, "策定方法", "way it was adopted"),
    ("none_with_a_plan", "plans", {"策定状況": "未策定"}, True, "策定状況", "a plan is described"),
    ("period_ends_before_start", "plans",
     {"計画期間（開始）": "令和6年度", "計画期間（終了）": "令和5年度"}, True, "計画期間（終了）",
     "ends"),
    ("bad_era_date", "plans", {"基準日": "平成31年5月1日"}, True, "基準日", "outside the 平成 era"),
    ("mixed_sample_and_real", "plans", {"データ区分": "サンプル", "+row": {"団体コード": "130001",
                                                                         "団体名": "東京都",
                                                                         "データ区分": "実データ"}},
     True, "データ区分", "mixes real rows and sample rows"),
    ("conflicting_duplicate", "plans", {"+row": {"策定方法": "他計画に包含"}}, True, "策定方法",
     "repeats line 2"),
    ("identical_duplicate", "plans", {"+row": {}}, False, None, None),
    ("conflicting_duplicate_subsidy", "subsidy", {"+row": {"国庫補助額（円）": "1,000,000"}}, True,
     "国庫補助額（円）", "repeats line 2"),
    ("conflicting_duplicate_indicator", "indicators",
     {"+row": {"値": "25.0", "分子": "125", "分母": "500"}}, True, "値", "repeats line 2"),
]


def build(kind: str, changes: dict) -> list[list[str]]:
    header, base = BASE[kind]
    row = dict(zip(header, base, strict=True))
    extra = changes.get("+row")
    first = row | {k: v for k, v in changes.items() if k != "+row"}
    rows = [header, [first[h] for h in header]]
    if extra is not None:
        rows.append([(row | extra)[h] for h in header])
    return rows


@pytest.mark.parametrize(("kind", "changes", "failing", "column", "says"),
                         [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_validation_rule(tmp_path: Path, kind, changes, failing, column, says) -> None:
    path = write_csv(tmp_path / f"{kind}.csv", build(kind, changes))
    if not failing:
        parsed = parse_file(path)
        assert parsed.frame.height >= 1
        return
    with pytest.raises(RejectedFile) as rejected:
        parse_file(path)
    error = rejected.value
    assert error.line in (2, 3)
    assert error.column == column
    assert says in error.reason
    assert error.details and error.details[0].startswith(f"line {error.line}, column {column}: ")
    assert " -> " in error.details[0]  # what was found, then what to do
    assert "nothing of it was loaded" in error.action


def test_every_problem_of_a_file_is_listed(tmp_path: Path) -> None:
    rows = [PLAN_HEADER,
            ["2024-04-01", "999999", "", "", "策定済", "単独", "", "", "", "", "", ""],
            ["2024-04-01", "131016", "千代田区", "", "済んだ", "", "", "", "", "", "", ""],
            ["2024-13-01", "130001", "東京都", "", "策定済", "単独", "", "", "", "", "", ""]]
    with pytest.raises(RejectedFile) as rejected:
        parse_file(write_csv(tmp_path / "plans.csv", rows))
    details = rejected.value.details
    assert [d.split(":")[0] for d in details] == [
        "line 2, column 団体コード", "line 3, column 策定状況", "line 4, column 基準日"]
    assert rejected.value.reason.startswith("3 problems in the file")


def test_a_file_with_a_header_only_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(RejectedFile, match="no rows"):
        parse_file(write_csv(tmp_path / "plans.csv", [PLAN_HEADER]))


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    rows = [["団体コード", "策定状況"], ["131016", "策定済"]]
    with pytest.raises(RejectedFile, match="the header has no column 基準日"):
        parse_file(write_csv(tmp_path / "plans.csv", rows))


# ----------------------------------------------------------------------------- in the pipeline


def plans_rows(method: str, sample: str = "") -> list[list[str]]:
    return [PLAN_HEADER,
            ["2024-04-01", "131016", "千代田区", "東京都", "策定済", method, "", "千代田区の計画",
             "", "", "", sample],
            ["2024-04-01", "130001", "東京都", "東京都", "未策定", "", "", "", "", "", "", sample]]


def plan_of(settings: Settings, lg_code: str) -> tuple:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute("select method, is_sample, source_file from mart.plan_status "
                           "where lg_code = ?", [lg_code]).fetchone()
    finally:
        con.close()


def findings_of(settings: Settings, file_name: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute("select code, message from raw.file_finding join raw.file using "
                           "(file_id) where file_name = ?", [file_name]).fetchall()
    finally:
        con.close()


SAPPORO = ["2024-04-01", "011002", "札幌市", "北海道", "未策定", "", "", "", "", "", "", ""]


def test_later_delivery_wins_and_the_conflict_is_reported(settings: Settings,
                                                          tmp_path: Path) -> None:
    # A national list (Tokyo and Hokkaido), then Tokyo's own correction: two datasets that
    # overlap on 千代田区.
    first = write_csv(tmp_path / "national.csv", [*plans_rows("単独"), SAPPORO])
    assert run_pipeline(settings, [first]).status == "published"
    later = write_csv(tmp_path / "tokyo_fix.csv", plans_rows("他計画に包含"))
    assert run_pipeline(settings, [later]).status == "published"
    assert plan_of(settings, "131016")[:1] == ("included_in_other",)
    assert plan_of(settings, "011002")[2] == "national.csv"  # not in the correction: kept
    [(code, message)] = findings_of(settings, "tokyo_fix.csv")
    assert code == "conflicts_with_earlier_delivery"
    assert "national.csv" in message and "'standalone' -> 'included_in_other'" in message
    assert "This delivery is used for 1" in message


def test_a_redelivery_of_the_same_dataset_supersedes_it_and_says_what_changed(
        settings: Settings, tmp_path: Path) -> None:
    run_pipeline(settings, [write_csv(tmp_path / "tokyo.csv", plans_rows("単独"))])
    report = run_pipeline(settings, [write_csv(tmp_path / "tokyo_v2.csv",
                                               plans_rows("他計画に包含"))])
    assert report.files[0].superseded_file_ids == [1]
    assert plan_of(settings, "131016") == ("included_in_other", False, "tokyo_v2.csv")
    [(code, message)] = findings_of(settings, "tokyo_v2.csv")
    assert code == "conflicts_with_earlier_delivery" and "tokyo.csv" in message


def test_a_redelivery_that_only_changes_the_plan_period_says_so(settings: Settings,
                                                                tmp_path: Path) -> None:
    """The columns two deliveries are compared on are those a file is checked on itself."""
    rows = plans_rows("単独")
    rows[1][8:11] = ["2023-04-01", "2023-04-01", "2027-03-31"]
    run_pipeline(settings, [write_csv(tmp_path / "tokyo.csv", rows)])
    rows[1][10] = "2028-03-31"
    run_pipeline(settings, [write_csv(tmp_path / "tokyo_v2.csv", rows)])
    [(code, message)] = findings_of(settings, "tokyo_v2.csv")
    assert code == "conflicts_with_earlier_delivery"
    assert "period_end_on '2027-03-31' -> '2028-03-31'" in message


def test_sample_data_never_replaces_real_data(settings: Settings, tmp_path: Path) -> None:
    real = write_csv(tmp_path / "real.csv", plans_rows("単独"))
    run_pipeline(settings, [real])
    sample = write_csv(tmp_path / "sample.csv", plans_rows("他計画に包含", "サンプル")[:2])
    run_pipeline(settings, [sample])
    assert plan_of(settings, "131016") == ("standalone", False, "real.csv")
    [(_, message)] = findings_of(settings, "sample.csv")
    assert "sample data never replaces real data" in message


def test_sample_mark_reaches_raw_file_and_every_mart(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "sample.csv", plans_rows("単独", "サンプル"))
    run_pipeline(settings, [path])
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("select is_sample from raw.file").fetchall() == [(True,)]
        assert con.execute("select bool_and(is_sample) from mart.plan_status "
                           "where status <> 'not_reported'").fetchone() == (True,)
        assert con.execute("select is_sample from mart.plan_coverage where pref_code = '13' "
                           "and level = 'municipality'").fetchone() == (True,)
        assert con.execute("select is_sample from mart.region_progress "
                           "where pref_code = '13'").fetchone() == (True,)
    finally:
        con.close()


def test_a_file_with_one_bad_row_is_quarantined_whole(settings: Settings, tmp_path: Path) -> None:
    rows = plans_rows("単独")
    rows[2][1] = "130002"  # a check digit typo on line 3
    settings.inbox.mkdir(parents=True)
    path = write_csv(settings.inbox / "plans.csv", rows)
    report = run_pipeline(settings)
    assert report.count("rejected") == 1
    assert not path.exists()
    [kept] = settings.quarantine.glob("*plans.csv")
    text = Path(f"{kept}.report.txt").read_text(encoding="utf-8")
    assert "Line:   3" in text and "Column: 団体コード" in text
    assert "line 3, column 団体コード: 130002 has check digit 2" in text
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from raw.local_plan").fetchone() == (0,)
    finally:
        con.close()


def test_a_negative_amount_says_what_to_write_instead(tmp_path: Path) -> None:
    """The advice names the sign as written and what a correction or refund becomes."""
    path = write_csv(tmp_path / "subsidy.csv", build("subsidy", {"事業費（円）": "▲3,000千円"}))
    with pytest.raises(RejectedFile) as rejected:
        parse_file(path)
    [detail] = [d for d in rejected.value.details if "事業費" in d.split(":")[0]]
    assert "below zero" in detail and "without a minus sign (-, △ or ▲)" in detail
    assert "corrected total, or 0" in detail and "符号を付けずに" in detail
