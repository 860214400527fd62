"""What a chat session reports: one typed event for everything that happens to a message.

A UI renders these and never reads the store to find out what the session did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

from poe_tui.client.events import ReasoningDelta, Retrying, TextDelta

if TYPE_CHECKING:
    from poe_tui.client.errors import PoeError
    from poe_tui.store.records import Message


class ChatInputError(ValueError):
    """The user's input cannot be sent (empty prompt, nothing to retry...)."""


@dataclass(frozen=True, slots=True)
class UserSaved:
    """The user's turn is on disk; the request to `bot` is about to leave."""

    message: Message
    bot: str
    attachments: tuple[Any, ...] = ()  # the files stored with it (store Attachment records)


@dataclass(frozen=True, slots=True)
class ReplyStarted:
    message_id: str
    bot: str
    params: dict[str, Any] = field(default_factory=dict)  # the bot parameters the request carried


@dataclass(frozen=True, slots=True)
class ReplyFinished:
    """`saved_chars` < len(content) when the disk refused part of it (`save_error` says why)."""

    message: Message
    save_error: str | None = None
    saved_chars: int | None = None


@dataclass(frozen=True, slots=True)
class ReplyFailed:
    """The reply ended badly: `message` is its final row (status 'error' or 'interrupted')."""

    message: Message
    error: PoeError | None
    suggestions: tuple[str, ...] = ()
    save_error: str | None = None
    saved_chars: int | None = None


@dataclass(frozen=True, slots=True)
class RecentsChanged:
    """A bot answered: the recent bots, most recent first."""

    recents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BalanceUpdated:
    """The balance after a reply; `message` is that reply with its points (`cost`) recorded."""

    points: int
    cost: int | None
    message: Message | None = None


@dataclass(frozen=True, slots=True)
class Column:
    """An event of one reply in a comparison: `index` is its column, `bot` the bot it is from."""

    index: int
    bot: str
    event: Any


ChatEvent = Union[
    UserSaved, ReplyStarted, TextDelta, ReasoningDelta, Retrying, ReplyFinished, ReplyFailed, RecentsChanged,
    BalanceUpdated, Column,
]
