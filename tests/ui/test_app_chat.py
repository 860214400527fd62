"""Chatting through the TUI against the emulator: send, stream, cancel, switch bots, @Bot."""

from __future__ import annotations

import pytest

from poe_tui.emulator.faults import Fault
from poe_tui.tui.widgets.message import ReplyMessage, UserMessage

from uihelpers import ready, screen_text, settle, type_and_send, wait_for


async def test_send_streams_a_reply_and_saves_both_turns(make_app, emulator):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "hello there")
        await settle(pilot)
        view = app.chat_screen.conversation
        users = list(view.query(UserMessage))
        replies = list(view.query(ReplyMessage))
        assert [u.message.content for u in users] == ["hello there"]
        assert len(replies) == 1 and not replies[0].streaming
        assert replies[0].message.status == "complete"
        assert "Markdown showcase" in replies[0].body.source
        assert replies[0].message.completion_tokens
        assert app.chat_screen.prompt.text == ""  # sent, so cleared
        stored = app.service.db.sync.get_messages(app.session.conversation_id)
        assert [m.role for m in stored] == ["user", "assistant"]
        assert stored[1].content == replies[0].body.source
        # The footer shows the balance the emulator reports after the reply, and the cost.
        assert app.chat_screen.bar.points == emulator.state.balance()
        assert app.chat_screen.bar.cost is not None


async def test_reasoning_is_folded(make_app):
    app = make_app(bot="Demo-Reasoner")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "think about it")
        await settle(pilot)
        reply = app.chat_screen.conversation.last_reply()
        from textual.widgets import Collapsible

        box = reply.query_one(Collapsible)
        assert box.collapsed and box.display
        assert "▶ Reasoning" in screen_text(app)
        assert reply._reasoning_text
        # Folded, it was kept current without moving anything; unfolded, it shows all of it.
        assert str(reply.query_one(".reasoning-text").render()) == reply._reasoning_text
        box.collapsed = False
        await pilot.pause()
        shown = str(reply.query_one(".reasoning-text").render())
        assert shown == reply._reasoning_text and len(shown) > 20
        assert shown.splitlines()[0][:30] in "\n".join(line.rstrip() for line in screen_text(app).splitlines())


async def test_a_reply_without_reasoning_shows_no_reasoning_box(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "hi")
        await settle(pilot)
        from textual.widgets import Collapsible

        assert not any(box.display for box in app.chat_screen.conversation.last_reply().query(Collapsible))
        assert "▶ Reasoning" not in screen_text(app)


async def test_escape_cancels_a_stalled_reply_and_marks_it(make_app, emulator):
    emulator.state.inject(Fault(stall_after=3, stall_seconds=20))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "tell me a story")
        screen = app.chat_screen
        await wait_for(pilot, lambda: (r := screen.conversation.last_reply()) is not None and r.text, what="first tokens")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.streaming, what="the cancel")
        reply = screen.conversation.last_reply()
        assert reply.message.status == "interrupted"
        assert reply.has_class("-failed")
        assert "interrupted" in str(reply.query_one(".message-header").render())
        stored = app.service.db.sync.get_messages(app.session.conversation_id)[-1]
        assert stored.status == "interrupted" and stored.content == reply.text
        # The app is usable again at once.
        await type_and_send(pilot, "again")
        await settle(pilot)
        assert app.service.db.sync.get_messages(app.session.conversation_id)[-1].status == "complete"


async def test_switching_bot_mid_conversation_sends_the_whole_history(make_app, emulator):
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "first question")
        await settle(pilot)
        await type_and_send(pilot, "/model Demo-Markdown")
        assert app.session.bot == "Demo-Markdown"
        assert app.chat_screen.bar.bot == "Demo-Markdown"
        await type_and_send(pilot, "second question")
        await settle(pilot)
        last = emulator.state.chat_requests[-1]
        assert last.model == "Demo-Markdown"
        roles = [(m["role"], m["content"][:20]) for m in last.body["messages"]]
        assert roles[0] == ("user", "first question")
        assert roles[1][0] == "assistant"
        assert roles[2] == ("user", "second question")
        replies = list(app.chat_screen.conversation.query(ReplyMessage))
        assert [r.message.bot for r in replies] == ["Demo-Echo", "Demo-Markdown"]


async def test_picking_a_bot_in_the_list_switches(make_app, emulator):
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: len(app.bots) > 0, what="the bot list")
        await pilot.press("ctrl+l")
        await pilot.press(*"Demo-Reasoner")
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.bot == "Demo-Reasoner"
        assert app.chat_screen.prompt.has_focus


async def test_mention_routes_one_message(make_app, emulator):
    app = make_app(bot="Demo-Markdown")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "@Demo-Echo just this once")
        await settle(pilot)
        assert emulator.state.chat_requests[-1].model == "Demo-Echo"
        reply = app.chat_screen.conversation.last_reply()
        assert reply.bot == "Demo-Echo" and reply.message.bot == "Demo-Echo"
        assert "Demo-Echo" in str(reply.query_one(".message-header").render())
        assert app.session.bot == "Demo-Markdown"  # the current bot did not change


async def test_retry_resends_the_last_message(make_app, emulator):
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "once more")
        await settle(pilot)
        await type_and_send(pilot, "/retry")
        await settle(pilot)
        assert len(emulator.state.chat_requests) == 2
        assert emulator.state.chat_requests[-1].body["messages"][-1]["content"] == "once more"
        assert len(list(app.chat_screen.conversation.query(ReplyMessage))) == 2


async def test_prompt_newline_history_and_command_completion(make_app):
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        prompt = app.chat_screen.prompt
        await pilot.press(*"line one", "ctrl+j", *"line two")
        assert prompt.text == "line one\nline two"
        await pilot.press("enter")
        await settle(pilot)
        assert app.service.db.sync.get_messages(app.session.conversation_id)[0].content == "line one\nline two"
        await pilot.press("up")
        assert prompt.text == "line one\nline two"
        await pilot.press("down", "down")
        assert prompt.text == ""
        # Typing "/" suggests commands; Tab completes the highlighted one.
        await pilot.press("slash", *"his")
        suggestions = app.chat_screen.query_one("#suggestions")
        assert suggestions.display
        await pilot.press("tab")
        assert prompt.text == "/history"
        await pilot.press("enter")
        await pilot.pause()
        from poe_tui.tui.screens.history import HistoryScreen

        assert isinstance(app.screen, HistoryScreen)


async def test_unknown_command_keeps_the_prompt(make_app, emulator):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "/frobnicate now")
        assert app.chat_screen.prompt.text == "/frobnicate now"
        assert emulator.state.chat_requests == []
        assert any("Unknown command" in n.message for n in app._notifications)


async def test_new_system_and_export(make_app, emulator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "/system Answer in French.")
        await type_and_send(pilot, "bonjour")
        await settle(pilot)
        assert emulator.state.chat_requests[-1].body["messages"][0] == {"role": "system", "content": "Answer in French."}
        await type_and_send(pilot, "/export")
        files = list(tmp_path.glob("poe-*.md"))
        assert len(files) == 1 and "bonjour" in files[0].read_text()
        assert any(str(files[0]) in n.message for n in app._notifications)
        first = app.session.conversation_id
        await type_and_send(pilot, "/new")
        assert app.session.conversation_id is None
        assert not list(app.chat_screen.conversation.query(UserMessage))
        await type_and_send(pilot, "fresh start")
        await settle(pilot)
        assert app.session.conversation_id != first
        assert len(emulator.state.chat_requests[-1].body["messages"]) == 1


async def test_a_second_send_while_streaming_is_refused_and_kept(make_app, emulator):
    emulator.state.inject(Fault(stall_after=2, stall_seconds=10))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "first")
        await wait_for(pilot, lambda: app.chat_screen.streaming, what="streaming")
        await type_and_send(pilot, "second")
        assert app.chat_screen.prompt.text == "second"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.chat_screen.streaming, what="cancel")


async def test_fast_typed_command_is_not_completed_away(make_app):
    """A burst of keys reaches the prompt before the suggestion list catches up: Enter must
    run what was typed, not replace it with the highlighted suggestion."""
    app = make_app(bot="Demo-Markdown")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press(*"/model Demo-Echo", "enter", *"hello", "enter")
        await settle(pilot)
        assert app.session.bot == "Demo-Echo"
        assert app.service.db.sync.get_messages(app.session.conversation_id)[-1].bot == "Demo-Echo"
        # A partial command name with Enter completes it instead of sending it.
        await pilot.press(*"/hist", "enter")
        assert app.chat_screen.prompt.text == "/history"


async def test_scrolling_the_conversation_from_the_prompt(make_app, emulator):
    app = make_app(bot="Demo-Long")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "tokens=1500")
        await settle(pilot)
        view = app.chat_screen.conversation
        bottom = view.scroll_y
        assert bottom == view.max_scroll_y > 0
        await pilot.press("ctrl+up")
        await pilot.pause(0.3)
        assert view.scroll_y < bottom and app.chat_screen.prompt.has_focus
        await pilot.press("ctrl+end")
        await pilot.pause(0.3)
        assert view.scroll_y == view.max_scroll_y


async def test_multi_line_paste_stays_in_the_prompt(make_app, emulator):
    from textual import events

    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        prompt = app.chat_screen.prompt
        app.post_message(events.Paste("first line\nsecond line\nthird line"))  # as the driver does
        await pilot.pause()
        assert prompt.text == "first line\nsecond line\nthird line"
        assert emulator.state.chat_requests == []  # pasting newlines does not send
        await pilot.press("enter")
        await settle(pilot)
        assert emulator.state.chat_requests[-1].body["messages"][-1]["content"] == "first line\nsecond line\nthird line"


async def test_model_and_theme_arguments_complete(make_app, emulator):
    from uihelpers import ready

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        prompt = app.chat_screen.prompt
        prompt.focus()
        await pilot.press(*"/model son46")
        await pilot.pause()
        box = app.chat_screen.query_one("#suggestions")
        assert box.display and box.get_option_at_index(0).id == "Claude-Sonnet-4.6"
        await pilot.press("tab")
        assert prompt.text == "/model Claude-Sonnet-4.6"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.bot == "Claude-Sonnet-4.6"
        await pilot.press(*"/theme poe-l", "tab")
        assert prompt.text == "/theme poe-light"


@pytest.fixture
def stop_typing(monkeypatch):
    """Every key counts as typing for a long while, and no echo lets held things go, until the
    test calls this fixture's value: then the typing has stopped."""
    from poe_tui.tui import keystrokes

    monkeypatch.setattr(keystrokes, "GRACE", 30.0)
    monkeypatch.setattr(keystrokes, "MAX_DEFER", 60.0)
    return lambda: monkeypatch.setattr(keystrokes, "_last_key", 0.0)


async def send_first_and_hold_its_end(pilot) -> None:
    """Send a message; its reply ends while the user is (still) typing: its end is held."""
    from poe_tui.tui import keystrokes

    await ready(pilot)
    await type_and_send(pilot, "first")
    await wait_for(pilot, keystrokes.ends_held, what="the reply's end held back")


async def test_enter_right_after_a_reply_ended_while_typing_sends(make_app, monkeypatch, stop_typing):
    """A reply that ends while keys come in shows its end at the next gap between keys; an Enter
    in that moment must find the reply over, not "still coming"."""
    app = make_app()
    notices: list[str] = []
    monkeypatch.setattr(app, "notice", lambda text, **kw: notices.append(text))
    async with app.run_test(size=(120, 40)) as pilot:
        await send_first_and_hold_its_end(pilot)
        assert app.chat_screen.streaming
        await type_and_send(pilot, "second")
        stop_typing()
        await settle(pilot)
        stored = app.service.db.sync.get_messages(app.session.conversation_id)
        assert [(m.role, m.status) for m in stored] == [("user", "complete"), ("assistant", "complete")] * 2
        assert not any("still coming" in n for n in notices)


async def test_escape_while_a_reply_end_waits_for_a_gap_finishes_it(make_app, stop_typing):
    """Esc in the moment a finished reply waits to be shown must not leave it half drawn."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await send_first_and_hold_its_end(pilot)
        await pilot.press("escape")
        stop_typing()
        await settle(pilot)
        reply = app.chat_screen.conversation.last_reply()
        stored = app.service.db.sync.get_messages(app.session.conversation_id)[-1]
        assert not reply.streaming and not reply.has_class("-streaming")
        assert reply.message is not None and reply.message.status == stored.status == "complete"
        assert reply.body.source == stored.content


async def test_a_retry_right_after_a_reply_ended_while_typing_goes(make_app, emulator, stop_typing):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await send_first_and_hold_its_end(pilot)
        count = len(emulator.state.chat_requests)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(emulator.state.chat_requests) > count, what="the retry's request")
        stop_typing()
        await settle(pilot)
        reply = app.chat_screen.conversation.last_reply()
        assert reply.message.status == "complete"
        await wait_for(pilot, lambda: "‹ 2/2 ›" in reply.note, what="the retry as a second version")
