"""The harness itself: the app starts in a pty, shows its screen, echoes keys, quits cleanly."""

from __future__ import annotations

import termios

from e2ehelpers import PROMPT_HINT


def test_demo_starts_echoes_typing_and_quits_cleanly(tui):
    term = tui(cols=100, rows=30)
    assert PROMPT_HINT in term.text
    term.type("hello e2e", delay=0.01)
    term.wait_for("hello e2e")
    assert term.quit() == 0
    lflag = termios.tcgetattr(term.proc.fd)[3]  # the shell gets its echo and line editing back
    assert lflag & termios.ECHO and lflag & termios.ICANON


def test_standalone_emulator_serves_the_app(standalone_emulator, tui_on):
    term = tui_on(standalone_emulator, cols=100, rows=30)
    term.wait_for("points")
    assert any(r["path"].endswith("/models") for r in standalone_emulator.requests())
    assert term.quit() == 0
