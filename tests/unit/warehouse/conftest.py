"""Every rejection reason the warehouse tests provoke is checked in Japanese as it is made: the
table-driven rejection cases (ingest/**, test_inbox_door.py, test_true_reasons*.py, ...) fail
when a reason they reach has no Japanese text or leaves a placeholder unfilled."""

from __future__ import annotations

import pytest

from tests.helpers import japanese_problems
from warehouse import reasons


@pytest.fixture(scope="session", autouse=True)
def every_reason_reads_in_japanese():
    """Wrap reasons.render (session-wide, so Hypothesis tests take it too). A failure is
    raised where the reason is made and also kept, so that a reader catching every error
    cannot hide it: the session's teardown reports what was kept."""
    real = reasons.render
    failures: list[str] = []

    def checked(code: str, params: dict, lang: str) -> reasons.Text:
        text = real(code, params, lang)
        if lang == "ja":
            problems = japanese_problems(*text, action_only=code.startswith("action_"))
            if problems:
                failures.append(f"reason {code!r} in Japanese: {problems}")
                raise AssertionError(failures[-1])
        return text

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reasons, "render", checked)
        yield
    assert not failures, failures
