"""Running the CLI in-process against the emulator (shared by the CLI test modules)."""

import pytest
from click.testing import CliRunner

from poe_tui.cli import cli


@pytest.fixture
def env(emulator, api_key, monkeypatch):
    monkeypatch.setenv("POE_BASE_URL", emulator.base_url)
    monkeypatch.setenv("POE_API_KEY", api_key)
    return emulator


def invoke(*args, input=None):
    """Run `poe-tui ARGS`; no expected failure may ever print a traceback."""
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result
