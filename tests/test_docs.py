"""Documentation that fails when it falls behind: settings, marts, data tests, strings."""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import LANGUAGES, STRINGS
from warehouse import db
from warehouse.settings import PROJECT_ROOT, SETTINGS_DOC

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:600]
    assert "uv run saihan demo" in head and "uv run pytest" in head


@pytest.mark.parametrize("name", sorted(SETTINGS_DOC))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in README


@pytest.mark.parametrize("path", sorted((db.SQL_DIR / "mart").glob("*.sql")), ids=lambda p: p.stem)
def test_every_mart_is_documented(path) -> None:
    assert f"`mart.{path.stem}`" in README
    assert path.read_text(encoding="utf-8").startswith("--"), "open the model with a comment"


@pytest.mark.parametrize("path", db.data_tests(), ids=lambda p: p.stem)
def test_every_data_test_is_documented_and_states_its_rule(path) -> None:
    assert f"`{path.stem}`" in README
    assert db.data_test_rule(path) != path.stem


def test_every_string_has_every_language_and_every_key_used_exists() -> None:
    """One list of what is missing: a key without a language (or with a blank text), and a key
    the dashboard asks for that the strings do not have."""
    missing = sorted(f"{key}: {lang}" for key, texts in STRINGS.items() for lang in LANGUAGES
                     if not (texts.get(lang) or "").strip())
    extra = sorted(f"{key}: {lang}" for key, texts in STRINGS.items()
                   for lang in set(texts) - set(LANGUAGES))
    used = {key for path in (PROJECT_ROOT / "dashboard").rglob("*.py")
            for key in re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""",
                                  path.read_text(encoding="utf-8"))}
    unknown = sorted(used - set(STRINGS))
    assert (missing, extra, unknown) == ([], [], [])


def test_no_string_key_is_written_twice() -> None:
    """A key written twice in dashboard/i18n.py (two blocks merged into STRINGS) silently keeps
    only the later text, so one page would show another page's words."""
    source = (PROJECT_ROOT / "dashboard" / "i18n.py").read_text(encoding="utf-8")
    keys = re.findall(r"""^\s*["']([a-z0-9_]+)["']\s*:\s*\{\s*["']ja["']""", source, re.M)
    assert sorted({key for key in keys if keys.count(key) > 1}) == []


def test_code_passes_the_linter() -> None:
    import shutil
    import subprocess

    ruff = shutil.which("ruff")
    assert ruff, "ruff is a dev dependency: uv sync installs it"
    result = subprocess.run([ruff, "check", "--output-format", "concise", str(PROJECT_ROOT)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
