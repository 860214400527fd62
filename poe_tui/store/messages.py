"""Message rows and the tree they form through `parent_id`.

A conversation is a tree: editing an earlier turn or regenerating a reply adds a sibling rather
than rewriting history. The "active thread" is the path from a root to a leaf; by default the
leaf is the newest message, so whatever was written last is what the user sees.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Callable
from typing import Any

from .connection import Connection
from .errors import StoreError, UnknownIdError
from .ids import new_id
from .records import ROLES, STATUSES, Message, columns


class _Auto:
    def __repr__(self) -> str:
        return "AUTO"


AUTO: Any = _Auto()
"""Default `parent_id`: append to the active thread (child of the conversation's newest message)."""

FIELDS = columns(Message)
COLUMNS = ", ".join(FIELDS)
UPDATABLE = frozenset(
    {
        "content", "reasoning", "status", "error", "finish_reason",
        "prompt_tokens", "completion_tokens", "total_tokens", "points",
    }
)
# Walks parent links up from a leaf; `depth` lets a limit stop the walk early.
_THREAD_SQL = f"""
    WITH RECURSIVE up (seq, parent_id, depth) AS (
        SELECT seq, parent_id, 0 FROM messages WHERE id = :leaf AND conversation_id = :conv
        UNION ALL
        SELECT m.seq, m.parent_id, up.depth + 1 FROM messages AS m JOIN up ON m.id = up.parent_id
        WHERE up.depth + 1 < :limit
    )
    SELECT {", ".join("m." + c for c in FIELDS)}
    FROM up JOIN messages AS m ON m.seq = up.seq ORDER BY up.depth DESC
"""
_NO_LIMIT = 1 << 62


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")


def add(
    db: Connection,
    clock: Callable[[], float],
    conversation_id: str,
    role: str,
    content: str,
    *,
    parent_id: str | None = AUTO,
    bot: str | None = None,
    status: str = "complete",
    reasoning: str = "",
    error: str | None = None,
    finish_reason: str | None = None,
    prompt_tokens: int | None = None,
    completion_tokens: int | None = None,
    total_tokens: int | None = None,
    points: int | None = None,
    created_at: float | None = None,
    updated_at: float | None = None,
    id: str | None = None,
) -> Message:
    """Append a message. Leave `parent_id` out to continue the active thread (reply to the
    newest message); pass a message id to branch from it, or None for a new root. An explicit
    `id` that exists raises StoreError; times default to now."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    _check_status(status)
    created = clock() if created_at is None else float(created_at)
    record = Message(
        id=id or "", conversation_id=conversation_id, parent_id=None, role=role, content=content or "",
        reasoning=reasoning or "", bot=bot, status=status, error=error, finish_reason=finish_reason,
        prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, total_tokens=total_tokens,
        points=points, created_at=created, updated_at=created if updated_at is None else float(updated_at),
    )
    with db.write() as conn:
        if parent_id is AUTO:
            row = conn.execute(
                "SELECT id FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1",
                (conversation_id,),
            ).fetchone()
            parent_id = row[0] if row else None
        elif parent_id is not None:
            row = conn.execute(
                "SELECT conversation_id FROM messages WHERE id = ?", (parent_id,)
            ).fetchone()
            if row is None:
                raise UnknownIdError(f"no message {parent_id!r} to reply to")
            if row[0] != conversation_id:
                raise ValueError(f"message {parent_id!r} belongs to another conversation")
        record.parent_id = parent_id
        writer = WRITER if status == "streaming" else None
        for attempt in range(5):
            record.id = id or new_id(clock)
            try:
                conn.execute(
                    f"INSERT INTO messages ({COLUMNS}, writer) VALUES ({', '.join('?' * (len(FIELDS) + 1))})",
                    (*(getattr(record, f) for f in FIELDS), writer),
                )
                break
            except sqlite3.IntegrityError as exc:
                if "FOREIGN KEY" in str(exc):
                    raise UnknownIdError(f"no conversation {conversation_id!r}") from exc
                if id is not None:
                    raise StoreError(f"a message with id {id!r} already exists") from exc
                if attempt == 4:
                    raise
    return record


def update(db: Connection, clock: Callable[[], float], message_id: str, **fields: Any) -> None:
    """Cheap enough to call on every streaming flush: one row, one statement, one commit."""
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise TypeError(f"cannot update message field(s): {', '.join(sorted(unknown))}")
    if "status" in fields:
        _check_status(fields["status"])
    for text_field in ("content", "reasoning"):
        if text_field in fields and fields[text_field] is None:
            fields[text_field] = ""
    names = list(fields)
    assignments = ", ".join(f"{n} = ?" for n in names + ["updated_at"])
    with db.write() as conn:
        cur = conn.execute(
            f"UPDATE messages SET {assignments} WHERE id = ?",
            (*(fields[n] for n in names), clock(), message_id),
        )
        if cur.rowcount == 0:
            raise UnknownIdError(f"no message {message_id!r}")


def get(db: Connection, message_id: str) -> Message | None:
    with db.read() as conn:
        row = conn.execute(f"SELECT {COLUMNS} FROM messages WHERE id = ?", (message_id,)).fetchone()
    return Message(*row) if row else None


def last(db: Connection, conversation_id: str) -> Message | None:
    """The newest message of the conversation (on whichever branch)."""
    with db.read() as conn:
        row = conn.execute(
            f"SELECT {COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1",
            (conversation_id,),
        ).fetchone()
    return Message(*row) if row else None


_VISIBLE_LEAF_SQL = """
    SELECT coalesce(
        (SELECT m.id FROM conversations AS c JOIN messages AS m ON m.id = c.leaf_id
         WHERE c.id = ? AND m.conversation_id = c.id),
        (SELECT id FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1)
    )
"""


def visible_leaf(db: Connection, conversation_id: str) -> str | None:
    with db.read() as conn:
        row = conn.execute(_VISIBLE_LEAF_SQL, (conversation_id, conversation_id)).fetchone()
    return row[0] if row else None


def thread(
    db: Connection, conversation_id: str, leaf_id: str | None = None, *, limit: int | None = None
) -> list[Message]:
    """Root-to-leaf path, oldest first; `limit` keeps the last N (the walk stops there, so the
    last 200 of a 5,000-message thread cost 200 index lookups). Empty for an empty conversation."""
    if limit is not None and limit <= 0:
        return []
    with db.snapshot() as conn:
        if leaf_id is None:  # the branch chosen last, else the newest message's
            row = conn.execute(_VISIBLE_LEAF_SQL, (conversation_id, conversation_id)).fetchone()
            if row is None or row[0] is None:
                return []
            leaf_id = row[0]
        rows = conn.execute(
            _THREAD_SQL,
            {"leaf": leaf_id, "conv": conversation_id, "limit": _NO_LIMIT if limit is None else limit},
        ).fetchall()
    if not rows:
        raise UnknownIdError(f"no message {leaf_id!r} in conversation {conversation_id!r}")
    return [Message(*r) for r in rows]


def children(db: Connection, message_id: str) -> list[Message]:
    """Direct replies to a message, oldest first."""
    with db.read() as conn:
        rows = conn.execute(
            f"SELECT {COLUMNS} FROM messages WHERE parent_id = ? ORDER BY seq", (message_id,)
        ).fetchall()
    return [Message(*r) for r in rows]


def siblings(db: Connection, message_id: str) -> list[Message]:
    """The message and its alternatives (same parent), oldest first: the "2/3" of a branch."""
    with db.read() as conn:
        row = conn.execute(
            "SELECT conversation_id, parent_id FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is None:
            raise UnknownIdError(f"no message {message_id!r}")
        conv, parent = row
        if parent is None:
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM messages WHERE conversation_id = ? AND parent_id IS NULL"
                " ORDER BY seq",
                (conv,),
            ).fetchall()
        else:
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM messages WHERE parent_id = ? ORDER BY seq", (parent,)
            ).fetchall()
    return [Message(*r) for r in rows]


def latest_leaf(db: Connection, message_id: str) -> str:
    """The newest message in the subtree under `message_id` (itself when it has no replies):
    the leaf to show when the user switches to that branch."""
    with db.read() as conn:
        row = conn.execute(
            """
            WITH RECURSIVE down (seq, id) AS (
                SELECT seq, id FROM messages WHERE id = ?
                UNION ALL
                SELECT m.seq, m.id FROM messages AS m JOIN down ON m.parent_id = down.id
            )
            SELECT id FROM down ORDER BY seq DESC LIMIT 1
            """,
            (message_id,),
        ).fetchone()
    if row is None:
        raise UnknownIdError(f"no message {message_id!r}")
    return row[0]


WRITER = f"{socket.gethostname()}:{os.getpid()}"
ORPHAN_ERROR = "The app stopped before the reply was complete."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but not ours to signal
        return True
    return True


def recover_orphans(db: Connection, clock: Callable[[], float], max_age: float = 600.0) -> int:
    """Mark 'streaming' replies whose writer process is gone as 'interrupted', keeping their text.

    A writer on this host is checked by pid; one from another host (a shared home directory) or
    unknown is presumed dead only after `max_age` seconds without a flush. Cheap: the partial
    index on streaming rows makes this one tiny query when nothing is streaming.
    """
    with db.read() as conn:
        rows = conn.execute(
            "SELECT id, writer, updated_at FROM messages WHERE status = 'streaming'"
        ).fetchall()
    if not rows:
        return 0
    host = socket.gethostname()
    now = clock()
    orphans = []
    for mid, writer, updated in rows:
        w_host, _, w_pid = (writer or "").rpartition(":")
        if w_host == host and w_pid.isdigit():
            if not _alive(int(w_pid)):
                orphans.append(mid)
        elif updated < now - max_age:
            orphans.append(mid)
    if not orphans:
        return 0
    with db.write() as conn:
        conn.executemany(
            "UPDATE messages SET status = 'interrupted', error = coalesce(error, ?), updated_at = ?"
            " WHERE id = ? AND status = 'streaming'",
            [(ORPHAN_ERROR, now, mid) for mid in orphans],
        )
    return len(orphans)


def all_in_conversation(db: Connection, conversation_id: str) -> list[Message]:
    """Every message, every branch, in insertion order (what an export must carry)."""
    with db.read() as conn:
        rows = conn.execute(
            f"SELECT {COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY seq", (conversation_id,)
        ).fetchall()
    return [Message(*r) for r in rows]


def tree(db: Connection, conversation_id: str) -> list[tuple[str, str | None]]:
    """(id, parent_id) of every message, in insertion order: the shape of the branches."""
    with db.read() as conn:
        return conn.execute(
            "SELECT id, parent_id FROM messages WHERE conversation_id = ? ORDER BY seq", (conversation_id,)
        ).fetchall()


def interrupt_stale(db: Connection, clock: Callable[[], float], max_age: float) -> int:
    """Mark replies still 'streaming' but untouched for `max_age` seconds as 'interrupted'
    (the process writing them died). Returns how many."""
    now = clock()
    with db.write() as conn:
        cur = conn.execute(
            "UPDATE messages SET status = 'interrupted', updated_at = ?"
            " WHERE status = 'streaming' AND updated_at < ?",
            (now, now - max_age),
        )
        return cur.rowcount
