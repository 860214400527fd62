"""Markdown that grows as a reply streams, at a cost that does not grow with its length.

Re-parsing a whole 20,000-token reply at every update would be quadratic. Here only the last
segment is live: once it passes `FREEZE_AT` characters, the next paragraph break outside a
code fence closes it (it is never parsed again) and a fresh live segment takes the rest.
A reply is one leaf widget however long it grows, and its height grows in steps of several
lines: most updates repaint a few lines, and only a step relayouts the screen (the costliest
thing a frame does: 20-40 ms with replies side by side, while a typed key waits).
"""

from __future__ import annotations

import re

from textual.containers import Vertical
from textual.visual import Visual

from poe_tui.tui.widgets.mdtext import PAGE, MarkdownText
from poe_tui.tui.widgets.settled import SettledSize

FREEZE_AT = 1000
LIVE_RESERVE = 24  # a streaming reply grows 24 lines at a time: few full relayouts
STREAM_PAGE = 4  # lines drawn together while streaming: an update redraws its last few lines
_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)


def next_cut(text: str, size: int = FREEZE_AT) -> int | None:
    """Where the first segment of `text` ends: just after the first paragraph break at or past
    `size` characters that is outside a code fence and followed by unindented text. Depends on
    the text alone, so streaming (which sees prefixes) cuts exactly where a reload does.
    Fences are counted once, as the search goes (linear in the text)."""
    scanned = text.rfind("\n", 0, size) + 1  # a line start: no fence straddles it
    fences = len(_FENCE.findall(text, 0, scanned))
    pos = size
    while True:
        pos = text.find("\n\n", pos)
        if pos == -1:
            return None
        cut = pos + 2
        fences += len(_FENCE.findall(text, scanned, cut))
        scanned = cut
        if text[cut:cut + 1] not in (" ", "\t", "\n", "") and fences % 2 == 0:
            return cut
        pos = cut - 1


def split_segments(text: str, size: int = FREEZE_AT) -> list[str]:
    """A whole document cut into segments, exactly as streaming it would have."""
    segments: list[str] = []
    while (cut := next_cut(text, size)) is not None:
        segments.append(text[:cut])
        text = text[cut:]
    segments.append(text)
    return segments


class Hollow(SettledSize, Vertical):
    """A container that draws only its background. Textual's default renders, and keeps, a
    blank strip for every line of a widget's height: 1,600 of them for a 20,000-token reply,
    built again at every relayout (and walked by every full garbage collection)."""

    def render_line(self, y: int):
        visual = self._render()  # cached by Textual until the styles change
        drawn = getattr(self, "_blank", None)
        if drawn is None or drawn[0] != self.size.width or drawn[1] is not visual:
            drawn = self._blank = (self.size.width, visual, Visual.to_strips(self, visual, self.size.width, 1, self.visual_style)[0])
        return drawn[2]


class StreamingMarkdown(MarkdownText):
    """A reply's markdown: closed segments, then the live one, as the parts of one document."""

    DEFAULT_CSS = """
    StreamingMarkdown { height: auto; }
    """

    def __init__(self, text: str = "", streaming: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.streaming = streaming
        self._text = text
        self.parts = split_segments(text) if text else []
        self._step = LIVE_RESERVE if streaming else 1  # lines the height grows by
        if streaming:
            self.page = STREAM_PAGE

    @property
    def source(self) -> str:
        """Kept whole: joining the parts at every read would copy a long reply each time."""
        return self._text

    @property
    def reserve(self) -> int:
        """The height's step, at most a third of the screen: the conversation follows the bottom
        of the reply, and the newest words must stay in view above the blank lines kept."""
        if self._step > 1 and self.is_attached:
            return min(self._step, max(1, self.screen.size.height // 3))
        return self._step

    def _height(self, lines: int) -> int:
        step = self.reserve
        return -(-lines // step) * step if step > 1 else lines

    @property
    def segments(self) -> list[str]:
        """The source as cut into segments (the same cut for a stream and a reload)."""
        return list(self.parts) or [""]

    def grow_in_steps(self, lines: int) -> None:
        """While streaming, the height grows this many lines at a time (each step relayouts what
        is around it: side-by-side columns want fewer)."""
        if self.streaming:
            self._step = lines

    async def append(self, text: str) -> None:
        """Add streamed text: the live segment is parsed again (and cut, once it can be); what
        the lines before it show is untouched."""
        if not text:
            return
        self._text += text
        live = len(self.parts) - 1 if self.parts else 0
        source = (self.parts[live] if self.parts else "") + text
        self.replace_from(live, split_segments(source))

    def finish(self) -> None:
        """Streaming is over: drop the reserved lines, draw in bigger pages."""
        self.streaming = False
        self.page = PAGE
        self._pages.clear()
        if self._step != 1:
            self._step = 1
            self.refresh(layout=True)
