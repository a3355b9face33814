"""Property (issue 12, "Done when"): over hostile variants of a real police file (truncated,
NUL bytes, stray quotes, CR-only line ends, flipped bytes, a damaged header, and mixes of
these), every file either loads completely, or is held, or is quarantined with a report; and
the published warehouse is otherwise unchanged. Bounded: 6 runs of 2-4 files, and 60 files
through the readers alone, in about 20 s."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import make_settings
from warehouse import db
from warehouse.errors import RejectedFile
from warehouse.ingest.route import parse_file
from warehouse.run import run_pipeline
from warehouse.settings import Settings

BASE = "hokkaido_2018zitensyatou.csv"
OTHER = "hokkaido_2018hittakuri.csv"
# Words of the libraries underneath that a person must never be shown as a reason.
LIBRARY_WORDS = ("polars", "infer_schema_length", "Traceback", "UnicodeDecodeError",
                 "codec can't", "ComputeError", "Error:")


def _truncate(data: bytes, at: float, _: int) -> bytes:
    return data[: max(1, int(len(data) * at))]


def _nul(data: bytes, at: float, _: int) -> bytes:
    i = int(len(data) * at)
    return data[:i] + b"\x00" + data[i:]


def _quote(data: bytes, at: float, _: int) -> bytes:
    i = int(len(data) * at)
    return data[:i] + b'"' + data[i:]


def _cr_only(data: bytes, _: float, __: int) -> bytes:
    return data.replace(b"\r\n", b"\r")


def _flip(data: bytes, at: float, bits: int) -> bytes:
    i = min(int(len(data) * at), len(data) - 1)
    return data[:i] + bytes([data[i] ^ (bits or 1)]) + data[i + 1:]


def _header(data: bytes, at: float, bits: int) -> bytes:
    end = next(i for i in (data.find(b"\n"), data.find(b"\r"), len(data)) if i >= 0)
    i = int(end * at)
    return data[:i] + data[i + 1 + bits % 6:]  # a few bytes of the header gone


DAMAGE = {"truncate": _truncate, "nul": _nul, "quote": _quote, "cr_only": _cr_only,
          "flip": _flip, "header": _header}

damage = st.tuples(st.sampled_from(sorted(DAMAGE)), st.floats(0.0, 0.999),
                   st.integers(0, 255))
variants = st.lists(st.lists(damage, min_size=1, max_size=3), min_size=2, max_size=4)


def hostile(data: bytes, steps: list[tuple[str, float, int]]) -> bytes:
    for name, at, bits in steps:
        data = DAMAGE[name](data, at, bits)
    return data


def expected_rows(data: bytes) -> int | None:
    """How many incidents a complete load of the bytes holds: records after the header, by
    Python's csv module on the strict CP932 text; None when that cannot be read either."""
    try:
        text = data.decode("cp932")
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error):
        return None
    return len([r for r in records if any(cell.strip() for cell in r)]) - 1


def published(settings: Settings) -> dict[str, tuple]:
    """Every delivery the published warehouse holds: sha256 -> (status, rows loaded)."""
    con = db.open_published(settings.warehouse, settings.crime_store)
    try:
        return {sha: (status, rows) for sha, status, rows in con.execute(
            "select f.sha256, f.status, count(i.file_id) from raw.file as f left join "
            "raw.crime_incident as i using (file_id) group by all").fetchall()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def published_home(crime_fixtures: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Two real files published; each example starts from a copy."""
    settings = make_settings(tmp_path_factory.mktemp("hostile") / "home")
    settings.inbox.mkdir(parents=True)
    for name in (BASE, OTHER):
        shutil.copy2(crime_fixtures / name, settings.inbox / name)
    assert run_pipeline(settings).status == "published"
    return settings


# Each example is a whole run of 2-4 hostile files (1-3 s on 2 busy cores): few examples, no
# shrinking, so that a failure is reported at once; the readers alone see 60 more below.
@hypothesis_settings(max_examples=6, deadline=None, derandomize=True, database=None,
                     phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=variants)
def test_every_hostile_file_loads_whole_or_is_held_or_quarantined_with_a_report(
    published_home: Settings, crime_fixtures: Path, tmp_path_factory: pytest.TempPathFactory,
    batch: list[list[tuple[str, float, int]]],
) -> None:
    home = tmp_path_factory.mktemp("example") / "home"
    shutil.copytree(published_home.home, home)
    settings = make_settings(home)
    before = published(settings)
    data = (crime_fixtures / BASE).read_bytes()
    files = {}
    for n, steps in enumerate(batch):
        path = settings.inbox / f"variant_{n}.csv"
        path.write_bytes(hostile(data, steps))
        files[path] = path.read_bytes()
    report = run_pipeline(settings)
    assert report.status in ("published", "noop"), report.error
    after = published(settings)
    results = {Path(r.file).name: r for r in report.files}
    for path, content in files.items():
        result = results[path.name]
        assert result.status in ("loaded", "unchanged", "held", "rejected"), result.status
        if result.status == "loaded":  # completely: every incident of the file, no more
            assert after[result.sha256][1] == result.rows == expected_rows(content)
        elif result.status == "rejected":
            kept = Path(result.quarantined_as)
            assert kept.read_bytes() == content and not path.exists()
            text = Path(f"{kept}.report.txt").read_text(encoding="utf-8")
            assert path.name in text and "To do:" in text
            assert not any(word in result.rejection["reason"] for word in LIBRARY_WORDS)
        elif result.status == "held":
            assert Path(f"{result.held_as}.held.txt").is_file() and not path.exists()
        else:
            assert result.sha256 in before
    # Otherwise unchanged: every earlier delivery is still there with its rows; only one that
    # a loaded variant (same dataset) superseded changes its status.
    for sha, (status, rows) in before.items():
        assert after[sha][1] == rows
        assert after[sha][0] == status or (status, after[sha][0]) == ("loaded", "superseded")
    new = {r.sha256 for r in report.files if r.status == "loaded"}
    assert set(after) == set(before) | new


@hypothesis_settings(max_examples=60, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(damage, min_size=1, max_size=3))
def test_every_hostile_file_parses_whole_or_is_rejected_in_saihan_words(
    crime_fixtures: Path, tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[str, float, int]],
) -> None:
    """The readers alone, on many more variants: a parse holds every record or a rejection
    names the file, says what to do, and carries no library's words."""
    content = hostile((crime_fixtures / BASE).read_bytes(), steps)
    path = tmp_path_factory.mktemp("parse") / BASE
    path.write_bytes(content)
    try:
        parsed = parse_file(path)
    except RejectedFile as error:
        assert str(path) in str(error) and error.action
        assert not any(word in error.reason for word in LIBRARY_WORDS), error.reason
        return
    assert parsed.frame.height == expected_rows(content)
