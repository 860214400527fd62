"""Untrusted text (replies, bot names and descriptions, titles, errors) is shown literally:
no markup runs, no action fires, no terminal control gets through, nothing crashes."""

from __future__ import annotations

from poe_tui.client import Bot
from poe_tui.emulator.faults import Fault
from uihelpers import ready, screen_text, settle, type_and_send, wait_for

EVIL = "[@click=app.quit]click me[/] and [/bold] and [b]bold?[/b] \x1b[31mred\x1b[0m \x1b]52;c;cHduZWQ=\x07 \x1b]0;title\x07done"


async def test_reply_markup_and_escapes_are_literal(make_app, emulator):
    emulator.state.inject(Fault(reply=EVIL + "\n\n[link](https://example.com/x) `[@click=app.bell]`"))
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "say something nasty")
        await settle(pilot)
        reply = app.chat_screen.conversation.last_reply()
        assert "\x1b" not in reply.text
        shown = screen_text(app)
        assert "[@click=app.quit]click me[/]" in shown
        assert "[/bold]" in shown and "[b]bold?[/b]" in shown
        assert "]52;" not in shown
        # Clicking the would-be action does nothing but select text; the app is still running.
        await pilot.click(reply, offset=(5, 1))
        await pilot.pause()
        assert app.is_running


async def test_links_need_confirmation(make_app, emulator, monkeypatch):
    from poe_tui.tui.screens.confirm import ConfirmScreen

    opened: list[str] = []
    emulator.state.inject(Fault(reply="see [the docs](https://example.com/docs)"))
    app = make_app()
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "link please")
        await settle(pilot)
        segment = app.chat_screen.conversation.last_reply().query_one("StreamingMarkdown")
        # Click the link text: the link's action asks the screen to confirm.
        await pilot.click(segment, offset=(6, 0))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.pause(0.1)
        assert opened == []
        assert "https://example.com/docs" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert opened == []
        await app.chat_screen.run_action("open_link('https://example.com/[b]x[/b]')")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.pause(0.1)
        assert "https://example.com/[b]x[/b]" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert opened == ["https://example.com/[b]x[/b]"]


async def test_error_message_is_literal(make_app, emulator):
    emulator.state.inject(Fault(status=400, message="bad [@click=app.quit]thing[/] \x1b[2J"))
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "hi")
        await settle(pilot)
        await pilot.pause(0.2)
        shown = screen_text(app)
        assert "bad [@click=app.quit]thing[/]" in shown
        assert app.is_running


async def test_bot_name_and_description_in_the_picker_are_literal(make_app, emulator):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: len(app.bots) > 0, what="the bot list")
        evil = Bot(id="evil-bot", display_name="Evil[b]Bot[/b]", description="desc [@click=app.quit]quit[/] \x1b[31m [/bold]")
        app.chat_screen.show_catalog([evil], [], [])
        await pilot.press("ctrl+l")
        await pilot.press(*"evil")
        await pilot.pause(0.2)
        shown = screen_text(app)
        assert "Evil[b]Bot[/b]" in shown
        assert "desc [@click=app.quit]quit[/]" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.bot == "Evil[b]Bot[/b]"
        assert "Evil[b]Bot[/b]" in screen_text(app)  # in the footer too
        assert app.is_running


async def test_conversation_title_in_history_is_literal(make_app, emulator):
    def seed(store):
        conv = store.create_conversation(title="[@click=app.quit]Title[/] [/bold] \x1b[5m")
        store.add_message(conv.id, "user", "hello")

    app = make_app(seed=seed)
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)
        shown = screen_text(app)
        assert "[@click=app.quit]Title[/] [/bold]" in shown
        await pilot.press("tab", "d")  # to the list; the delete question quotes the title
        await pilot.pause(0.2)
        assert "[@click=app.quit]Title[/]" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
