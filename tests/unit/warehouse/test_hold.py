"""No silent shrink: a re-delivery that would remove much of its dataset is held under held/
with a report, the rest of the run publishes, and `saihan accept` publishes it on purpose."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.helpers import invoke
from warehouse.run import run_pipeline
from warehouse.settings import Settings

BICYCLE = "hokkaido_2018zitensyatou.csv"  # 自転車盗: 3,977 real rows
BICYCLE_ROWS = 3_977


def head(source: Path, target: Path, rows: int) -> Path:
    """The header and the first ``rows`` lines of a real file, bytes as delivered."""
    lines = source.read_bytes().split(b"\r\n")
    target.write_bytes(b"\r\n".join(lines[: rows + 1]) + b"\r\n")
    return target


def published(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def bicycle_rows(settings: Settings) -> int:
    return published(settings, "select sum(incidents) from mart.crime_by_station_month "
                               "where modus = '自転車盗'")[0][0]


def first_delivery(settings: Settings, hokkaido_dir: Path) -> None:
    """The full 自転車盗 file and the ひったくり file, published."""
    settings.inbox.mkdir(parents=True, exist_ok=True)
    for name in (BICYCLE, "hokkaido_2018hittakuri.csv"):
        shutil.copy2(hokkaido_dir / name, settings.inbox / name)
    assert run_pipeline(settings).status == "published"
    assert bicycle_rows(settings) == BICYCLE_ROWS


def test_a_redelivery_of_200_of_3977_rows_is_held_and_the_rest_publishes(
        hokkaido_dir: Path, settings: Settings) -> None:
    first_delivery(settings, hokkaido_dir)
    (settings.inbox / BICYCLE).unlink()
    head(hokkaido_dir / BICYCLE, settings.inbox / "hokkaido_2018zitensyatou_v2.csv", 200)
    shutil.copy2(hokkaido_dir / "hokkaido_2018ootobaitou.csv",
                 settings.inbox / "hokkaido_2018ootobaitou.csv")

    report = run_pipeline(settings)

    assert report.status == "published"
    statuses = {Path(f.file).name: f.status for f in report.files}
    assert statuses["hokkaido_2018zitensyatou_v2.csv"] == "held"
    assert statuses["hokkaido_2018ootobaitou.csv"] == "loaded"
    assert bicycle_rows(settings) == BICYCLE_ROWS  # nothing of the short file was published
    assert not (settings.inbox / "hokkaido_2018zitensyatou_v2.csv").exists()
    held = [p for p in settings.held.iterdir() if p.name.endswith("_v2.csv")]
    assert len(held) == 1
    text = Path(f"{held[0]}.held.txt").read_text(encoding="utf-8")
    assert "3,977 now published, 200 in this file" in text
    assert "SAIHAN_HOLD_SHRINK_SHARE" in text
    assert "saihan accept" in text
    details = json.loads(Path(f"{held[0]}.held.json").read_text(encoding="utf-8"))
    assert (details["rows_before"], details["rows_after"]) == (BICYCLE_ROWS, 200)
    # before/after by station and month, adding up to both totals
    assert {"police_station", "month", "before", "after"} <= set(details["changes"][0])
    assert sum(c["after"] for c in details["changes"]) <= 200
    assert published(settings, "select file_name, rows_before, rows_after, is_accepted "
                               "from mart.held_file") == [
        ("hokkaido_2018zitensyatou_v2.csv", BICYCLE_ROWS, 200, False)]
    # the next run has nothing new: the held file is not held (or loaded) again
    assert run_pipeline(settings).status == "noop"


def test_a_delivery_losing_a_police_station_is_held_even_when_small(
        hokkaido_dir: Path, settings: Settings, tmp_path: Path) -> None:
    first_delivery(settings, hokkaido_dir)
    lines = (hokkaido_dir / BICYCLE).read_bytes().split(b"\r\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    stations = {}
    for line in rows:
        stations.setdefault(line.decode("cp932").split(",")[2], []).append(line)
    smallest = min(stations, key=lambda s: len(stations[s]))
    assert len(stations[smallest]) < BICYCLE_ROWS * 0.2
    kept = [line for line in rows if line.decode("cp932").split(",")[2] != smallest]
    (settings.inbox / BICYCLE).write_bytes(b"\r\n".join([header, *kept]) + b"\r\n")

    report = run_pipeline(settings)

    (held,) = [f for f in report.files if f.status == "held"]
    assert any("police station" in reason and smallest in reason
               for reason in held.hold["reasons"])
    assert bicycle_rows(settings) == BICYCLE_ROWS


def test_saihan_accept_publishes_a_held_file_and_records_who(
        hokkaido_dir: Path, settings: Settings) -> None:
    first_delivery(settings, hokkaido_dir)
    (settings.inbox / BICYCLE).unlink()
    head(hokkaido_dir / BICYCLE, settings.inbox / BICYCLE, 200)
    result = invoke(settings.home, "run")
    assert result.exit_code == 6, result.output
    assert "HELD" in result.output and "saihan accept" in result.output
    status = invoke(settings.home, "status")
    assert "held" in status.output and BICYCLE in status.output
    (held,) = [p for p in settings.held.iterdir() if p.name.endswith(BICYCLE)]

    accepted = invoke(settings.home, "accept", str(held))

    assert accepted.exit_code == 0, accepted.output
    assert bicycle_rows(settings) == 200  # it superseded the full delivery
    ((is_accepted, by, at),) = published(
        settings, "select is_accepted, accepted_by, accepted_at from mart.held_file")
    assert is_accepted and by and at is not None
    assert not held.exists() and (settings.inbox / BICYCLE).exists()
    assert "held" not in invoke(settings.home, "status").output.split("newest first:")[0]
    assert invoke(settings.home, "run").exit_code == 0  # accepted once, not held again


def thinned(source: Path) -> bytes:
    """The real file without every other row of its busiest police station: fewer rows, no
    station or month lost."""
    lines = source.read_bytes().split(b"\r\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    station = [line.decode("cp932").split(",")[2] for line in rows]
    busiest = max(set(station), key=station.count)
    drop = [i for i, s in enumerate(station) if s == busiest][::2]
    kept = [line for i, line in enumerate(rows) if i not in set(drop)]
    return b"\r\n".join([header, *kept]) + b"\r\n"


@pytest.mark.parametrize(("share", "expected"), [("0.2", "loaded"), ("0.05", "held")])
def test_the_share_a_redelivery_may_remove_is_a_setting(
        hokkaido_dir: Path, tmp_path: Path, share: str, expected: str) -> None:
    settings = Settings.from_env({"SAIHAN_HOME": str(tmp_path / "home"),
                                  "SAIHAN_HOLD_SHRINK_SHARE": share})
    settings.inbox.mkdir(parents=True)
    shutil.copy2(hokkaido_dir / BICYCLE, settings.inbox / BICYCLE)
    run_pipeline(settings)
    (settings.inbox / BICYCLE).write_bytes(thinned(hokkaido_dir / BICYCLE))
    (result,) = run_pipeline(settings).files
    assert result.status == expected
    if expected == "loaded":
        assert result.superseded_file_ids == [1]
        assert 0.8 * BICYCLE_ROWS < bicycle_rows(settings) < BICYCLE_ROWS
    else:
        assert bicycle_rows(settings) == BICYCLE_ROWS


def test_a_plan_list_with_fewer_governments_is_held(settings: Settings, tmp_path: Path) -> None:
    """Programme deliveries too: a plan list of 東京都 that no longer has 東京都 itself."""
    from tests.unit.warehouse.ingest.test_programme import plans_rows, write_csv

    run_pipeline(settings, [write_csv(tmp_path / "tokyo.csv", plans_rows("単独"))])
    report = run_pipeline(settings, [write_csv(tmp_path / "tokyo_v2.csv",
                                               plans_rows("他計画に包含")[:2])])
    (result,) = report.files
    assert result.status == "held"
    assert any("local government" in r and "130001" in r for r in result.hold["reasons"])
    assert (tmp_path / "tokyo_v2.csv").exists()  # outside the inbox: copied, never moved
    assert published(settings, "select count(*) from mart.plan_status where lg_code in "
                               "('131016', '130001') and status != 'not_reported'") == [(2,)]


def test_a_held_file_given_again_stays_held_and_changes_nothing(
        hokkaido_dir: Path, settings: Settings, tmp_path: Path) -> None:
    first_delivery(settings, hokkaido_dir)
    short = head(hokkaido_dir / BICYCLE, tmp_path / "short.csv", 200)  # outside the inbox
    assert [f.status for f in run_pipeline(settings, [short]).files] == ["held"]
    before = published(settings, "select * from mart.run")

    result = invoke(settings.home, "ingest", str(short))

    assert result.exit_code == 6, result.output
    assert "noop" in result.output and "HELD" in result.output
    assert published(settings, "select * from mart.run") == before
    assert published(settings, "select count(*) from mart.held_file") == [(1,)]
    assert len([p for p in settings.held.iterdir() if p.name.endswith("short.csv")]) == 1


def test_a_later_delivery_in_the_same_run_losing_a_station_is_held(
        hokkaido_dir: Path, settings: Settings) -> None:
    """Both deliveries of the dataset arrive together: the first's incidents, in the crime
    store's transaction and not yet committed, are what the second is compared with."""
    lines = (hokkaido_dir / BICYCLE).read_bytes().split(b"\r\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    stations: dict[str, int] = {}
    for line in rows:
        station = line.decode("cp932").split(",")[2]
        stations[station] = stations.get(station, 0) + 1
    smallest = min(stations, key=stations.__getitem__)
    settings.inbox.mkdir(parents=True)
    first, second = settings.inbox / "a_" / BICYCLE, settings.inbox / "b_" / BICYCLE
    first.parent.mkdir()
    second.parent.mkdir()
    shutil.copy2(hokkaido_dir / BICYCLE, first)
    second.write_bytes(b"\r\n".join(
        [header, *(line for line in rows if line.decode("cp932").split(",")[2] != smallest)])
        + b"\r\n")

    report = run_pipeline(settings)

    assert report.status == "published", report.error
    statuses = {Path(f.file).parent.name: f.status for f in report.files}
    assert statuses == {"a_": "loaded", "b_": "held"}
    (held,) = [f for f in report.files if f.status == "held"]
    assert any("police station" in reason and smallest in reason
               for reason in held.hold["reasons"])
    assert bicycle_rows(settings) == BICYCLE_ROWS
