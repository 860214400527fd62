"""A streamed reply is one widget however long it grows, cut as a reload cuts it, and its
pages are drawn only when on screen."""

from __future__ import annotations

import random

from textual.app import App
from textual.containers import VerticalScroll

from poe_tui.tui.widgets.markdown_stream import LIVE_RESERVE, StreamingMarkdown, split_segments
from poe_tui.tui.widgets.mdtext import layout, parse

from uihelpers import screen_text

TEXT = ("Paragraph " * 40 + "\n\n- item\n- item\n\n```\nx\n\ny\n```\n\n") * 40 + "The last words."


class Host(App):
    def __init__(self, text: str = "", streaming: bool = True) -> None:
        super().__init__()
        self.text, self.streaming = text, streaming

    def compose(self):
        with VerticalScroll():
            yield StreamingMarkdown(self.text, streaming=self.streaming)


async def test_a_long_stream_stays_one_widget_and_matches_a_reload():
    rng = random.Random(5)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        body = app.query_one(StreamingMarkdown)
        pos = 0
        while pos < len(TEXT):
            step = rng.randint(1, 900)
            await body.append(TEXT[pos:pos + step])
            pos += step
            if rng.random() < 0.2:
                await pilot.pause()
        body.finish()
        await pilot.pause()
        assert body.source == TEXT
        assert body.segments == split_segments(TEXT) and len(body.segments) > 10
        assert not body.children
        streamed = [line.plain for line in body._layout(80)]
    reload = Host(TEXT, streaming=False)
    async with reload.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        body = reload.query_one(StreamingMarkdown)
        assert body.segments == split_segments(TEXT)
        assert [line.plain for line in body._layout(80)] == streamed
        reload.query_one(VerticalScroll).scroll_end(animate=False)
        await pilot.pause()
        assert "The last words." in screen_text(reload)


async def test_a_reply_draws_what_the_layout_holds():
    app = Host(TEXT, streaming=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        body = app.query_one(StreamingMarkdown)
        lines = body._layout(body.size.width)
        for y in (0, 31, 32, 33, len(lines) - 1):
            assert body.render_line(y).text.rstrip() == lines[y].plain.rstrip()
        expected = [line.plain for part in body.parts for line in layout(parse(part), body.size.width)]
        assert [line.plain for line in lines if line.plain] == [line for line in expected if line]


async def test_a_streaming_reply_grows_in_steps_and_repaints_only_its_new_lines():
    """Most updates change a line or two: they must not relayout the screen (a relayout walks
    every widget, and a typed key waits for it)."""
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        body = app.query_one(StreamingMarkdown)
        await body.append("One line.")
        await pilot.pause()
        step = body.reserve
        assert step == min(LIVE_RESERVE, 24 // 3)  # a third of the screen at most: new words stay in view
        assert body.size.height == step
        asked: list[tuple[bool, list]] = []
        refresh = body.refresh

        def spy(*regions, layout=False, **kwargs):
            asked.append((layout, [r.height for r in regions]))
            return refresh(*regions, layout=layout, **kwargs)

        body.refresh = spy  # type: ignore[method-assign]
        for n in range(40):
            await body.append(f" word{n}")
            await pilot.pause()
        body.refresh = refresh  # type: ignore[method-assign]
        assert asked and not any(layout for layout, _ in asked)
        assert all(heights and max(heights) <= 2 for _, heights in asked)  # the line or two that changed
        assert body.size.height == step
        await body.append("\n\n" + "\n\n".join(f"Paragraph {n}." for n in range(step)))
        await pilot.pause()
        lines = len(body._layout(80))
        assert lines > step and body.size.height == -(-lines // step) * step  # in steps
        body.finish()
        await pilot.pause()
        assert body.size.height == len(body._layout(80))  # the reserve is gone
