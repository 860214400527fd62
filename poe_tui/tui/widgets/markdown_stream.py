"""Markdown that grows as a reply streams, at a cost that does not grow with its length.

Re-parsing a whole 20,000-token reply at every update would be quadratic. Here only the last
segment is live: once it passes `FREEZE_AT` characters, the next paragraph break outside a
code fence closes it (it is never parsed again) and a fresh live segment takes the rest. Each
segment is one leaf widget (`MarkdownText`), so the layout work per update stays small.
"""

from __future__ import annotations

import re

from textual.containers import Vertical

from poe_tui.tui.widgets.mdtext import MarkdownText

FREEZE_AT = 1000
LIVE_RESERVE = 4  # the live segment grows 4 lines at a time: fewer full relayouts
_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)


def next_cut(text: str, size: int = FREEZE_AT) -> int | None:
    """Where the first segment of `text` ends: just after the first paragraph break at or past
    `size` characters that is outside a code fence and followed by unindented text. Depends on
    the text alone, so streaming (which sees prefixes) cuts exactly where a reload does."""
    pos = size
    while True:
        pos = text.find("\n\n", pos)
        if pos == -1:
            return None
        cut = pos + 2
        if text[cut:cut + 1] not in (" ", "\t", "\n", "") and len(_FENCE.findall(text, 0, cut)) % 2 == 0:
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
    """One piece of a message's markdown."""

    DEFAULT_CSS = """
    MarkdownSegment.-after { margin-top: 1; }
    """

    def __init__(self, source: str = "", first: bool = False) -> None:
        # A class, not :first-child: segments are mounted while the pseudo-class updates lag.
        super().__init__(source, classes="" if first else "-after")


class StreamingMarkdown(Vertical):
    DEFAULT_CSS = """
    StreamingMarkdown { height: auto; }
    """

    def __init__(self, text: str = "", streaming: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.streaming = streaming
        self._initial = text
        self.source = text
        self._live: MarkdownSegment | None = None
        self._live_text = ""

    def compose(self):
        segments = split_segments(self._initial) if self._initial else [""]
        for index, seg in enumerate(segments[:-1]):
            yield MarkdownSegment(seg, first=index == 0)
        self._live = MarkdownSegment(segments[-1], first=len(segments) == 1)
        self._live_text = segments[-1]
        if self.streaming:
            self._live.reserve = LIVE_RESERVE
        yield self._live
        self._initial = ""

    async def append(self, text: str) -> None:
        if not text:
            return
        self.source += text
        combined = self._live_text + text
        assert self._live is not None
        segments = split_segments(combined)
        if len(segments) == 1:
            self._live_text = combined
            self._live.update(combined)
            return
        self._live.reserve = 1
        self._live.update(segments[0])
        frozen = [MarkdownSegment(seg) for seg in segments[1:-1]]
        self._live_text = segments[-1]
        self._live = MarkdownSegment(self._live_text)
        self._live.reserve = LIVE_RESERVE
        await self.mount_all([*frozen, self._live])

    def finish(self) -> None:
        """Streaming is over: drop the reserved lines."""
        self.streaming = False
        if self._live is not None and self._live.reserve != 1:
            self._live.reserve = 1
            self._live.refresh(layout=True)
