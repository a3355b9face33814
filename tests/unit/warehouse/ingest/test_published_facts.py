"""The bundled published facts as a reader checks them: the 2020 census population of the 47
prefectures (adding up to 126,146,099) and the earlier white papers' national series, each row
with its quote and the page that prints it; and a bad page address rejected with its line."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from dashboard.i18n import source_label
from tests.helpers import japanese_problems, published_prefecture_files
from warehouse import reference, resources
from warehouse.errors import RejectedFile
from warehouse.ingest.published_facts import parse_published_facts
from warehouse.ingest.route import parse_file

PUBLISHED = resources.root() / "data" / "published"
SERIES_FILES = ("crime_white_paper_2020_facts.csv", "white_paper_2020_facts.csv",
                "white_paper_2021_facts.csv", "white_paper_2022_facts.csv")


def parsed(name: str):
    path = PUBLISHED / name
    return parse_published_facts(path, path.read_bytes()).frame


def written_in(quote: str, value: float) -> bool:
    """Whether the quote prints the value, as 5,224,614 or as 69万1527."""
    number = int(value)
    compact = re.sub(r"\s", "", quote)
    forms = {f"{number:,}", str(number)}
    if number >= 10_000:
        forms.add(f"{number // 10_000}万{number % 10_000}")
    return any(form in compact for form in forms)


def test_census_2020_population_is_47_prefectures_adding_up_to_126146099() -> None:
    frame = parsed("census_2020_population.csv")
    prefectures = frame.filter(frame["pref_name"].is_not_null())
    national = frame.filter(frame["pref_name"].is_null())
    assert prefectures.height == 47
    # In JIS order, one row per prefecture: census2020_population_01 is 北海道.
    codes = [f.removeprefix("census2020_population_") for f in prefectures["fact_id"]]
    assert dict(zip(codes, prefectures["pref_name"], strict=True)) == reference.prefecture_names()
    assert sum(int(v) for v in prefectures["value"]) == 126_146_099
    assert national["value"].to_list() == ["126146099"]
    assert set(frame["as_of"]) == {"2020-10-01"}
    assert set(frame["source"]) == {"令和2年国勢調査 人口等基本集計"}


@pytest.mark.parametrize("name", ["census_2020_population.csv", *SERIES_FILES])
def test_every_published_row_quotes_its_figure_and_names_its_page(name: str) -> None:
    frame = parsed(name)
    assert frame.height > 0
    for row in frame.iter_rows(named=True):
        assert row["source_url"].startswith("https://"), row["fact_id"]
        assert written_in(row["quote"], float(row["value"])), (row["fact_id"], row["quote"])


def test_series_files_are_one_edition_each_with_ids_of_their_own() -> None:
    ids = []
    for name in SERIES_FILES:
        frame = parsed(name)
        assert frame["source"].n_unique() == 1
        ids += frame["fact_id"].to_list()
    base = parsed("white_paper_2024_facts.csv")
    assert base["source_url"].null_count() == base.height  # the older format has no column
    assert len(set(ids) | set(base["fact_id"])) == len(ids) + base.height


def test_a_source_address_that_is_not_a_web_page_is_rejected_with_its_line(
        tmp_path: Path) -> None:
    header = ("fact_id,topic,measure,level,method,pref_name,value,unit,as_of,source,section,"
              "quote,source_url\r\n")
    rows = ("a,councils,member_governments,,,,98,governments,2020-04-01,S,,98,"
            "https://www.moj.go.jp/\r\n"
            "b,councils,member_governments,,,,90,governments,2019-06-01,S,,90,"
            "javascript:alert(1)\r\n")
    path = tmp_path / "facts.csv"
    path.write_bytes((header + rows).encode("utf-8-sig"))
    with pytest.raises(RejectedFile) as caught:
        parse_published_facts(path, path.read_bytes())
    rejected = caught.value
    assert (rejected.line, rejected.column) == (3, "source_url")
    assert "javascript:alert(1)" in rejected.reason and "https://" in rejected.action
    assert not japanese_problems(rejected.reason_ja, rejected.action_ja)
    assert "https://" in rejected.action_ja


def test_kagoshima_published_values_are_real_rows_whose_rates_follow_from_their_counts() -> None:
    """鹿児島県's own series (its material for the ministry's council): 再犯者数 / 検挙者数 gives
    the printed 再犯者率 in every year, and 備考 quotes the figures."""
    rows = indicator_rows("kagoshima_recidivism_2014_2021.csv")
    assert [r["期間"] for r in rows] == [f"{y}年" for y in range(2014, 2022)]
    for row in rows:
        assert row["都道府県"] == "鹿児島県" and row["データ区分"] == "実データ"
        assert round(int(row["分子"]) * 100 / int(row["分母"]), 1) == float(row["値"])
        assert f"{int(row['分母']):,}" in row["備考"] and row["値"] in row["備考"]
        assert row["出典"] == "鹿児島県「再犯防止の推進について」（法務省 協議会資料2-1）"
        assert row["備考"].endswith("出典 https://www.moj.go.jp/content/001405376.pdf")


def indicator_rows(name: str) -> list[dict[str, str]]:
    text = (PUBLISHED / name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


PREFECTURE_FILES = published_prefecture_files()


def test_several_prefectures_published_their_own_values() -> None:
    prefectures = {rows[0]["都道府県"] for rows in PREFECTURE_FILES.values()}
    assert len(prefectures) == len(PREFECTURE_FILES) >= 6  # one file per prefecture
    assert prefectures <= set(reference.prefecture_names().values())


@pytest.mark.parametrize("name", sorted(PREFECTURE_FILES))
def test_a_prefectures_own_values_are_real_and_quoted_with_their_page(name: str) -> None:
    """Each row is real, names one prefecture, quotes the page (「…」) with its figures in 備考 and
    ends with the page's address; where the counts are given, 再犯者数 / 検挙者数 is the printed
    rate to one decimal."""
    rows = indicator_rows(name)
    assert len({r["都道府県"] for r in rows}) == 1
    # It loads through the indicator template's route, as real rows of that prefecture.
    parsed = parse_file(PUBLISHED / name)
    code = {v: k for k, v in reference.prefecture_names().items()}[rows[0]["都道府県"]]
    assert parsed.source_kind == "indicators"
    assert set(parsed.frame["pref_code"]) == {code}
    assert not parsed.is_sample
    assert parsed.frame["value"].to_list() == [float(r["値"]) for r in rows]
    # English pages name the publication in English (dashboard/i18n.py), not in Japanese.
    for source in set(parsed.frame["source"]):
        assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", source_label(source, "en")), source
    for row in rows:
        assert row["データ区分"] == "実データ" and row["出典"], row
        note = row["備考"]
        assert re.search(r"出典 https?://\S+$", note), note
        assert "「" in note  # the page's own words
        if row["単位"] == "%":
            assert row["値"] in note, (row["値"], note)
        else:
            assert written_in(note, float(row["値"])), (row["値"], note)
        if row["分子"] or row["分母"]:
            assert row["単位"] == "%"
            assert round(int(row["分子"]) * 100 / int(row["分母"]), 1) == float(row["値"])
            assert f"{int(row['分子']):,}" in note and f"{int(row['分母']):,}" in note
