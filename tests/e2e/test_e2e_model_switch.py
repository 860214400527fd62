"""`/model NAME` in a real terminal: any case, at human speed and as one burst, never eating what follows."""

from __future__ import annotations

import pytest
from e2ehelpers import ask, footer_bot, prompt_text, send, wait_reply


def last_chat(emu) -> dict:
    chats = emu.chat_requests()
    assert chats, "no chat request reached the emulator"
    return chats[-1]


@pytest.mark.parametrize("burst", [False, True], ids=["human-speed", "one-burst"])
def test_model_lowercase_name_then_a_message(standalone_emulator, tui_on, burst):
    emu = standalone_emulator
    term = tui_on(emu)
    assert footer_bot(term) == "Claude-Sonnet-4.6"
    if burst:
        term.burst("/model gpt-5.4<enter>Hello there<enter>")
    else:
        send(term, "/model gpt-5.4", delay=0.04)
        term.wait_for(lambda t: footer_bot(t) == "GPT-5.4", timeout=5)
        send(term, "Hello there", delay=0.04)
    wait_reply(term, before=0)
    request = last_chat(emu)
    assert request["model"].lower() == "gpt-5.4"
    assert request["body"]["messages"][-1]["content"] == "Hello there"
    assert footer_bot(term) == "GPT-5.4"
    assert "GPT-5.4Hello" not in term.text
    assert prompt_text(term) == ""
    assert term.quit() == 0


def test_text_typed_in_the_same_burst_after_a_command_stays(standalone_emulator, tui_on):
    term = tui_on(standalone_emulator)
    term.burst("/model Claude-Sonnet-4.6<enter>still typing")
    term.wait_for(lambda t: prompt_text(t) == "still typing", timeout=5)
    term.settle()
    assert prompt_text(term) == "still typing"
    assert term.quit() == 0


def test_model_name_not_in_the_list_switches_nothing_and_names_the_closest(standalone_emulator, tui_on):
    emu = standalone_emulator
    term = tui_on(emu)
    send(term, "/model gpt-5.44")
    term.wait_for("GPT-5.4", timeout=5)  # the closest names are offered
    term.press("escape")  # not confirmed
    term.settle()
    assert footer_bot(term) == "Claude-Sonnet-4.6"
    send(term, "/model two words")
    term.settle()
    assert footer_bot(term) == "Claude-Sonnet-4.6"
    ask(term, "hi")
    assert last_chat(emu)["model"] == "Claude-Sonnet-4.6"
    assert term.quit() == 0
