"""The history screen: browse (pinned first, newest first), search, rename, pin, archive, delete.

Dismisses with ("open", conversation_id), ("new", None) or None. Conversations are read a page
at a time, more as the list scrolls; search runs in a thread so typing never waits on SQLite.
Titles, bot names and snippets are untrusted: rows are built as `Content`, never markup.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from poe_tui.service import ConversationSummary, SearchHit, StoreError
from poe_tui.textsafe import one_line
from poe_tui.tui.screens.confirm import ConfirmScreen
from poe_tui.tui.screens.rename import RenameScreen
from poe_tui.tui.widgets.history_list import MORE_MARGIN, HistoryList, conversation_row, format_when, hit_row

if TYPE_CHECKING:
    from poe_tui.service import History

PAGE_SIZE = 200
SEARCH_LIMIT = 100

HistoryResult = tuple[str, str | None] | None

__all__ = ["HistoryScreen", "RenameScreen", "format_when"]


_LIST_ACTIONS = {"rename", "pin", "archive", "delete", "toggle_archived", "focus_search"}


class HistoryScreen(Screen[HistoryResult]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="history_close"),
        Binding("ctrl+n", "new", "New", id="history_new"),
        Binding("slash", "focus_search", "Search", id="history_search"),
        Binding("r,f2", "rename", "Rename", id="history_rename"),
        Binding("p", "pin", "Pin", id="history_pin"),
        Binding("a", "archive", "Archive", id="history_archive"),
        Binding("d,delete", "delete", "Delete", id="history_delete"),
        Binding("v", "toggle_archived", "Show archived", id="history_show_archived"),
        # While the search box has focus these move the list's cursor.
        Binding("down", "cursor(1)", "Down", show=False, id="history_down"),
        Binding("up", "cursor(-1)", "Up", show=False, id="history_up"),
        Binding("pagedown", "cursor(10)", "Page down", show=False, id="history_page_down"),
        Binding("pageup", "cursor(-10)", "Page up", show=False, id="history_page_up"),
    ]

    DEFAULT_CSS = """
    HistoryScreen {
        layout: vertical;
        & > #history-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
        & > #history-search { margin: 0 0; }
        & > #history-status { height: 1; padding: 0 1; color: $text-muted; }
    }
    """

    def __init__(
        self,
        history: History,
        query: str | None = None,
        *,
        clock: Callable[[], float] | None = None,
        page_size: int = PAGE_SIZE,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.history = history
        self.clock = clock or getattr(history, "clock", time.time)
        self.page_size = page_size
        self._initial_query = (query or "").strip()
        self._query = ""
        self._items: list[ConversationSummary | SearchHit] = []
        self._has_more = False
        self.show_archived = False
        self._search_pending = False
        self._replacing = False  # set_options resets the scroll: no paging meanwhile
        self._loading_more = False

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="history-title")
        yield Input(self._initial_query, placeholder="Search every conversation  ( / )", id="history-search")
        yield HistoryList(id="history-list")
        yield Static(id="history-status")
        yield Footer()

    @property
    def search_input(self) -> Input:
        return self.query_one("#history-search", Input)

    @property
    def option_list(self) -> HistoryList:
        return self.query_one("#history-list", HistoryList)

    def on_mount(self) -> None:
        self._show_title()
        # Typing searches straight away; ↑↓ move the cursor, Tab reaches the list's letter keys
        # (which would otherwise turn a typed word into rename/pin/archive/delete actions).
        self.search_input.focus()
        if self._initial_query:
            self._apply_query(self._initial_query)
        else:
            self._reload()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()
        self._show_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _LIST_ACTIONS and self.focused is self.search_input:
            return False  # letters type into the search box
        if action in {"rename", "pin", "archive", "delete"} and self._current() is None:
            return None  # shown, greyed out
        return True

    # -- public state (handy for hosts and tests) ---------------------------------------

    @property
    def items(self) -> list[ConversationSummary | SearchHit]:
        return list(self._items)

    @property
    def searching(self) -> bool:
        return bool(self._query)

    # -- loading -----------------------------------------------------------------------

    def _reload(self, keep: str | None = None) -> None:
        """(Re)read the list from the top, as many rows as were loaded, keeping `keep` highlighted."""
        if self._query:
            self._run_search(self._query, keep)
            return
        count = max(self.page_size, len(self._items)) if keep is not None else self.page_size
        self._load_top(count, keep)

    @work(exclusive=True, group="history-load", description="list conversations")
    async def _load_top(self, count: int, keep: str | None) -> None:
        try:
            rows = await self.history.list_conversations(count, 0, include_archived=self.show_archived)
        except StoreError as exc:
            self._set_items([], None)
            self._show_status(f"Cannot read the history: {exc}")
            return
        if self._query:
            return  # a search started meanwhile
        self._has_more = len(rows) == count
        self._set_items(list(rows), keep)

    def load_more(self) -> None:
        """Append the next page (no-op while searching, loading or at the end)."""
        if self._query or not self._has_more or self._replacing or self._loading_more:
            return
        self._loading_more = True
        self._load_next(len(self._items))

    @work(group="history-more", description="more conversations")
    async def _load_next(self, offset: int) -> None:
        try:
            rows = await self.history.list_conversations(self.page_size, offset, include_archived=self.show_archived)
        except StoreError:
            self._has_more = False
            return
        finally:
            self._loading_more = False
        if self._query or offset != len(self._items):
            return  # the list changed meanwhile
        self._has_more = len(rows) == self.page_size
        if rows:
            now = self.clock()
            self._items.extend(rows)
            self.option_list.add_options([Option(conversation_row(c, now)) for c in rows])
        self._show_status()

    def _set_items(self, items: list[ConversationSummary | SearchHit], keep: str | None) -> None:
        ol = self.option_list
        old_index = ol.highlighted
        now = self.clock()
        was_empty = not self._items
        self._items = items
        self._replacing = True
        try:
            ol.set_options(
                [
                    Option(hit_row(it, now) if isinstance(it, SearchHit) else conversation_row(it, now))
                    for it in items
                ]
            )
        finally:
            self._replacing = False
        if items:
            index = 0
            if keep is not None:
                ids = [_conversation_id(it) for it in items]
                if keep in ids:
                    index = ids.index(keep)
                elif old_index is not None:
                    index = min(old_index, len(items) - 1)
            ol.highlighted = index
        if was_empty != (not items):
            self.refresh_bindings()  # row actions greyed out or back (the footer recomposes: not per key)
        self._show_status()

    # -- search ------------------------------------------------------------------------

    @on(Input.Changed, "#history-search")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._apply_query(event.value.strip())

    def _apply_query(self, query: str) -> None:
        if query == self._query and (query or self._items):
            return
        self._query = query
        self._show_title()
        if query:
            self._run_search(query, None)
        else:
            self.workers.cancel_group(self, "history-search")
            self._search_pending = False
            self._reload()

    def _run_search(self, query: str, keep: str | None) -> None:
        self._search_pending = True
        self._show_status()
        self._search(query, keep)

    @work(exclusive=True, group="history-search", description="search history")
    async def _search(self, query: str, keep: str | None) -> None:
        try:
            hits: list[SearchHit] | str = await self.history.search(query, limit=SEARCH_LIMIT)
        except StoreError as exc:
            hits = f"Search failed: {exc}"
        self._show_hits(query, hits, keep)

    def _show_hits(self, query: str, hits: list[SearchHit] | str, keep: str | None) -> None:
        if query != self._query:
            return  # an older search finishing late
        self._search_pending = False
        self._has_more = False
        if isinstance(hits, str):
            self._set_items([], None)
            self._show_status(hits)
            return
        self._set_items(list(hits), keep)

    # -- status lines ------------------------------------------------------------------

    def _show_title(self) -> None:
        title = "History"
        if self._query:
            title += f" · search “{one_line(self._query, 60)}”"
        elif self.show_archived:
            title += " · including archived"
        self.query_one("#history-title", Static).update(Content(title))

    def _show_status(self, message: str | None = None) -> None:
        if message is None:
            n = len(self._items)
            if self._query:
                if self._search_pending:
                    message = "Searching…"
                elif n:
                    message = f"{n} match{'es' if n != 1 else ''} · Enter opens"
                else:
                    message = "No matches."
            elif n == 0:
                message = "No conversations yet · Ctrl+N starts one."
            else:
                message = f"{n}{'+' if self._has_more else ''} conversation{'s' if n != 1 or self._has_more else ''} · Enter opens"
            if self.focused is self.search_input and n:
                message += " · ↑↓ choose · Tab for actions"
        self.query_one("#history-status", Static).update(Content(message))

    # -- the highlighted row -----------------------------------------------------------

    def _current(self) -> ConversationSummary | SearchHit | None:
        if not self.is_mounted:
            return None
        index = self.option_list.highlighted
        if index is None or not (0 <= index < len(self._items)):
            return None
        return self._items[index]

    def _current_id(self) -> str | None:
        item = self._current()
        return _conversation_id(item) if item is not None else None

    @on(HistoryList.NearEnd)
    def _near_end(self, event: HistoryList.NearEnd) -> None:
        event.stop()
        self.load_more()

    @on(OptionList.OptionHighlighted, "#history-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index >= len(self._items) - MORE_MARGIN:
            self.load_more()

    @on(OptionList.OptionSelected, "#history-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open()

    @on(Input.Submitted, "#history-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._open()

    def _open(self) -> None:
        cid = self._current_id()
        if cid is None:
            self.app.bell()
            return
        hit = self._current()
        message_id = getattr(hit, "message_id", None)  # a search hit opens at the message it found
        self.dismiss(("open", cid, message_id) if message_id else ("open", cid))

    # -- actions -----------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_new(self) -> None:
        self.dismiss(("new", None))

    def action_focus_search(self) -> None:
        self.search_input.focus()

    def action_cursor(self, delta: int) -> None:
        ol = self.option_list
        if not self._items:
            return
        current = ol.highlighted if ol.highlighted is not None else -1
        ol.highlighted = max(0, min(len(self._items) - 1, current + delta))

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self._show_title()
        if not self._query:
            self._reload(keep=self._current_id())
        self.notify("Showing archived conversations." if self.show_archived else "Archived conversations hidden.")

    async def _current_conversation(self):
        cid = self._current_id()
        if cid is None:
            return None
        try:
            conv = await self.history.get_conversation(cid)
        except StoreError as exc:
            self.notify(one_line(str(exc)), severity="error", markup=False)
            return None
        if conv is None:
            self._reload()
        return conv

    async def action_rename(self) -> None:
        conv = await self._current_conversation()
        if conv is None:
            return

        async def done(title: str | None) -> None:
            if title is None:
                return
            clean = one_line(title).strip() or None
            await self._edit(self.history.rename_conversation(conv.id, clean), conv.id)

        self.app.push_screen(RenameScreen(one_line(conv.title or "")), done)

    async def action_pin(self) -> None:
        conv = await self._current_conversation()
        if conv is None:
            return
        if await self._edit(self.history.set_pinned(conv.id, not conv.pinned), conv.id):
            self.notify("Unpinned." if conv.pinned else "Pinned to the top.")

    async def action_archive(self) -> None:
        conv = await self._current_conversation()
        if conv is None:
            return
        if not await self._edit(self.history.set_archived(conv.id, not conv.archived), conv.id):
            return
        if conv.archived:
            self.notify("Unarchived.")
        elif not self.show_archived and not self._query:
            self.notify("Archived (v shows archived conversations).")
        else:
            self.notify("Archived.")

    async def action_delete(self) -> None:
        conv = await self._current_conversation()
        if conv is None:
            return
        title = one_line(conv.title or "Untitled", 60)
        count = conv.message_count
        question = f"Delete “{title}” and its {count} message{'s' if count != 1 else ''}? This cannot be undone."

        async def done(yes: bool | None) -> None:
            if yes and await self._edit(self.history.delete_conversation(conv.id), conv.id):
                self.notify("Deleted.")

        self.app.push_screen(ConfirmScreen(question, yes="Delete", no="Cancel"), done)

    async def _edit(self, change: Any, keep: str) -> bool:
        try:
            await change
        except StoreError as exc:
            self.notify(one_line(str(exc)), severity="error", markup=False)
            return False
        finally:
            self._reload(keep=keep)
        return True


def _conversation_id(item: ConversationSummary | SearchHit) -> str:
    return item.conversation_id if isinstance(item, SearchHit) else item.id
