"""The build file: a copy of the published warehouse (a reflink clone where the file system can)
that the run writes while the published file, its snapshots and its readers stay as they are."""

from __future__ import annotations

import errno

import pytest

from tests.helpers import sha
from warehouse import db
from warehouse.publish import clone_file, copy_file, open_build
from warehouse.settings import Settings


def test_the_build_file_is_the_published_warehouse_and_writing_it_changes_only_itself(
        sample_copy: Settings) -> None:
    published = sha(sample_copy.warehouse)
    reader = db.open_published(sample_copy.warehouse)  # a dashboard reading meanwhile
    build = open_build(sample_copy, "test")
    assert sha(build) == published
    con = db.connect(build)
    con.execute("delete from mart.crime_by_station_month")
    con.execute("checkpoint")
    con.close()
    assert sha(sample_copy.warehouse) == published
    assert reader.execute("select count(*) from mart.crime_by_station_month").fetchall()[0][0] > 0
    reader.close()


def test_a_clone_is_made_or_refused_never_half_made(sample_copy: Settings, tmp_path) -> None:
    target = tmp_path / "clone.duckdb"
    if clone_file(sample_copy.warehouse, target):  # XFS, btrfs: the blocks are shared
        assert sha(target) == sha(sample_copy.warehouse)
    else:  # ext4, tmpfs: nothing copied, and open_build copies the bytes instead
        assert target.stat().st_size == 0


def test_the_copy_is_the_whole_file_cloned_or_not(sample_copy: Settings, tmp_path) -> None:
    target = tmp_path / "copy.duckdb"
    target.write_bytes(b"an older build left here")  # replaced, not appended to
    cloned = copy_file(sample_copy.warehouse, target)
    assert sha(target) == sha(sample_copy.warehouse)
    assert cloned == clone_file(sample_copy.warehouse, tmp_path / "probe.duckdb")


def test_where_sendfile_cannot_write_a_file_the_copy_is_still_whole(
        sample_copy: Settings, tmp_path, monkeypatch) -> None:
    """macOS and some network file systems refuse sendfile into a regular file."""
    from warehouse import publish

    def refuse(*args) -> int:
        raise OSError(errno.ENOTSOCK, "Socket operation on non-socket")

    monkeypatch.setattr(publish, "_clone", lambda source, target: False)
    monkeypatch.setattr(publish.os, "sendfile", refuse)
    target = tmp_path / "copy.duckdb"
    assert copy_file(sample_copy.warehouse, target) is False
    assert sha(target) == sha(sample_copy.warehouse)


def test_a_copy_that_fails_part_way_is_an_error_not_a_short_file(
        sample_copy: Settings, tmp_path, monkeypatch) -> None:
    from warehouse import publish

    sendfile = publish.os.sendfile
    calls = []

    def fail_after_a_first_piece(out_fd: int, in_fd: int, offset: int, count: int) -> int:
        calls.append(offset)
        if len(calls) > 1:
            raise OSError(errno.EIO, "Input/output error")
        return sendfile(out_fd, in_fd, offset, min(count, 4096))

    monkeypatch.setattr(publish, "_clone", lambda source, target: False)
    monkeypatch.setattr(publish.os, "sendfile", fail_after_a_first_piece)
    with pytest.raises(OSError) as failed:
        copy_file(sample_copy.warehouse, tmp_path / "copy.duckdb")
    assert failed.value.errno == errno.EIO
