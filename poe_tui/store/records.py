"""Plain records the store returns; frozen so the UI can hold them without copying.

A record's field names are its table's column names: the query modules build their SELECT and
INSERT lists from `columns(Record)`, so a field added here is one edit, not two kept in step.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

ROLES = ("system", "user", "assistant")
STATUSES = ("complete", "streaming", "interrupted", "error")


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """What listing returns: only columns of the conversation row, never messages."""

    id: str
    title: str | None
    created_at: float
    updated_at: float
    pinned: bool
    archived: bool
    last_bot: str | None
    message_count: int
    last_message_at: float | None
    bot: str | None = None  # the bot the user chose (None: older rows; `last_bot` stands in)
    points: int = 0  # what its replies cost

    @property
    def shown_bot(self) -> str | None:
        return self.bot or self.last_bot


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    title: str | None
    created_at: float
    updated_at: float
    pinned: bool
    archived: bool
    last_bot: str | None
    message_count: int
    last_message_at: float | None
    system_prompt: str | None
    bot: str | None = None  # the bot the user chose (None: older rows; `last_bot` stands in)
    points: int = 0  # what its replies cost

    @property
    def shown_bot(self) -> str | None:
        return self.bot or self.last_bot


@dataclass(slots=True)
class Message:
    """Not frozen on purpose: a frozen 16-field record costs ~5 us to build, 25 ms for a
    5,000-message thread. Treat it as a snapshot; writes go through the store."""

    id: str
    conversation_id: str
    parent_id: str | None
    role: str
    content: str
    reasoning: str
    bot: str | None
    status: str
    error: str | None
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None
    points: int | None
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class Attachment:
    id: str
    message_id: str
    filename: str
    mime: str
    size: int
    data: bytes | None = field(repr=False)
    path: str | None
    created_at: float


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result. `snippet` is plain text; `highlights` are [start, end) character
    ranges into it, so a UI that renders markup can escape the text and style the ranges.
    `rank` is bm25: lower is better. `message_id` is None when the title matched."""

    conversation_id: str
    conversation_title: str | None
    message_id: str | None
    role: str | None
    bot: str | None
    snippet: str
    highlights: list[tuple[int, int]]
    rank: float
    created_at: float

    def parts(self) -> list[tuple[str, bool]]:
        """The snippet cut into (text, highlighted) pieces, in order, none empty."""
        out: list[tuple[str, bool]] = []
        pos = 0
        for start, end in self.highlights:
            if start > pos:
                out.append((self.snippet[pos:start], False))
            if end > start:
                out.append((self.snippet[start:end], True))
            pos = end
        if pos < len(self.snippet):
            out.append((self.snippet[pos:], False))
        return out


MATCHES = ("exact", "likely", "weak")  # how sure the ledger is that a charge paid for a reply


@dataclass(frozen=True, slots=True)
class Charge:
    """One entry of the points ledger, with the reply it paid for when one was found.
    `pending`: the service still showed 0 points for it; a later refresh fetches it again."""

    query_id: str
    bot_name: str
    created_at: float
    usage_type: str
    cost_points: int
    pending: bool
    message_id: str | None
    match: str | None  # one of MATCHES, or None
    conversation_id: str | None
    conversation_title: str | None


@dataclass(frozen=True, slots=True)
class UsageTotal:
    """Points of one group of charges: a day ('2026-11-30'), a bot, or a conversation
    (`key` None: charges no reply here explains, e.g. made in the Poe app)."""

    key: str | None
    label: str
    points: int
    charges: int


def columns(record: type) -> tuple[str, ...]:
    """The record's fields in order: the column list to SELECT (rows then build it positionally)."""
    return tuple(f.name for f in dataclasses.fields(record))
