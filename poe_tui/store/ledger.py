"""The points ledger: every charge the service reported, kept beyond its 30 days, each joined to
the reply that spent it where one can be found, and summed by day, bot and conversation.

A charge is matched to a reply by bot and time: the service records it while the reply streams,
so it falls between the reply row's creation and its last write. How sure the match is gets
recorded: `exact` (the only reply in that window, and the points agree with what the balance
showed), `likely` (the only reply in that window), `weak` (several candidates, or only close).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from .connection import Connection
from .records import Charge, UsageTotal

PENDING_FOR = 3600.0  # a 0-point entry younger than this (when fetched) is fetched again later
MATCH_BEFORE = 5.0  # seconds a charge may precede its reply row (clocks differ a little)
MATCH_AFTER = 30.0  # ... and follow the reply's last write
MATCH_NEAR = 120.0  # outside the window but this close: a weak match
RETRY_MATCH_FOR = 2 * 86_400.0  # unmatched charges this young are matched again (a late reply row)
BY = ("day", "bot", "conversation")

_CHARGE_SQL = """
    SELECT l.query_id, l.bot_name, l.created_at, l.usage_type, l.cost_points, l.pending,
           l.message_id, l.match, m.conversation_id, c.title
    FROM ledger AS l
    LEFT JOIN messages AS m ON m.id = l.message_id
    LEFT JOIN conversations AS c ON c.id = m.conversation_id
"""


def _charge(row: tuple) -> Charge:
    return Charge(*row[:5], bool(row[5]), *row[6:])


def known(db: Connection, query_ids: Sequence[str]) -> dict[str, bool]:
    """Which of these charges the ledger holds: query_id -> still pending."""
    if not query_ids:
        return {}
    with db.read() as conn:
        rows = conn.execute(
            f"SELECT query_id, pending FROM ledger WHERE query_id IN ({', '.join('?' * len(query_ids))})",
            list(query_ids),
        ).fetchall()
    return {q: bool(p) for q, p in rows}


def oldest_pending(db: Connection) -> float | None:
    """The time of the oldest charge still waiting for its real cost (a refresh reaches back to it)."""
    with db.read() as conn:
        return conn.execute("SELECT min(created_at) FROM ledger WHERE pending").fetchone()[0]


_COLUMNS = ("query_id", "bot_name", "created_at", "usage_type", "cost_points", "cost_usd", "breakdown", "pending", "fetched_at")
_UPSERT = (
    f"INSERT INTO ledger ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    f" ON CONFLICT (query_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _COLUMNS[1:])}"
    " WHERE ledger.pending"  # a settled charge is never rewritten
)


def save(db: Connection, clock: Callable[[], float], entries: Sequence[Any]) -> tuple[int, int]:
    """Add new charges and update pending ones, in one transaction, then match them to replies.
    `entries` have the client's PointsEntry fields. Returns (added, updated)."""
    now = clock()
    added = updated = 0
    fresh: list[str] = []
    with db.write() as conn:
        held: dict[str, bool] = {}
        for start in range(0, len(entries), 500):
            held |= known(db, [e.query_id for e in entries[start:start + 500]])
        for e in entries:
            if held.get(e.query_id) is False:
                continue
            created = e.creation_time_us / 1_000_000
            pending = int(e.cost_points == 0 and now - created < PENDING_FOR)
            conn.execute(_UPSERT, (e.query_id, e.bot_name, created, e.usage_type, e.cost_points, e.cost_usd,
                                   json.dumps(e.cost_breakdown, separators=(",", ":")), pending, now))
            if e.query_id in held:
                updated += 1
            else:
                added += 1
                fresh.append(e.query_id)
            held[e.query_id] = bool(pending)
        _match(conn, now, fresh)
    return added, updated


def _match(conn: Any, now: float, fresh: list[str]) -> int:
    """Join unmatched charges (the fresh ones and the recent ones) to the replies that spent them."""
    marks = ", ".join("?" * len(fresh))
    rows = conn.execute(
        "SELECT query_id, lower(bot_name), created_at, cost_points FROM ledger"
        " WHERE message_id IS NULL AND usage_type IN ('API', '')"
        f" AND (created_at >= ? {f'OR query_id IN ({marks})' if fresh else ''}) ORDER BY created_at",
        (now - RETRY_MATCH_FOR, *fresh),
    ).fetchall()
    if not rows:
        return 0
    lo = rows[0][2] - MATCH_AFTER - MATCH_NEAR - 86_400  # a reply may stream for a long time
    hi = rows[-1][2] + MATCH_BEFORE + MATCH_NEAR
    replies = conn.execute(
        "SELECT id, lower(bot), created_at, updated_at, points FROM messages"
        " WHERE role = 'assistant' AND created_at BETWEEN ? AND ? AND bot IS NOT NULL"
        " AND id NOT IN (SELECT message_id FROM ledger WHERE message_id IS NOT NULL)",
        (lo, hi),
    ).fetchall()
    by_bot: dict[str, list[tuple]] = {}
    for r in replies:
        by_bot.setdefault(r[1], []).append(r)
    taken: set[str] = set()
    found = 0
    for query_id, bot, at, cost in rows:
        scored = []
        for mid, _, start, end, points in by_bot.get(bot, ()):
            if mid in taken:
                continue
            off = max(start - MATCH_BEFORE - at, at - end - MATCH_AFTER, 0.0)
            if off <= MATCH_NEAR:
                scored.append((off, abs(at - end), mid, points))
        if not scored:
            continue
        scored.sort()
        off, _, mid, points = scored[0]
        inside = sum(1 for s in scored if s[0] == 0)
        if off == 0 and inside == 1:
            how = "exact" if points == cost and cost else "likely"
        else:
            how = "weak"
        conn.execute("UPDATE ledger SET message_id = ?, match = ? WHERE query_id = ?", (mid, how, query_id))
        taken.add(mid)
        found += 1
    return found


def totals(db: Connection, since: dict[str, float | None]) -> dict[str, int]:
    """Points charged since each named time (None: all time), in one pass."""
    names = list(since)
    sums = ", ".join(
        "coalesce(sum(cost_points), 0)" if since[n] is None else "coalesce(sum(CASE WHEN created_at >= ? THEN cost_points END), 0)"
        for n in names
    )
    with db.read() as conn:
        row = conn.execute(f"SELECT {sums} FROM ledger", [since[n] for n in names if since[n] is not None]).fetchone()
    return dict(zip(names, row))


def by(db: Connection, group: str, since: float | None = None, until: float | None = None) -> list[UsageTotal]:
    """Points per day (oldest first, local dates), per bot or per conversation (most first)."""
    if group not in BY:
        raise ValueError(f"usage is grouped by {', '.join(BY)}, not {group!r}")
    where, args = "WHERE l.created_at >= ? AND l.created_at < ?", [since or 0.0, until or 1e18]
    if group == "day":
        day = "date(l.created_at, 'unixepoch', 'localtime')"
        sql = f"SELECT {day}, {day}, sum(l.cost_points), count(*) FROM ledger AS l {where} GROUP BY 1 ORDER BY 1"
    elif group == "bot":
        sql = ("SELECT l.bot_name, l.bot_name, sum(l.cost_points) AS p, count(*)"
               f" FROM ledger AS l {where} GROUP BY l.bot_name ORDER BY p DESC, l.bot_name")
    else:
        sql = ("SELECT m.conversation_id, coalesce(c.title, ''), sum(l.cost_points) AS p, count(*)"
               " FROM ledger AS l LEFT JOIN messages AS m ON m.id = l.message_id"
               f" LEFT JOIN conversations AS c ON c.id = m.conversation_id {where}"
               " GROUP BY m.conversation_id ORDER BY p DESC")
    with db.read() as conn:
        return [UsageTotal(*row) for row in conn.execute(sql, args)]


def charges(db: Connection, limit: int = 200, offset: int = 0) -> list[Charge]:
    """The ledger, newest first, each with its reply's conversation."""
    with db.read() as conn:
        rows = conn.execute(f"{_CHARGE_SQL} ORDER BY l.created_at DESC LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    return [_charge(r) for r in rows]


def count(db: Connection) -> int:
    with db.read() as conn:
        return conn.execute("SELECT count(*) FROM ledger").fetchone()[0]


def points_for(db: Connection, message_ids: list[str]) -> dict[str, int]:
    """The points the ledger matched to each of these replies (those it has matched)."""
    if not message_ids:
        return {}
    marks = ",".join("?" * len(message_ids))
    with db.read() as conn:
        rows = conn.execute(
            f"SELECT message_id, sum(cost_points) FROM ledger WHERE message_id IN ({marks}) AND pending = 0"
            " GROUP BY message_id",
            message_ids,
        ).fetchall()
    return {mid: int(points) for mid, points in rows}
