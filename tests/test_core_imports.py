"""The headless core never imports Textual: checked in a fresh interpreter per module."""

import subprocess
import sys

import pytest

CORE = ["poe_tui.client", "poe_tui.store", "poe_tui.chat", "poe_tui.config", "poe_tui.export",
        "poe_tui.runtime", "poe_tui.textsafe", "poe_tui.botsearch", "poe_tui.emulator.app"]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module):
    code = f"import sys, {module}; bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'poe_tui.tui'))); print(bad); sys.exit(1 if bad else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} pulled in {result.stdout.strip()} {result.stderr[-500:]}"


def test_cli_help_imports_nothing_heavy():
    code = "import sys; from poe_tui import cli; heavy = [m for m in ('textual', 'httpx', 'sqlite_utils', 'uvicorn') if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
