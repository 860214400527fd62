"""Small terminals: at 80x24 and 60x20 the bot list gives way by itself, comes back when asked, and
the footer is never cut off. (At 120 columns the list stays: test_e2e_picker reads it there.)"""

from __future__ import annotations

import pytest
from e2ehelpers import ask, footer, prompt_text, send, wait_idle

SIDEBAR_MARK = "Search bots"  # the bot list's search box
WHOLE_ENDINGS = ("points", "pts", "bots", "history", "new", "help", "cancel", "…", "offline")


def footer_whole(term, width: int) -> bool:
    text = footer(term).strip()
    return (text.startswith("● ") and "points" in text and len(footer(term).rstrip()) <= width - 1
            and text.endswith(WHOLE_ENDINGS))


def assert_footer_whole(term, width: int) -> None:
    """The footer fits (after the repaint that follows a resize or a change has landed)."""
    term.wait_for(lambda t: footer_whole(t, width), timeout=3)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
def test_narrow_terminal_gives_the_conversation_the_room(app, size):
    cols, rows = size
    term = app(cols=cols, rows=rows)
    assert SIDEBAR_MARK not in term.text, f"the bot list stays at {cols} columns:\n{term.dump()}"
    assert_footer_whole(term, cols)
    send(term, "/model Demo-Markdown")
    ask(term, "hello")
    # The reply wraps at the terminal's width, not beside a sidebar.
    widest = max(len(line.rstrip()) for line in term.lines[:-5])
    assert widest >= cols - 12, f"the conversation wraps at {widest} of {cols} columns:\n{term.dump()}"
    assert_footer_whole(term, cols)
    term.press("ctrl+b")  # asked for: the bot list comes back
    term.wait_for(SIDEBAR_MARK, timeout=5)
    # and the reply re-wraps beside it instead of being cut at the right edge
    term.wait_for("markdown.", timeout=5)
    term.press("ctrl+b")
    term.wait_for(SIDEBAR_MARK, timeout=5, gone=True)
    term.type("still here", delay=0.01)
    term.wait_for(lambda t: prompt_text(t) == "still here", timeout=5)
    assert term.quit() == 0


def test_footer_fits_at_60_columns_while_a_reply_streams(tui):
    term = tui(cols=60, rows=20)
    send(term, "/model Demo-Long")
    send(term, "a long story please")
    term.wait_for("#2", timeout=10)  # Demo-Long streams for seconds from here
    assert_footer_whole(term, 60)
    term.press("escape")
    wait_idle(term)
    assert term.quit() == 0


def test_the_bot_list_follows_the_window_as_it_is_resized(app):
    term = app(cols=120, rows=30)
    assert SIDEBAR_MARK in term.text
    term.resize(80, 24)
    term.wait_for(SIDEBAR_MARK, timeout=5, gone=True)
    assert_footer_whole(term, 80)
    term.resize(120, 30)
    term.wait_for(SIDEBAR_MARK, timeout=5)
    assert term.quit() == 0
