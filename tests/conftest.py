"""Shared fixtures: one running Poe emulator for the session, and isolation from the user's real dirs.

Subfolders add their own fixtures in their own conftest files; keep this one small.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def _emulator_server() -> Iterator[object]:
    from poe_tui.emulator.server import EmulatorServer

    with EmulatorServer() as server:
        yield server


@pytest.fixture
def emulator(_emulator_server):
    """The session's running emulator (`.base_url`, `.state`), reset to a clean state for this test."""
    _emulator_server.state.reset()
    return _emulator_server


@pytest.fixture
def api_key() -> str:
    from poe_tui.emulator.state import DEFAULT_KEY

    return DEFAULT_KEY


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path, monkeypatch) -> None:
    """Never touch the user's config, data or key: XDG dirs under tmp_path, no POE_* variables."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("POE_API_KEY", raising=False)
    monkeypatch.delenv("POE_BASE_URL", raising=False)
