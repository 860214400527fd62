"""Bot parameter values: per bot, per bot within a conversation, and per reply (as sent)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from .connection import Connection

BOT_SCOPE = ""  # the bot's own values, used where a conversation has none


def _load(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def set_values(db: Connection, clock: Callable[[], float], bot: str, values: dict[str, Any], scope: str = BOT_SCOPE) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT INTO bot_params (scope, bot, params, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (scope, bot) DO UPDATE SET params = excluded.params, updated_at = excluded.updated_at",
            (scope, bot, json.dumps(values, separators=(",", ":")), clock()),
        )


def values(db: Connection, bot: str, conversation_id: str | None = None) -> dict[str, Any]:
    """The conversation's values for `bot` when it has some, else the bot's own."""
    scopes = [s for s in (conversation_id, BOT_SCOPE) if s is not None]
    with db.read() as conn:
        for scope in scopes:
            row = conn.execute("SELECT params FROM bot_params WHERE scope = ? AND bot = ?", (scope, bot)).fetchone()
            if row is not None:
                return _load(row[0])
    return {}


def set_sent(db: Connection, message_id: str, values: dict[str, Any]) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO message_params (message_id, params) VALUES (?, ?)",
            (message_id, json.dumps(values, separators=(",", ":"))),
        )


def sent(db: Connection, message_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """message id -> the values it was sent with (only replies that had some)."""
    ids = list(message_ids)
    out: dict[str, dict[str, Any]] = {}
    with db.read() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = conn.execute(
                f"SELECT message_id, params FROM message_params WHERE message_id IN ({', '.join('?' * len(chunk))})", chunk
            ).fetchall()
            out.update((mid, _load(text)) for mid, text in rows)
    return out
