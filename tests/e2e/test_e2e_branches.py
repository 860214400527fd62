"""Branches and comparisons in a real terminal: compare three bots, continue with one, edit the
first question, and find the original branch again after a restart."""

from __future__ import annotations

import re

from e2ehelpers import ask, footer_bot, messages, reply_headers, send, wait_idle


def test_compare_pick_edit_and_the_original_branch_after_a_restart(tui, demo_db):
    term = tui(cols=160, rows=45)
    send(term, "/compare Demo-Echo Demo-Reasoner Demo-Markdown")
    term.wait_for("side by side", timeout=5)
    send(term, "which of you is best?")
    term.wait_for(lambda t: sum(1 for r in messages(demo_db) if r["role"] == "assistant" and r["status"] == "complete") == 3,
                  timeout=30)
    wait_idle(term)
    term.press("ctrl+home")  # up to the comparison's head and its three columns
    term.wait_for("/pick N continues", timeout=5)  # every column done
    row = next(line for line in term.lines if "Demo-Echo" in line and "tokens" in line)
    # One row holds the three headers: the columns stand side by side, in the order asked.
    assert row.index("Demo-Echo") < row.index("Demo-Reasoner") < row.index("Demo-Markdown"), row

    send(term, "/pick 2")
    term.wait_for(lambda t: footer_bot(t) == "Demo-Reasoner" and "‹ 2/3 ›" in t.text, timeout=5)
    ask(term, "and why?")
    term.wait_for(lambda t: len(reply_headers(t)) == 2 and " pts" in reply_headers(t)[-1], timeout=10)  # charged

    send(term, "/edit 1")
    term.wait_for("editing #1", timeout=5)
    term.press("ctrl+u")  # the line, as a person clears it
    send(term, "which of you is fastest?")
    term.wait_for(lambda t: "fastest" in t.text and len(reply_headers(t)) == 1, timeout=10)
    wait_idle(term)
    assert "which of you is best?" not in term.text
    term.press("alt+left")  # back to the first question's branch
    term.wait_for("which of you is best?", timeout=5)
    term.wait_for("and why?", timeout=5)
    assert term.quit() == 0

    term = tui(cols=160, rows=45)  # a restart: the branch on screen is where it reopens
    term.press("ctrl+o")
    term.wait_for("Enter opens", timeout=5)
    term.settle()
    term.press("enter")
    term.wait_for("and why?", timeout=5)
    assert "which of you is best?" in term.text and "fastest" not in term.text
    rows = messages(demo_db)
    assert sum(1 for r in rows if r["role"] == "user") == 3  # best?, why?, fastest?: nothing lost
    assert term.quit() == 0


def test_marking_bots_in_the_picker_sends_the_next_message_to_them_side_by_side(tui, demo_db):
    term = tui(cols=140, rows=40)
    term.press("ctrl+l")
    term.type("demo-ech", delay=0.02)
    term.settle()
    term.press("tab")  # marks Demo-Echo, as fzf marks
    term.wait_for(" 1 Demo-Echo", timeout=5)
    term.press(*["backspace"] * 8)
    term.type("demo-mark", delay=0.02)
    term.settle()
    term.press("tab")
    term.wait_for("Enter compares: Demo-Echo · Demo-Markdown", timeout=5)
    term.press("enter")
    term.wait_for("next to: Demo-Echo · Demo-Markdown", timeout=5)  # on the prompt's edge
    send(term, "hello both")
    term.wait_for(lambda t: sum(1 for r in messages(demo_db) if r["role"] == "assistant" and r["status"] == "complete") == 2,
                  timeout=30)
    wait_idle(term)
    rows = [r for r in messages(demo_db) if r["role"] == "assistant"]
    assert sorted(r["bot"] for r in rows) == ["Demo-Echo", "Demo-Markdown"]
    assert rows[0]["parent_id"] == rows[1]["parent_id"]  # siblings: answers to the same message
    term.press("ctrl+home")  # up to the comparison's head
    term.wait_for("2 bots side by side", timeout=5)

    def headers(t) -> str | None:  # the row holding both columns' headers ("█  Bot  12:00  …")
        return next((line for line in t.lines if all(re.search(rf"█  {bot}  \d\d:\d\d", line)
                                                     for bot in ("Demo-Echo", "Demo-Markdown"))), None)

    row = term.wait_for(headers, timeout=5)
    assert row.index("Demo-Echo") < row.index("Demo-Markdown"), row  # in the order marked
    assert term.quit() == 0
