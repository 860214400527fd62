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


def test_typing_while_three_replies_stream_side_by_side_keeps_every_key(app):
    """The replies' redraws wait for gaps between keys (issue 12): nothing typed meanwhile is lost,
    reordered or held back once the typing stops."""
    term = app(pace=100)
    send(term, "/compare Demo-Long Demo-Markdown Demo-Reasoner")
    term.wait_for("next to:", timeout=5)
    send(term, "all three at once tokens=2000")
    term.wait_for("side by side", timeout=10)
    typed = "while they all stream, every key lands "
    term.type(typed[:20], delay=0.015)  # a fast typist
    term.burst(typed[20:])  # and a stall's worth in one read
    term.wait_for(lambda t: prompt_text(t) == typed.strip(), timeout=5)
    assert "escape cancel" in term.text  # typed while they streamed
    term.press("escape")
    term.wait_for(lambda t: "escape cancel" not in t.text, timeout=10)
    assert prompt_text(term) == typed.strip()
    assert term.quit() == 0
