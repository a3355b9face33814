"""The inbox is not a door (issue 12, point 6): a symlink that resolves outside the inbox is
never followed, moved or read, but it is rejected with a report (kept, listed by saihan
status, in mart.rejected_file and the run report) and not rejected again until it changes;
notes, documents and images beside the data are listed as ignored, never quarantined."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import make_settings
from tests.helpers import invoke
from warehouse.report import render_markdown
from warehouse.run import run_pipeline
from warehouse.settings import Settings

# Bytes that would be rejected (and the file moved into quarantine) if a run ever read them.
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def rejected_rows(settings: Settings) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute("select source_path, quarantined_path, reason_ja || ' / ' || reason "
                           "from mart.rejected_file order by rejected_at").fetchall()
    finally:
        con.close()


def reports(settings: Settings) -> list[Path]:
    return sorted(settings.quarantine.glob("*.report.txt"))


def make_link(settings: Settings, tmp_path: Path, kind: str) -> tuple[Path, Path]:
    """A symlink in the inbox pointing outside it; returns (link, what it points at)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    precious = elsewhere / "precious.csv"
    precious.write_bytes(BINARY)
    settings.inbox.mkdir(parents=True)
    if kind == "file":
        link, target = settings.inbox / "link.csv", precious
    elif kind == "folder":
        link, target = settings.inbox / "linked", elsewhere
    elif kind == "dangling":
        link, target = settings.inbox / "gone.csv", elsewhere / "not_there.csv"
    else:  # a link to a file outside, in a subfolder of the inbox
        (settings.inbox / "hokkaido").mkdir()
        link, target = settings.inbox / "hokkaido" / "deep.csv", precious
    link.symlink_to(target, target_is_directory=kind == "folder")
    return link, target


LINK_KINDS = ["file", "folder", "dangling", "nested"]


@pytest.mark.parametrize("kind", LINK_KINDS)
def test_a_symlink_out_is_rejected_with_a_report_and_its_target_untouched(
    settings: Settings, tmp_path: Path, kind: str,
) -> None:
    link, target = make_link(settings, tmp_path, kind)
    before = sorted(p.name for p in (tmp_path / "elsewhere").iterdir())
    result = invoke(settings.home, "run")
    assert result.exit_code == 3, result.output  # rejected: exit 3
    assert "REJECTED" in result.output and "outside the inbox" in result.output
    assert "内容: 受信フォルダの外を指すシンボリックリンク" in result.output  # and in Japanese
    assert "対処: リンクではなくファイルそのものを" in result.output
    # The target is where it was, byte for byte; the link is left where it is.
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == before
    assert (tmp_path / "elsewhere" / "precious.csv").read_bytes() == BINARY
    assert link.is_symlink() and os.readlink(link) == str(target)
    # A report in quarantine naming the link and what it points to; nothing else there.
    [text] = reports(settings)
    assert str(link) in text.read_text(encoding="utf-8")
    assert str(target) in text.read_text(encoding="utf-8")
    assert all(p.name.endswith((".report.txt", ".report.json"))
               for p in settings.quarantine.iterdir())
    [(source, kept, reason)] = rejected_rows(settings)
    assert source == kept == str(link)
    assert "シンボリックリンク" in reason and "outside the inbox" in reason
    status = invoke(settings.home, "status")
    assert f"rejected {link}" in status.output and str(text) in status.output
    [run_file] = sorted(settings.runs.glob("*.json"))
    markdown = render_markdown(json.loads(run_file.read_text(encoding="utf-8")))
    assert "**REJECTED**" in markdown and str(text) in markdown
    assert "- 内容: 受信フォルダの外を指すシンボリックリンク" in markdown  # English, then Japanese


@pytest.mark.parametrize("kind", LINK_KINDS)
def test_a_rejected_symlink_is_not_rejected_again_until_it_changes(
    settings: Settings, tmp_path: Path, kind: str,
) -> None:
    link, target = make_link(settings, tmp_path, kind)
    first = run_pipeline(settings)
    assert first.count("rejected") == 1
    published = settings.warehouse.read_bytes()
    again = run_pipeline(settings)
    assert again.status == "noop" and again.count("rejected") == 0
    assert settings.warehouse.read_bytes() == published  # nothing rebuilt or republished
    assert len(reports(settings)) == 1 and len(rejected_rows(settings)) == 1
    assert invoke(settings.home, "run").exit_code == 0
    # Pointed elsewhere (a new link, so a new target string and mtime): reported again.
    link.unlink()
    other = tmp_path / "elsewhere" / "other.csv"
    link.symlink_to(other)
    changed = run_pipeline(settings)
    assert changed.count("rejected") == 1 and changed.status == "published"
    assert len(reports(settings)) == 2 and len(rejected_rows(settings)) == 2


def test_an_arrival_run_for_a_symlink_rejects_it_once_and_never_reads_it(
    settings: Settings, tmp_path: Path,
) -> None:
    """What `saihan serve` does when the watcher reports a link as a complete file."""
    link, target = make_link(settings, tmp_path, "file")
    for _ in range(3):
        run_pipeline(settings, [link], trigger="arrival", with_settled_inbox=True)
    assert len(rejected_rows(settings)) == 1 and len(reports(settings)) == 1
    assert target.read_bytes() == BINARY and link.is_symlink()
    assert not any(p for p in settings.quarantine.iterdir() if p.suffix == ".csv")


def test_a_link_rejection_survives_a_run_that_publishes_nothing(
    settings: Settings, tmp_path: Path,
) -> None:
    """Its report on disk is the record: the next run records it without reading the link."""
    link, _ = make_link(settings, tmp_path, "file")
    run_pipeline(settings)
    settings.warehouse.unlink()  # as if the run that found it had been killed before publishing
    for snapshot in settings.snapshots.glob("*"):
        snapshot.unlink()
    report = run_pipeline(settings)
    assert report.count("rejected") == 1
    [(source, _, _)] = rejected_rows(settings)
    assert source == str(link) and len(reports(settings)) == 1


NOT_DATA = [
    ("README.md", "# 北海道警察 犯罪発生情報\n"),
    ("readme.txt", "このフォルダには2018年のデータがあります。\n"),
    ("説明.txt", "受領日: 2024-04-01\n"),
    ("LICENSE", "CC BY 4.0\n"),
    ("仕様書.pdf", "%PDF-1.4\n"),
    ("scan.png", BINARY),
    ("photo.JPG", b"\xff\xd8\xff\xe0" + bytes(64)),
    ("memo.docx", b"PK\x03\x04" + bytes(64)),
]


def test_notes_documents_and_images_are_listed_as_ignored_not_quarantined(
    settings: Settings, base: Path,
) -> None:
    settings.inbox.mkdir(parents=True)
    shutil.copy2(base, settings.inbox / base.name)
    for name, content in NOT_DATA:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (settings.inbox / name).write_bytes(data)
    result = invoke(settings.home, "run")
    assert result.exit_code == 0, result.output
    report = json.loads(sorted(settings.runs.glob("*.json"))[-1].read_text(encoding="utf-8"))
    by_status = {}
    for file in report["files"]:
        by_status.setdefault(file["status"], []).append(Path(file["file"]).name)
    assert sorted(by_status["ignored"]) == sorted(name for name, _ in NOT_DATA)
    assert by_status["loaded"] == [base.name]
    assert report["summary"]["ignored"] == len(NOT_DATA)
    assert report["summary"]["files_seen"] == 1 and report["summary"]["rejected"] == 0
    assert not list(settings.quarantine.iterdir())
    assert all((settings.inbox / name).exists() for name, _ in NOT_DATA)  # left where they are
    assert f"ignored    {settings.inbox / 'README.md'}: not data" in result.output
    assert "| ignored | `" in render_markdown(report)
    status = invoke(settings.home, "status")
    assert f"ignored {len(NOT_DATA)} file(s), not data" in status.output
    assert "README.md" in status.output
    # The next run has nothing new: it still lists them, and reads none.
    again = run_pipeline(settings)
    assert again.status == "noop" and again.count("ignored") == len(NOT_DATA)


def test_a_txt_file_holding_data_is_read(settings: Settings, base: Path,
                                         tmp_path: Path) -> None:
    """Excel saves tab-separated text as .txt: only notes by name are ignored."""
    settings.inbox.mkdir(parents=True)
    shutil.copy2(base, settings.inbox / "zitensyatou_2018.txt")
    report = run_pipeline(settings)
    assert report.count("loaded") == 1 and report.count("ignored") == 0


def test_a_note_given_to_saihan_ingest_is_ignored(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home")
    note = tmp_path / "README.md"
    note.write_text("# notes\n", encoding="utf-8")
    report = run_pipeline(settings, [note], trigger="ingest")
    assert report.count("ignored") == 1 and report.count("rejected") == 0
    assert note.exists() and not list(settings.quarantine.iterdir())
