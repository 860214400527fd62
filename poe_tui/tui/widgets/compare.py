"""One message's replies from several bots, side by side: a column each while there is room,
tabs when the terminal is narrow (the screen's `-narrow` class), and the comparison's total cost.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static, Tab, Tabs

from poe_tui.textsafe import one_line
from poe_tui.tui.widgets.inplace import update_in_place
from poe_tui.tui.widgets.message import ReplyMessage
from poe_tui.tui.widgets.settled import SettledSize, SettledStatic


COLUMN_STEP = 60  # lines a streaming column's height grows at a time


class Columns(SettledSize, Horizontal):
    """The replies side by side."""


class CompareView(SettledSize, Vertical):
    SCOPED_CSS = False  # its narrow rules start from the screen's `-narrow` class
    DEFAULT_CSS = """
    CompareView { height: auto; margin: 1 1 0 0; }
    CompareView > #compare-head { height: auto; color: $text-muted; padding: 0 0 0 1; }
    CompareView > Tabs { display: none; }
    CompareView > #compare-columns { height: auto; }
    CompareView > #compare-columns > ReplyMessage { width: 1fr; height: auto; margin: 0 1 0 0; }
    .-narrow CompareView > Tabs { display: block; }
    .-narrow CompareView > #compare-columns > ReplyMessage { display: none; }
    .-narrow CompareView > #compare-columns > ReplyMessage.-shown { display: block; }
    """

    def __init__(self, bots: list[str]) -> None:
        super().__init__(classes="compare")
        self.bots = bots
        self.columns = [ReplyMessage(bot, note=f"waiting for {one_line(bot, 30)}…") for bot in bots]
        self.columns[0].add_class("-shown")
        self.cost: int | None = None
        self.chosen: int | None = None

    def compose(self) -> ComposeResult:
        yield SettledStatic(self._head(), id="compare-head")
        yield Tabs(*[Tab(f"{i + 1} {one_line(b, 24)}", id=f"column-{i}") for i, b in enumerate(self.bots)])
        with Columns(id="compare-columns"):
            yield from self.columns

    def on_mount(self) -> None:
        for column in self.columns:  # three growing columns relayout three times as often
            column.body.grow_in_steps(COLUMN_STEP)

    def _head(self) -> Content:
        ended = sum(1 for c in self.columns if not c.streaming)
        parts: list[str | tuple[str, str]] = [(f"{len(self.bots)} bots side by side", "bold")]
        if ended < len(self.columns):
            parts.append(f"  ·  {ended} of {len(self.columns)} done")
        if self.cost is not None:
            parts.append(f"  ·  {self.cost:,} pts in all")
        if self.chosen is None and ended == len(self.columns):
            parts.append(("  ·  /pick N continues with reply N (else 1)", "$text-muted"))
        return Content.assemble(*parts)

    def refresh_head(self) -> None:
        if self.is_mounted:
            update_in_place(self.query_one("#compare-head", Static), self._head())

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        index = int((event.tab.id or "column-0").rsplit("-", 1)[1])
        for i, column in enumerate(self.columns):
            column.set_class(i == index, "-shown")
