"""The disk refuses a reply, or the history file is damaged: the app says exactly what happened,
keeps what it can, and never writes into a damaged file."""

from __future__ import annotations

import sqlite3

from poe_tui.store import DiskFullError, Store
from poe_tui.tui.screens.confirm import ConfirmScreen

from uihelpers import ready, settle, type_and_send, wait_for


def _messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_full_disk_mid_reply_is_said_exactly_and_ctrl_s_saves_it_later(make_app):
    app = make_app(bot="Demo-Markdown")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        store = app.service.db.sync
        real = store.update_message
        state = {"full": True}

        def refusing(id, **fields):
            if state["full"]:
                raise DiskFullError("the disk is full: history.db cannot grow (database or disk is full)")
            return real(id, **fields)

        store.update_message = refusing  # every save after the reply's first row is refused
        await type_and_send(pilot, "show me everything")
        await settle(pilot)
        reply = app.chat_screen.conversation.last_reply()
        shown = reply.message.content
        assert "That's the tour" in shown  # the whole reply is on screen
        saved = store.get_message(reply.message.id).content
        assert len(saved) < len(shown)
        said = next(m for m in _messages(app) if "disk is full" in m.lower())
        assert f"only {len(saved):,} of {len(shown):,} characters are saved" in said and "ctrl+s" in said
        assert not any("Not sent" in n.title for n in app._notifications)

        state["full"] = False  # space freed
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("reply is saved" in m for m in _messages(app)), what="the save")
        row = store.get_message(reply.message.id)
        assert row.content == shown and row.status == "complete"


async def test_a_damaged_history_is_set_aside_only_when_the_user_says_so(make_app, tmp_path):
    path = tmp_path / "history.db"
    with Store(path) as store:
        conv = store.create_conversation(title="old")
        for i in range(200):
            store.add_message(conv.id, "user", "some text to fill pages " * 40)
    raw = bytearray(path.read_bytes())
    raw[4096 * 3: 4096 * 6] = b"\xde\xad" * (4096 * 3 // 2)  # garbage over pages in the middle
    path.write_bytes(bytes(raw))
    for side in (path.with_name("history.db.clean"),):
        side.unlink(missing_ok=True)
    app = make_app(db=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        assert not app.service.ready  # nothing was opened for writing
        await pilot.press("y")
        await wait_for(pilot, lambda: app.ready and app.session is not None, what="a fresh history")
        kept = [p for p in tmp_path.iterdir() if p.name.startswith("history.db.corrupt-")]
        assert kept, "the damaged file is kept aside"
        await type_and_send(pilot, "hello")
        await settle(pilot)
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 2
