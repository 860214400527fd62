"""Small app state: the last bot list and balance (shown before the network answers),
recently used bots and favourites.

The bot list is kept as the raw JSON dicts the API returned, so parsing improvements in the
client apply to cached data too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .connection import Connection

RECENT_KEEP = 50


def _put(db: Connection, key: str, value: Any, fetched_at: float) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT INTO cache (key, value, fetched_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value, fetched_at = excluded.fetched_at",
            (key, json.dumps(value, separators=(",", ":")), fetched_at),
        )


def _get(db: Connection, key: str) -> tuple[Any, float] | None:
    with db.read() as conn:
        row = conn.execute("SELECT value, fetched_at FROM cache WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0]), row[1]
    except ValueError:
        return None


def cache_bots(db: Connection, clock: Callable[[], float], bots: list[dict[str, Any]]) -> None:
    _put(db, "bots", list(bots), clock())


def cached_bots(db: Connection) -> tuple[list[dict[str, Any]], float | None]:
    """(bots, fetched_at); ([], None) when nothing was ever cached."""
    got = _get(db, "bots")
    if got is None or not isinstance(got[0], list):
        return [], None
    return [b for b in got[0] if isinstance(b, dict)], got[1]


def cache_balance(db: Connection, clock: Callable[[], float], points: int) -> None:
    _put(db, "balance", {"points": int(points)}, clock())


def cached_balance(db: Connection) -> tuple[int, float] | None:
    got = _get(db, "balance")
    if got is None or not isinstance(got[0], dict) or not isinstance(got[0].get("points"), int):
        return None
    return got[0]["points"], got[1]


def add_recent_bot(db: Connection, clock: Callable[[], float], name: str) -> None:
    """Move `name` to the front (case-insensitively the same bot), keeping the newest few."""
    with db.write() as conn:
        conn.execute("DELETE FROM recent_bots WHERE name = ?", (name,))
        conn.execute("INSERT INTO recent_bots (name, used_at) VALUES (?, ?)", (name, clock()))
        conn.execute(
            "DELETE FROM recent_bots WHERE seq NOT IN"
            " (SELECT seq FROM recent_bots ORDER BY seq DESC LIMIT ?)",
            (RECENT_KEEP,),
        )


def recent_bots(db: Connection, limit: int = 10) -> list[str]:
    with db.read() as conn:
        rows = conn.execute(
            "SELECT name FROM recent_bots ORDER BY seq DESC LIMIT ?", (limit,)
        ).fetchall()
    return [r[0] for r in rows]


def set_favourite(db: Connection, clock: Callable[[], float], name: str, favourite: bool) -> None:
    with db.write() as conn:
        if favourite:
            conn.execute(
                "INSERT INTO favourite_bots (name, added_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (name, clock()),
            )
        else:
            conn.execute("DELETE FROM favourite_bots WHERE name = ?", (name,))


def favourite_bots(db: Connection) -> list[str]:
    """In the order they were added."""
    with db.read() as conn:
        return [r[0] for r in conn.execute("SELECT name FROM favourite_bots ORDER BY seq")]
