"""Slash commands do what they say: export in the format asked without overwriting, the system
prompt stays visible, and a cancelled reply's cost still reaches the footer."""

from __future__ import annotations

import json

from poe_tui.emulator.faults import Fault

from uihelpers import ready, settle, type_and_send, wait_for


async def test_export_json_writes_json_and_never_overwrites(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "bonjour")
        await settle(pilot)
        await type_and_send(pilot, "/export json")
        await wait_for(pilot, lambda: list(tmp_path.glob("poe-*.json")), what="the JSON export")
        data = json.loads(next(tmp_path.glob("poe-*.json")).read_text())
        assert [m["content"] for m in data["messages"]][0] == "bonjour"
        await type_and_send(pilot, "/export")
        await type_and_send(pilot, "/export md")
        await wait_for(pilot, lambda: len(list(tmp_path.glob("poe-*.md"))) == 2, what="two Markdown exports")
        texts = {p.read_text() for p in tmp_path.glob("poe-*.md")}
        assert len(texts) == 1 and "bonjour" in texts.pop()  # the same text, in two files: nothing overwritten
        await type_and_send(pilot, "/export pdf")
        assert any("md or json" in n.message for n in app._notifications)


async def test_a_system_prompt_stays_in_sight(make_app):
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "/system Answer in French.")
        await pilot.pause()
        assert "system: Answer in French." in str(app.chat_screen.query_one("#prompt").border_title)
        await type_and_send(pilot, "/new")
        await pilot.pause()
        assert not app.chat_screen.query_one("#prompt").border_title


async def test_a_cancelled_reply_shows_what_it_cost(make_app, emulator):
    emulator.state.inject(Fault(stall_after=3, stall_seconds=20))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        before = emulator.state.balance()
        await type_and_send(pilot, "tell me a story")
        screen = app.chat_screen
        await wait_for(pilot, lambda: (r := screen.conversation.last_reply()) is not None and r.text, what="first tokens")
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen.bar.points == emulator.state.balance() and screen.bar.cost is not None, what="the charge")
        assert screen.bar.cost == before - emulator.state.balance() > 0
