"""The reply renderer: markdown laid out by one leaf widget per segment, segments cut the same
way whether a reply streams in or is loaded from history."""

from __future__ import annotations

import random

from textual.app import App

from poe_tui.tui.widgets.markdown_stream import FREEZE_AT, StreamingMarkdown, split_segments
from poe_tui.tui.widgets.mdtext import layout, parse

DOC = "\n\n".join(
    [
        "# Title",
        "Some **bold**, *italic*, `code` and a [link](https://example.com).",
        "- one\n- two that is long enough to wrap around the narrow width we use here\n  - nested",
        "1. first\n2. second",
        "> a quote\n>\n> — someone",
        "```python\ndef f(x):\n\n    return x\n```",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "---",
        "<b>html stays text</b> [@click=app.quit]x[/]",
    ]
)


def plain(source: str, width: int = 40) -> list[str]:
    return [line.plain for line in layout(parse(source), width)]


def test_layout_wraps_with_hanging_indents_and_keeps_text_literal():
    lines = plain(DOC)
    assert lines[0] == "Title"
    assert "• one" in lines
    wrapped = lines.index("• two that is long enough to wrap around")
    assert lines[wrapped + 1].startswith("  ")
    assert "  ◦ nested" in lines
    assert "1. first" in lines and "▌ a quote" in lines
    assert "python" in lines and "  def f(x):" in lines
    assert any("│" in line for line in lines)
    assert any(line.startswith("───") for line in lines)
    assert "<b>html stays text</b> [@click=app.quit]x[/]" in plain(DOC, 80)
    assert all(len(line) <= 40 for line in lines)


def test_links_ask_the_screen_to_confirm():
    content = layout(parse("[x](https://example.com/a'b)"), 40)[0]
    metas = [span.style for span in content.spans if hasattr(span.style, "meta")]
    actions = [style.meta.get("@click") for style in metas if style.meta]
    assert actions == ["screen.open_link(\"https://example.com/a'b\")"]


def test_segments_cut_only_at_safe_paragraph_breaks():
    text = ("word " * 60 + "\n\n") * 10 + "```\n" + "code\n\n" * 300 + "```\n\nend"
    segments = split_segments(text)
    assert "".join(segments) == text
    assert len(segments) > 3
    for segment in segments[:-1]:
        assert segment.endswith("\n\n") and segment.count("```") % 2 == 0
        assert len(segment) >= FREEZE_AT


async def test_streaming_in_random_chunks_cuts_like_a_reload():
    text = ("Paragraph " * 40 + "\n\n- item\n- item\n\n```\nx\n\ny\n```\n\n") * 12
    rng = random.Random(3)

    class Host(App):
        def compose(self):
            yield StreamingMarkdown(streaming=True)

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        body = app.query_one(StreamingMarkdown)
        pos = 0
        while pos < len(text):
            step = rng.randint(1, 400)
            await body.append(text[pos : pos + step])
            pos += step
        body.finish()
        await pilot.pause()
        streamed = body.segments
        assert streamed == split_segments(text)
        assert body.source == text
