"""Every rejection reason in Japanese and English (issue 12, point 4): the one table of reason
texts is complete, every code the readers raise is in it, and a rejection of a real damaged
file reads in Japanese in the quarantine report, mart.rejected_file and the CLI."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import duckdb
import pytest

from tests.helpers import REPO, invoke, japanese_problems
from warehouse.errors import RejectedFile, reject
from warehouse.ingest import route
from warehouse.ingest.route import JSON_KINDS, SOURCE_KINDS, parse_file
from warehouse.reasons import REASONS, SOURCE_KINDS_JA, Said, placeholders, render
from warehouse.run import run_pipeline
from warehouse.settings import Settings

# Parameters that exist in one language only (a phrase each language words itself), and the
# line and column every reason is given.
ONE_LANGUAGE = re.compile(r".*_(ja|en)$|plural|error|line|column")
FIELD = re.compile(r"\{[A-Za-z_][\w.]*\}")


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_reason_has_japanese_and_english_naming_the_same_things(code: str) -> None:
    ja, en = REASONS[code]
    texts = [ja.todo] if code.startswith("action_") else [ja.found, ja.todo]
    for text in texts:
        words = FIELD.sub("", text)
        if words.strip():  # else the text is another reason's (an ``action`` Said)
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", words), (code, text)
        else:
            assert re.fullmatch(r"\{\w+\.(found|todo)\}", text), (code, text)
    assert en.todo.strip() and (code.startswith("action_") or en.found.strip())
    shared = {p for p in placeholders(ja.found) | placeholders(ja.todo)
              if not ONE_LANGUAGE.fullmatch(p)}
    assert shared == {p for p in placeholders(en.found) | placeholders(en.todo)
                      if not ONE_LANGUAGE.fullmatch(p)}, code


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8")))
            for folder in ("warehouse", "flows", "saihan")
            for path in sorted((REPO / folder).rglob("*.py")) if path.name != "reasons.py"]


def test_every_code_the_readers_raise_has_its_texts() -> None:
    """The code given to reject(), ValueProblem(), Said() and problems.add() is in the table."""
    unknown = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            owner = getattr(getattr(func, "value", None), "id", None)
            position = {"reject": 1, "ValueProblem": 0, "Said": 0, "_choice": 1}.get(name)
            if name == "add" and owner == "problems":
                position = 2
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and arg.value not in REASONS:
                unknown.append(f"{path.relative_to(REPO)}:{node.lineno} {arg.value!r}")
    assert unknown == []


def test_every_text_in_the_table_is_used() -> None:
    constants, patterns = set(), []
    for _, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            elif isinstance(node, ast.JoinedStr):  # f"rate_{given}_only"
                patterns.append("".join(re.escape(v.value) if isinstance(v, ast.Constant)
                                        else "[a-z]+" for v in node.values))
    unused = {code for code in REASONS if code not in constants
              and not any(re.fullmatch(p, code) for p in patterns)}
    assert unused == set()


def test_no_rejection_is_built_without_a_reason_code() -> None:
    """RejectedFile(...) is built by reject() only, and when a kept report is read back."""
    built = []
    for path in sorted((REPO / "warehouse").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "RejectedFile":
                built.append(str(path.relative_to(REPO)))
    assert sorted(built) == ["warehouse/errors.py", "warehouse/run_state.py"]


def test_a_missing_parameter_is_an_error_not_a_hole_in_the_text(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        reject(tmp_path / "x.csv", "field_count", found=3)  # no "expected"
    problem = Said("not_a_date", {"value": "'2018/13/01'"})
    error = reject(tmp_path / "x.csv", "cell_problems", count=2, plural="s", first=problem,
                   where_ja="3行目の「発生日」列", line=3, column="発生日")
    assert error.reason_ja == ("3行目の「発生日」列: 日付として読めません（'2018/13/01'）。"
                               "（このファイルの問題は全部で 2 件）")
    assert error.action_ja.startswith("2024-04-01、2024/4/1、2024年4月1日、令和6年4月1日、R6.4.1 "
                                      "のいずれかの形で書き直してください。報告にある行")
    assert error.reason == "2 problems in the file; the first: '2018/13/01' is not a date"
    assert render("not_a_date", problem.params, "en").todo == (
        "Write the date as 2024-04-01, 2024/4/1, 2024年4月1日, 令和6年4月1日 or R6.4.1")


# Real formats with real damage: the bundled Hokkaido bicycle-theft file, a programme
# template and an e-Stat response.
BICYCLE = "hokkaido_2018zitensyatou.csv"


def _cut_in_a_character(data: bytes) -> bytes:
    end = data.rindex("札".encode("cp932")) + 1  # inside the last double-byte character
    return data[:end]


CRIME_DAMAGE = [
    ("cr_line_ends", lambda d: d.replace(b"\r\n", b"\r"), "行末が CR だけ"),
    ("nul_line_5", lambda d: b"\r\n".join(
        [x if i != 4 else x[:10] + b"\x00" + x[10:] for i, x in enumerate(d.split(b"\r\n"))]),
     "5行目"),
    ("truncated_in_a_character", _cut_in_a_character, "途中で切れています"),
    ("one_field_short", lambda d: d.replace(b"\r\n", b",x\r\n", 3).replace(b",x\r\n", b"\r\n", 2),
     "項目数"),
    ("empty", lambda d: b"", "空です"),
]


@pytest.mark.parametrize(("name", "damage", "says"), CRIME_DAMAGE, ids=[c[0] for c in CRIME_DAMAGE])
def test_a_damaged_real_crime_file_is_rejected_in_japanese(hokkaido_dir: Path, tmp_path: Path,
                                                           name: str, damage, says: str) -> None:
    path = tmp_path / BICYCLE
    path.write_bytes(damage((hokkaido_dir / BICYCLE).read_bytes()))
    with pytest.raises(RejectedFile) as rejected:
        parse_file(path)
    error = rejected.value
    assert error.code in REASONS
    assert says in error.reason_ja, error.reason_ja
    assert not japanese_problems(error.reason_ja, error.action_ja)
    assert error.reason and error.action  # English kept beside it


def test_the_quarantine_report_mart_and_status_show_both_languages(settings: Settings,
                                                                  hokkaido_dir: Path) -> None:
    settings.inbox.mkdir(parents=True)
    data = (hokkaido_dir / BICYCLE).read_bytes().replace(b"\r\n", b"\r")
    (settings.inbox / BICYCLE).write_bytes(data)
    report = run_pipeline(settings)
    assert report.count("rejected") == 1
    [text] = sorted(settings.quarantine.glob("*.report.txt"))
    lines = text.read_text(encoding="utf-8").splitlines()
    japanese = next(i for i, line in enumerate(lines) if line.startswith("内容:"))
    english = next(i for i, line in enumerate(lines) if line.startswith("Found:"))
    assert japanese < english  # Japanese first
    assert "行末が CR だけ" in lines[japanese] and "CR alone" in lines[english]
    assert lines[japanese + 1].startswith("対処:") and "改行で保存し直し" in lines[japanese + 1]
    [kept] = sorted(settings.quarantine.glob("*.report.json"))
    assert json.loads(kept.read_text(encoding="utf-8"))["code"] == "cr_line_ends"
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        [(code, reason_ja, action_ja, reason)] = con.execute(
            "select reason_code, reason_ja, action_ja, reason from mart.rejected_file").fetchall()
    finally:
        con.close()
    assert code == "cr_line_ends" and "CR alone" in reason
    assert "行末が CR だけ" in reason_ja and "もう一度受信フォルダに置いてください" in action_ja
    status = invoke(settings.home, "status")
    assert "CR alone" in status.output and "行末が CR だけ" in status.output


def test_every_input_format_has_a_japanese_name() -> None:
    """A reason naming a format (the closest one to a header, the ones saihan reads) names it
    in Japanese too."""
    assert {k.name for k in (*SOURCE_KINDS, *JSON_KINDS)} == set(SOURCE_KINDS_JA)


def test_a_readers_own_failure_reaches_the_user_without_its_library_text(
        base: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A bug in a reader (here: polars failing inside the crime reader) rejects the file in
    saihan's words, the exception's own text only in the log."""
    def broken(path: Path, content: bytes):
        raise ValueError("could not parse `x` as dtype i64; you might want to try "
                         "increasing `infer_schema_length`")

    kinds = tuple(dataclasses.replace(kind, parse=broken) if kind.name == "crime_open_data"
                  else kind for kind in route.SOURCE_KINDS)
    monkeypatch.setattr(route, "SOURCE_KINDS", kinds)
    with pytest.raises(RejectedFile) as caught:
        parse_file(base)
    said = f"{caught.value.reason} {caught.value.action} {caught.value.reason_ja} " \
           f"{caught.value.action_ja}"
    assert "infer_schema_length" not in said and "could not parse" not in said
    assert "ValueError" in said and "犯罪" in caught.value.reason_ja
    assert "infer_schema_length" in caplog.text  # for whoever reads the run's log
