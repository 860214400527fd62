"""The footer is one row that is never cut off: hints go first, then the cost; names shorten last."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from poe_tui.tui.widgets.balance_bar import BalanceBar

HINTS = (("ctrl+l", "bots"), ("ctrl+o", "history"), ("ctrl+n", "new"), ("f1", "help"))


class Host(App):
    def compose(self) -> ComposeResult:
        yield BalanceBar()


def footer_text(app: App) -> str:
    """What the footer asks to show (before the terminal would crop it)."""
    return str(app.query_one(BalanceBar).render())


@pytest.mark.parametrize("width", [44, 60, 80, 120])
async def test_footer_fits_and_keeps_the_bot_and_balance(width):
    app = Host()
    async with app.run_test(size=(width, 3)) as pilot:
        bar = app.query_one(BalanceBar)
        bar.bot, bar.points, bar.cost, bar.hints = "Claude-Sonnet-4.6", 1_234_567, 42, HINTS
        bar.status = "Claude-Sonnet-4.6 is answering…"
        await pilot.pause()
        text = footer_text(app)
        assert len(text) <= width - 2, text  # a column of padding each side
        assert "1,234,567 points" in text
        assert text.startswith("● Cla")
        shown = [label for key, label in HINTS if f"{key} {label}" in text]
        assert shown == [label for _, label in HINTS][: len(shown)]  # hints drop from the end
        if width >= 120:
            assert "last reply 42 pts" in text and shown
        if width <= 60:
            assert not shown
            assert "answering…" in text  # the status keeps its point, not the name it repeats


async def test_footer_gives_back_what_it_dropped_when_widened():
    app = Host()
    async with app.run_test(size=(60, 3)) as pilot:
        bar = app.query_one(BalanceBar)
        bar.bot, bar.points, bar.hints = "Demo-Markdown", 1_000_000, HINTS
        await pilot.pause()
        assert "f1 help" not in footer_text(app)
        await pilot.resize_terminal(120, 3)
        await pilot.pause()
        assert "f1 help" in footer_text(app)
