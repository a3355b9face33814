"""Readable, complete links (dashboard.links), without Streamlit."""

from __future__ import annotations

import pytest

from dashboard.links import asked_path, find_series, indicator_params, kept

SERIES = [  # as mart.indicator_value names them, in the page's order
    {"series_key": "template|2|1-1|%", "edition": 2, "indicator_number": "1-1",
     "indicator_name": "刑法犯検挙者中の再犯者率", "unit": "%"},
    {"series_key": "template|2|1-1|人", "edition": 2, "indicator_number": "1-1",
     "indicator_name": "刑法犯検挙者中の刑法犯再犯者数", "unit": "人"},
    {"series_key": "estat|0003|x", "edition": None, "indicator_number": None,
     "indicator_name": "矯正施設 入所者数", "unit": "人"},
]


@pytest.mark.parametrize(("params", "expected"), [
    ({"plan": "2", "indicator": "1-1", "unit": "人"}, "template|2|1-1|人"),
    ({"plan": "2", "indicator": "1-1"}, "template|2|1-1|%"),  # unit left out: the first
    ({"indicator": "矯正施設 入所者数"}, "estat|0003|x"),  # no number: by name
    ({"plan": "1", "indicator": "1-1"}, None),  # another edition's 1-1 is not this one
    ({"series": "template|2|1-1|人"}, None),  # the internal key is not a readable link
    ({}, None),
])
def test_find_series(params, expected) -> None:
    assert find_series(SERIES, params) == expected


def test_every_series_round_trips_through_its_parameters() -> None:
    for row in SERIES:
        params = indicator_params(row["edition"], row["indicator_number"],
                                  row["indicator_name"], row["unit"])
        assert "|" not in "".join(params.values())
        assert find_series(SERIES, params) == row["series_key"]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"lang": "ja"}),
    ({"lang": "en", "map": "geo", "pref": "13"}, {"lang": "ja", "map": "geo"}),
    ({"map": "<script>"}, {"lang": "ja"}),
])
def test_kept_parameters(params, expected) -> None:
    assert kept(params, "ja") == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("http://127.0.0.1:8501/", ""),
    ("http://127.0.0.1:8501", ""),
    ("http://127.0.0.1:8501/old-page", "old-page"),
    ("http://host/saihan/crime/", "crime"),
    ("http://host/%E3%81%82", ""),  # not a name a page could have
    (None, ""),
])
def test_asked_path(url, expected) -> None:
    assert asked_path(url) == expected
