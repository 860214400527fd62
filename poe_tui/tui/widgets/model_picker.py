"""The model picker: a search box over a fast, virtual list of bots with a detail pane.

Rows are rendered on demand (only the visible ones, see `bot_list`), from plain strings, never
from markup: bot names and descriptions are untrusted.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from poe_tui.botsearch import BotIndex
from poe_tui.chat import MAX_COMPARE
from poe_tui.client.records import Bot
from poe_tui.textsafe import one_line, strip_terminal_controls
from poe_tui.tui.widgets.bot_list import BotList, Row, format_context, short_price

__all__ = ["BotList", "ModelPicker", "format_context", "short_price"]

# What a typed-in bot name may look like (Poe handles: letters, digits, - _ .).
_BOT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")

UNLISTED_DESCRIPTION = "Not in the bot list: a community or private bot, used by name."


def _unlisted_bot(name: str) -> Bot:
    return Bot(id=name, display_name=name, description=UNLISTED_DESCRIPTION)


class PickerMessage(Message):
    def __init__(self, picker: ModelPicker) -> None:
        super().__init__()
        self.picker = picker

    @property
    def control(self) -> ModelPicker:
        return self.picker


class ModelPicker(Widget):
    """Search and pick a bot. Posts `Selected` and `FavouriteToggled`; the host closes it."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False, id="picker_up"),
        Binding("down", "cursor(1)", "Down", show=False, id="picker_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="picker_page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="picker_page_down"),
        # Not ctrl+f: the chat screen uses it for search, and the Input has focus here.
        Binding("ctrl+t", "toggle_favourite", "Favourite", id="picker_favourite"),
        # Tab marks, as in fzf's multi-select; Enter then sends the next message to them all.
        Binding("tab", "toggle_mark", "Mark to compare", id="picker_mark"),
    ]

    DEFAULT_CSS = """
    ModelPicker {
        layout: vertical;
        height: 1fr;
        & > #picker-query { margin: 0 0 1 0; }
        & > #picker-detail {
            height: 5;
            padding: 0 1;
            border-top: solid $panel-lighten-2;
            color: $text-muted;
        }
        & > #picker-hints { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    }
    """

    class Selected(PickerMessage):
        """The user picked a bot (or typed a name not in the list)."""

        def __init__(self, picker: ModelPicker, name: str) -> None:
            super().__init__(picker)
            self.name = name

    class Compared(PickerMessage):
        """The user marked several bots and pressed Enter: the next message goes to them all."""

        def __init__(self, picker: ModelPicker, names: list[str]) -> None:
            super().__init__(picker)
            self.names = names

    class FavouriteToggled(PickerMessage):
        def __init__(self, picker: ModelPicker, name: str, favourite: bool) -> None:
            super().__init__(picker)
            self.name = name
            self.favourite = favourite

    def __init__(
        self,
        bots: list[Bot],
        recents: list[str],
        favourites: list[str],
        current: str | None = None,
        *,
        query: str = "",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._bots = list(bots)
        self._recents = list(recents)
        self._favourites = list(favourites)
        self._current = current
        self._initial_query = query
        self._known: set[str] = set()
        self._index = self._build_index()

    # -- composition -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Input(self._initial_query, placeholder="Search bots, or type any bot's name", id="picker-query")
        yield BotList(id="picker-list")
        yield Static(id="picker-detail")
        yield Static(
            self._hints(),
            id="picker-hints",
        )

    def _hints(self) -> Content:
        marked = self.bot_list.marked if self.is_mounted else []
        if marked:  # the instruction first: long names wrap, and only two lines show
            return Content.assemble(("Enter compares: ", "bold"), " · ".join(one_line(n, 24) for n in marked))
        return Content.from_markup(
            "[b]↑↓ Enter[/b] choose  [b]Tab[/b] compare  [b]Ctrl+T[/b] ★  "
            "[b]V[/b]ision [b]R[/b]easoning  $in/$out per Mtok"
        )

    def on_mount(self) -> None:
        self.bot_list.current = self._current
        self._refilter()

    @property
    def input(self) -> Input:
        return self.query_one("#picker-query", Input)

    @property
    def bot_list(self) -> BotList:
        return self.query_one("#picker-list", BotList)

    def focus(self, scroll_visible: bool = True) -> ModelPicker:
        self.input.focus(scroll_visible)
        return self

    # -- public API --------------------------------------------------------------------

    def set_bots(self, bots: list[Bot]) -> None:
        self._bots = list(bots)
        self._rebuild(bots_changed=True)

    def set_recents(self, names: list[str]) -> None:
        self._recents = list(names)
        self._rebuild()

    def set_favourites(self, names: list[str]) -> None:
        self._favourites = list(names)
        self._rebuild()

    def set_current(self, name: str | None) -> None:
        self._current = name
        if self.is_mounted:
            self.bot_list.current = name
            self.bot_list.invalidate()

    @property
    def favourites(self) -> list[str]:
        return list(self._favourites)

    @property
    def visible_names(self) -> list[str]:
        """Names of the rows, in order (free-name row included): handy for tests and hosts."""
        return [row.name for row in self.bot_list.rows]

    @property
    def highlighted_name(self) -> str | None:
        row = self.bot_list.highlighted
        return row.name if row is not None else None

    # -- filtering ---------------------------------------------------------------------

    def _unlisted(self) -> list[Bot]:
        """Favourites and recents the bot list does not have (community bots typed by name)."""
        extra: list[Bot] = []
        seen: set[str] = set()
        for name in [*self._favourites, *self._recents]:
            key = name.lower()
            if key not in seen and key not in self._known:
                seen.add(key)
                extra.append(_unlisted_bot(name))
        return extra

    def _build_index(self) -> BotIndex:
        self._known = {k for b in self._bots for k in (b.id.lower(), (b.display_name or b.id).lower())}
        index = BotIndex(self._bots)
        index.set_extra(self._unlisted())
        return index

    def _rebuild(self, bots_changed: bool = False) -> None:
        if bots_changed:
            self._index = self._build_index()
        else:
            self._index.set_extra(self._unlisted())
        if self.is_mounted:
            self._refilter(keep_cursor=True)

    def _refilter(self, keep_cursor: bool = False) -> None:
        query = self.input.value
        matches = self._index.rank(query, self._favourites, self._recents)
        rows = [Row(match=m) for m in matches]
        free = query.strip()
        if free and _BOT_NAME.match(free) and self._index.find(free) is None:
            rows.append(Row(free_name=free))
        bot_list = self.bot_list
        previous = bot_list.highlighted.name if keep_cursor and bot_list.highlighted else None
        cursor = 0
        if previous is not None:
            cursor = next((i for i, r in enumerate(rows) if r.name == previous), 0)
        bot_list.set_rows(rows, cursor)
        self._show_detail()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "picker-query":
            event.stop()
            self._refilter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "picker-query":
            event.stop()
            self._choose()

    def on_bot_list_clicked(self, event: BotList.Clicked) -> None:
        event.stop()
        self._choose()

    def _choose(self) -> None:
        marked = self.bot_list.marked
        if marked:
            self._set_marks([])
            self.post_message(self.Compared(self, marked) if len(marked) > 1 else self.Selected(self, marked[0]))
            self.input.value = ""
            return
        row = self.bot_list.highlighted
        free = self.input.value.strip()
        if row is not None:
            chosen = row.name
        elif free and _BOT_NAME.match(free):
            chosen = free
        else:
            self.app.bell()
            return
        self.post_message(self.Selected(self, chosen))
        self.input.value = ""  # the next visit starts from the whole list, not the old filter

    # -- actions -----------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self.bot_list.move(delta)
        self._show_detail()

    def action_page(self, direction: int) -> None:
        self.bot_list.page(direction)
        self._show_detail()

    def action_toggle_mark(self) -> None:
        """Mark the highlighted bot to compare (or unmark it), then move on, as fzf does."""
        row = self.bot_list.highlighted
        if row is None:
            self.app.bell()
            return
        marked = self.bot_list.marked
        if row.name in marked:
            self._set_marks([n for n in marked if n != row.name])
        elif len(marked) >= MAX_COMPARE:
            self.app.bell()
            self.notify(f"At most {MAX_COMPARE} bots side by side: Tab on a marked one unmarks it.", severity="warning")
            return
        else:
            self._set_marks([*marked, row.name])
        self.action_cursor(1)

    def on_descendant_blur(self) -> None:
        self.call_after_refresh(self._forget_marks_if_left)

    def _forget_marks_if_left(self) -> None:
        """Marks live while the list has focus: left with them, it would later send the next
        message to bots the user has stopped thinking about."""
        focused = self.app.focused
        if self.bot_list.marked and (focused is None or self not in focused.ancestors_with_self):
            self._set_marks([])

    def _set_marks(self, names: list[str]) -> None:
        self.bot_list.marked = names
        self.bot_list.invalidate()
        self.query_one("#picker-hints", Static).update(self._hints())

    def action_toggle_favourite(self) -> None:
        row = self.bot_list.highlighted
        if row is None:
            return
        name = row.name
        keys = {name.lower()}
        if row.match is not None:
            keys |= {row.match.bot.id.lower(), (row.match.bot.display_name or "").lower()}
        was = [f for f in self._favourites if f.lower() in keys]
        if was:
            self._favourites = [f for f in self._favourites if f.lower() not in keys]
        else:
            self._favourites.append(name)
        self._rebuild()
        self.post_message(self.FavouriteToggled(self, name, not was))

    # -- detail pane -------------------------------------------------------------------

    def _show_detail(self) -> None:
        self.query_one("#picker-detail", Static).update(self._detail_content(), layout=False)

    def _detail_content(self) -> Content:
        row = self.bot_list.highlighted
        if row is None:
            query = one_line(self.input.value, 60)
            return Content(f"No bot matches “{query}”." if query else "No bots.")
        if row.match is None:
            return Content.assemble(
                (one_line(row.free_name or "", 80), "bold"),
                "\n",
                "Not in the list: Enter sends this name as the bot (community and private bots work).",
            )
        bot = row.match.bot
        facts = []
        if bot.id.lower() != (bot.display_name or "").lower():
            facts.append(f"id {one_line(bot.id, 60)}")
        if bot.vision:
            facts.append("vision")
        if bot.reasons:
            facts.append("reasoning")
        if bot.context_length:
            facts.append(f"{format_context(bot.context_length)} context")
        if bot.pricing is not None and bot.pricing.summary():
            facts.append(bot.pricing.summary())
        if row.match.favourite:
            facts.append("★ favourite")
        description = strip_terminal_controls(bot.description or "").strip() or "No description."
        # Only a few lines show: wrapping a whole long description on every keystroke is waste.
        detail = self.query_one("#picker-detail", Static)
        room = max(240, detail.size.width * max(1, detail.size.height))
        if len(description) > room:
            description = description[:room].rstrip() + "…"
        return Content.assemble(
            (one_line(bot.display_name or bot.id, 80), "bold"),
            ("  " + " · ".join(facts)) if facts else "",
            "\n",
            Content(description),
        )
