"""History: search and open a hit, continue with its last bot; rename and delete."""

from __future__ import annotations

from poe_tui.tui.screens.history import HistoryScreen
from poe_tui.tui.widgets.message import ReplyMessage, UserMessage
from uihelpers import open_latest, ready, settle, type_and_send, wait_for


def seed(store):
    old = store.create_conversation(title="Penguin facts")
    u = store.add_message(old.id, "user", "Tell me about emperor penguins")
    store.add_message(old.id, "assistant", "Emperor penguins huddle for warmth.", parent_id=u.id, bot="Demo-Echo", status="complete")
    other = store.create_conversation(title="Shopping list")
    u2 = store.add_message(other.id, "user", "eggs and milk")
    store.add_message(other.id, "assistant", "Noted.", parent_id=u2.id, bot="Demo-Markdown", status="complete")


async def test_search_opens_a_hit_and_continues_with_its_bot(make_app, emulator):
    app = make_app(bot="Demo-Markdown", seed=seed)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "/search penguins")
        assert isinstance(app.screen, HistoryScreen)
        await wait_for(pilot, lambda: len(app.screen._items) > 0, what="search hits")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app.chat_screen, what="history to close")
        await pilot.pause()
        view = app.chat_screen.conversation
        assert [m.message.content for m in view.query(UserMessage)] == ["Tell me about emperor penguins"]
        assert app.session.bot == "Demo-Echo"
        assert app.chat_screen.bar.bot == "Demo-Echo"
        await type_and_send(pilot, "and their chicks?")
        await settle(pilot)
        request = emulator.state.chat_requests[-1]
        assert request.model == "Demo-Echo"
        assert [m["content"] for m in request.body["messages"]][0] == "Tell me about emperor penguins"
        assert len(list(view.query(ReplyMessage))) == 2


async def test_history_key_rename_and_delete(make_app, emulator):
    app = make_app(seed=seed)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, HistoryScreen)
        await wait_for(pilot, lambda: len(app.screen._items) == 2, what="the list")
        first = app.screen._items[0]
        await pilot.press("tab", "r")  # the search box has focus first
        await pilot.pause()
        rename = app.screen
        rename.query_one("Input").value = "Renamed"
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.service.db.sync.get_conversation(first.id).title == "Renamed"
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause(0.1)
        assert app.service.db.sync.get_conversation(first.id) is None
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.chat_screen


async def test_opening_a_long_conversation_mounts_only_the_tail(make_app):
    def many(store):
        conv = store.create_conversation(title="Long one")
        parent = None
        for i in range(50):
            m = store.add_message(conv.id, "user" if i % 2 == 0 else "assistant", f"message {i}", parent_id=parent, bot=None if i % 2 == 0 else "Demo-Echo", status="complete")
            parent = m.id

    app = make_app(seed=many)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = await open_latest(pilot)
        from poe_tui.tui.widgets.conversation import WINDOW

        assert len(view.messages) == WINDOW
        button = view.query_one("#earlier")
        button.press()
        await pilot.pause(0.2)
        assert len(view.messages) == 50
        assert view.messages[0].message.content == "message 0"


async def test_deleting_the_open_conversation_starts_a_new_one(make_app, emulator):
    app = make_app(bot="Demo-Markdown", seed=seed)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "/search penguins")
        await wait_for(pilot, lambda: len(app.screen._items) > 0, what="search hits")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app.chat_screen, what="history to close")
        opened = app.session.conversation_id
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(app.screen._items) == 2, what="the list")
        row = next(i for i, item in enumerate(app.screen._items) if item.id == opened)
        await pilot.press("tab", *["down"] * row, "d", "y")
        await pilot.pause(0.1)
        assert app.service.db.sync.get_conversation(opened) is None
        await pilot.press("escape")
        await pilot.pause()
        assert not list(app.chat_screen.conversation.query(UserMessage)), "the deleted messages are gone"
        await type_and_send(pilot, "a fresh start")
        await settle(pilot)
        assert app.session.conversation_id not in (None, opened)
        assert [m.role for m in app.service.db.sync.get_messages(app.session.conversation_id)] == ["user", "assistant"]


async def test_a_search_hit_opens_at_the_message_it_found(make_app, emulator):
    def long_one(store):
        conv = store.create_conversation(title="Long talk")
        parent = None
        for i in range(80):
            text = "the zeppelin question" if i == 10 else f"filler message {i}"
            m = store.add_message(conv.id, "user" if i % 2 == 0 else "assistant", text, parent_id=parent,
                                  bot=None if i % 2 == 0 else "Demo-Echo", status="complete")
            parent = m.id

    app = make_app(seed=long_one)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "/search zeppelin")
        await wait_for(pilot, lambda: len(app.screen._items) > 0, what="search hits")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app.chat_screen, what="history to close")
        await pilot.pause(0.2)
        view = app.chat_screen.conversation
        hit = [w for w in view.query(".-hit")]
        assert len(hit) == 1 and hit[0].message.content == "the zeppelin question"
        assert view.scroll_y > 0 and view.scroll_y < view.max_scroll_y, "scrolled to the hit, not the end"
        assert hit[0].region.y < 40, "the hit is on screen"
