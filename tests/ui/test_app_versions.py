"""A regenerated reply never becomes unreachable: both versions survive a reopen, and the keys
move between them; what is sent next continues the version shown."""

from __future__ import annotations

from poe_tui.tui.widgets.message import ReplyMessage

from uihelpers import ready, settle, type_and_send, wait_for


async def test_regenerate_then_reopen_keeps_both_versions_reachable(make_app, emulator):
    app = make_app(bot="Demo-Reasoner")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "what is 2+2")
        await settle(pilot)
        first = app.chat_screen.conversation.last_reply().message
        await type_and_send(pilot, "/model Demo-Echo")
        await pilot.press("ctrl+r")
        await pilot.pause(0.1)
        await settle(pilot)
        second = app.chat_screen.conversation.last_reply().message
        assert second.id != first.id and second.bot == "Demo-Echo" and second.parent_id == first.parent_id
        conv = app.session.conversation_id

        await app.chat_screen.new_conversation()
        await app.chat_screen.open_conversation(conv)
        await pilot.pause()
        screen = app.chat_screen
        assert screen.conversation.last_reply().message.id == second.id
        assert "‹ 2/2 ›" in screen.conversation.last_reply().note

        await pilot.press("alt+left")
        await wait_for(pilot, lambda: screen.conversation.last_reply().message.id == first.id, what="the first version")
        assert "‹ 1/2 ›" in screen.conversation.last_reply().note
        assert len(list(screen.conversation.query(ReplyMessage))) == 1

        # The next message continues the version on screen.
        await type_and_send(pilot, "and 3+3?")
        await settle(pilot)
        sent = emulator.state.chat_requests[-1].body["messages"]
        assert [m["content"] for m in sent if m["role"] == "assistant"] == [first.content]
