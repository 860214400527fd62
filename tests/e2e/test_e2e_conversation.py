"""A conversation in a real terminal: send, stream, cancel, switch bots, @Bot, regenerate, reopen, quit.

Everything runs against the standalone emulator, as fast as it sends, or at a real pace where a reply
must still be streaming; what is checked is what the screen shows, and, after the app is gone, what
its SQLite file kept.
"""

from __future__ import annotations

import re

from e2ehelpers import (
    ask,
    footer,
    footer_bot,
    history_rows,
    messages,
    prompt_text,
    reopen_latest,
    reply_headers,
    send,
    wait_idle,
)

REASONER_SAYS = "Having thought it over"  # Demo-Reasoner's answer starts so
ECHO_SAYS = "Demo-Echo received"


def use(term, bot: str) -> None:
    send(term, f"/model {bot}")
    term.wait_for(lambda t: footer_bot(t) == bot, timeout=5)


def test_send_stream_and_cancel_keeps_the_partial_reply_and_its_cost(app, history_db):
    term = app(pace=100)
    use(term, "Demo-Long")
    send(term, "tell me a long story")
    term.wait_for("answering…", timeout=10)
    term.wait_for(lambda t: len(t.text) > 0 and "#2" in t.text, timeout=10)
    term.press("escape")
    wait_idle(term, timeout=10)
    term.wait_for(lambda t: re.search(r"interrupted|cancelled", t.text), timeout=5)
    # A cut reply is still charged: the footer says what it cost.
    term.wait_for(lambda t: "last reply" in footer(t), timeout=10)
    assert prompt_text(term) == ""
    use(term, "Demo-Echo")
    ask(term, "and now a short one")  # the prompt works again
    rows = messages(history_db)
    assert [r["role"] for r in rows] == ["user", "assistant", "user", "assistant"]
    assert rows[1]["status"] == "interrupted" and rows[1]["content"]
    assert term.quit() == 0


def test_switch_bot_then_reopen_keeps_the_bot_chosen_last(app):
    term = app()
    use(term, "Demo-Echo")
    ask(term, "first question")
    use(term, "Demo-Reasoner")
    ask(term, "second question")
    term.wait_for(REASONER_SAYS)
    reopen_latest(term)
    assert footer_bot(term) == "Demo-Reasoner"
    headers = reply_headers(term)
    assert any(h.startswith("Demo-Echo") for h in headers) and any(h.startswith("Demo-Reasoner") for h in headers)
    assert term.quit() == 0


def test_mention_answers_once_and_the_conversation_keeps_its_bot(app, history_db):
    term = app()
    use(term, "Demo-Echo")
    ask(term, "hello")
    ask(term, "@Demo-Reasoner what is 2+2")
    term.wait_for(lambda t: reply_headers(t)[-1].startswith("Demo-Reasoner"), timeout=5)
    assert footer_bot(term) == "Demo-Echo"
    rows = history_rows(term)
    assert len(rows) == 1 and "Demo-Echo" in rows[0] and "Demo-Reasoner" not in rows[0], rows
    term.press("escape")
    reopen_latest(term)
    assert footer_bot(term) == "Demo-Echo"
    ask(term, "and again")
    assert reply_headers(term)[-1].startswith("Demo-Echo")
    assert messages(history_db)[-1]["bot"] == "Demo-Echo"
    assert term.quit() == 0


def test_regenerate_with_another_bot_then_reopen_leaves_no_reply_unreachable(app):
    term = app()
    use(term, "Demo-Reasoner")
    ask(term, "why is the sky blue")
    term.wait_for(REASONER_SAYS)
    use(term, "Demo-Echo")
    term.press("ctrl+r")
    term.wait_for(ECHO_SAYS, timeout=10)
    wait_idle(term)
    rows = history_rows(term)
    listed = int(re.search(r"(\d+) msgs?", rows[0]).group(1))
    term.press("escape")
    reopen_latest(term)
    assert footer_bot(term) == "Demo-Echo"  # the bot the user chose last
    # Every message the list counts can be reached: shown, or one version away ("‹ 2/2 ›").
    marker = re.search(r"‹\s*(\d+)\s*/\s*(\d+)\s*›", term.text)
    if REASONER_SAYS not in term.text:
        assert marker and int(marker.group(2)) == 2, f"the first reply is gone:\n{term.dump()}"
        term.press("alt+left")
        term.wait_for(REASONER_SAYS, timeout=5)
    numbers = {int(n) for n in re.findall(r"#(\d+)\b", term.text)}
    versions = int(marker.group(2)) - 1 if marker else 0
    assert len(numbers) + versions == listed, f"the list says {listed} messages:\n{term.dump()}"
    assert term.quit() == 0


def test_quit_mid_reply_writes_no_traceback_and_keeps_the_partial_reply(app, history_db):
    term = app(pace=100)
    use(term, "Demo-Long")
    send(term, "tell me a long story")
    term.wait_for("answering…", timeout=10)
    term.wait_for(lambda t: "#2" in t.text, timeout=10)
    assert term.quit("ctrl+q") == 0  # fails on any traceback
    rows = messages(history_db)
    assert [r["role"] for r in rows] == ["user", "assistant"]
    assert rows[1]["status"] == "interrupted" and rows[1]["content"].strip()
