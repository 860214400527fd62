"""One turn of the conversation: the user's text, or a bot's reply (streaming or finished).

Everything shown here is untrusted: text goes in as `Content` (never parsed as markup) or as
markdown source (rendered by Textual's parser, which has no markup or actions), and terminal
controls are stripped first.
"""

from __future__ import annotations

import asyncio
import gc
import re
import time
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Collapsible, Static

from poe_tui.media import find as find_media
from poe_tui.media import strip as strip_media
from poe_tui.textsafe import one_line, strip_terminal_controls
from poe_tui.tui import keystrokes
from poe_tui.tui.widgets.attachments import attachment_line
from poe_tui.tui.widgets.inplace import update_in_place
from poe_tui.tui.widgets.markdown_stream import Hollow, StreamingMarkdown
from poe_tui.tui.widgets.media import MediaList
from poe_tui.tui.widgets.settled import SettledCollapsible, SettledStatic

if TYPE_CHECKING:
    from poe_tui.store.records import Message

FLUSH_INTERVAL = 0.05  # seconds between screen updates while a reply streams
FAST_FLUSH_CHARS = 2000  # a flush this big means text comes faster than it can be read...
FAST_FLUSH_INTERVAL = 0.2  # ...so show it less often: each update relayouts the conversation


_COMPLETE_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\)"  # OSC, DCS, SOS, PM, APC with their terminator
    r"|\x1b[ -/]*[0-Z\\`-~]",  # two-byte sequences
    re.DOTALL,
)
HOLD_LIMIT = 4096  # longer than this, an unterminated sequence is let through (and stripped)


def split_unfinished_escape(raw: str) -> tuple[str, str]:
    """(text to show now, tail to hold back): a stream may cut an escape sequence in two, and
    stripping the halves separately would leave the second half on screen as text."""
    index = raw.rfind("\x1b")
    if index == -1 or len(raw) - index > HOLD_LIMIT or _COMPLETE_ESCAPE.match(raw, index):
        return raw, ""
    return raw[:index], raw[index:]


SHOW_CHARS = 20_000  # a longer message (a big paste) shows its start and says how much more


def shown_text(text: str) -> Content:
    """A user message as shown: all of it, or, past SHOW_CHARS, its start and what is left out
    (a 2 MB paste drawn whole would take seconds at every resize; it is sent and stored whole)."""
    text = strip_terminal_controls(text)
    if len(text) <= SHOW_CHARS:
        return Content(text)
    cut = text.rfind("\n", 0, SHOW_CHARS) + 1 or SHOW_CHARS
    rest = text[cut:]
    lines = rest.count("\n") + 1
    note = f"… {len(rest):,} more characters, {lines:,} more line{'s' if lines != 1 else ''} (sent whole)"
    return Content.assemble(text[:cut], (note, "italic $text-muted"))


class FullCollections:
    """While a reply streams, full garbage collections (50-100 ms with a long conversation on
    screen: the worst keystroke delays) wait; young generations are still collected. Counted,
    so two streams at once restore the thresholds only when both are done."""

    streams = 0
    saved: tuple[int, int, int] | None = None

    @classmethod
    def hold(cls) -> None:
        if cls.streams == 0:
            cls.saved = gc.get_threshold()
            gc.set_threshold(cls.saved[0], cls.saved[1], max(cls.saved[2], 1000))
        cls.streams += 1

    @classmethod
    def release(cls) -> None:
        cls.streams -= 1
        if cls.streams == 0 and cls.saved is not None:
            gc.set_threshold(*cls.saved)


def clock_time(ts: float | None) -> str:
    return time.strftime("%H:%M", time.localtime(ts)) if ts else ""


class UserMessage(Hollow):
    DEFAULT_CSS = """
    UserMessage { height: auto; }
    """

    def __init__(self, message: Message, number: int | None = None, attachments: tuple = ()) -> None:
        super().__init__(classes="message user")
        self.message = message
        self.number = number
        self.note = ""  # "‹ 2/3 ›": the versions of this message (an edit makes one)
        self.attachments = list(attachments)  # the files it carried (store records)

    def _header(self) -> Content:
        head = Content.assemble(("You", "bold"), "  ", (clock_time(self.message.created_at), "dim"))
        if self.note:
            head = Content.assemble(head, "  ", (one_line(self.note, 120), "italic $text-muted"))
        if self.number is not None:
            head = Content.assemble(head, "  ", (f"#{self.number}", "dim"))
        return head

    def set_note(self, note: str) -> None:
        self.note = note
        if self.is_mounted:
            update_in_place(self.query_one(".message-header", Static), self._header())

    def compose(self) -> ComposeResult:
        yield SettledStatic(self._header(), classes="message-header")
        yield SettledStatic(shown_text(self.message.content), classes="message-body")
        if self.attachments:
            yield attachment_line(self.attachments)

    async def show_attachments(self, files: list) -> None:
        """The files it carried (known after the thread is loaded)."""
        self.attachments = list(files)
        if self.is_mounted and files:
            await self.mount(attachment_line(self.attachments))


class ReplyMessage(Hollow):
    """A bot's reply. While streaming, text is buffered and flushed every FLUSH_INTERVAL.
    Image, audio and video URLs in a finished reply become media rows, each URL shown once."""

    DEFAULT_CSS = """
    ReplyMessage { height: auto; }
    """
    previews = False  # inline image previews (the screen sets it from the settings)

    def __init__(self, bot: str, message: Message | None = None, number: int | None = None, *, note: str = "") -> None:
        super().__init__(classes="message reply")
        self.bot = bot
        self.message = message
        self.number = number
        self.note = note  # e.g. "waiting for Bot…", "rate limited, retrying in 4 s"
        self.params_label = ""  # the non-default parameters it was sent with: "effort high · web"
        self.streaming = message is None
        self.set_class(self.streaming, "-streaming")
        self._pending_text: list[str] = []  # raw: stripped at flush, whole escape sequences at once
        self._held = ""
        self._pending_reasoning: list[str] = []
        self._reasoning_text = strip_terminal_controls(message.reasoning) if message and message.reasoning else ""
        self._reasoning: Static | None = None
        self._reasoning_folds: Collapsible | None = None  # the box around it
        self._flushing = False
        self.ending = False  # over, its end being shown (it may wait for a gap between keys)
        self._timer = None
        self._quiet_until = 0.0  # after a big flush, the timer skips ticks until then
        self._flushed_at = 0.0
        if message is not None:
            self.set_class(message.status in ("error", "interrupted"), "-failed")

    # ------------------------------------------------------------ composing

    def compose(self) -> ComposeResult:
        yield SettledStatic(self._header(), classes="message-header")
        if self._reasoning_text or self.streaming:  # ready, hidden: mounting it mid-stream took 2 frames
            yield self._reasoning_box()
        text = strip_terminal_controls(self.message.content) if self.message else ""
        items = [] if self.streaming else find_media(text)
        yield StreamingMarkdown(strip_media(text) if items else text, streaming=self.streaming, classes="message-body")
        if items:
            yield MediaList(items, previews=self.previews)

    def _reasoning_box(self) -> Collapsible:
        self._reasoning = SettledStatic(Content(self._reasoning_text), classes="reasoning-text")
        box = self._reasoning_folds = SettledCollapsible(self._reasoning, title="Reasoning", collapsed=True, classes="reasoning")
        box.display = bool(self._reasoning_text)
        return box

    def on_mount(self) -> None:
        if self.streaming:
            self._timer = self.set_interval(FLUSH_INTERVAL, self.flush)
            FullCollections.hold()

    def on_unmount(self) -> None:
        self._stop_streaming()

    def _release(self) -> None:
        """Its redraw, held while the user typed, goes now."""
        self.call_next(self.flush, held=True)

    def _stop_streaming(self) -> None:
        keystrokes.release(self)
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            FullCollections.release()

    @property
    def body(self) -> StreamingMarkdown:
        return self.query_one(StreamingMarkdown)

    @property
    def text(self) -> str:
        """Everything received so far, flushed or not."""
        return self.body.source + strip_terminal_controls(self._held + "".join(self._pending_text))

    def _header(self) -> Content:
        parts: list[str | tuple[str, str]] = [(one_line(self.bot, 60), "bold $accent")]
        msg = self.message
        if msg is not None:
            parts += ["  ", (clock_time(msg.created_at), "dim")]
            if msg.completion_tokens is not None:
                parts += ["  ", (f"{msg.completion_tokens:,} tokens", "dim")]
            if msg.points is not None:
                parts += ["  ", (f"{msg.points:,} pts", "dim")]
            if msg.status == "interrupted":
                parts += ["  ", ("⏹ interrupted", "bold $warning")]
            elif msg.status == "error":
                parts += ["  ", ("✖ failed", "bold $error")]
            if msg.status != "complete" and msg.error:
                parts += ["  ", (one_line(msg.error, 200), "$text-muted")]
        if self.params_label:
            parts += ["  ", (one_line(self.params_label, 80), "$text-muted")]
        if self.note:
            parts += ["  ", (one_line(self.note, 120), "italic $text-muted")]
        if self.number is not None:
            parts += ["  ", (f"#{self.number}", "dim")]
        return Content.assemble(*parts)

    def refresh_header(self) -> None:
        if self.is_mounted:
            update_in_place(self.query_one(".message-header", Static), self._header())

    def set_note(self, note: str) -> None:
        self.note = note
        self.refresh_header()

    # ------------------------------------------------------------ streaming

    def feed_text(self, text: str) -> None:
        self._pending_text.append(text)

    def feed_reasoning(self, text: str) -> None:
        self._pending_reasoning.append(strip_terminal_controls(text))

    async def flush(self, final: bool = False, held: bool = False) -> None:
        """Show what arrived since the last flush; `held`: a redraw held while the user typed."""
        if self._flushing or not self.is_mounted:
            return
        now = time.monotonic()
        if not (final or held) and now < self._quiet_until:
            return
        if not (final or held) and keystrokes.hold(self, self._flushed_at, self._release):
            return  # the user is typing: their keys get the frames, the reply catches up soon
        self._flushed_at = now
        self._flushing = True
        try:
            if self.note and self._pending_text:
                self.set_note("")
            if self._pending_reasoning:
                self._reasoning_text += "".join(self._pending_reasoning)
                self._pending_reasoning.clear()
                box, text = self._reasoning_folds, self._reasoning
                if box is not None and text is not None:  # a streaming reply composes them
                    box.display = True
                    text.update(Content(self._reasoning_text), layout=not box.collapsed)  # folded: no relayout
            if self._pending_text or (final and self._held):
                raw = self._held + "".join(self._pending_text)
                self._pending_text.clear()
                ready, self._held = (raw, "") if final else split_unfinished_escape(raw)
                await self.body.append(strip_terminal_controls(ready))
                if len(ready) >= FAST_FLUSH_CHARS:
                    self._quiet_until = now + FAST_FLUSH_INTERVAL
        finally:
            self._flushing = False

    async def finish(self, message: Message, note: str = "") -> None:
        """The reply is over (complete, failed or interrupted): show what is stored."""
        self._stop_streaming()
        self.ending = True
        try:
            await keystrokes.gap()  # what follows relayouts: not while a typed key waits for its echo
        finally:
            self.ending = False
        while self._flushing:  # a timer flush is mid-append: let it land first
            await asyncio.sleep(0.005)
        await self.flush(final=True)
        self.body.finish()
        self.streaming = False
        self.remove_class("-streaming")
        self.message = message
        self.note = note
        self.set_class(message.status in ("error", "interrupted"), "-failed")
        self.refresh_header()
        await self._show_media()

    async def _show_media(self) -> None:
        """The finished text's media URLs, once each, as rows under a text without them."""
        items = find_media(self.body.source)
        if not items or self.query(MediaList):
            return
        old = self.body
        body = StreamingMarkdown(strip_media(old.source), classes="message-body")
        await self.mount(body, after=old)
        await old.remove()
        await self.mount(MediaList(items, previews=self.previews), after=body)
