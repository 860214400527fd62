"""The history list: conversation rows and search-hit rows (built as `Content`, never markup),
in an OptionList that asks for the next page as its view nears the end."""

from __future__ import annotations

import time

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList

from poe_tui.store import ConversationSummary, SearchHit
from poe_tui.textsafe import one_line

MORE_MARGIN = 20  # ask for the next page when the view or cursor is this close to the end

_HIGHLIGHT = "bold reverse"
_MUTED = "dim"


def format_when(ts: float | None, now: float) -> str:
    """'just now', '5 min ago', '3 h ago', 'yesterday', '4 days ago', then yyyy-mm-dd."""
    if ts is None:
        return ""
    delta = now - ts
    if delta < 60:
        return "just now"
    if delta < 3600:
        return f"{int(delta // 60)} min ago"
    if delta < 86400:
        return f"{int(delta // 3600)} h ago"
    if delta < 2 * 86400:
        return "yesterday"
    if delta < 7 * 86400:
        return f"{int(delta // 86400)} days ago"
    return time.strftime("%Y-%m-%d", time.localtime(ts))


def _same_length_safe(text: str) -> str:
    """Control characters (ESC, newlines...) become spaces one for one, so highlight offsets hold."""
    return "".join(" " if (ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F) else ch for ch in text)


def conversation_row(c: ConversationSummary, now: float) -> Content:
    when = format_when(c.last_message_at or c.updated_at, now)
    title = one_line(c.title or "", 200)
    parts: list[str | tuple[str, str] | Content] = [
        ("⚑ ", "bold $warning") if c.pinned else "  ",
        (f"{when:<11}", _MUTED),
        (title, "") if title else ("Untitled", "italic dim"),
    ]
    if c.shown_bot:
        parts.append((f"  {one_line(c.shown_bot, 50)}", "$text-accent"))
    if c.points:  # before the message count: on a narrow screen the row's end is cut
        parts.append((f"  {c.points:,} pts", "$text-warning"))
    if c.message_count:
        parts.append((f"  {c.message_count} msg" + ("s" if c.message_count != 1 else ""), _MUTED))
    if c.archived:
        parts.append(("  archived", "italic dim"))
    return Content.assemble(*parts)


def hit_row(hit: SearchHit, now: float) -> Content:
    when = format_when(hit.created_at, now)
    title = one_line(hit.conversation_title or "", 200)
    head: list[str | tuple[str, str]] = [
        "  ",
        (f"{when:<11}", _MUTED),
        (title, "bold") if title else ("Untitled", "italic dim"),
    ]
    if hit.bot:
        head.append((f"  {one_line(hit.bot, 50)}", "$text-accent"))
    if hit.message_id is None:
        label = "title"
    elif hit.role == "user":
        label = "you"
    else:
        label = one_line(hit.bot or hit.role or "bot", 30)
    snippet = Content(_same_length_safe(hit.snippet), strip_control_codes=False)
    for start, end in hit.highlights:
        snippet = snippet.stylize(_HIGHLIGHT, start, end)
    return Content.assemble(*head, "\n", " " * 13, (f"{label}: ", _MUTED), snippet)


class HistoryList(OptionList):
    """OptionList that asks for more rows as its view nears the end."""

    DEFAULT_CSS = """
    HistoryList {
        height: 1fr;
        max-height: 100%;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    class NearEnd(Message):
        """The view is within a few rows of the end: time to load the next page."""

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value >= self.max_scroll_y - MORE_MARGIN:
            self.post_message(self.NearEnd())
