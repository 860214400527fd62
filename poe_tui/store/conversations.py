"""Conversation rows: create, read, list, resolve an id prefix, edit flags, delete.

Listing reads only this table: message count, last bot and last message time are kept on the
row by triggers (see migration 1), so the history screen never touches `messages`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .connection import Connection
from .errors import AmbiguousIdError, StoreError, UnknownIdError
from .ids import MIN_PREFIX, new_id, prefix_upper_bound
from .records import Conversation, ConversationSummary, columns

_SUMMARY_FIELDS = columns(ConversationSummary)
_FIELDS = columns(Conversation)
_SUMMARY_COLUMNS = ", ".join(_SUMMARY_FIELDS)
_COLUMNS = ", ".join(_FIELDS)
_FLAGS = ("pinned", "archived")  # stored as 0/1


def _record(cls: type, fields: tuple[str, ...], row: tuple):
    data = dict(zip(fields, row))
    for flag in _FLAGS:
        data[flag] = bool(data[flag])
    return cls(**data)


def _conversation(row: tuple) -> Conversation:
    return _record(Conversation, _FIELDS, row)


def _summary(row: tuple) -> ConversationSummary:
    return _record(ConversationSummary, _SUMMARY_FIELDS, row)


def create(
    db: Connection,
    clock: Callable[[], float],
    title: str | None = None,
    system_prompt: str | None = None,
    *,
    id: str | None = None,
    created_at: float | None = None,
    updated_at: float | None = None,
    pinned: bool = False,
    archived: bool = False,
) -> Conversation:
    now = clock()
    created = now if created_at is None else float(created_at)
    updated = created if updated_at is None else float(updated_at)
    with db.write() as conn:
        for attempt in range(5):
            cid = id or new_id(clock)
            try:
                conn.execute(
                    "INSERT INTO conversations (id, title, system_prompt, pinned, archived,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (cid, title, system_prompt, int(pinned), int(archived), created, updated),
                )
                break
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" not in str(exc):
                    raise StoreError(f"cannot store that conversation: {exc}") from exc
                if id is not None:
                    raise StoreError(f"a conversation with id {id!r} already exists") from exc
                if attempt == 4:
                    raise
        row = conn.execute(f"SELECT {_COLUMNS} FROM conversations WHERE id = ?", (cid,)).fetchone()
    return _conversation(row)


def get(db: Connection, conversation_id: str) -> Conversation | None:
    with db.read() as conn:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
    return _conversation(row) if row else None


def resolve(db: Connection, prefix: str) -> str:
    """The one conversation id starting with `prefix` (at least 4 characters)."""
    text = prefix.strip()
    with db.read() as conn:
        if conn.execute("SELECT 1 FROM conversations WHERE id = ?", (text,)).fetchone():
            return text
        text = text.lower()
        if len(text) < MIN_PREFIX:
            raise UnknownIdError(
                f"conversation id prefix {prefix!r} is too short: give at least {MIN_PREFIX} characters"
            )
        rows = conn.execute(
            "SELECT id FROM conversations WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
            (text, prefix_upper_bound(text)),
        ).fetchall()
    if not rows:
        raise UnknownIdError(f"no conversation id starts with {prefix!r}")
    if len(rows) > 1:
        ids = [r[0] for r in rows]
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        raise AmbiguousIdError(
            f"conversation id prefix {prefix!r} is ambiguous: it matches {shown}; type more characters",
            ids[:5],
        )
    return rows[0][0]


def list_(
    db: Connection,
    limit: int = 100,
    offset: int = 0,
    *,
    include_archived: bool = False,
    archived_only: bool = False,
) -> list[ConversationSummary]:
    """Pinned first, then most recently updated first."""
    if archived_only:
        where = "WHERE archived = 1"
    elif include_archived:
        where = ""
    else:
        where = "WHERE archived = 0"
    with db.read() as conn:
        rows = conn.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM conversations {where}"
            " ORDER BY pinned DESC, updated_at DESC, seq DESC LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
    return [_summary(r) for r in rows]


def latest_id(db: Connection) -> str | None:
    """The most recently updated conversation that is not archived."""
    with db.read() as conn:
        # `+archived` keeps the planner on the updated_at index (newest first, stop at the
        # first unarchived row) instead of sorting every unarchived conversation.
        row = conn.execute(
            "SELECT id FROM conversations WHERE +archived = 0"
            " ORDER BY updated_at DESC, seq DESC LIMIT 1"
        ).fetchone()
    return row[0] if row else None


def _set(db: Connection, conversation_id: str, assignments: str, params: tuple) -> None:
    with db.write() as conn:
        cur = conn.execute(
            f"UPDATE conversations SET {assignments} WHERE id = ?", (*params, conversation_id)
        )
        if cur.rowcount == 0:
            raise UnknownIdError(f"no conversation {conversation_id!r}")


def rename(db: Connection, clock: Callable[[], float], conversation_id: str, title: str | None) -> None:
    _set(db, conversation_id, "title = ?, updated_at = max(updated_at, ?)", (title, clock()))


def set_system_prompt(
    db: Connection, clock: Callable[[], float], conversation_id: str, text: str | None
) -> None:
    _set(db, conversation_id, "system_prompt = ?, updated_at = max(updated_at, ?)", (text, clock()))


def set_leaf(db: Connection, conversation_id: str, leaf_id: str | None) -> None:
    """The branch on screen (its last message): what reopening and export show."""
    _set(db, conversation_id, "leaf_id = ?", (leaf_id,))


def set_bot(db: Connection, conversation_id: str, bot: str | None) -> None:
    """The bot the user chose: what reopening the conversation selects again."""
    _set(db, conversation_id, "bot = ?", (bot,))


def set_pinned(db: Connection, conversation_id: str, pinned: bool) -> None:
    """View state: does not change updated_at, so the list order stays put."""
    _set(db, conversation_id, "pinned = ?", (int(bool(pinned)),))


def set_archived(db: Connection, conversation_id: str, archived: bool) -> None:
    _set(db, conversation_id, "archived = ?", (int(bool(archived)),))


def delete(db: Connection, conversation_id: str) -> None:
    """Messages, attachments and search entries go with it (cascades and triggers)."""
    with db.write() as conn:
        cur = conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
        if cur.rowcount == 0:
            raise UnknownIdError(f"no conversation {conversation_id!r}")
