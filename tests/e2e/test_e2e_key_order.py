"""Keys are applied in the order typed, even when they arrive in one read while a reply streams
(issue 7: editing keys ran as bindings after the letters that followed them)."""

from __future__ import annotations

import time

import pytest
from e2ehelpers import prompt_text, send


@pytest.mark.parametrize("erase", ["<backspace>" * 8, "<ctrl+u>"], ids=["8-backspaces", "ctrl+u"])
def test_editing_keys_and_letters_in_one_read_while_streaming(app, erase):
    term = app(pace=100)
    send(term, "/model Demo-Long")
    send(term, "tell me a long story tokens=3000")
    term.wait_for("answering", timeout=10)
    term.type("xijqjjm", delay=0.02)
    term.wait_for(lambda t: prompt_text(t) == "xijqjjm", timeout=5)
    term.burst(erase + "xuwcixv")  # what a stall delivers: all of it in one read
    term.wait_for(lambda t: prompt_text(t) == "xuwcixv", timeout=5)
    time.sleep(0.3)  # nothing applied late (a late BackSpace would eat the new letters)
    assert prompt_text(term) == "xuwcixv"
    assert "answering" in term.text  # it was all typed while the reply streamed
    term.press("escape")
    assert term.quit() == 0
