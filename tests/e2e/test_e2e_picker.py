"""The bot list as seen: prices whole, columns that stay put when filtered, a filter that clears."""

from __future__ import annotations

import re

from e2ehelpers import footer_bot

CUT_PRICE = re.compile(r"[$¢][^\s▕]*…")


def sidebar(term) -> list[str]:
    return [line.split("▕", 1)[0] for line in term.lines if "▕" in line]


def column_of(term, bot: str, text: str) -> int:
    row = next(line for line in sidebar(term) if re.search(rf"\b{re.escape(bot)}\b", line))
    return row.index(text, row.index(bot))


def test_picker_prices_columns_and_filter(tui):
    term = tui(cols=120, rows=40)
    cut = [line.strip() for line in sidebar(term) if CUT_PRICE.search(line)]
    assert not cut, f"prices cut off: {cut}"
    before = column_of(term, "Demo-Echo", "128k")
    term.press("ctrl+l")
    term.type("demo-ech", delay=0.02)
    term.wait_for(lambda t: not any("Demo-Markdown" in line for line in sidebar(t)[3:12]), timeout=5)
    term.settle()
    assert column_of(term, "Demo-Echo", "128k") == before, "the columns moved when the list was filtered"
    term.press("enter")
    term.wait_for(lambda t: footer_bot(t) == "Demo-Echo", timeout=5)
    term.press("ctrl+l")  # back in the list: the whole list again, not the old filter
    term.wait_for(lambda t: "Search bots" in t.text and any("Demo-Markdown" in line for line in sidebar(t)), timeout=5)
    assert term.quit() == 0
