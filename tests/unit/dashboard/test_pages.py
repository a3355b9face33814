"""Every dashboard page rendered with Streamlit's AppTest on the sample warehouse, and on two
others: one holding only the marts, one with crime data of two years and no subsidy records."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dashboard.i18n import t, year_range_label
from tests.conftest import SAMPLE_CRIME_BY_PREFECTURE, make_settings
from tests.unit.dashboard.conftest import app_on, pages_on
from warehouse.ingest.programme.templates import TEMPLATES
from warehouse.run import run_pipeline
from warehouse.settings import PROJECT_ROOT, Settings

DASHBOARD = PROJECT_ROOT / "dashboard"
VIEWS = sorted(f"views/{p.name}" for p in (DASHBOARD / "views").glob("*.py"))


@pytest.fixture(scope="module")
def crime_only_home(hokkaido_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A warehouse published from bag-snatching files of 2018 (real) and 2024 (the same lines
    moved to 2024), and nothing else: no white-paper facts, no subsidy records."""
    settings = make_settings(tmp_path_factory.mktemp("crime_only") / "home")
    real = hokkaido_dir / "hokkaido_2018hittakuri.csv"
    moved = tmp_path_factory.mktemp("deliveries") / "hokkaido_2024hittakuri.csv"
    moved.write_bytes(real.read_bytes().replace(b"2018-", b"2024-"))  # CP932: ASCII digits
    report = run_pipeline(settings, [real, moved])
    assert report.status == "published", report.error
    return settings


def texts(at: AppTest) -> str:
    """Everything written on the page, for 'is it there' checks."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [h.value for h in at.title] + [h.value for h in at.subheader]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def test_overview_in_japanese(shown) -> None:
    at = shown()
    page = texts(at)
    assert "全国概況" in page
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["地域再犯防止推進事業 実施都道府県"] == "39"
    assert metrics["地方計画 策定済み市区町村"] == "748"
    assert "出典：令和6年版再犯防止推進白書 第7章（2024年6月14日現在）" in page
    assert "令和6年度" in page


def test_overview_in_english(shown) -> None:
    at = shown(lang="en")
    page = texts(at)
    assert "National overview" in page
    assert "FY2024" in page
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Prefectures in the regional subsidy programme"] == "39"


def test_language_switch_updates_the_url(app) -> None:
    at = app()
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"
    assert "National overview" in texts(at)


def test_crime_page_shows_the_hokkaido_totals(real_shown) -> None:
    at = real_shown("views/crime.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["認知件数"] == "6,616"
    assert metrics["警察署数"] == "66"
    assert "北海道警察 犯罪オープンデータ（2018年）" in texts(at)
    assert "サンプルデータ" not in texts(at)


def test_crime_page_marks_the_generated_sample(shown) -> None:
    at = shown("views/crime.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["認知件数"] == f"{SAMPLE_CRIME_BY_PREFECTURE['01']:,}"  # 北海道 2021 and 2022
    assert metrics["警察署数"] == "16"
    page = texts(at)
    assert "サンプル（架空）の犯罪オープンデータ：北海道（2021・2022年）" in page
    # under every panel (trend, hour × weekday, places, stations, municipalities, station areas)
    assert page.count("サンプルデータ（実データではありません）") == 6


def test_overview_marks_the_sample_crime_data(shown) -> None:
    captions = [c.value for c in shown().caption]
    crime = captions.index("出典：都道府県警察 犯罪オープンデータ")
    assert "サンプルデータ（実データではありません）" in captions[crime + 1]


def test_overview_shows_real_crime_data_unmarked(real_shown) -> None:
    captions = [c.value for c in real_shown().caption]
    assert "出典：都道府県警察 犯罪オープンデータ" in captions
    assert not any("サンプルデータ" in c for c in captions)


def test_crime_filters_come_from_the_url(shown) -> None:
    # (shown sets the query parameters again after switch_page, as a shared link carries them)
    at = shown("views/crime.py", modus="ひったくり", lang="en")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Incidents"] == "28"  # the sample's 北海道 ひったくり (2022)


def test_crime_filter_choice_goes_into_the_url(app) -> None:
    at = app("views/crime.py")
    at.multiselect(key="url_modus").set_value(["自動車盗"]).run()
    assert at.query_params["modus"] in (["自動車盗"], "自動車盗")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["認知件数"] == "84"  # the sample's 北海道 自動車盗 (2022)


def test_data_page_lists_sources_runs_and_findings(shown) -> None:
    at = shown("views/data.py")
    page = texts(at)
    assert "データの鮮度" in page and "数値の出どころ" in page
    frames = [df.value for df in at.dataframe]
    freshness = frames[0]
    assert set(freshness["データの種類"]) >= {"犯罪オープンデータ", "白書等の公表値"}
    assert any("duplicated_layout" in set(f["コード"]) for f in frames if "コード" in f)


def test_subsidy_page_fiscal_years_and_sample_marks(app) -> None:
    at = app("views/subsidy.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["実施都道府県"] == "39 / 47"
    page = texts(at)
    assert "2024年6月14日" in page
    assert "サンプルデータ" in page  # menus and amounts are generated sample records
    at.selectbox(key="url_fy").set_value(2023).run()
    assert at.query_params["fy"] in ("2023", ["2023"])
    assert {m.label: m.value for m in at.metric}["実施都道府県"] == "32 / 47"


def test_plans_page_reconciles_with_the_white_paper(shown) -> None:
    at = shown("views/plans.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["都道府県"] == "47 / 47"
    assert metrics["指定都市"] == "20 / 20"
    assert metrics["市区町村（指定都市を除く）"] == "748 / 1,721"
    assert any("一致しています" in s.value for s in at.success)


def test_plans_list_filters_by_prefecture_from_the_url(app) -> None:
    at = app("views/plans.py")
    at.multiselect(key="url_pref").set_value(["13"]).run()
    listing = at.dataframe[-1].value
    assert len(listing) == 63  # 東京都 + 62 municipalities (23 special wards, 26 cities, ...)
    assert set(listing["団体コード"].str[:2]) == {"13"}


def test_indicators_page_shows_national_and_prefectures(app) -> None:
    at = app("views/indicators.py", lang="en")
    at.query_params["lang"] = "en"
    at.run()
    assert "Indicators" in texts(at)
    at.multiselect(key="url_pref").set_value(["01", "13"]).run()
    assert not at.exception


def test_progress_page_scorecard_and_detail(app) -> None:
    at = app("views/progress.py")
    scorecard = at.dataframe[0].value
    assert len(scorecard) == 47
    at.selectbox(key="url_pref").set_value("13").run()
    assert not at.exception
    assert any(h.value == "東京都" for h in at.header)
    municipalities = at.dataframe[-1].value
    assert len(municipalities) == 63


def test_crime_table_suppresses_small_counts_like_the_extracts(app, monkeypatch) -> None:
    monkeypatch.setenv("SAIHAN_SUPPRESS_BELOW", "crime_open_data=3")
    at = app("views/crime.py")
    table = at.dataframe[-1].value
    counts = table["件数"].astype(str)
    assert "X" in set(counts)
    assert not any(c in {"1", "2"} for c in counts)
    assert any("秘匿" in c.value for c in at.caption)


def test_a_new_publish_is_read_while_an_old_connection_is_open(hokkaido_dir, sample_copy) -> None:
    assert run_pipeline(sample_copy, [hokkaido_dir / "hokkaido_2018hittakuri.csv"]).status == (
        "published")
    old = queries.open_warehouse(sample_copy.warehouse)
    before = queries.crime_totals(old, "01", (2018,), ("ひったくり",), ())["incidents"]
    renamed = sample_copy.inbox / "redelivery" / "01_bag_snatching.csv"
    renamed.parent.mkdir(parents=True)
    # A re-delivery of the same dataset minus one incident (白石, 2018-10-11: the station and the
    # month have others, so nothing is held) supersedes the first one.
    lines = (hokkaido_dir / "hokkaido_2018hittakuri.csv").read_bytes().splitlines(keepends=True)
    renamed.write_bytes(b"".join(line for line in lines if b",2018-10-11," not in line))
    assert run_pipeline(sample_copy, [renamed]).status == "published"
    new = queries.open_warehouse(sample_copy.warehouse)
    after = queries.crime_totals(new, "01", (2018,), ("ひったくり",), ())["incidents"]
    assert (before, after) == (20, 19)
    old.close()
    new.close()


def test_data_page_offers_every_input_template(app) -> None:
    at = app("views/data.py")
    keys = {b.key for b in at.get("download_button")}
    for kind in TEMPLATES:
        assert {f"template_{kind}_xlsx", f"template_{kind}_csv"} <= keys


# --- defects that stay fixed ------------------------------------------------------------------

@pytest.mark.parametrize(("first", "last", "expected"), [
    (2018, 2018, "2018"),
    (2018, 2024, "2018–2024"),
    (2023, 2024, "2023–2024"),  # a set of {2023, 2024} iterates 2024 first
    (2024, 2023, "2023–2024"),
])
def test_year_range_label_is_earliest_first(first: int, last: int, expected: str) -> None:
    assert year_range_label(first, last) == expected


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_overview_writes_the_crime_years_earliest_first(crime_only_home, monkeypatch,
                                                        lang) -> None:
    page = texts(app_on(crime_only_home, monkeypatch)(lang=lang))
    assert "2018–2024" in page
    assert "2024–2018" not in page


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_subsidy_page_says_the_published_warehouse_holds_no_subsidy_records(
        crime_only_home, monkeypatch, lang) -> None:
    at = app_on(crime_only_home, monkeypatch)("views/subsidy.py", lang=lang)
    at.query_params["lang"] = lang  # switch_page clears the query parameters
    at.run()
    assert [i.value for i in at.info] == [t("subsidy_none", lang)]
    assert t("no_warehouse", lang) not in texts(at) + "".join(w.value for w in at.warning)
    assert not at.metric


def test_every_page_renders_on_a_published_but_empty_warehouse(settings: Settings,
                                                               monkeypatch) -> None:
    assert run_pipeline(settings, [], trigger="init", force_build=True).status == "published"
    for view, at in pages_on(settings, monkeypatch, VIEWS):
        # nothing has arrived, so the data page's one warning is that every source is late
        late = [t("coverage_some_late", "ja", count=47 * 4)] if view == "views/data.py" else []
        assert at.title and [w.value for w in at.warning] == late, view
        if view == "views/subsidy.py":
            assert [i.value for i in at.info] == [t("subsidy_none", "ja")]


def test_without_a_warehouse_every_page_says_so(settings: Settings, monkeypatch) -> None:
    for view, at in pages_on(settings, monkeypatch, VIEWS):
        assert [w.value for w in at.warning] == [t("no_warehouse", "ja")], view
        assert not at.title, view


# --- the dashboard reads only mart.* --------------------------------------------------------------

@pytest.fixture
def marts_only_home(sample_copy: Settings) -> Settings:
    """The sample warehouse with every schema but ``mart`` dropped."""
    con = duckdb.connect(str(sample_copy.warehouse))
    for schema in ("stg", "core", "ref", "raw", "meta"):
        con.execute(f"drop schema if exists {schema} cascade")  # fixed names, no user input
    con.close()
    return sample_copy


def test_every_page_renders_on_a_warehouse_of_marts_only(marts_only_home, monkeypatch) -> None:
    for view, at in pages_on(marts_only_home, monkeypatch, VIEWS):
        assert at.title, view


def test_a_warehouse_built_before_mart_build_info_shows_no_build_time(sample_copy) -> None:
    con = duckdb.connect(str(sample_copy.warehouse))
    assert queries.published_at(con).startswith("20")  # ISO 8601
    con.execute("drop table mart.build_info")
    assert queries.published_at(con) is None
    con.close()


def _python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_dashboard_code_names_no_schema_but_mart() -> None:
    other = re.compile(r"\b(raw|meta|stg|core|ref)\.[a-z_]+|information_schema")
    found = {f"{path.relative_to(PROJECT_ROOT)}: {match.group(0)}"
             for path in _python_files(DASHBOARD)
             for match in other.finditer(path.read_text(encoding="utf-8"))}
    assert not found


def test_dashboard_does_not_edit_sys_path() -> None:
    assert not [p for p in _python_files(DASHBOARD) if "sys.path" in p.read_text(encoding="utf-8")]


def test_fiscal_years_are_named_by_the_warehouse(sample_home: Settings) -> None:
    """One owner of fiscal-year labels: mart.fiscal_year (core.dim_fiscal_year)."""
    con = queries.open_warehouse(sample_home.warehouse)
    labels = queries.fiscal_year_labels(con)
    assert (labels["ja"][2019], labels["ja"][2024], labels["ja"][1989]) == (
        "令和元年度", "令和6年度", "平成元年度")
    assert labels["en"][2024] == "FY2024"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_data_page_shows_the_delivery_coverage_of_47_prefectures(shown, lang: str) -> None:
    at = shown("views/data.py", lang=lang)
    matrix = next(df.value for df in at.dataframe if len(df.value) == 47)
    row = matrix.set_index(t("col_prefecture", lang))
    hokkaido, aomori = ("北海道", "青森県") if lang == "ja" else ("Hokkaido", "Aomori")
    police = t("source_kind_crime_open_data", lang)
    # the sample's police data of Hokkaido is 2022; Aomori sent none; both overdue by now
    assert row.loc[hokkaido, police].startswith("2022")
    assert row.loc[hokkaido, police].endswith(t("coverage_sample", lang))
    assert row.loc[aomori, police].startswith(t("coverage_missing", lang, expected="")[:2])
    assert t("coverage_title", lang) in texts(at)
    summary = next(df.value for df in at.dataframe if t("col_due_on", lang) in df.value)
    assert len(summary) == 4 and summary[t("col_late_count", lang)].max() == 47


@pytest.fixture(scope="module")
def rejected_home(hokkaido_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A home whose only delivery, the real bicycle-theft file saved with CR-only line ends,
    was rejected."""
    settings = make_settings(tmp_path_factory.mktemp("rejected") / "home")
    settings.inbox.mkdir(parents=True)
    name = "hokkaido_2018zitensyatou.csv"
    damaged = (hokkaido_dir / name).read_bytes().replace(b"\r\n", b"\r")
    (settings.inbox / name).write_bytes(damaged)
    assert run_pipeline(settings).count("rejected") == 1
    return settings


@pytest.mark.parametrize(("lang", "found", "todo"), [
    ("ja", "行末が CR だけ", "改行で保存し直し"),
    ("en", "the lines end with a CR alone", "Windows (CRLF) or Unix (LF) line ends"),
])
def test_data_page_shows_a_rejection_in_the_page_language(
    rejected_home: Settings, monkeypatch: pytest.MonkeyPatch, lang: str, found: str, todo: str,
) -> None:
    at = app_on(rejected_home, monkeypatch)("views/data.py", lang=lang)
    table = next(df.value for df in at.dataframe if t("col_reason", lang) in df.value)
    [reason] = list(table[t("col_reason", lang)])
    [action] = list(table[t("col_action", lang)])
    assert found in reason and todo in action
    other = "the lines end with a CR alone" if lang == "ja" else "行末"
    assert other not in reason
