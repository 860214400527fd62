"""A virtual list of bots: one line a bot, only visible lines rendered, from plain strings.

Each row: favourite star, current-bot dot (or, for a bot marked to compare, its number), the name with the matched characters highlighted,
then vision (V), reasoning (R), context size and price. Names are untrusted: rows are built
as segments of plain text (never markup) after stripping terminal controls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from poe_tui.botsearch import BotMatch
from poe_tui.client.records import Pricing
from poe_tui.textsafe import one_line


def format_context(tokens: int | None) -> str:
    """983040 -> '983k', 1048576 -> '1M', None -> ''."""
    if not tokens or tokens <= 0:
        return ""
    if tokens >= 1_000_000:
        return f"{tokens / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if tokens >= 1000:
        return f"{round(tokens / 1000)}k"
    return str(tokens)


PRICE_WIDTH = 11  # the row's price column; `short_price` always fits it


def _amount(x: Decimal) -> str:
    """A dollar figure in at most 4 characters: 160, 13, 2.6, 0.18, <.01."""
    if x >= 1000:
        return f"{x / 1000:.0f}k"
    if x >= 10:
        return f"{x:.0f}"
    if x >= 1:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    if x >= Decimal("0.01") or x == 0:
        return f"{x:.2f}".rstrip("0").rstrip(".") or "0"
    return "<.01"


def short_price(pricing: Pricing | None) -> str:
    """The row's price, never cut: '$2.6/$13' (per Mtok in/out), '$0.018/req', '0.003¢/req'.
    (The detail pane shows the exact figures.)"""
    if pricing is None:
        return ""
    if pricing.prompt is not None or pricing.completion is not None:
        def per_m(x: Decimal | None) -> str:
            return "?" if x is None else _amount(x * 1_000_000)

        return f"${per_m(pricing.prompt)}/${per_m(pricing.completion)}"
    if pricing.request is not None:
        r = pricing.request
        if r == 0 or r >= Decimal("0.01"):
            whole = f"{r:.3f}".rstrip("0").rstrip(".") if r < 10 else _amount(r)
            return f"${whole}/req"
        cents = f"{r * 100:.3f}".rstrip("0").rstrip(".")
        return f"{cents if cents != '0' else '<.001'}¢/req"
    return ""


@dataclass(frozen=True, slots=True)
class Row:
    match: BotMatch | None = None  # a bot
    free_name: str | None = None  # "use NAME as a bot name"

    @property
    def name(self) -> str:
        if self.match is not None:
            return self.match.bot.name
        return self.free_name or ""


class BotList(ScrollView, can_focus=False):
    """One line per row, rendered lazily: cheap for any number of bots."""

    COMPONENT_CLASSES = {
        "bot-list--cursor",
        "bot-list--match",
        "bot-list--star",
        "bot-list--current",
        "bot-list--marked",
        "bot-list--vision",
        "bot-list--reasoning",
        "bot-list--muted",
        "bot-list--free",
    }

    DEFAULT_CSS = """
    BotList {
        height: 1fr;
        background: $surface;
        overflow-x: hidden;
        scrollbar-gutter: stable;  /* columns stay put when a filter leaves too few rows to scroll */
        & > .bot-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
        & > .bot-list--match { text-style: bold underline; color: $accent; }
        & > .bot-list--star { color: $warning; }
        & > .bot-list--current { color: $success; text-style: bold; }
        & > .bot-list--marked { color: $accent; text-style: bold reverse; }
        & > .bot-list--vision { color: $secondary; }
        & > .bot-list--reasoning { color: $primary; }
        & > .bot-list--muted { color: $text-muted; }
        & > .bot-list--free { text-style: italic; color: $text-muted; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Clicked(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Row] = []
        self.current: str | None = None
        self.marked: list[str] = []  # bots marked to compare, in the order marked
        self._cache: dict[tuple[int, bool, int], Strip] = {}
        self._styles: dict[str, dict[str, RichStyle]] | None = None
        self._width = 0

    def set_rows(self, rows: list[Row], cursor: int = 0) -> None:
        self.rows = rows
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        self.set_reactive(BotList.cursor, self._clamp(cursor))
        self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_cursor()
        self.refresh()

    def invalidate(self) -> None:
        """Re-render rows (favourites or current changed) without touching the cursor."""
        self._cache.clear()
        self.refresh()

    def _clamp(self, index: int) -> int:
        return max(0, min(index, len(self.rows) - 1)) if self.rows else 0

    def validate_cursor(self, value: int) -> int:
        return self._clamp(value)

    def watch_cursor(self, old: int, new: int) -> None:
        self._cache.pop((old, True, self.scrollable_content_region.width), None)
        self._scroll_cursor()
        self.refresh()

    def move(self, delta: int) -> None:
        if self.rows:
            self.cursor = self._clamp(self.cursor + delta)

    def page(self, direction: int) -> None:
        self.move(direction * max(1, self.scrollable_content_region.height - 1))

    def _scroll_cursor(self) -> None:
        if self.rows and self.is_mounted:
            self.scroll_to_region(
                Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True
            )

    @property
    def highlighted(self) -> Row | None:
        return self.rows[self.cursor] if self.rows else None

    def _on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))

    def notify_style_update(self) -> None:
        self._cache.clear()
        self._styles = None
        super().notify_style_update()

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < len(self.rows):
            event.stop()
            self.cursor = index
            self.post_message(self.Clicked(index))

    def render_lines(self, crop: Region) -> list[Strip]:
        self._width = self.scrollable_content_region.width
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self._width
        index = self.scroll_offset.y + y
        styles = self._row_styles()
        if index >= len(self.rows):
            return Strip.blank(width, styles[""][""])
        is_cursor = index == self.cursor
        key = (index, is_cursor, width)
        strip = self._cache.get(key)
        if strip is None:
            palette = styles["cursor" if is_cursor else ""]
            segments = self._row_segments(self.rows[index], width, palette)
            strip = Strip(segments).adjust_cell_length(width, palette[""])
            self._cache[key] = strip
        return strip

    def _row_styles(self) -> dict[str, dict[str, RichStyle]]:
        """Rich styles per base ("" or "cursor") and part, resolved once per style change."""
        if self._styles is None:
            parts = {
                name: self.get_visual_style(f"bot-list--{name}", partial=True).rich_style
                for name in ("match", "star", "current", "marked", "vision", "reasoning", "muted", "free")
            }
            bases = {"": self.rich_style, "cursor": self.get_visual_style("bot-list--cursor").rich_style}
            styles: dict[str, dict[str, RichStyle]] = {}
            for base_name, base in bases.items():
                palette = {"": base, **{name: base + part for name, part in parts.items()}}
                palette["current+match"] = palette["current"] + parts["match"]
                styles[base_name] = palette
            self._styles = styles
        return self._styles

    def _row_segments(self, row: Row, width: int, palette: dict[str, RichStyle]) -> list[Segment]:
        """One row as segments, built from plain strings (never parsed as markup)."""
        base = palette[""]
        if row.match is None:
            text = set_cell_size(f"  + use “{one_line(row.free_name or '')}” as a bot name", width)
            return [Segment(text, palette["free"])]
        m = row.match
        bot = m.bot
        name = bot.display_name or bot.id
        safe = one_line(name)
        positions = m.positions if safe == name else ()  # offsets only hold for clean names
        is_current = self.current is not None and self.current.lower() in {bot.id.lower(), name.lower()}
        mark = next((i for i, n in enumerate(self.marked, 1) if n.lower() in {bot.id.lower(), name.lower()}), 0)
        parts: list[tuple[str, RichStyle]] = [
            ("★", palette["star"]) if m.favourite else (" ", base),
            (str(mark), palette["marked"]) if mark else ("●", palette["current"]) if is_current else (" ", base),
            (" ", base),
        ]
        tail: list[tuple[str, RichStyle]] = [
            (" ", base),
            ("V", palette["vision"]) if bot.vision else (" ", base),
            ("R", palette["reasoning"]) if bot.reasons else (" ", base),
        ]
        tail_width = 3
        muted = palette["muted"]
        if width >= 34:
            tail.append((f"{format_context(bot.context_length):>6}", muted))
            tail_width += 6
        if width >= 40:  # leaves names 22 columns: most of the real list fits
            tail.append((f" {short_price(bot.pricing):>{PRICE_WIDTH}}", muted))
            tail_width += 1 + PRICE_WIDTH
        name_width = max(1, width - 3 - tail_width)
        if cell_len(safe) > name_width:
            safe = set_cell_size(safe, name_width - 1) + "…"
        name_style = palette["current"] if is_current else base
        match_style = palette["current+match"] if is_current else palette["match"]
        pos = 0
        limit = len(safe) - (1 if safe.endswith("…") and safe != name else 0)
        for start, end in _runs(positions):
            if start >= limit:
                break
            end = min(end, limit)
            if start > pos:
                parts.append((safe[pos:start], name_style))
            parts.append((safe[start:end], match_style))
            pos = end
        if pos < len(safe):
            parts.append((safe[pos:], name_style))
        used = cell_len(safe)
        if used < name_width:
            parts.append((" " * (name_width - used), base))
        parts.extend(tail)
        return _merge(parts)


def _merge(parts: list[tuple[str, RichStyle]]) -> list[Segment]:
    """Segments with neighbours of the same style joined (fewer segments, cheaper frames)."""
    out: list[Segment] = []
    text, style = parts[0]
    for next_text, next_style in parts[1:]:
        if next_style is style:
            text += next_text
        else:
            out.append(Segment(text, style))
            text, style = next_text, next_style
    out.append(Segment(text, style))
    return out


def _runs(positions: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted positions as [start, end) runs."""
    runs: list[tuple[int, int]] = []
    for p in positions:
        if runs and runs[-1][1] == p:
            runs[-1] = (runs[-1][0], p + 1)
        else:
            runs.append((p, p + 1))
    return runs
