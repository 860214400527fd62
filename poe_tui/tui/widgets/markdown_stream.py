"""Markdown that grows as a reply streams, at a cost that does not grow with its length.

Re-parsing a whole 20,000-token reply at every update would be quadratic. Here only the last
segment is live: once it passes `FREEZE_AT` characters, the next paragraph break outside a
code fence closes it (it is never parsed again) and a fresh live segment takes the rest.
Closed segments join one frozen widget, so a reply is two leaf widgets however long it grows:
the layout work per update, and per frame, stays small.
"""

from __future__ import annotations

import re

from textual.containers import Vertical
from textual.visual import Visual

from poe_tui.tui.widgets.mdtext import MarkdownText

FREEZE_AT = 1000
FREEZE_LATEST = 8 * FREEZE_AT  # a live segment longer than this is cut at once
LIVE_RESERVE = 24  # the live segment grows 24 lines at a time: few full relayouts
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


class MarkdownSegment(MarkdownText):
    """The live piece of a message's markdown."""

    DEFAULT_CSS = """
    MarkdownSegment.-after { margin-top: 1; }
    """
    page = 2  # a stream changes a line or two at a time: redraw little

    def __init__(self, source: str = "", first: bool = False) -> None:
        # A class, not :first-child: the pseudo-class updates lag behind.
        super().__init__(source, classes="" if first else "-after")


class FrozenMarkdown(MarkdownText):
    """The closed segments of a message, laid out once each."""


class Hollow(Vertical):
    """A container that draws only its background. Textual's default renders, and keeps, a
    blank strip for every line of a widget's height: 1,600 of them for a 20,000-token reply,
    built again at every relayout (and walked by every full garbage collection)."""

    def render_line(self, y: int):
        visual = self._render()  # cached by Textual until the styles change
        drawn = getattr(self, "_blank", None)
        if drawn is None or drawn[0] != self.size.width or drawn[1] is not visual:
            drawn = self._blank = (self.size.width, visual, Visual.to_strips(self, visual, self.size.width, 1, self.visual_style)[0])
        return drawn[2]


class StreamingMarkdown(Hollow):
    DEFAULT_CSS = """
    StreamingMarkdown { height: auto; }
    """

    def __init__(self, text: str = "", streaming: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.streaming = streaming
        segments = split_segments(text) if text else [""]
        self.source = text
        self._frozen = FrozenMarkdown()
        self._frozen.parts = segments[:-1]
        self._live_text = segments[-1]
        self._live = MarkdownSegment(self._live_text, first=len(segments) == 1)
        if streaming:
            self._live.reserve = LIVE_RESERVE

    def grow_in_steps(self, lines: int) -> None:
        """While streaming, the live part's height grows this many lines at a time (each growth
        relayouts what is around it: side-by-side columns want fewer)."""
        if self.streaming:
            self._live.reserve = lines

    def compose(self):
        yield self._frozen
        yield self._live

    @property
    def segments(self) -> list[str]:
        """The source as cut into segments (the same cut for a stream and a reload)."""
        return [*self._frozen.parts, *split_segments(self._live_text)]

    async def append(self, text: str) -> None:
        """Add streamed text. A relayout repaints the whole conversation (the costliest thing a
        frame does), so closed segments move to the frozen widget only when the live one changes
        height anyway; the cut is the same as split_segments gives (it depends on the text)."""
        if not text:
            return
        self.source += text
        self._live_text += text
        if len(self._live_text) > FREEZE_LATEST and self._freeze():  # a fast stream: parse it once
            return
        if self._live.update(self._live_text):
            self._freeze()

    def _freeze(self) -> bool:
        """Move closed segments to the frozen widget; False when there is none yet."""
        segments = split_segments(self._live_text)
        if len(segments) == 1:
            return False
        self._live_text = segments[-1]
        self._frozen.extend(segments[:-1])
        self._live.set_class(True, "-after")
        self._live.update(self._live_text)
        return True

    def finish(self) -> None:
        """Streaming is over: close what can be closed, drop the reserved lines."""
        self.streaming = False
        self._freeze()
        if self._live.reserve != 1:
            self._live.reserve = 1
            self._live.refresh(layout=True)
