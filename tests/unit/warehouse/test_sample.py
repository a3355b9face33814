"""The generated crime sample (data/sample/crime) and the real files `saihan sample --from` loads.

The sample is invented incidents in the police format with the real damage, marked データ区分 =
サンプル: the committed files are what the generator writes, they load with the counts its README
states, the warehouse flags them sample, and real data of the same prefecture, modus and year
wins over them. `saihan sample --from` copies real files (the shared Hokkaido 2018 files) into
the inbox as they are.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from saihan.cli import app
from tests.conftest import (
    SAMPLE_CRIME_BY_PREFECTURE,
    SAMPLE_CRIME_DIR,
    SAMPLE_CRIME_INCIDENTS,
    make_settings,
)
from tests.helpers import HOKKAIDO_NAMES
from warehouse.errors import RejectedFile
from warehouse.ingest.crime.read import read_crime_file
from warehouse.run import run_pipeline
from warehouse.sample import bundled_files, copy_from
from warehouse.settings import PROJECT_ROOT, Settings

GENERATOR = PROJECT_ROOT / "data" / "sample" / "generate_crime_sample.py"


def generator():
    """The generator script as a module."""
    spec = importlib.util.spec_from_file_location("generate_crime_sample", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


SAMPLE = generator()
FILES = {f.name: f for f in SAMPLE.FILES}


def test_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    SAMPLE.generate(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in SAMPLE_CRIME_DIR.iterdir())
    for name in written:
        assert (tmp_path / name).read_bytes() == (SAMPLE_CRIME_DIR / name).read_bytes(), name


def test_every_file_is_named_and_marked_sample() -> None:
    names = sorted(p.name for p in SAMPLE_CRIME_DIR.glob("*.csv"))
    assert names == sorted(FILES) and all(n.startswith("sample_") for n in names)
    readme = (SAMPLE_CRIME_DIR / "README.md").read_text(encoding="utf-8")
    assert "サンプルデータ（架空）" in readme and "not police data" in readme
    for name in names:
        assert f"`{name}`" in readme
    assert f"In all {SAMPLE_CRIME_INCIDENTS:,} incidents" in readme
    # the sample is what `saihan sample` bundles instead of any real police file
    bundled = [relative for _, relative in bundled_files()]
    assert sorted(r for r in bundled if r.startswith("sample/crime/")) == [
        f"sample/crime/{n}" for n in names]
    assert not any("hokkaido_2018" in r for r in bundled)


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_file_reads_as_sample_with_its_counts_and_format(name: str) -> None:
    spec = FILES[name]
    result = read_crime_file(SAMPLE_CRIME_DIR / name)
    assert result.is_sample
    assert (result.row_count, result.modus, result.data_year) == (spec.rows, spec.modus, spec.year)
    assert result.pref_name == spec.prefecture
    assert (result.encoding, result.delimiter) == (spec.encoding, spec.delimiter)
    data = (SAMPLE_CRIME_DIR / name).read_bytes()
    assert (b"\r\n" in data) == (spec.eol == "\r\n")
    if spec.encoding == "cp932":
        assert not data.startswith(b"\xef\xbb\xbf")
        data.decode("cp932")
    assert "データ区分" not in result.frame.columns and "unknown_columns" not in [
        f.code for f in result.findings]


def test_the_sample_carries_the_real_damage() -> None:
    results = {n: read_crime_file(SAMPLE_CRIME_DIR / n) for n in FILES}
    codes = {n: {f.code: f for f in r.findings} for n, r in results.items()}
    assert sum(r.row_count for r in results.values()) == SAMPLE_CRIME_INCIDENTS
    by_pref: dict[str, int] = {}
    for r in results.values():
        by_pref[r.pref_code] = by_pref.get(r.pref_code, 0) + r.row_count
    assert by_pref == SAMPLE_CRIME_BY_PREFECTURE
    assert {r.modus for r in results.values()} == set(SAMPLE.MODI)  # all 7 modus
    assert {"cp932", "utf-8-sig"} == {r.encoding for r in results.values()}
    assert {",", "\t"} == {r.delimiter for r in results.values()}
    car = "sample_hokkaido_2022zidousyatou.csv"
    assert "duplicated_layout" in codes[car]
    for name in (car, "sample_hokkaido_2021buhinnerai.csv"):
        assert codes[name]["lg_code_repaired"].count == FILES[name].rows  # 11011 for 011011
    assert codes["sample_hokkaido_2022syazyounerai.csv"]["lg_code_blank"].count == 9
    for name, spec in FILES.items():
        if spec.identical:
            assert codes[name]["identical_rows"].count == spec.identical, name
        assert "date_before_data_year" in codes[name]  # occurred in earlier years
        assert "unparsed_date" not in codes[name] and "unparsed_hour" not in codes[name]
    dates = {d for r in results.values() for d in r.frame["occurred_on_raw"].to_list()}
    for pattern in (r"20\d\d-\d\d-\d\d", r"20\d\d/\d{1,2}/\d{1,2}", r"20\d{6}", "不明"):
        assert any(re.fullmatch(pattern, d) for d in dates), pattern
    hours = {h for r in results.values() for h in r.frame["occurred_hour_raw"].to_list()}
    assert {"00", "7", "不明"} <= hours


# ----------------------------------------------------------------------------- the mark


def _with_mark(path: Path, tmp_path: Path, values: list[str]) -> Path:
    """A copy of a sample file whose データ区分 cells are ``values`` (one per line, cycled)."""
    lines = path.read_bytes().decode("cp932").split("\r\n")
    out = [lines[0]]
    for i, line in enumerate(lines[1:-1]):
        out.append(line.rsplit(",", 1)[0] + "," + values[i % len(values)])
    target = tmp_path / path.name.removeprefix("sample_")
    target.write_bytes(("\r\n".join(out) + "\r\n").encode("cp932"))
    return target


SAMPLE_FILE = SAMPLE_CRIME_DIR / "sample_hokkaido_2022hittakuri.csv"


@pytest.mark.parametrize(("values", "is_sample"), [
    (["サンプル"], True),
    (["ｻﾝﾌﾟﾙ"], True),  # half-width katakana, as some tools write it
    ([""], False),
    (["実データ"], False),
    (["", "実データ"], False),
])
def test_data_class_column_marks_sample_or_real(tmp_path, values, is_sample) -> None:
    result = read_crime_file(_with_mark(SAMPLE_FILE, tmp_path, values))
    assert result.is_sample is is_sample
    assert result.row_count == FILES[SAMPLE_FILE.name].rows


@pytest.mark.parametrize("values", [["サンプル", ""], ["サンプル", "サンプル", "実データ"], ["?"]])
def test_a_file_mixing_sample_and_real_or_unclear_is_rejected(tmp_path, values) -> None:
    with pytest.raises(RejectedFile) as info:
        read_crime_file(_with_mark(SAMPLE_FILE, tmp_path, values))
    assert info.value.column == "データ区分" and "separate files" in info.value.action


# ----------------------------------------------------------------------------- in the warehouse


def _files(settings: Settings) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute("select file_name, is_sample, status from raw.file "
                           "where source_kind = 'crime_open_data' order by file_id").fetchall()
    finally:
        con.close()


def _mart(settings: Settings) -> tuple:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute("select sum(incidents), bool_and(is_sample), bool_or(is_sample) "
                           "from mart.crime_by_station_month").fetchone()
    finally:
        con.close()


def test_the_warehouse_flags_the_sample(sample_home: Settings) -> None:
    files = _files(sample_home)
    assert len(files) == len(FILES) and all(f[1] and f[2] == "loaded" for f in files)
    assert _mart(sample_home) == (SAMPLE_CRIME_INCIDENTS, True, True)


def test_real_data_of_the_same_identity_wins_over_the_sample(settings: Settings,
                                                             tmp_path: Path) -> None:
    real = _with_mark(SAMPLE_FILE, tmp_path, [""])  # the same incidents, as if real
    rows = FILES[SAMPLE_FILE.name].rows
    # sample first, then real: the real delivery supersedes the sample
    assert run_pipeline(settings, [SAMPLE_FILE]).status == "published"
    assert _mart(settings) == (rows, True, True)
    assert run_pipeline(settings, [real]).status == "published"
    assert [f[1:] for f in _files(settings)] == [(True, "superseded"), (False, "loaded")]
    assert _mart(settings) == (rows, False, False)
    # real first, then the sample: the sample never replaces it
    other = make_settings(tmp_path / "other")
    assert run_pipeline(other, [real]).status == "published"
    assert run_pipeline(other, [SAMPLE_FILE]).status == "published"
    assert [f[1:] for f in _files(other)] == [(False, "loaded"), (True, "superseded")]
    assert _mart(other) == (rows, False, False)


# ----------------------------------------------------------------------------- sample --from


def test_sample_from_a_folder_copies_the_real_files_and_a_run_loads_them(
        hokkaido_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = hokkaido_dir.parent  # ../shared/data/crime-open-data
    env = {"SAIHAN_HOME": str(home)}
    first = CliRunner().invoke(app, ["sample", "--from", str(source)], env=env)
    assert first.exit_code == 0, first.output
    inbox = home / "inbox" / source.name / hokkaido_dir.name
    for name in HOKKAIDO_NAMES:
        assert f"copied {(inbox / name).resolve()}" in first.output
        assert (inbox / name).read_bytes() == (hokkaido_dir / name).read_bytes()
    assert f"{len(HOKKAIDO_NAMES)} files copied into {(home / 'inbox').resolve()}" in first.output
    again = CliRunner().invoke(app, ["sample", "--from", str(source)], env=env)
    assert again.exit_code == 0 and "0 files copied" in again.output
    assert "all already there" in again.output

    settings = make_settings(home)
    report = run_pipeline(settings)
    assert report.status == "published" and report.count("loaded") == len(HOKKAIDO_NAMES)
    assert _mart(settings) == (6616, False, False)


def test_sample_from_copies_only_data_files_keeping_subfolders(settings: Settings,
                                                              tmp_path: Path) -> None:
    source = tmp_path / "police"
    (source / "2022").mkdir(parents=True)
    (source / "2022" / "a.csv").write_bytes(SAMPLE_FILE.read_bytes())
    (source / "README.md").write_text("not data", encoding="utf-8")
    (source / ".hidden.csv").write_text("x", encoding="utf-8")
    copied = copy_from(settings, source)
    assert copied == [settings.inbox / "police" / "2022" / "a.csv"]
    assert copy_from(settings, source) == []


def test_sample_from_a_missing_folder_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sample", "--from", str(tmp_path / "nope")],
                                env={"SAIHAN_HOME": str(tmp_path / "home")})
    assert result.exit_code == 1
    assert "nope: no such folder" in result.output
