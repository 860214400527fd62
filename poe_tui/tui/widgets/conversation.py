"""The conversation: a scrolling column of messages that follows the bottom while the user is
there (Textual's anchor: scrolling up releases it, reaching the bottom again restores it).

Only the last `WINDOW` messages of a long conversation are mounted; a button above them mounts
the earlier ones a window at a time, so opening a huge conversation stays cheap.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from typing import TYPE_CHECKING

from poe_tui.tui.widgets.message import ReplyMessage, UserMessage
from poe_tui.tui.widgets.settled import SettledSize

if TYPE_CHECKING:
    from poe_tui.store.records import Message

def release_removed_widgets() -> None:
    """Let removed message widgets go. Textual's `StylesCache.get_inner_outer` is an lru_cache
    on an instance method: its keys hold the last 1,024 widgets' render caches, every line they
    drew, long after the widgets are gone (RSS grew ~0.6 MB a reply, across /new). Its
    values are two colours, so emptying it costs nothing."""
    from textual._styles_cache import StylesCache

    StylesCache.get_inner_outer.cache_clear()


MAX_MOUNTED = 200  # opening an old search hit mounts from it to the end, at most this many
WINDOW = 30


def message_widget(message: Message, number: int) -> UserMessage | ReplyMessage | None:
    if message.role == "user":
        return UserMessage(message, number)
    if message.role == "assistant":
        return ReplyMessage(message.bot or "bot", message, number)
    return None


class ConversationView(SettledSize, VerticalScroll):
    DEFAULT_CSS = """
    ConversationView { height: 1fr; }
    ConversationView > #earlier { width: 100%; margin: 0 2; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._hidden: list[Message] = []  # older messages not mounted yet
        self.count = 0  # messages shown or hidden: numbering for /copy N

    def compose(self) -> ComposeResult:
        yield Static(self._welcome(), id="welcome")

    def _welcome(self) -> Content:
        return Content.assemble(
            ("poe-tui", "bold $primary"),
            "\n\nType a message and press Enter. Start with ",
            ("/", "bold"),
            " for commands, ",
            ("@Bot", "bold"),
            " to ask another bot once.\nF1 lists every key; ctrl+p opens the command palette.",
        )

    def on_mount(self) -> None:
        self.anchor()

    @property
    def messages(self) -> list[UserMessage | ReplyMessage]:
        return list(self.query_children(".message").results())  # type: ignore[arg-type]

    async def clear(self) -> None:
        self._hidden = []
        self.count = 0
        await self.remove_children()
        release_removed_widgets()
        await self.mount(Static(self._welcome(), id="welcome"))
        self.anchor()

    async def load(self, messages: list[Message], at: str | None = None) -> None:
        """Show a stored conversation: the last WINDOW messages now, the rest on demand.

        `at` (a search hit) is mounted too, even if older, and scrolled into view and marked.
        """
        await self.remove_children()
        release_removed_widgets()
        self.count = len(messages)
        index = next((i for i, m in enumerate(messages) if m.id == at), None) if at else None
        start = max(0, len(messages) - WINDOW)
        if index is not None:  # back to just above the hit, mounting at most MAX_MOUNTED
            start = max(0, len(messages) - MAX_MOUNTED, min(start, index - 1))
        self._hidden = messages[:start]
        shown = messages[start:]
        widgets = []
        if self._hidden:
            widgets.append(self._earlier_button())
        first = len(self._hidden) + 1
        widgets += [w for i, m in enumerate(shown) if (w := message_widget(m, first + i)) is not None]
        if not widgets:
            widgets.append(Static(self._welcome(), id="welcome"))
        await self.mount_all(widgets)
        target = next((w for w in widgets if getattr(getattr(w, "message", None), "id", None) == at), None) if at else None
        if target is None:
            self.anchor()
            return
        self.release_anchor()
        target.add_class("-hit")
        self.call_after_refresh(lambda: self.scroll_to_widget(target, top=True, animate=False))

    def _earlier_button(self) -> Button:
        return Button(f"↑ {len(self._hidden)} earlier messages", id="earlier", compact=True, flat=True)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "earlier":
            return
        event.stop()
        await self.load_earlier()

    @property
    def has_earlier(self) -> bool:
        return bool(self._hidden)

    async def load_earlier(self, everything: bool = False) -> None:
        """Mount the previous window of hidden messages (all of them with `everything`), above
        what is shown, keeping the view where it was."""
        if not self._hidden:
            return
        chunk = self._hidden if everything else self._hidden[-WINDOW:]
        self._hidden = self._hidden[: len(self._hidden) - len(chunk)]
        first = len(self._hidden) + 1
        for button in self.query("#earlier"):
            await button.remove()
        widgets = [w for i, m in enumerate(chunk) if (w := message_widget(m, first + i)) is not None]
        if self._hidden:
            widgets.insert(0, self._earlier_button())
        self.release_anchor()
        await self.mount_all(widgets, before=0)

    async def add(self, widget: UserMessage | ReplyMessage) -> None:
        for welcome in self.query("#welcome"):
            await welcome.remove()
        self.count += 1
        widget.number = self.count
        await self.mount(widget)

    def last_reply(self) -> ReplyMessage | None:
        replies = list(self.query_children(ReplyMessage).results())
        return replies[-1] if replies else None
