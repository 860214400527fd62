"""Failure notices in a real terminal: in the user's words, and never over the prompt being typed in."""

from __future__ import annotations

import re

from e2ehelpers import prompt_text, send, wait_idle

CLASS_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+(?:Error|Exception|Timeout)\b")


def test_a_cut_off_reply_is_explained_without_class_names_and_the_prompt_stays_clear(standalone_emulator, tui_on):
    emu = standalone_emulator
    emu.fault(break_after=3)
    term = tui_on(emu)
    send(term, "hello")
    term.wait_for("Reply cut off", timeout=15)
    wait_idle(term)
    assert not CLASS_NAME.search(term.text), f"a class name is shown:\n{term.dump()}"
    assert ".." not in term.text.replace("...", "")
    term.type("next question", delay=0.02)  # the notice is still up, and must not hide this
    term.wait_for(lambda t: prompt_text(t) == "next question", timeout=5)
    assert "Reply cut off" in term.text
    assert term.quit() == 0
