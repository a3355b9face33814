"""Rankings read the same on every visit: equal counts are ordered by name or code, so a chart
of the same warehouse never swaps two bars between renders, and the 20th place of a top-20 is
the same station each time."""

from __future__ import annotations

import polars as pl

from dashboard import alt_text, charts, queries
from warehouse import db
from warehouse.settings import Settings


def top_stations(home: Settings, limit: int = 20) -> pl.DataFrame:
    """Hokkaido's top stations by incidents, every year and modus, as the crime page asks."""
    con = db.open_published(home.warehouse)
    try:
        years, modi = (tuple(r[0] for r in con.sql(
            f"select distinct {column} from mart.crime_by_station_month where pref_code = '01'"
        ).fetchall()) for column in ("data_year", "modus"))
        return queries.crime_top_stations(con, "01", years, modi, (), limit=limit)
    finally:
        con.close()


def test_stations_with_equal_counts_are_ranked_by_name(sample_home: Settings) -> None:
    ranked = [top_stations(sample_home, limit)
              .unique(["police_station", "station_total"], maintain_order=True)
              .select("station_total", "police_station").rows() for limit in (20, 2)]
    stations = ranked[0]
    # the generated sample has two stations of 297 incidents each: the tie this is about
    assert (297, "中央") in stations and (297, "北") in stations
    assert stations == sorted(stations, key=lambda r: (-r[0], r[1]))
    # a top-2 cut between them keeps the same two every time, in the same order
    assert ranked[1] == stations[:2]


def test_the_station_chart_and_its_table_draw_them_in_that_order(sample_home: Settings) -> None:
    top = top_stations(sample_home)
    stations = top.unique("police_station", maintain_order=True)["police_station"].to_list()
    assert stations.index("中央") + 1 == stations.index("北")  # the two of 297 incidents
    # The frame as polars would hand it over in any order: the chart and table order it.
    for shuffled in (top.reverse(), top.sample(fraction=1.0, shuffle=True, seed=7)):
        figure = charts.stacked_bars(shuffled, "police_station", "ja")
        assert list(figure.data[0].y) == stations
        summary, table = alt_text.stacked(shuffled, "police_station", "警察署", "ja")
        assert table["警察署"].to_list() == stations
        assert "中央（297）" in summary
