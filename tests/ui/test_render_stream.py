"""A streamed reply is two widgets however long it grows, cut as a reload cuts it, and its
pages are drawn only when on screen."""

from __future__ import annotations

import random

from textual.app import App
from textual.containers import VerticalScroll

from poe_tui.tui.widgets.markdown_stream import MarkdownSegment, StreamingMarkdown, split_segments
from poe_tui.tui.widgets.mdtext import MarkdownText, layout, parse

from uihelpers import screen_text

TEXT = ("Paragraph " * 40 + "\n\n- item\n- item\n\n```\nx\n\ny\n```\n\n") * 40 + "The last words."


class Host(App):
    def __init__(self, text: str = "", streaming: bool = True) -> None:
        super().__init__()
        self.text, self.streaming = text, streaming

    def compose(self):
        with VerticalScroll():
            yield StreamingMarkdown(self.text, streaming=self.streaming)


async def test_a_long_stream_stays_two_widgets_and_matches_a_reload():
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
        assert len(body.query(MarkdownText)) == 2
        streamed = [line.plain for w in body.query(MarkdownText) for line in w._layout(80)]
    reload = Host(TEXT, streaming=False)
    async with reload.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        body = reload.query_one(StreamingMarkdown)
        assert body.segments == split_segments(TEXT)
        assert [line.plain for w in body.query(MarkdownText) for line in w._layout(80)] == streamed
        reload.query_one(VerticalScroll).scroll_end(animate=False)
        await pilot.pause()
        assert "The last words." in screen_text(reload)


async def test_the_frozen_part_draws_what_the_layout_holds():
    app = Host(TEXT, streaming=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        frozen = app.query_one(StreamingMarkdown).query(MarkdownText).first()
        assert not isinstance(frozen, MarkdownSegment)
        lines = frozen._layout(frozen.size.width)
        for y in (0, 31, 32, 33, len(lines) - 1):
            assert frozen.render_line(y).text.rstrip() == lines[y].plain.rstrip()
        expected = [line.plain for part in frozen.parts for line in layout(parse(part), frozen.size.width)]
        assert [line.plain for line in lines if line.plain] == [line for line in expected if line]
