"""Tables written the Japanese way: dates as 2024年4月1日, times in JST, empty cells for nulls,
separators on numbers (not on years), statuses translated; and the pages show them so."""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.i18n import status_labels, t
from dashboard.tables import datetime_label, for_display, line_numbers, number_columns
from tests.unit.dashboard.conftest import app_on


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", {"adopted_on": ["2024年4月1日", ""], "plan_name": ["計画", ""], "is_x": ["○", ""],
            "national_share_yen": [1_500_000, None]}),
    ("en", {"adopted_on": ["2024-04-01", ""], "plan_name": ["計画", ""], "is_x": ["yes", ""],
            "national_share_yen": [1_500_000, None]}),
])
def test_for_display_writes_dates_flags_and_empty_cells(lang, expected) -> None:
    frame = pl.DataFrame({"adopted_on": [date(2024, 4, 1), None], "plan_name": ["計画", None],
                          "is_x": [True, None], "national_share_yen": [1_500_000, None]})
    assert_frame_equal(for_display(frame, lang), pl.DataFrame(expected))


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "2024年4月1日 09:30"),
    ("en", "2024-04-01 09:30 JST"),
])
def test_times_are_japan_standard_time(lang, expected) -> None:
    assert datetime_label(datetime(2024, 4, 1, 0, 30), lang) == expected  # stored as UTC


def test_numbers_get_separators_but_years_and_codes_do_not() -> None:
    frame = pl.DataFrame({"national_share_yen": [1], "fiscal_year": [2024], "年度": [2024],
                          "団体コード": [13], "件数": [3]})
    assert set(number_columns(frame)) == {"national_share_yen", "件数"}


def test_a_column_given_decimals_keeps_one_precision_on_every_row() -> None:
    frame = pl.DataFrame({"全国比（pt）": [-11.0, -1.3], "件数": [3, 4]})
    config = number_columns(frame, {"全国比（pt）": 1})
    assert config["全国比（pt）"]["type_config"]["format"] == "%.1f"  # -11.0 beside -1.3
    assert config["件数"]["type_config"]["format"] == "localized"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_scorecard_writes_vs_national_to_one_place(sample_home, monkeypatch, lang) -> None:
    at = app_on(sample_home, monkeypatch)("views/progress.py", lang=lang)
    scorecard = at.dataframe[0]
    column = json.loads(scorecard.proto.columns)[t("col_vs_national", lang)]
    assert column["type_config"]["format"] == "%.1f"
    assert scorecard.proto.placeholder == ""  # a prefecture without a figure: an empty cell
    assert t("col_vs_national", lang) in scorecard.value.columns


def test_no_status_reads_none_in_english() -> None:
    assert "None" not in status_labels("en").values()


def _cells(at) -> list[str]:
    """Every cell as the reader sees it: a missing value is the table's placeholder (Streamlit
    writes "None" unless the table sets one)."""
    def shown(value, placeholder: str | None) -> str:
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        return (placeholder if placeholder is not None else "None") if missing else str(value)

    return [shown(v, df.proto.placeholder if df.proto.HasField("placeholder") else None)
            for df in at.dataframe for col in df.value.columns for v in df.value[col].tolist()]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_progress_tables_show_no_none_and_no_midnight(sample_home, monkeypatch, lang) -> None:
    at = app_on(sample_home, monkeypatch)("views/progress.py", lang=lang)
    at.query_params["lang"] = lang
    at.query_params["pref"] = "13"
    at.run()
    cells = _cells(at)
    assert "None" not in cells and "nan" not in cells
    assert not [c for c in cells if "00:00:00" in c]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_data_and_extracts_pages_show_no_server_path(sample_home, shown, lang) -> None:
    for view in ("views/data.py", "views/extracts.py"):
        at = shown(view, lang=lang)
        text = "\n".join([c.value for c in at.caption] + [m.value for m in at.markdown]
                         + _cells(at))
        assert str(sample_home.home) not in text, view
        assert "+00:00" not in text, view
        if view == "views/data.py":  # published at, in Japan Standard Time
            assert any(("JST" if lang == "en" else "日 ") in c.value for c in at.caption)


def test_an_unknown_line_is_an_empty_cell_not_none() -> None:
    frame = pl.DataFrame({"line": [5, None], "lines": [3, None], "rows": [1234, None]})
    shown = for_display(line_numbers(frame, "line", "lines"), "ja")
    assert shown.to_dicts() == [{"line": "5", "lines": "3", "rows": 1234},
                                {"line": "", "lines": "", "rows": None}]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_data_pages_system_tables_speak_the_pages_language(shown, lang) -> None:
    at = shown("views/data.py", lang=lang)
    headers = {c for df in at.dataframe for c in df.value.columns}
    assert not headers & {"started_at", "files_seen", "rows_loaded", "file_name", "loaded_at",
                          "severity", "message"}, headers
    runs = next(df.value for df in at.dataframe if t("sys_files_seen", lang) in df.value.columns)
    assert set(runs[t("sys_status", lang)]) == {t("sysval_published", lang)}
