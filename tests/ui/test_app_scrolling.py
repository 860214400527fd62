"""Moving through a long conversation: a page per key however fast it repeats, earlier messages
load when the top is reached, and one key jumps to the first message."""

from __future__ import annotations

from poe_tui.tui.widgets.message import ReplyMessage, UserMessage

from uihelpers import open_latest, ready, wait_for

BODY = ("lorem ipsum dolor sit amet " * 20 + "\n\n") * 3


def _seed(store):
    conv = store.create_conversation(title="Long one")
    parent = None
    for i in range(1, 81):
        role = "user" if i % 2 else "assistant"
        parent = store.add_message(conv.id, role, f"message {i}\n\n{BODY}", parent_id=parent,
                                   bot=None if i % 2 else "Demo-Echo", status="complete").id


def _numbers(app) -> list[int]:
    return [w.number for w in app.chat_screen.conversation.query(UserMessage)] + [
        w.number for w in app.chat_screen.conversation.query(ReplyMessage)]


async def test_paging_loading_earlier_and_jumping_to_the_top(make_app):
    app = make_app(seed=_seed)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = await open_latest(pilot)
        assert view.has_earlier and min(_numbers(app)) == 51
        start = view.scroll_y
        for _ in range(5):  # one burst: each press still moves a whole page
            await pilot.press("shift+pageup")
        await pilot.pause()
        assert start - view.scroll_y >= 5 * view.scrollable_content_region.height - 1
        for _ in range(60):
            await pilot.press("shift+pageup")
        await wait_for(pilot, lambda: min(_numbers(app)) < 51, what="earlier messages to load at the top")
        await pilot.press("ctrl+home")
        await wait_for(pilot, lambda: min(_numbers(app)) == 1 and view.scroll_y == 0, what="the first message")
        assert not view.has_earlier
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: view.scroll_y == view.max_scroll_y, what="the end")
