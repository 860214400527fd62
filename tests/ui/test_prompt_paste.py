"""A 300 KB paste in the running app: a chip in the prompt, sent and stored whole (issue 9.13)."""

from __future__ import annotations

import sqlite3

from textual import events

from poe_tui.tui.widgets.prompt import paste_label

from uihelpers import ready, settle


async def test_a_huge_paste_is_a_chip_and_is_sent_and_stored_whole(make_app, tmp_path):
    big = "".join(f"row {n}: some pasted log text\n" for n in range(10_000))
    assert len(big) > 300_000
    db = tmp_path / "paste.db"
    app = make_app(db=db, bot="Demo-Echo")  # priced per request: no cost question first
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        prompt = app.chat_screen.prompt
        prompt.focus()
        await pilot.press(*"look: ")
        app.post_message(events.Paste(big))
        await pilot.pause()
        await pilot.press(*" ok?")
        assert prompt.document.text == f"look: {paste_label(big)} ok?"
        assert paste_label(big) == "[pasted 301.7 KB, 10,001 lines]"
        await pilot.press("enter")
        await settle(pilot)
        assert prompt.text == ""  # sent, so cleared
        assert app.chat_screen.conversation.last_reply().message.status == "complete"
    with sqlite3.connect(db) as con:
        stored = [row[0] for row in con.execute("SELECT content FROM messages WHERE role = 'user'")]
    assert stored == [f"look: {big} ok?"]


async def test_a_paste_whose_line_breaks_came_as_cr_keeps_them_as_lines(make_app):
    """Terminals and tmux send a paste's newlines as CR; the chip counts lines, the text keeps them."""
    lines = [f"row {n}: log" for n in range(2_000)]
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        prompt = app.chat_screen.prompt
        prompt.focus()
        app.post_message(events.Paste("\r".join(lines)))
        await pilot.pause()
        assert "2,000 lines" in prompt.document.text
        assert prompt.text == "\n".join(lines)
