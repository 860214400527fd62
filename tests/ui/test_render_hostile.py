"""Any text a bot sends renders, or degrades to plain text: it never takes the app down, neither
while it streams nor when the stored reply is opened again (issue 9.1)."""

from __future__ import annotations

import pytest
from textual.app import App

from poe_tui.store.records import Message
from poe_tui.tui.widgets.conversation import ConversationView
from poe_tui.tui.widgets.mdtext import layout, parse
from poe_tui.tui.widgets.message import ReplyMessage

from uihelpers import screen_text

HOSTILE = {  # each with "x" as its payload, as in the issue
    "nested stars": "*" * 500 + "x" + "*" * 500,
    "nested underscores": "_" * 500 + "x" + "_" * 500,
    "nested strikes": "~~" * 2000 + "x" + "~~" * 2000,
    "quotes 25 deep": "> " * 25 + "x",
    "quotes 200 deep": "> " * 200 + "x",
    "quotes 3000 deep": "> " * 3000 + "x",
    "lists 300 deep": "".join("  " * i + "- item\n" for i in range(300)) + "\nx",
}


def shown(source: str, width: int = 70) -> str:
    return "\n".join(line.plain for line in layout(parse(source), width))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_markdown_renders_its_text(name):
    source = HOSTILE[name].replace("x", "payload")
    assert "payload" in shown(source)


def test_a_deep_quote_keeps_room_for_its_text():
    lines = layout(parse("> " * 40 + "the words at the bottom of the quote"), 60)
    words = " ".join(" ".join(line.plain.replace("▌", "").split()) for line in lines)
    assert "the words at the bottom of the quote" in words
    assert all(line.cell_length <= 60 for line in lines)


def stored(content: str, n: int) -> Message:
    return Message(id=f"m{n}", conversation_id="c", parent_id=None, role="assistant", content=content, reasoning="",
                   bot="Demo-Markdown", status="complete", error=None, finish_reason="stop", prompt_tokens=1,
                   completion_tokens=1, total_tokens=2, points=1, created_at=0.0, updated_at=0.0)


class ViewApp(App):
    def compose(self):
        yield ConversationView()


async def test_a_stored_hostile_reply_opens_and_a_streamed_one_renders():
    bodies = [HOSTILE["nested stars"].replace("x", "stars"), HOSTILE["nested underscores"].replace("x", "scores"),
              "> " * 30 + "quoted"]
    app = ViewApp()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(ConversationView)
        await view.load([stored(body, n) for n, body in enumerate(bodies)])  # reopening the conversation
        await pilot.pause()
        text = screen_text(app)
        for word in ("stars", "scores", "quoted"):
            assert word in text

        await view.clear()
        reply = ReplyMessage("Demo-Markdown")
        await view.add(reply)
        for start in range(0, len(HOSTILE["nested stars"]), 37):  # streamed in pieces
            reply.feed_text(HOSTILE["nested stars"][start:start + 37])
            await pilot.pause(0.01)
        await reply.finish(stored(HOSTILE["nested stars"], 9))
        await pilot.pause()
        assert app.is_running
        assert reply.body.source == HOSTILE["nested stars"]
