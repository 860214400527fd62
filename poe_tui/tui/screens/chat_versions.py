"""The chat screen's share of branches: which messages of the branch on screen have other
versions (‹ 2/3 ›), which one alt+←/→ act on, and the switch to another version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from poe_tui.tui.widgets.message import ReplyMessage, UserMessage

if TYPE_CHECKING:
    from poe_tui.tui.screens.chat import ChatScreen


class ChatVersions:
    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.forks: dict[str, tuple[int, int]] = {}  # message id -> (its version, how many)
        self.switched: str | None = None  # the message alt+←/→ last switched: they stay on it

    def new_turn(self) -> None:
        """A message went out: the newest versions are the keys' again."""
        self.switched = None

    def target(self) -> Any:
        """The message alt+←/→ act on: the one they last switched, while it is on screen (the
        reply below an older version may have versions too); else the last one that has them."""
        shown = [m for w in self.screen.conversation.messages
                 if (m := getattr(w, "message", None)) is not None and m.id in self.forks]
        return next((m for m in shown if m.id == self.switched), shown[-1] if shown else None)

    async def show(self) -> None:
        """Every message of the branch with other versions says so (‹ 2/3 ›); the one the keys
        act on also names them."""
        screen = self.screen
        session = screen.host.session
        if session is None or not screen.is_attached:
            return
        from poe_tui.service import StoreError

        try:
            forks = await session.forks()
        except (StoreError, LookupError):
            return
        older, newer = screen.key_of("older_version"), screen.key_of("newer_version")
        self.forks = forks
        target = self.target()
        for widget in screen.conversation.messages:
            message = getattr(widget, "message", None)
            if message is None or not isinstance(widget, (ReplyMessage, UserMessage)):
                continue
            if message.id in forks:
                at, count = forks[message.id]
                keys = f"  {older} / {newer}: other versions" if message is target else ""
                widget.set_note(f"‹ {at}/{count} ›{keys}")
            elif widget.note.startswith("‹"):
                widget.set_note("")
        await screen.media.decorate()

    async def switch(self, delta: int) -> None:
        """Show the previous or next version of the target (and the branch that follows it)."""
        screen = self.screen
        session = screen.host.session
        target = self.target()
        if screen.streaming or session is None or target is None:
            screen.app.bell()
            return
        versions = await session.versions(target.id)
        at = next((i for i, m in enumerate(versions) if m.id == target.id), 0) + delta
        if not 0 <= at < len(versions):
            screen.app.bell()
            return
        thread = await session.show_version(versions[at].id)
        self.switched = versions[at].id
        await screen.conversation.load(thread)
        await self.show()
        if target.role == "user":
            screen.host.notice(f"Your message, version {at + 1} of {len(versions)}.", timeout=3)
