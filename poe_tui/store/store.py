"""The `Store` facade: one object the chat session, CLI and TUI hold; thin over the query modules.

Synchronous and fast (single-row statements on indexed columns); every write is committed when
the call returns. Safe to share between threads; several processes may open the same file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import attachments as _attachments
from . import caches as _caches
from . import conversations as _conversations
from . import ledger as _ledger
from . import messages as _messages
from . import params as _params
from . import search as _search
from .dbfile import move_aside
from .connection import Connection
from .migrations import migrate
from .records import Attachment, Charge, Conversation, ConversationSummary, Message, SearchHit, UsageTotal

if TYPE_CHECKING:
    import sqlite_utils

AUTO = _messages.AUTO


class Store:
    """History, search and small caches in one SQLite file (created, with its directory,
    and migrated on open). Raises `StoreError` when the file cannot be used."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._db = Connection(path)
        try:
            migrate(self._db, clock)
            _messages.recover_orphans(self._db, clock)
        except BaseException:
            self._db.close(clean=False)
            raise
        self._utils: sqlite_utils.Database | None = None

    move_aside = staticmethod(move_aside)  # keep a damaged file aside (CorruptDatabase says when)

    @property
    def path(self) -> Path | str:
        return self._db.path

    @property
    def db(self) -> sqlite_utils.Database:
        """The same connection as a `sqlite_utils.Database`, for scripts, export and tests.

        Imported on first use: sqlite-utils takes ~180 ms to import, too slow for app startup.
        It bypasses the store's lock, so use it from one thread.
        """
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self._db.conn, execute_plugins=False)
        return self._utils

    def check(self) -> None:
        """Run `PRAGMA quick_check` now (opening runs it only after an unclean close);
        raises CorruptDatabase when the file is damaged."""
        from .dbfile import check

        with self._db.read() as conn:
            check(conn, self._db.path)

    def close(self) -> None:
        self._db.close()

    @property
    def closed(self) -> bool:
        return self._db.closed

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group calls into one atomic commit (an import, a bulk load); nests as savepoints."""
        with self._db.write():
            yield self

    # conversations

    def create_conversation(
        self,
        title: str | None = None,
        system_prompt: str | None = None,
        *,
        id: str | None = None,
        created_at: float | None = None,
        updated_at: float | None = None,
        pinned: bool = False,
        archived: bool = False,
    ) -> Conversation:
        """An explicit `id` that already exists raises `StoreError` (an import then picks a new one)."""
        return _conversations.create(
            self._db, self.clock, title, system_prompt, id=id, created_at=created_at,
            updated_at=updated_at, pinned=pinned, archived=archived,
        )

    def get_conversation(self, id: str) -> Conversation | None:
        return _conversations.get(self._db, id)

    def resolve_conversation_id(self, prefix: str) -> str:
        return _conversations.resolve(self._db, prefix)

    def list_conversations(
        self, limit: int = 100, offset: int = 0, *, include_archived: bool = False,
        archived_only: bool = False,
    ) -> list[ConversationSummary]:
        return _conversations.list_(
            self._db, limit, offset, include_archived=include_archived, archived_only=archived_only
        )

    def latest_conversation_id(self) -> str | None:
        return _conversations.latest_id(self._db)

    def rename_conversation(self, id: str, title: str | None) -> None:
        _conversations.rename(self._db, self.clock, id, title)

    def set_pinned(self, id: str, pinned: bool) -> None:
        _conversations.set_pinned(self._db, id, pinned)

    def set_archived(self, id: str, archived: bool) -> None:
        _conversations.set_archived(self._db, id, archived)

    def set_system_prompt(self, id: str, text: str | None) -> None:
        _conversations.set_system_prompt(self._db, self.clock, id, text)

    def visible_leaf(self, conversation_id: str) -> str | None:
        """The last message of the branch chosen last (else of the newest one); None when empty."""
        return _messages.visible_leaf(self._db, conversation_id)

    def set_conversation_leaf(self, id: str, leaf_id: str | None) -> None:
        _conversations.set_leaf(self._db, id, leaf_id)

    def set_conversation_bot(self, id: str, bot: str | None) -> None:
        _conversations.set_bot(self._db, id, bot)

    def delete_conversation(self, id: str) -> None:
        _conversations.delete(self._db, id)

    # messages

    def add_message(self, conversation_id: str, role: str, content: str, **fields: Any) -> Message:
        """Append a message; `fields` are `messages.add`'s keywords (parent_id, bot, status,
        reasoning, error, finish_reason, token counts, points, created_at, updated_at, id).
        Leave `parent_id` out to continue the active thread, pass an id to branch, None for a root."""
        return _messages.add(self._db, self.clock, conversation_id, role, content, **fields)

    def update_message(self, id: str, **fields: Any) -> None:
        _messages.update(self._db, self.clock, id, **fields)

    def get_message(self, id: str) -> Message | None:
        return _messages.get(self._db, id)

    def get_messages(self, conversation_id: str, *, limit: int | None = None) -> list[Message]:
        """The active thread (ending at the newest message), oldest first."""
        return _messages.thread(self._db, conversation_id, None, limit=limit)

    def get_thread(
        self, conversation_id: str, leaf_id: str | None = None, *, limit: int | None = None
    ) -> list[Message]:
        return _messages.thread(self._db, conversation_id, leaf_id, limit=limit)

    def message_tree(self, conversation_id: str) -> list[tuple[str, str | None]]:
        """(id, parent_id) of every message in insertion order: which are versions of which."""
        return _messages.tree(self._db, conversation_id)

    def all_messages(self, conversation_id: str) -> list[Message]:
        """Every branch, oldest first (for export); get_messages gives the active thread."""
        return _messages.all_in_conversation(self._db, conversation_id)

    def recover_orphans(self) -> int:
        """Replies left 'streaming' by a process that died become 'interrupted' (runs on open)."""
        return _messages.recover_orphans(self._db, self.clock)

    def last_message(self, conversation_id: str) -> Message | None:
        return _messages.last(self._db, conversation_id)

    def children(self, message_id: str) -> list[Message]:
        return _messages.children(self._db, message_id)

    def siblings(self, message_id: str) -> list[Message]:
        return _messages.siblings(self._db, message_id)

    def latest_leaf(self, message_id: str) -> str:
        return _messages.latest_leaf(self._db, message_id)

    def interrupt_stale_replies(self, max_age: float = 60.0) -> int:
        return _messages.interrupt_stale(self._db, self.clock, max_age)

    # search

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        return _search.search(self._db, query, limit)

    # caches and app state

    def cache_bots(self, bots: list[dict[str, Any]]) -> None:
        _caches.cache_bots(self._db, self.clock, bots)

    def cached_bots(self) -> tuple[list[dict[str, Any]], float | None]:
        return _caches.cached_bots(self._db)

    def cache_balance(self, points: int) -> None:
        _caches.cache_balance(self._db, self.clock, points)

    def cached_balance(self) -> tuple[int, float] | None:
        return _caches.cached_balance(self._db)

    def add_recent_bot(self, name: str) -> None:
        _caches.add_recent_bot(self._db, self.clock, name)

    def recent_bots(self, limit: int = 10) -> list[str]:
        return _caches.recent_bots(self._db, limit)

    def set_favourite(self, name: str, favourite: bool) -> None:
        _caches.set_favourite(self._db, self.clock, name, favourite)

    def favourite_bots(self) -> list[str]:
        return _caches.favourite_bots(self._db)

    # attachments

    def add_attachment(
        self, message_id: str, filename: str, mime: str, data: bytes | None = None, *,
        path: str | Path | None = None,
    ) -> Attachment:
        return _attachments.add(self._db, self.clock, message_id, filename, mime, data, path=path)

    def attachments(self, message_id: str) -> list[Attachment]:
        return _attachments.for_message(self._db, message_id)

    def attachments_for(self, message_ids: list[str]) -> dict[str, list[Attachment]]:
        return _attachments.for_messages(self._db, message_ids)

    # bot parameters

    def bot_params(self, bot: str, conversation_id: str | None = None) -> dict[str, Any]:
        """The values set for `bot` in this conversation, else for the bot ({} when none)."""
        return _params.values(self._db, bot, conversation_id)

    def set_bot_params(self, bot: str, values: dict[str, Any], conversation_id: str | None = None) -> None:
        """Keep `values` for the bot, and for the bot in `conversation_id` when given."""
        with self.transaction():
            _params.set_values(self._db, self.clock, bot, values)
            if conversation_id is not None:
                _params.set_values(self._db, self.clock, bot, values, conversation_id)

    def set_sent_params(self, message_id: str, values: dict[str, Any]) -> None:
        _params.set_sent(self._db, message_id, values)

    def sent_params(self, message_ids: list[str]) -> dict[str, dict[str, Any]]:
        return _params.sent(self._db, message_ids)

    # the points ledger

    def ledger_known(self, query_ids: list[str]) -> dict[str, bool]:
        """Which of these charges the ledger holds: query_id -> still pending (0 points so far)."""
        return _ledger.known(self._db, query_ids)

    def ledger_oldest_pending(self) -> float | None:
        return _ledger.oldest_pending(self._db)

    def ledger_save(self, entries: list[Any]) -> tuple[int, int]:
        """Add new charges (PointsEntry-like), update pending ones, match them to replies: (added, updated)."""
        return _ledger.save(self._db, self.clock, entries)

    def ledger_totals(self, since: dict[str, float | None]) -> dict[str, int]:
        return _ledger.totals(self._db, since)

    def ledger_by(self, group: str, since: float | None = None, until: float | None = None) -> list[UsageTotal]:
        """Points per "day", "bot" or "conversation"."""
        return _ledger.by(self._db, group, since, until)

    def ledger_charges(self, limit: int = 200, offset: int = 0) -> list[Charge]:
        return _ledger.charges(self._db, limit, offset)

    def ledger_points_for(self, message_ids: list[str]) -> dict[str, int]:
        return _ledger.points_for(self._db, message_ids)

    def ledger_count(self) -> int:
        return _ledger.count(self._db)
