"""F1 in words, and the README's own `[keys]` example working while the prompt has focus."""

from __future__ import annotations

import re

from e2ehelpers import ask, send


def test_help_says_what_every_key_does_in_words(tui):
    term = tui(cols=80, rows=40)
    term.press("f1")
    term.wait_for("Keys and commands", timeout=5)
    seen = set()
    for _ in range(4):  # every page of the help
        seen.update(term.lines)
        term.press("pagedown")
        term.settle(0.15)
    text = "\n".join(seen)
    assert "Question:" in text  # the confirm dialog's keys are listed too
    internal = re.findall(r"\b(?:app|screen|focused)\.[a-z_]+\b", text)
    assert not internal, f"help shows internal action names: {internal}"
    # the ids a `[keys]` table needs are whole, even at 80 columns
    for binding_id in ("toggle_models", "history_show_archived", "confirm_switch", "copy_last"):
        assert re.search(rf"\b{binding_id}\b", text), f"{binding_id} is not shown whole"
    term.press("escape")
    assert term.quit() == 0


def test_readme_key_example_copies_the_last_reply_from_the_prompt(app, xdg):
    config = xdg[0] / "poe-tui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[keys]\ncopy_last = "ctrl+y"\n')
    term = app()
    send(term, "/model Demo-Echo")
    ask(term, "something to copy")
    term.press("ctrl+y")  # the prompt has focus, as it does after sending
    term.wait_for("Copied the last reply", timeout=5)
    assert term.quit() == 0
