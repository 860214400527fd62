"""Keys typed from the very first frame (the splash, before Textual runs) reach the prompt in order."""

from __future__ import annotations

import time

from e2ehelpers import PROMPT_HINT, prompt_lines, prompt_text, wait_ready


def test_keys_typed_on_the_splash_reach_the_prompt_in_order(tui):
    term = tui(ready=False)
    term.wait_for("starting…", timeout=10)  # the splash: Textual is still importing
    term.type("hello wor", delay=0.03)
    wait_ready(term)
    term.type("ld", delay=0.03)
    term.wait_for(lambda t: prompt_text(t) == "hello world", timeout=5)
    assert term.quit() == 0


def test_enter_typed_on_the_splash_leaves_no_stray_newline(tui):
    term = tui(ready=False)
    term.wait_for("starting…", timeout=10)
    term.press("enter")
    wait_ready(term)
    time.sleep(0.5)  # the held Enter has been read by now
    # An empty prompt shows its placeholder; one holding "\n" does not.
    assert PROMPT_HINT in " ".join(prompt_lines(term)), term.dump()
    term.type("hi", delay=0.03)
    term.wait_for(lambda t: prompt_text(t) == "hi", timeout=5)
    assert term.quit() == 0
