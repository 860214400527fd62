"""SIGTERM and SIGHUP end the app as ctrl+q does: the terminal is given back whole (issue 9.2)."""

from __future__ import annotations

import signal
import termios

import pytest
from e2ehelpers import messages

RESTORE = {
    "leaves the alternate screen": "\x1b[?1049l",
    "shows the cursor": "\x1b[?25h",
    "stops mouse reporting": "\x1b[?1000l",
    "stops any-motion mouse reporting": "\x1b[?1003l",
}


def assert_terminal_given_back(term, since: int) -> None:
    written = term.raw_text(since)
    missing = [what for what, seq in RESTORE.items() if seq not in written]
    assert not missing, f"after the signal the app never {', '.join(missing)}; it wrote {written[-400:]!r}"
    assert not term.screen.cursor.hidden
    lflag = termios.tcgetattr(term.proc.fd)[3]  # the pty's line discipline, as the shell will find it
    assert lflag & termios.ECHO and lflag & termios.ICANON, "echo and line editing were not restored"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signal_restores_the_terminal(tui, sig):
    term = tui(cols=100, rows=30)
    mark = len(term.raw)
    term.signal(sig)
    term.wait_exit(timeout=10)
    assert_terminal_given_back(term, mark)
    assert not term.tracebacks()


def test_sigterm_mid_reply_restores_the_terminal_and_keeps_the_partial_reply(tui, demo_db):
    term = tui(cols=100, rows=30)
    term.type("/model Demo-Long\r", delay=0.01)
    term.type("tell me everything\r", delay=0.01)
    term.wait_for("answering…")
    mark = len(term.raw)
    term.signal(signal.SIGTERM)
    assert term.wait_exit(timeout=10) == 128 + signal.SIGTERM
    assert_terminal_given_back(term, mark)
    assert not term.tracebacks()
    rows = messages(demo_db)  # as ctrl+q does: the reply so far is saved, marked interrupted
    assert [r["role"] for r in rows] == ["user", "assistant"]
    assert rows[1]["status"] == "interrupted" and rows[1]["content"].strip()


def test_sigterm_on_the_splash_restores_the_terminal(tui):
    term = tui(cols=100, rows=30, ready=False)
    term.wait_for("starting…", timeout=10)
    mark = len(term.raw)
    term.signal(signal.SIGTERM)
    term.wait_exit(timeout=15)
    assert_terminal_given_back(term, mark)
    assert not term.tracebacks()
