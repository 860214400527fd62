"""The smaller promises of issue 8, each seen on screen or on disk: exports, counts, a system prompt,
and moving through a long conversation."""

from __future__ import annotations

import json
import re

from e2ehelpers import ask, history_rows, reply_headers, send

from poe_tui import config


def talk(term, bot: str, text: str) -> None:
    send(term, f"/model {bot}")
    ask(term, text)


def test_export_json_writes_json_and_never_overwrites(app, workdir):
    term = app()
    talk(term, "Demo-Echo", "export me")
    send(term, "/export json")
    term.wait_for("Saved the conversation to", timeout=5)
    send(term, "/export json")
    term.wait_for(lambda t: len(list(workdir.glob("*.json"))) == 2, timeout=5)
    files = sorted(workdir.iterdir())
    assert len(files) == 2 and all(f.suffix == ".json" for f in files), files
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))  # JSON, not Markdown
        assert "export me" in json.dumps(data)
    assert term.quit() == 0


def test_reply_header_and_export_count_the_same_tokens(app, workdir):
    term = app()
    talk(term, "Demo-Echo", "count my tokens")
    header = reply_headers(term)[-1]
    shown = int(re.search(r"([\d,]+) tokens", header).group(1).replace(",", ""))
    send(term, "/export")
    term.wait_for(lambda t: list(workdir.glob("*.md")), timeout=5)
    exported = next(workdir.glob("*.md")).read_text(encoding="utf-8")
    counts = [int(n.replace(",", "")) for n in re.findall(r"([\d,]+) tokens", exported)]
    assert counts == [shown], f"header says {shown} tokens, the export says {counts}"
    assert term.quit() == 0


def test_history_counts_in_words(app):
    term = app()
    talk(term, "Demo-Echo", "just one")
    history_rows(term)
    footer_line = next(line for line in term.lines if "Enter opens" in line)
    assert re.search(r"\b1 conversation\b", footer_line) and "1 conversations" not in footer_line, footer_line
    assert term.quit() == 0


def test_a_system_prompt_stays_visible(app):
    term = app()
    send(term, "/system Answer like a pirate")
    term.wait_for("System prompt set", timeout=5)
    talk(term, "Demo-Reasoner", "ahoy")  # a bot that does not echo the system prompt back
    lasting = [line for line in term.lines if "System prompt set" not in line]  # not the passing notice
    assert any("pirate" in line.lower() or re.search(r"system prompt", line, re.I) for line in lasting), (
        f"nothing on screen says a system prompt is set:\n{term.dump()}")
    assert term.quit() == 0


def seed_long_conversation(pairs: int = 30) -> None:
    from poe_tui.store import Store

    filler = " ".join(["A line of a long reply that wraps over the screen."] * 6)
    with Store(config.db_path()) as store:
        conv = store.create_conversation("A long talk")
        for n in range(pairs):
            store.add_message(conv.id, "user", f"question {n + 1}")
            store.add_message(conv.id, "assistant", f"answer {n + 1}\n\n{filler}\n\n{filler}", bot="Demo-Echo",
                              completion_tokens=120, points=1)


def shows_first_question(term) -> bool:
    return any(re.search(r"█\s+question 1\b", line) for line in term.lines)


def open_latest(term) -> None:
    history_rows(term)
    term.press("enter")
    term.wait_for("answer 30", timeout=10)
    term.settle()


def test_a_long_conversation_jumps_to_its_first_message(app):
    seed_long_conversation()
    term = app()
    open_latest(term)
    term.press("ctrl+home")
    term.wait_for(shows_first_question, timeout=5)
    assert "earlier messages" not in term.text  # reaching the top loads them; nothing to click
    assert term.quit() == 0


def test_shift_pageup_pages_through_a_long_conversation(app):
    seed_long_conversation()
    term = app()
    open_latest(term)
    for presses in range(1, 41):
        term.press("shift+pageup", delay=0.05)
        if presses % 5 == 0:
            term.settle(0.1)
            if shows_first_question(term):
                break
    else:
        raise AssertionError(f"40 pages up did not reach the first message:\n{term.dump()}")
    assert term.quit() == 0
