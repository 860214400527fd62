"""Branches and comparisons in the TUI: /compare streams columns side by side (tabs when narrow),
/pick continues with one, /edit resends an earlier message as a new branch."""

from __future__ import annotations

from poe_tui.tui.widgets.compare import CompareView
from poe_tui.tui.widgets.message import ReplyMessage, UserMessage
from poe_tui.tui.widgets.prompt import Prompt

from uihelpers import ready, screen_text, settle, started, type_and_send, wait_for


async def test_compare_three_bots_then_pick_one(make_app, emulator):
    app = make_app(bot="Demo-Echo", real_time=True)  # charges are matched to replies by time
    async with app.run_test(size=(160, 40)) as pilot:
        await started(pilot)
        await type_and_send(pilot, "/compare demo-echo Demo-Markdown demo-reasoner")
        await type_and_send(pilot, "which is best?")
        await settle(pilot)
        view = app.chat_screen.query_one(CompareView)
        assert [c.message.bot for c in view.columns] == ["Demo-Echo", "Demo-Markdown", "Demo-Reasoner"]
        assert all(c.message.status == "complete" for c in view.columns)
        xs = [c.region.x for c in view.columns]
        assert xs == sorted(xs) and len(set(xs)) == 3  # side by side
        requests = emulator.state.chat_requests[-3:]
        assert len({repr(r.body["messages"]) for r in requests}) == 1
        await wait_for(pilot, lambda: view.cost is not None, what="the total cost")
        # Each column's own cost comes from the points history; together they are the total.
        await wait_for(pilot, lambda: all(c.message.points is not None for c in view.columns), what="each column's points")
        assert sum(c.message.points for c in view.columns) == view.cost
        assert all(f"{c.message.points:,} pts" in str(c._header()) for c in view.columns)

        await type_and_send(pilot, "/pick 2")
        await pilot.pause()
        screen = app.chat_screen
        assert not screen.query(CompareView)
        assert screen.conversation.last_reply().message.bot == "Demo-Markdown"
        assert app.session.bot == "Demo-Markdown"
        assert "‹ 2/3 ›" in screen.conversation.last_reply().note
        await type_and_send(pilot, "and then?")
        await settle(pilot)
        sent = emulator.state.chat_requests[-1]
        assert sent.model == "Demo-Markdown"
        assert [m["role"] for m in sent.body["messages"]] == ["user", "assistant", "user"]


async def test_compare_is_tabs_on_a_narrow_terminal(make_app):
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(80, 30)) as pilot:
        await started(pilot)
        await type_and_send(pilot, "/compare Demo-Echo Demo-Reasoner")
        await type_and_send(pilot, "hello")
        await settle(pilot)
        view = app.chat_screen.query_one(CompareView)
        shown = [c for c in view.columns if c.display and c.region.width]
        assert len(shown) == 1 and shown[0] is view.columns[0]
        view.query_one("Tabs").action_next_tab()
        await pilot.pause()
        shown = [c for c in view.columns if c.region.width]
        assert shown == [view.columns[1]]


async def test_compare_refuses_unknown_bots(make_app, emulator):
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await type_and_send(pilot, "/compare Demo-Echo Demo-Markdwn")
        assert any("Not in Poe's bot list" in n.message and "Demo-Markdown" in n.message for n in app._notifications)
        await type_and_send(pilot, "/compare Demo-Echo Demo-Echo")
        assert any("Demo-Echo is named twice" in n.message for n in app._notifications)
        await type_and_send(pilot, "just one")
        await settle(pilot)
        assert len(emulator.state.chat_requests) == 1


async def test_edit_an_earlier_message_makes_a_branch_and_keeps_the_old_one(make_app, emulator):
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "first question")
        await settle(pilot)
        await type_and_send(pilot, "second question")
        await settle(pilot)
        await type_and_send(pilot, "/edit 1")
        await pilot.pause()
        screen = app.chat_screen
        assert screen.prompt.text == "first question"
        screen.prompt.load_text("first question, better")
        await pilot.press("enter")
        await pilot.pause()
        await settle(pilot)
        assert [m["content"] for m in emulator.state.chat_requests[-1].body["messages"]] == ["first question, better"]
        users = [u.message.content for u in screen.conversation.query(UserMessage)]
        assert users == ["first question, better"]
        # The old branch is one version away, and the edited message says so.
        await wait_for(pilot, lambda: "‹ 2/2 ›" in screen.conversation.query_one(UserMessage).note, what="the marker")
        assert "‹ 2/2 ›" in screen_text(app)
        await pilot.press("alt+left")
        await wait_for(pilot, lambda: [u.message.content for u in screen.conversation.query(UserMessage)]
                       == ["first question", "second question"], what="the original branch")
        assert len(list(screen.conversation.query(ReplyMessage))) == 2


async def test_an_edited_question_stays_reachable_when_the_reply_below_has_versions_too(make_app):
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(160, 40)) as pilot:
        await started(pilot)
        await type_and_send(pilot, "/compare Demo-Echo Demo-Reasoner")
        await type_and_send(pilot, "Q1")
        await settle(pilot)
        await type_and_send(pilot, "/pick 1")
        await pilot.pause()
        await type_and_send(pilot, "/edit 1")
        await pilot.pause()
        screen = app.chat_screen
        screen.prompt.load_text("Q1b")
        await pilot.press("enter")
        await settle(pilot)

        def question() -> tuple[str, str]:
            user = screen.conversation.query_one(UserMessage)
            return user.message.content, user.note

        await wait_for(pilot, lambda: question()[1].startswith("‹ 2/2 ›"), what="the edit's marker")
        await pilot.press("alt+left")  # the keys act on the question, the one message with versions...
        await wait_for(pilot, lambda: question()[0] == "Q1", what="the original question")
        # ...and stay on it, though the reply below the original (the comparison's) has versions too
        assert "‹" in screen.conversation.last_reply().note
        assert "alt+left" in question()[1] and "alt+left" not in screen.conversation.last_reply().note
        await pilot.press("alt+right")
        await wait_for(pilot, lambda: question()[0] == "Q1b", what="the edited question again")


async def test_an_armed_comparison_gives_way_to_a_chosen_bot_and_to_a_mention(make_app, emulator):
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(160, 40)) as pilot:
        await started(pilot)
        await type_and_send(pilot, "/compare Demo-Echo Demo-Reasoner")
        await type_and_send(pilot, "@Demo-Markdown just you")  # @Bot: this message, that bot
        await settle(pilot)
        assert [r.model for r in emulator.state.chat_requests[-1:]] == ["Demo-Markdown"]
        assert not app.chat_screen.query(CompareView)
        assert "next to:" in str(app.chat_screen.query_one(Prompt).border_title)  # still armed
        await type_and_send(pilot, "/model Demo-Reasoner")  # one bot chosen: the comparison is off
        await pilot.pause()
        assert "next to:" not in str(app.chat_screen.query_one(Prompt).border_title)
        count = len(emulator.state.chat_requests)
        await type_and_send(pilot, "only one")
        await settle(pilot)
        assert [r.model for r in emulator.state.chat_requests[count:]] == ["Demo-Reasoner"]
