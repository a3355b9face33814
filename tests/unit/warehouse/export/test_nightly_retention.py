"""SAIHAN_KEEP_EXTRACTS: the nightly run keeps that many dated extract sets and never touches
other folders under extracts/ (the nightly writing itself: tests/unit/flows/test_flows.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.export.nightly import dated_sets, prune_sets
from warehouse.settings import Settings

NIGHTS = ("2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01")


def home_with_sets(tmp_path: Path, keep: str) -> Settings:
    settings = Settings.from_env({"SAIHAN_HOME": str(tmp_path / "home"),
                                  "SAIHAN_KEEP_EXTRACTS": keep})
    for night in NIGHTS:
        (settings.extracts / night / "01_hokkaido").mkdir(parents=True)
        (settings.extracts / night / "manifest.json").write_text("{}", encoding="utf-8")
    (settings.extracts / "for-the-minister").mkdir()  # `saihan extract --out` of someone's
    return settings


def test_the_newest_dated_sets_are_kept_and_other_folders_left_alone(tmp_path: Path) -> None:
    settings = home_with_sets(tmp_path, "2")
    removed = prune_sets(settings, keep=settings.extracts / NIGHTS[-1])
    assert [p.name for p in removed] == ["2026-11-29", "2026-11-28"]
    assert sorted(p.name for p in settings.extracts.iterdir()) == [
        "2026-11-30", "2026-12-01", "for-the-minister"]


def test_the_set_in_use_is_kept_even_when_older_than_the_rest(tmp_path: Path) -> None:
    settings = home_with_sets(tmp_path, "1")
    prune_sets(settings, keep=settings.extracts / NIGHTS[0])
    assert [p.name for p in dated_sets(settings)] == ["2026-12-01", "2026-11-28"]


def test_zero_keeps_every_set(tmp_path: Path) -> None:
    settings = home_with_sets(tmp_path, "0")
    assert prune_sets(settings, keep=settings.extracts / NIGHTS[-1]) == []
    assert len(dated_sets(settings)) == len(NIGHTS)


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_a_bad_retention_is_refused_saying_what_to_give(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match="SAIHAN_KEEP_EXTRACTS must be a whole number"):
        Settings.from_env({"SAIHAN_HOME": str(tmp_path), "SAIHAN_KEEP_EXTRACTS": value})
