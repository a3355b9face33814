"""`saihan dashboard` refuses to serve another address than 127.0.0.1 without login settings,
saying what to configure, unless the public viewer mode is asked for; with an [auth] section in
.streamlit/secrets.toml it starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import invoke

SECRETS = """\
[auth]
redirect_uri = "https://saihan.example.go.jp/oauth2callback"
cookie_secret = "a long random string, at least 32 characters"
client_id = "saihan"
client_secret = "from the identity provider"
server_metadata_url = "https://idp.example.go.jp/.well-known/openid-configuration"
"""


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list:
    """The streamlit commands the dashboard would run (none is run), from a working folder and
    a user home of the test's own."""
    from saihan import serve_commands

    calls: list = []
    monkeypatch.setattr(serve_commands.subprocess, "call",
                        lambda command, env: calls.append((command, env)) or 0)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    return calls


def test_another_address_without_login_is_refused(sample_home, started) -> None:
    result = invoke(sample_home.home, "dashboard", "--server.address", "0.0.0.0")
    assert result.exit_code == 1 and started == []
    assert "ログインが設定されていない" in result.output
    assert "without login settings" in result.output
    assert ".streamlit/secrets.toml" in result.output
    assert "SAIHAN_PUBLIC_VIEWER=true" in result.output


def test_streamlit_settings_count_as_the_address(sample_home, started) -> None:
    result = invoke(sample_home.home, "dashboard", STREAMLIT_SERVER_ADDRESS="192.168.10.5")
    assert result.exit_code == 1 and "192.168.10.5" in result.output and started == []


def test_the_public_viewer_mode_is_asked_for_explicitly(sample_home, started) -> None:
    result = invoke(sample_home.home, "dashboard", "--server.address=0.0.0.0",
                    SAIHAN_PUBLIC_VIEWER="true")
    assert result.exit_code == 0, result.output
    assert started[0][0][-1] == "--server.address=0.0.0.0"


def test_login_settings_let_it_serve_the_network(sample_home, started, tmp_path: Path) -> None:
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(SECRETS, encoding="utf-8")
    result = invoke(sample_home.home, "dashboard", "--server.address", "0.0.0.0")
    assert result.exit_code == 0, result.output


def test_the_documented_secrets_example_configures_a_login(sample_home, started,
                                                          tmp_path: Path) -> None:
    from tests.helpers import REPO

    example = REPO / ".streamlit" / "secrets.toml.example"
    (tmp_path / "user" / ".streamlit").mkdir(parents=True)
    (tmp_path / "user" / ".streamlit" / "secrets.toml").write_bytes(example.read_bytes())
    result = invoke(sample_home.home, "dashboard", "--server.address", "0.0.0.0")
    assert result.exit_code == 0, result.output


def test_loopback_needs_no_login(sample_home, started) -> None:
    assert invoke(sample_home.home, "dashboard").exit_code == 0
    assert started[0][1]["STREAMLIT_SERVER_ADDRESS"] == "127.0.0.1"


def test_saihan_extract_writes_the_access_trail(sample_copy, tmp_path: Path) -> None:
    from warehouse import access_log

    # The session's sample home may already hold the trail of pages other tests opened on it.
    before = len(access_log.read(sample_copy))
    result = invoke(sample_copy.home, "extract", "--pref", "福岡県", "--format", "csv",
                    "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    newest_first = access_log.read(sample_copy)
    (event,) = newest_first[:len(newest_first) - before]
    assert (event.event, event.role, event.pref_codes) == ("extract", "operator", ("40",))
    assert event.files and all(path.startswith("40_") for path in event.files)
